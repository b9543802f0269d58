"""The teacher's undertaking not to let students work under their login (the school's
order): each teacher confirms it in the portal; the director sees who has and who has not.

The text is the portal's own, kept here with its version (not an order of the documents
area, which principals do not import): a change of wording raises ``VERSION``, and a
confirmation counts only for the version it was given for, as an acknowledgement of an
order counts for its signed version. A confirmation is kept on the user with its time and
the address it came from, and audited.
"""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ejportal.core.actions import Action
from ejportal.core.audit import record
from ejportal.core.content import now
from ejportal.core.errors import Forbidden
from ejportal.core.registry import DashboardPart
from ejportal.core.responses import json_response
from ejportal.i18n import _, format_date
from ejportal.paths import template
from ejportal.principals.sessions import client_address
from ejportal.security import OWN_ACCOUNT, VIEW_CONTROL
from ejportal.site.resources import Portal, get_portal, portal_address

VERSION = 1
TEXT = _('undertaking-text',
         default='I undertake not to let students work in the electronic journal under my '
                 'login: not to tell anyone my password, not to leave a session open where '
                 'students can reach it, and to end it when I leave the computer. I know '
                 'that every entry made under my login is mine.')
# who must confirm: those who keep journals
BOUND_ROLES = ('teacher', 'class_teacher')


def is_bound(user):
    return user.enabled and any(role in BOUND_ROLES for role in user.roles)


def confirmation(user):
    """The user's confirmation of the current version ({'version', 'time', 'address'}),
    or None."""
    for item in reversed(user.undertakings or ()):
        if item['version'] == VERSION:
            return item
    return None


class ConfirmUndertaking(Action):
    """``ConfirmUndertaking(user, request)()``: the user confirms the current version."""

    permission = None  # one's own account: the view asks OWN_ACCOUNT
    system_allowed = False

    def deserialize(self, data):
        return {}

    def check(self, appstruct):
        if not is_bound(self.context):
            raise Forbidden(_('Only teachers give this undertaking.'))

    def perform(self, appstruct):
        user = self.context
        found = confirmation(user)
        if found is not None:
            return found
        item = {'version': VERSION, 'time': now(),
                'address': client_address(self.request) if self.request is not None else ''}
        user.undertakings = tuple(user.undertakings or ()) + (item,)
        record(user, 'undertaking-confirm', {'version': VERSION})
        return item


def confirmation_json(item):
    if item is None:
        return None
    return {'version': item['version'], 'time': item['time'].isoformat()}


def teachers_status(portal):
    """[(user, confirmation or None)] of every teacher, by name."""
    users = [u for u in portal['people']['users'].values() if is_bound(u)]
    users.sort(key=lambda u: u.fullname)
    return [(u, confirmation(u)) for u in users]


# -- the doors ---------------------------------------------------------------------------
@view_config(context=Portal, name='undertaking', permission=OWN_ACCOUNT,
             request_method='GET', renderer=template('principals/undertaking.pt'))
def undertaking_page(context, request):
    user = request.user
    return {'title': _('Undertaking'), 'text': TEXT, 'version': VERSION,
            'bound': is_bound(user), 'confirmed': confirmation(user)}


@view_config(context=Portal, name='undertaking', permission=OWN_ACCOUNT,
             request_method='POST')
def undertaking_confirm(context, request):
    ConfirmUndertaking(request.user, request)()
    request.session.flash(_('Thank you: your undertaking is recorded.'), 'success')
    return HTTPSeeOther(portal_address(request) + '/@@start')


@view_config(context=Portal, name='@undertaking', permission=OWN_ACCOUNT,
             request_method='GET')
def undertaking_get(context, request):
    """``{"version", "text", "bound", "confirmed": {"version", "time"} | null}``."""
    user = request.user
    return json_response({'version': VERSION, 'text': request.localizer.translate(TEXT),
                          'bound': is_bound(user),
                          'confirmed': confirmation_json(confirmation(user))})


@view_config(context=Portal, name='@undertaking', permission=OWN_ACCOUNT,
             request_method='POST')
def undertaking_post(context, request):
    return json_response({'confirmed': confirmation_json(
        ConfirmUndertaking(request.user, request)())})


@view_config(context=Portal, name='@undertakings', permission=VIEW_CONTROL,
             request_method='GET')
def undertakings_get(context, request):
    """The director's list: ``{"version", "items": [{"login", "fullname", "confirmed"}]}``."""
    return json_response({'version': VERSION, 'items': [
        {'login': u.__name__, 'fullname': u.fullname, 'confirmed': confirmation_json(c)}
        for u, c in teachers_status(get_portal(request))]})


# -- the start page ----------------------------------------------------------------------
def my_undertaking_panel(request):
    """A teacher who has not confirmed the current version is asked to."""
    user = request.user
    if user is None or not is_bound(user) or confirmation(user) is not None:
        return None
    return {'title': _('Your undertaking'), 'empty': '',
            'items': [{'title': request.localizer.translate(
                _('Confirm that students never work under your login')),
                'url': portal_address(request) + '/@@undertaking'}]}


def undertakings_panel(request):
    """The director (and the deputies) see who has confirmed and who has not."""
    if request.user is None or not request.has_permission(VIEW_CONTROL, request.context):
        return None
    translate = request.localizer.translate
    status = teachers_status(get_portal(request))
    status.sort(key=lambda pair: pair[1] is not None)  # who has not, first
    items = []
    for user, item in status:
        note = translate(_('confirmed ${date}', mapping={
            'date': format_date(item['time'].date())})) if item else translate(
            _('not confirmed'))
        items.append({'title': user.fullname, 'note': note,
                      'url': portal_address(request) + '/@@undertaking'})
    return {'title': _('Undertakings of teachers not to let students use their login'),
            'items': items, 'empty': _('No teachers.')}


def undertakings_part(request):
    """The director's dashboard: who has confirmed the undertaking and who has not."""
    status = teachers_status(get_portal(request))
    status.sort(key=lambda pair: pair[1] is not None)  # who has not, first
    rows = [[user.fullname, format_date(item['time'].date()) if item else
             _('not confirmed')] for user, item in status]
    confirmed = sum(1 for _user, item in status if item is not None)
    return DashboardPart(
        name='undertakings',
        title=_('Undertakings of teachers not to let students use their login'),
        columns=(_('Teacher'), _('Confirmed')), rows=rows,
        data={'version': VERSION, 'confirmed': confirmed,
              'not_confirmed': len(status) - confirmed,
              'items': [{'login': u.__name__, 'fullname': u.fullname,
                         'confirmed': confirmation_json(c)} for u, c in status]},
        chart=(_('dash-chart-undertakings', default='Teachers: the undertaking'),
               [_('Confirmed'), _('not confirmed')],
               [(_('Teachers'), [confirmed, len(status) - confirmed])], False)
        if status else None,
        empty=_('No teachers.'))

"""Sharing: local roles for users and groups on a folder or a journal (Plone's model). This
and a workflow transition are the only two places where access changes.

One action, ``ChangeSharing``, makes every change, whichever door asks: the sharing screen
(grant and revoke) and ``POST <place>/@sharing`` (``principals.api``). ``sharing_state`` is
what ``GET <place>/@sharing`` answers, in plone.restapi's shape."""
import collections

import colander
import deform
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ejportal.core.actions import Action
from ejportal.core.content import Shareable, find_root, lineage
from ejportal.core.errors import Invalid, UserError
from ejportal.core.forms import CSRFSchema, FormError, FormView, Names, back_on_refusal
from ejportal.i18n import _
from ejportal.paths import template
from ejportal.principals.ban import refuse_staff_local_roles
from ejportal.security import (
    LOCAL_ROLES, MANAGE_SHARING, group_principal, set_local_roles, user_principal)
from ejportal.site.resources import get_portal

KINDS = ('user', 'group')
#: what ``GET @sharing`` says of a role held on a place above, not here; sent back by a
#: client that posts the state it read, it means "not granted here"
ACQUIRED = 'acquired'
#: how many users and groups ``?search=`` answers at most
SEARCH_LIMIT = 30


# -- the action ------------------------------------------------------------------------
class EntrySchema(colander.MappingSchema):
    id = colander.SchemaNode(colander.String(), validator=colander.Length(1, 100))
    type = colander.SchemaNode(colander.String(), validator=colander.OneOf(KINDS))
    # role id -> true | false ("acquired": false); checked by the action, which knows the roles
    roles = colander.SchemaNode(colander.Mapping(unknown='preserve'))


class EntriesSchema(colander.SequenceSchema):
    entry = EntrySchema()


class SharingSchema(colander.MappingSchema):
    entries = EntriesSchema()
    inherit = colander.SchemaNode(colander.Boolean(), missing=True)


def principal_of(entry):
    return (user_principal if entry['type'] == 'user' else group_principal)(entry['id'])


def entry_of(principal):
    """``user:<id>`` -> ``{'id', 'type'}`` (None for a principal of another kind)."""
    kind, _sep, name = principal.partition(':')
    return {'id': name, 'type': kind} if kind in KINDS and name else None


def principal_known(people, principal):
    kind, _sep, name = principal.partition(':')
    return (kind == 'user' and name in people['users']) or \
        (kind == 'group' and name in people['groups'])


class ChangeSharing(Action):
    """``{"entries": [{"id", "type": "user"|"group", "roles": {role: true|false}}]}``: each
    principal gets the roles marked true here and loses those marked false; a role not named
    stays as it is. Every entry is checked (the principal, the roles, the ban on staff roles
    for a family's account) before any is changed, so a bad one changes nothing. Each
    principal's change is one audit entry ('sharing', by ``security.set_local_roles``)."""
    schema = SharingSchema
    permission = MANAGE_SHARING

    def check(self, appstruct):
        if not appstruct.get('inherit', True):
            message = _('sharing-inherit', default='Roles granted on a place above always '
                        'hold here too: "inherit" cannot be turned off.')
            raise Invalid(message, {'inherit': message})
        people = find_root(self.context)['people']
        for number, entry in enumerate(appstruct['entries']):
            where = 'entries.%d' % number
            principal = principal_of(entry)
            granted, _revoked = self.wanted(entry, where)
            holds = self.context.get_local_roles(principal)
            # a principal no longer there (a deleted group) may still lose what it holds
            if not principal_known(people, principal) and (granted or not holds):
                message = _('sharing-unknown-principal', mapping={'id': entry['id']},
                            default='There is no user or group "${id}".')
                raise Invalid(message, {where + '.id': message})
            refuse_staff_local_roles(self.context, principal, set(granted) - set(holds),
                                     field=where + '.roles')

    def wanted(self, entry, where):
        """The roles ``entry`` grants and revokes; ``Invalid`` naming the bad one."""
        granted, revoked = [], []
        for role, value in sorted(entry['roles'].items(), key=lambda item: str(item[0])):
            if role not in LOCAL_ROLES:
                message = _('sharing-unknown-role',
                            mapping={'role': role, 'roles': ', '.join(LOCAL_ROLES)},
                            default='There is no role "${role}" here; the roles are: '
                                    '${roles}.')
                raise Invalid(message, {'%s.roles.%s' % (where, role): message})
            if value is True:
                granted.append(role)
            elif value is False or value == ACQUIRED:
                revoked.append(role)
            else:
                message = _('sharing-role-value', default='A role is true (granted here) '
                            'or false (not granted here).')
                raise Invalid(message, {'%s.roles.%s' % (where, role): message})
        return granted, revoked

    def perform(self, appstruct):
        changed = []
        for number, entry in enumerate(appstruct['entries']):
            principal = principal_of(entry)
            granted, revoked = self.wanted(entry, 'entries.%d' % number)
            old = self.context.get_local_roles(principal)
            new = (set(old) | set(granted)) - set(revoked)
            if new != set(old):
                set_local_roles(self.context, principal, new)
                changed.append(principal)
        return changed


# -- what GET @sharing answers -----------------------------------------------------------
def principal_title(people, principal):
    kind, _sep, name = principal.partition(':')
    if kind == 'user' and name in people['users']:
        return people['users'][name].fullname
    if kind == 'group' and name in people['groups']:
        return people['groups'][name].title
    return principal


def found_principals(people, search):
    """The enabled users and the groups whose login, name or title holds ``search``."""
    needle = search.strip().casefold()
    if not needle:
        return []
    found = [group_principal(name) for name, group in people['groups'].items()
             if needle in name.casefold() or needle in str(group.title).casefold()]
    found += [user_principal(name) for name, user in people['users'].items()
              if user.enabled and (needle in name.casefold()
                                   or needle in user.fullname.casefold())]
    return found[:SEARCH_LIMIT]


def sharing_state(context, request, search=''):
    """``{"available_roles", "entries", "inherit"}`` (plone.restapi's ``@sharing``): each
    principal holding a role here or on a place above, and those ``search`` finds; a role
    is ``true`` held here, ``"acquired"`` held above only, ``false`` neither."""
    people = get_portal(request)['people']
    translate = request.localizer.translate
    here = dict(context.local_roles or {})
    above = {}
    for place in list(lineage(context))[1:]:
        for principal, roles in (place.local_roles or {}).items():
            above.setdefault(principal, set()).update(roles)
    principals = set(here) | set(above) | set(found_principals(people, search))
    entries = []
    for principal in principals:
        entry = entry_of(principal)
        if entry is None:
            continue
        title = principal_title(people, principal)
        # a structural group's title is a translation string; a person's name is no msgid
        entry['title'] = translate(title) if hasattr(title, 'interpolate') else title
        entry['roles'] = {role: True if role in here.get(principal, ()) else
                          ACQUIRED if role in above.get(principal, ()) else False
                          for role in LOCAL_ROLES}
        entries.append(entry)
    entries.sort(key=lambda e: (e['type'] != 'group', e['title'].casefold(), e['id']))
    return {'available_roles': [{'id': role, 'title': translate(title)}
                                for role, title in LOCAL_ROLES.items()],
            'entries': entries, 'inherit': True}


# -- the sharing screen --------------------------------------------------------------------
@colander.deferred
def deferred_principal_widget(node, kw):
    people = get_portal(kw['request'])['people']
    values = [('', '—')]
    values += [(group_principal(g.__name__), '%s (%s)' % (g.title, kw['request'].localizer.translate(_('group'))))
               for g in people['groups'].values()]
    users = sorted((u for u in people['users'].values() if u.enabled), key=lambda u: u.fullname)
    names = collections.Counter(u.fullname for u in users)
    # a person by name; the login only tells namesakes apart
    values += [(user_principal(u.__name__), u.fullname if names[u.fullname] == 1 else
                '%s (%s)' % (u.fullname, u.__name__)) for u in users]
    return deform.widget.SelectWidget(values=values)


class GrantSchema(CSRFSchema):
    principal = colander.SchemaNode(colander.String(), title=_('User or group'),
                                    widget=deferred_principal_widget)
    roles = colander.SchemaNode(
        Names(), title=_('Roles here'),
        widget=deform.widget.CheckboxChoiceWidget(values=list(LOCAL_ROLES.items())),
        validator=colander.Length(min=1, min_err=_('Choose at least one role.')))


def screen_entry(principal, roles):
    """The screen's choice as the action's entry (None for what names no user or group)."""
    entry = entry_of(principal)
    if entry is not None:
        entry['roles'] = roles
    return entry


@view_config(context=Shareable, name='sharing', permission=MANAGE_SHARING,
             renderer=template('principals/sharing.pt'))
class SharingView(FormView):
    schema = GrantSchema
    buttons = (deform.Button('grant', _('Grant')),)
    title = _('Sharing')

    def render(self, form_html):
        result = super().render(form_html)
        people = get_portal(self.request)['people']
        entries = []
        for principal, roles in sorted((self.context.local_roles or {}).items()):
            entries.append({'principal': principal, 'title': principal_title(people, principal),
                            'roles': [LOCAL_ROLES.get(r, r) for r in roles]})
        result['entries'] = entries
        return result

    def grant_success(self, appstruct):
        entry = screen_entry(appstruct['principal'], {r: True for r in appstruct['roles']})
        if entry is None:
            raise FormError('principal', _('Choose a user or a group.'))
        try:
            ChangeSharing(self.context, self.request).run({'entries': [entry]})
        except UserError as refused:
            # the action names the entry's parts; the form has one principal and its roles
            field = 'roles' if any('.roles.' in f for f in refused.fields) else 'principal'
            raise FormError(field, refused.message, refused.status)
        self.request.session.flash(_('Roles granted.'), 'success')
        return HTTPSeeOther(self.request.resource_url(self.context, 'sharing'))


@view_config(context=Shareable, name='sharing-revoke', permission=MANAGE_SHARING,
             request_method='POST', decorator=back_on_refusal('sharing'))
def revoke(context, request):
    principal = request.POST.get('principal', '')
    held = context.get_local_roles(principal)
    entry = screen_entry(principal, {role: False for role in held})
    if held and entry is not None:
        ChangeSharing(context, request).run({'entries': [entry]})
        request.session.flash(_('Roles revoked.'), 'success')
    return HTTPSeeOther(request.resource_url(context, 'sharing'))

"""The sharing screen on every container: local roles for users and groups (Plone's model).
This and a workflow transition are the only two places where access changes."""
import collections

import colander
import deform
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ejportal.core.folder import Folder
from ejportal.core.forms import CSRFSchema, FormError, FormView, Names
from ejportal.i18n import _
from ejportal.paths import template
from ejportal.security import (
    LOCAL_ROLES, MANAGE_SHARING, group_principal, set_local_roles, user_principal)
from ejportal.site.resources import get_portal


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


def principal_title(people, principal):
    kind, _sep, name = principal.partition(':')
    if kind == 'user' and name in people['users']:
        return people['users'][name].fullname
    if kind == 'group' and name in people['groups']:
        return people['groups'][name].title
    return principal


@view_config(context=Folder, name='sharing', permission=MANAGE_SHARING,
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
        principal = appstruct['principal']
        people = get_portal(self.request)['people']
        if principal_title(people, principal) == principal:
            raise FormError('principal', _('Choose a user or a group.'))
        roles = set(self.context.get_local_roles(principal)) | set(appstruct['roles'])
        set_local_roles(self.context, principal, roles)
        self.request.session.flash(_('Roles granted.'), 'success')
        return HTTPSeeOther(self.request.resource_url(self.context, 'sharing'))


@view_config(context=Folder, name='sharing-revoke', permission=MANAGE_SHARING,
             request_method='POST')
def revoke(context, request):
    principal = request.POST.get('principal', '')
    if context.get_local_roles(principal):
        set_local_roles(context, principal, ())
        request.session.flash(_('Roles revoked.'), 'success')
    return HTTPSeeOther(request.resource_url(context, 'sharing'))

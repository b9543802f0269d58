"""Schemas of users and groups shared by the screens and the JSON API."""
import colander

from ejportal.core.forms import Names
from ejportal.i18n import _
from ejportal.principals.ban import check_global_roles
from ejportal.security import ROLES

LOGIN_RE = r'^[a-z0-9][a-z0-9._-]{1,63}$'


def no_staff_role_for_family(node, value):
    message = check_global_roles(value or ())
    if message is not None:
        raise colander.Invalid(node, message)


class UserFields(colander.MappingSchema):
    surname = colander.SchemaNode(colander.String(), title=_('Surname'),
                                  validator=colander.Length(1, 100))
    first_name = colander.SchemaNode(colander.String(), title=_('Name'),
                                     validator=colander.Length(1, 100))
    patronymic = colander.SchemaNode(colander.String(), title=_('Patronymic'), missing='')
    position = colander.SchemaNode(colander.String(), title=_('Position'), missing='')
    email = colander.SchemaNode(colander.String(), title=_('E-mail'), missing='',
                                validator=colander.Email(_('Not an e-mail address.')))
    phone = colander.SchemaNode(colander.String(), title=_('Phone'), missing='')
    roles = colander.SchemaNode(Names(), title=_('Roles'), missing=(),
                                validator=colander.All(colander.ContainsOnly(list(ROLES)),
                                                       no_staff_role_for_family))
    groups = colander.SchemaNode(Names(), title=_('Groups'), missing=())


class GroupFields(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(1, 200))
    description = colander.SchemaNode(colander.String(), title=_('Description'), missing='')

"""A new user account, with its one-time password: the one change behind the users screen,
the JSON API's user creation and the import of people (``config.add_action('add-user')``)."""
import colander

from ejportal.core import passwords
from ejportal.core.actions import Action
from ejportal.core.errors import Conflict
from ejportal.i18n import _
from ejportal.principals.schemas import LOGIN_RE, UserFields
from ejportal.security import MANAGE_USERS
from ejportal.site.content_actions import AddContent

USER_FIELDS = ('surname', 'first_name', 'patronymic', 'position', 'email', 'phone', 'roles',
               'groups')


class NewUserFields(UserFields):
    login = colander.SchemaNode(colander.String(), title=_('Login'), validator=colander.Regex(
        LOGIN_RE, _('Latin lower-case letters, digits, dot, dash and underscore, 2 to 64 '
                    'characters.')))


class AddUser(Action):
    """``{"login", the user's fields}`` in the users folder (the context) -> (the user, the
    one-time password to hand over in person: it is shown once and must be changed)."""

    schema = NewUserFields
    permission = MANAGE_USERS

    def check(self, appstruct):
        if appstruct['login'] in self.context:
            message = _('This login is taken.')
            raise Conflict(message, {'login': message})

    def perform(self, appstruct):
        fields = {name: appstruct[name] for name in USER_FIELDS if name in appstruct}
        user = AddContent(self.context, self.request, 'User').run(
            dict(fields, id=appstruct['login']))
        one_time = passwords.generate_password()
        user.set_password(one_time, must_change=True)
        return user, one_time

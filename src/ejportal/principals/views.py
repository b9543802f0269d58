"""Login, logout, own account (password, sessions, second factor) and the admin's users
and groups screens."""
import colander
import deform
import pyotp
import segno
from pyramid.csrf import new_csrf_token
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.security import forget, remember
from pyramid.view import view_config

from ejportal.core import passwords
from ejportal.core.audit import record
from ejportal.core.errors import UserError
from ejportal.core.forms import CSRFSchema, FormError, FormView
from ejportal.i18n import _
from ejportal.paths import template
from ejportal.principals.actions import AddUser
from ejportal.principals.devices import device_title
from ejportal.principals.login import (
    CODE_MISMATCH, CODE_USED, DEVICE_COOKIE, LogIn, LoginRefused, SecondFactorNeeded,
    check_device, code_step, take_code_step)
from ejportal.principals.books import POSITIONS
from ejportal.principals.resources import Group, Groups, People, User, Users
from ejportal.principals.schemas import UserFields
from ejportal.principals.sessions import (
    PENDING_WRONG_CODES, end_all_sessions, end_pending_login, end_session, pending_login,
    sessions_of, start_pending_login)
from ejportal.security import MANAGE_USERS, OWN_ACCOUNT, ROLES, VIEW_PUBLIC
from ejportal.site.books import get_book
from ejportal.site.content_actions import AddContent, EditContent
from ejportal.site.resources import Portal, get_portal, portal_address, same_site_path

FORM = template('form.pt')
PENDING = 'ejportal.pending_login'


def safe_came_from(request, value):
    value = same_site_path(value)
    if value and '@@login' not in value and '@@logout' not in value:
        return portal_address(request) + value
    return portal_address(request) + '/@@start'


def logged_in_response(request, user, session_id, came_from):
    """After the login action opened the session: the cookies, and the forced password
    change if due."""
    device = check_device(request, user)
    end_pending_login(request, request.session.pop(PENDING, None))
    new_csrf_token(request)  # a token seen before the login is not good after it
    target = portal_address(request) + '/@@change-password' if user.must_change_password \
        else safe_came_from(request, came_from)
    response = HTTPSeeOther(target)
    response.headerlist.extend(remember(request, user.__name__, session_id=session_id))
    response.set_cookie(DEVICE_COOKIE, device, max_age=5 * 365 * 86400,
                        httponly=True, samesite='Lax', secure=request.scheme == 'https')
    return response


# -- login -------------------------------------------------------------------------------
class LoginSchema(CSRFSchema):
    login = colander.SchemaNode(colander.String(), title=_('Login'),
                                widget=deform.widget.TextInputWidget(
                                    attributes={'autocomplete': 'username', 'autofocus': 'autofocus'}))
    password = colander.SchemaNode(colander.String(), title=_('Password'),
                                   widget=deform.widget.PasswordWidget(
                                       attributes={'autocomplete': 'current-password'}))
    came_from = colander.SchemaNode(colander.String(), widget=deform.widget.HiddenWidget(),
                                    missing='')


@view_config(context=Portal, name='login', permission=VIEW_PUBLIC, renderer=FORM)
class LoginView(FormView):
    schema = LoginSchema
    buttons = (deform.Button('submit', _('Log in')),)
    title = _('Log in')
    status_on_error = 200

    def appstruct(self):
        return {'came_from': self.request.params.get('came_from', '')}

    def submit_success(self, appstruct):
        try:
            user, session_id = LogIn(self.context, self.request).run(
                {'login': appstruct['login'], 'password': appstruct['password']})
        except SecondFactorNeeded as needed:
            self.request.session[PENDING] = start_pending_login(
                self.request, needed.user, appstruct['came_from'])
            return HTTPSeeOther(portal_address(self.request) + '/@@login-code')
        except UserError as refused:
            raise refused_on_form(refused, None)
        return logged_in_response(self.request, user, session_id, appstruct['came_from'])


def refused_on_form(refused, field):
    """A refused login as the form's error (a 429 when throttled, the page's 200 else)."""
    throttled = isinstance(refused, LoginRefused) and refused.kind == 'throttled'
    return FormError(None if throttled else field, refused.message,
                     status=429 if throttled else None)


class CodeSchema(CSRFSchema):
    code = colander.SchemaNode(colander.String(), title=_('Code from your authenticator app'),
                               validator=colander.Regex(r'^\s*\d{6}\s*$', _('Six digits, please.')),
                               widget=deform.widget.TextInputWidget(
                                   attributes={'autocomplete': 'one-time-code',
                                               'inputmode': 'numeric', 'autofocus': 'autofocus'}))


@view_config(context=Portal, name='login-code', permission=VIEW_PUBLIC, renderer=FORM)
class LoginCodeView(FormView):
    """The second step of a login with TOTP; on first use, the setup of the authenticator."""

    schema = CodeSchema
    buttons = (deform.Button('confirm', _('Confirm')),)
    title = _('Second factor')
    status_on_error = 200

    _pending = None

    def pending(self):
        if self._pending is None:  # once a request: it must not expire halfway through
            self._pending = pending_login(self.request, self.request.session.get(PENDING))
        return self._pending

    def pending_user(self):
        pending = self.pending()
        if pending is None:
            return None
        return get_portal(self.request)['people']['users'].get(pending.userid)

    def __call__(self):
        if self.pending_user() is None:
            return self.back_to_password()
        return super().__call__()

    def back_to_password(self):
        """The pending login is gone (too old, too many wrong codes, or none): the
        password step again."""
        pending_id = self.request.session.pop(PENDING, None)
        if pending_id:
            end_pending_login(self.request, pending_id)
            self.request.session.flash(_(
                'login-code-expired', default='The time for the code is over or it was '
                'wrong too many times: log in again.'), 'error')
        return HTTPSeeOther(portal_address(self.request) + '/@@login')

    def secret(self, user):
        if user.totp_secret:
            return user.totp_secret
        pending = self.pending()
        if pending.new_secret is None:
            pending.new_secret = pyotp.random_base32()
        return pending.new_secret

    def render(self, form_html):
        result = super().render(form_html)
        user = self.pending_user()
        if not user.totp_secret:
            result['intro'] = '<p>%s</p>%s' % (
                self.request.localizer.translate(_('Your school requires a second factor.')),
                totp_setup_html(self.request, user, self.secret(user)))
        return result

    def confirm_success(self, appstruct):
        user = self.pending_user()
        pending = self.pending()
        try:
            user, session_id = LogIn(self.context, self.request).finish(
                user, appstruct['code'], new_secret=self.secret(user))
        except UserError as refused:
            if isinstance(refused, LoginRefused) and refused.kind == 'code':
                pending.wrong_codes += 1
                if pending.wrong_codes >= PENDING_WRONG_CODES:
                    return self.back_to_password()
            raise refused_on_form(refused, 'code')
        return logged_in_response(self.request, user, session_id, pending.came_from)


@view_config(context=Portal, name='logout', permission=VIEW_PUBLIC, request_method='POST')
def logout(context, request):
    identity = request.identity
    if identity is not None:
        end_session(request, identity.session_key)
        record(identity.user, 'logout')
    response = HTTPSeeOther(portal_address(request) + '/')
    response.headerlist.extend(forget(request))
    request.session.invalidate()
    return response


# -- own account -----------------------------------------------------------------------------
@colander.deferred
def deferred_password_validator(node, kw):
    request = kw['request']

    def validate(form, value):
        if value['new_password'] != value['repeat']:
            raise colander.Invalid(form['repeat'], _('The two passwords differ.'))
        problem = passwords.password_problem(value['new_password'], request.user.__name__)
        if problem:
            raise colander.Invalid(form['new_password'], problem)
        if not request.user.check_password(value['current_password']):
            raise colander.Invalid(form['current_password'], _('This is not your current password.'))
    return validate


class ChangePasswordSchema(CSRFSchema):
    current_password = colander.SchemaNode(
        colander.String(), title=_('Current (or one-time) password'),
        widget=deform.widget.PasswordWidget(attributes={'autocomplete': 'current-password'}))
    new_password = colander.SchemaNode(
        colander.String(), title=_('New password'),
        description=_('At least 8 characters; not your login.'),
        widget=deform.widget.PasswordWidget(attributes={'autocomplete': 'new-password'}))
    repeat = colander.SchemaNode(
        colander.String(), title=_('New password again'),
        widget=deform.widget.PasswordWidget(attributes={'autocomplete': 'new-password'}))


@view_config(context=Portal, name='change-password', permission=OWN_ACCOUNT, renderer=FORM)
class ChangePasswordView(FormView):
    title = _('Change password')

    def schema_instance(self):
        return ChangePasswordSchema(validator=deferred_password_validator)

    def render(self, form_html):
        result = super().render(form_html)
        if self.request.user.must_change_password:
            result['intro'] = '<div class="alert alert-info">%s</div>' % self.request.localizer.translate(
                _('You logged in with a one-time password. Choose your own password to go on.'))
        return result

    def save_success(self, appstruct):
        user = self.request.user
        ended = user.set_password(appstruct['new_password'],
                                  keep_session=self.request.identity.session_key)
        record(user, 'password-changed', {'sessions_ended': ended})
        self.request.session.flash(_('Your password is changed.'), 'success')
        if ended:
            self.request.session.flash(_('Your other sessions were ended.'), 'success')
        return HTTPSeeOther(portal_address(self.request) + '/@@start')


@view_config(context=Portal, name='account', permission=OWN_ACCOUNT,
             renderer=template('principals/account.pt'))
def account(context, request):
    """Own data, active sessions (device, address, last seen) and the second factor."""
    people = get_portal(request)['people']
    current = request.identity.session_key
    sessions = [{'key': key, 'session': s, 'current': key == current,
                 'device': device_title(s.user_agent) if s.user_agent else s.kind}
                for key, s in sessions_of(people, request.user.__name__)]
    return {'title': _('My account'), 'sessions': sessions, 'user': request.user}


def totp_setup_html(request, user, secret):
    """The QR code and key of a new authenticator entry."""
    uri = pyotp.TOTP(secret).provisioning_uri(
        name=user.__name__, issuer_name=get_portal(request)['settings'].school_name)
    return '<p>%s</p>%s<p><code>%s</code></p>' % (
        request.localizer.translate(_(
            'Scan the code with an authenticator app (or type the key below), then enter '
            'the six digits it shows.')),
        segno.make(uri).svg_inline(scale=4), secret)


@view_config(context=Portal, name='second-factor', permission=OWN_ACCOUNT, renderer=FORM)
class SecondFactorView(FormView):
    """Turn on the second factor for one's own account (any user may; the admin may
    require it for staff)."""

    schema = CodeSchema
    buttons = (deform.Button('confirm', _('Turn on')),)
    title = _('Second factor')

    SESSION_KEY = 'ejportal.new_totp_secret'

    def secret(self):
        secret = self.request.session.get(self.SESSION_KEY)
        if not secret:
            secret = self.request.session[self.SESSION_KEY] = pyotp.random_base32()
        return secret

    def __call__(self):
        if self.request.user.totp_secret:
            self.request.session.flash(_('The second factor is already on.'))
            return HTTPSeeOther(portal_address(self.request) + '/@@account')
        return super().__call__()

    def render(self, form_html):
        result = super().render(form_html)
        result['intro'] = totp_setup_html(self.request, self.request.user, self.secret())
        return result

    def confirm_success(self, appstruct):
        secret = self.secret()
        step = code_step(secret, appstruct['code'])
        if step is None:
            raise FormError('code', CODE_MISMATCH)
        if not take_code_step(self.request.user, step):
            raise FormError('code', CODE_USED)
        self.request.user.totp_secret = secret
        del self.request.session[self.SESSION_KEY]
        record(self.request.user, 'totp-enabled')
        self.request.session.flash(_('The second factor is on.'), 'success')
        return HTTPSeeOther(portal_address(self.request) + '/@@account')


@view_config(context=Portal, name='end-session', permission=OWN_ACCOUNT, request_method='POST')
def end_own_session(context, request):
    people = get_portal(request)['people']
    key = request.POST.get('session', '')
    session = people.login_sessions.get(key)
    if session is None or session.userid != request.user.__name__:
        request.session.flash(_('No such session.'), 'error')
    else:
        end_session(request, key)
        record(request.user, 'session-ended', {'address': session.address,
                                               'device': session.user_agent})
        request.session.flash(_('The session is ended.'), 'success')
    return HTTPSeeOther(portal_address(request) + '/@@account')


# -- users and groups (admin) -------------------------------------------------------------
def role_choices():
    return [(role, title) for role, title in ROLES.items()]


@colander.deferred
def deferred_group_widget(node, kw):
    groups = get_portal(kw['request'])['people']['groups']
    return deform.widget.CheckboxChoiceWidget(values=[(g.__name__, g.title) for g in groups.values()])


@colander.deferred
def deferred_unique_login(node, kw):
    users = get_portal(kw['request'])['people']['users']

    def validate(node, value):
        if value in users:
            raise colander.Invalid(node, _('This login is taken.'))
    return colander.All(colander.Regex(r'^[a-z0-9][a-z0-9._-]{1,63}$', _(
        'Latin lower-case letters, digits, dot, dash and underscore, 2 to 64 characters.')), validate)


def position_widget(kw):
    """The positions of the book in use, and the user's own (a retired one stays shown)."""
    context = kw.get('context')
    current = getattr(context, 'position', '') if isinstance(context, User) else ''
    titles = [e['title'] for e in get_book(get_portal(kw['request']), POSITIONS).active()]
    if current and current not in titles:
        titles.append(current)
    return deform.widget.SelectWidget(values=[('', '—')] + [(t, t) for t in titles])


class UserSchema(CSRFSchema, UserFields):
    """The user's fields (shared with the API) with the screen's widgets."""

    def after_bind(self, schema, kw):
        self['roles'].widget = deform.widget.CheckboxChoiceWidget(values=role_choices())
        self['position'].widget = position_widget(kw)
        self['groups'].widget = deferred_group_widget(self['groups'], kw)


class NewUserSchema(UserSchema):
    login = colander.SchemaNode(colander.String(), title=_('Login'),
                                validator=deferred_unique_login, insert_before='surname')


USER_FIELDS = ('surname', 'first_name', 'patronymic', 'position', 'email', 'phone', 'roles',
               'groups')


def apply_fields(obj, appstruct, names):
    return obj.update({name: appstruct[name] for name in names})


@view_config(context=People, permission=MANAGE_USERS, renderer=template('folder.pt'))
def people_section(context, request):
    """``/people``: the way to its users and groups (the README and the breadcrumbs name it)."""
    return {'title': context.title, 'items': [context['users'], context['groups']]}


@view_config(context=Users, permission=MANAGE_USERS, renderer=template('principals/users.pt'))
def users_listing(context, request):
    query = request.params.get('q', '').strip().lower()
    role = request.params.get('role', '')
    users = [u for u in context.values()
             if (not query or query in u.fullname.lower() or query in u.__name__)
             and (not role or role in u.roles)]
    users.sort(key=lambda u: u.fullname)
    return {'title': _('Users'), 'users': users[:500], 'total': len(users), 'roles': ROLES,
            'query': query, 'role': role}


@view_config(context=Users, name='add', permission=MANAGE_USERS, renderer=FORM)
class AddUserView(FormView):
    schema = NewUserSchema
    title = _('New user')
    buttons = (deform.Button('save', _('Create')), deform.Button('cancel', _('Cancel')))

    error_fields = {'id': 'login'}

    def save_success(self, appstruct):
        user, one_time = AddUser(self.context, self.request).run(appstruct)
        self.request.session.flash(_('user-created', default='User ${login} created. One-time '
                                     'password: ${password} — give it in person; it is shown once.',
                                     mapping={'login': appstruct['login'], 'password': one_time}),
                                   'success')
        return HTTPSeeOther(self.request.resource_url(user))


@view_config(context=User, permission=MANAGE_USERS, renderer=template('principals/user.pt'))
class EditUserView(FormView):
    schema = UserSchema
    buttons = (deform.Button('save', _('Save')),)

    @property
    def title(self):
        return self.context.fullname

    def appstruct(self):
        return {name: getattr(self.context, name) for name in USER_FIELDS}

    def render(self, form_html):
        result = super().render(form_html)
        people = get_portal(self.request)['people']
        result['sessions'] = [s for _k, s in sessions_of(people, self.context.__name__)]
        result['user'] = self.context
        return result

    def save_success(self, appstruct):
        EditContent(self.context, self.request).run(
            {name: appstruct[name] for name in USER_FIELDS})
        self.request.session.flash(_('Saved.'), 'success')
        return HTTPSeeOther(self.request.resource_url(self.context))


@view_config(context=User, name='reset-password', permission=MANAGE_USERS, request_method='POST',
             renderer=template('principals/one_time_password.pt'))
def reset_password(context, request):
    one_time = passwords.generate_password()
    ended = context.set_password(one_time, must_change=True)
    record(context, 'password-reset', {'sessions_ended': ended})
    return {'title': _('One-time password'), 'user': context, 'password': one_time}


@view_config(context=User, name='set-enabled', permission=MANAGE_USERS, request_method='POST')
def set_enabled(context, request):
    enabled = request.POST.get('enabled') == '1'
    if not enabled and context.__name__ == request.user.__name__:
        request.session.flash(_('You cannot disable your own account.'), 'error')
        return HTTPSeeOther(request.resource_url(context))
    apply_fields(context, {'enabled': enabled}, ('enabled',))
    if not enabled:
        end_all_sessions(get_portal(request)['people'], context.__name__)
    request.session.flash(_('Account enabled.') if enabled else _('Account disabled.'), 'success')
    return HTTPSeeOther(request.resource_url(context))


@view_config(context=User, name='reset-second-factor', permission=MANAGE_USERS,
             request_method='POST')
def reset_second_factor(context, request):
    if context.totp_secret:
        context.totp_secret = None
        record(context, 'totp-reset')
    request.session.flash(_('The second factor is reset; the user sets it up at the next login.'),
                          'success')
    return HTTPSeeOther(request.resource_url(context))


class GroupSchema(CSRFSchema):
    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(1, 200))
    description = colander.SchemaNode(colander.String(), title=_('Description'), missing='',
                                      widget=deform.widget.TextAreaWidget(rows=3))


class NewGroupSchema(GroupSchema):
    name = colander.SchemaNode(colander.String(), title=_('Short name (Latin)'),
                               validator=colander.Regex(r'^[a-z0-9][a-z0-9_-]{1,63}$', _(
                                   'Latin lower-case letters, digits, dash and underscore.')),
                               insert_before='title')


@view_config(context=Groups, permission=MANAGE_USERS, renderer=template('principals/groups.pt'))
def groups_listing(context, request):
    return {'title': _('Groups'), 'groups': sorted(context.values(), key=lambda g: g.title)}


@view_config(context=Groups, name='add', permission=MANAGE_USERS, renderer=FORM)
class AddGroupView(FormView):
    schema = NewGroupSchema
    title = _('New group')
    buttons = (deform.Button('save', _('Create')), deform.Button('cancel', _('Cancel')))

    error_fields = {'id': 'name'}

    def save_success(self, appstruct):
        group = AddContent(self.context, self.request, 'Group').run(
            {'id': appstruct['name'], 'title': appstruct['title'],
             'description': appstruct['description']})
        return HTTPSeeOther(self.request.resource_url(group))


@view_config(context=Group, permission=MANAGE_USERS, renderer=template('principals/group.pt'))
class EditGroupView(FormView):
    schema = GroupSchema

    @property
    def title(self):
        return self.context.title

    def appstruct(self):
        return {'title': self.context.title, 'description': self.context.description}

    def render(self, form_html):
        result = super().render(form_html)
        result['members'] = sorted(self.context.members(), key=lambda u: u.fullname)
        return result

    def save_success(self, appstruct):
        EditContent(self.context, self.request).run(
            {'title': appstruct['title'], 'description': appstruct['description']})
        self.request.session.flash(_('Saved.'), 'success')
        return HTTPSeeOther(self.request.resource_url(self.context))

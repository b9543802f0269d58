"""The one login action: the login screen and the API's ``@login`` both call ``LogIn``.

It checks the credentials (throttled and audited), then the second factor, and only then
opens a login session of the door's kind (a cookie for the screen, a bearer token for the
API). Whether a user needs a second factor is decided here and nowhere else, so no door can
skip it: a user who has one, or a staff member when *Settings* require it, gets a session
only with a valid code from their authenticator app.
"""
import hmac
import secrets
import time

import colander
import pyotp

from ejportal.core import passwords
from ejportal.core.actions import Action
from ejportal.core.audit import get_audit_log, record
from ejportal.core.errors import UserError
from ejportal.i18n import _, translate
from ejportal.principals import throttle
from ejportal.principals.devices import device_title
from ejportal.principals.mail import send_new_device_notice
from ejportal.principals.sessions import API, BROWSER, client_address, start_session
from ejportal.principals.watch import DEVICE_COOKIE
from ejportal.site.resources import get_portal

CODE_MISMATCH = _('The code does not match. Check the time on your phone.')
CODE_USED = _('This code was used already: wait for the next one.')


def code_step(secret, code, moment=None):
    """The time step whose code ``code`` is (the current one or a neighbour, for a phone
    whose clock is a little off), or None."""
    totp = pyotp.TOTP(secret)
    step = int(time.time() if moment is None else moment) // totp.interval
    code = (code or '').strip()
    for candidate in (step - 1, step, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def take_code_step(user, step):
    """Accept the code of ``step`` for ``user`` once: False if a code of that step or a
    later one was accepted already, as whoever watched it being typed would send it again."""
    if user.totp_last_step is not None and step <= user.totp_last_step:
        return False
    user.totp_last_step = step
    return True


class LoginRefused(UserError):
    """No session was opened; ``kind`` says why ('failed', 'throttled', 'code', ...)."""

    status = 401
    error_type = 'Unauthorized'

    def __init__(self, message, kind='failed', fields=None, status=None):
        super().__init__(message, fields, status)
        self.kind = kind


class SecondFactorNeeded(LoginRefused):
    """The password was right; the login goes on with the code (``user``: whose)."""

    error_type = 'SecondFactorRequired'

    def __init__(self, user, message=None):
        super().__init__(message or _(
            'This account needs a second factor: send the six digits of your '
            'authenticator app as "code".'), kind='second-factor')
        self.user = user


class SecondFactorSetupNeeded(SecondFactorNeeded):
    """The user must set up an authenticator app first, which is done on the login screen."""

    status = 403
    error_type = 'SecondFactorSetupRequired'

    def __init__(self, user):
        super().__init__(user, _(
            'Your school requires a second factor for this account: log in on the site '
            'once to set up your authenticator app.'))


class PasswordChangeRequired(LoginRefused):
    status = 403
    error_type = 'PasswordChangeRequired'

    def __init__(self):
        super().__init__(_('This account has a one-time password: log in on the site and '
                           'choose your own.'), kind='password-change')


class LoginFields(colander.MappingSchema):
    login = colander.SchemaNode(colander.String(), title=_('Login'))
    password = colander.SchemaNode(colander.String(), title=_('Password'))
    code = colander.SchemaNode(colander.String(), title=_('Code from your authenticator app'),
                               missing=None, preparer=lambda value: value.strip() if value
                               else value,
                               validator=colander.Regex(r'^\d{6}$', _('Six digits, please.')))


def _audit(request, action, login, **details):
    details.update(login=login)
    get_audit_log(get_portal(request)).append(action, path='/@@login', type_name='User',
                                              details=details)


def needs_second_factor(request, user):
    settings = get_portal(request)['settings']
    return bool(user.totp_secret) or (settings.require_totp_for_staff and user.is_staff())


class LogIn(Action):
    """``LogIn(portal, request, kind)({"login", "password", "code"?})`` -> ``(user, session
    id)``. Refusals are ``LoginRefused`` and its kinds; the failures they record (throttle,
    audit) must be kept, so a door renders the refusal as a response rather than letting
    it abort the transaction.

    The login screen asks in two steps: ``run()`` with the password (it raises
    ``SecondFactorNeeded`` for a user who needs a code), then ``finish()`` with the code.
    """

    schema = LoginFields

    def __init__(self, context, request, kind=BROWSER):
        super().__init__(context, request)
        self.kind = kind

    def perform(self, appstruct):
        user = self.check_credentials(appstruct['login'], appstruct['password'])
        return self.finish(user, appstruct.get('code'))

    def check_credentials(self, login, password):
        """The user whose login and password these are. Failures are recorded (throttling,
        audit) whatever the reason."""
        people = get_portal(self.request)['people']
        login = (login or '').strip()
        self.check_throttle(login)
        user = people['users'].get(login)
        if user is None:
            passwords.verify_password(None, password or '')  # the work of a known login
        if user is None or not user.check_password(password or '') or not user.enabled:
            self.record_failure(login, reason='disabled' if user is not None and
                                user.enabled is False else 'password')
            raise LoginRefused(_('Wrong login or password.'))
        return user

    def finish(self, user, code=None, new_secret=None):
        """Open the session of ``user``, whose password was right, once the second factor
        (if they need one) is given: ``code`` checked against their secret, or against
        ``new_secret`` being set up on the login screen, which is then theirs."""
        if not user.enabled:  # disabled between the password and the code
            raise LoginRefused(_('Wrong login or password.'))
        if self.kind == API and user.must_change_password:
            raise PasswordChangeRequired()
        if needs_second_factor(self.request, user):
            secret = user.totp_secret or new_secret
            if not secret:
                raise SecondFactorSetupNeeded(user)
            if code is None:
                raise SecondFactorNeeded(user)
            self.check_code(user, secret, code)
            if not user.totp_secret:
                user.totp_secret = secret
                record(user, 'totp-enabled')
        throttle.record_success(self.failures(), user.__name__, client_address(self.request),
                                device=self.known_device(user.__name__))
        session_id = start_session(self.request, user, self.kind)
        _audit(self.request, 'login', user.__name__, kind=self.kind)
        return user, session_id

    def check_code(self, user, secret, code):
        # A wrong code is a failed login like a wrong password: whoever holds the password
        # gets no more guesses at the code than at the password.
        self.check_throttle(user.__name__)
        step = code_step(secret, code)
        if step is None:
            self.record_failure(user.__name__, reason='code')
            raise LoginRefused(CODE_MISMATCH, kind='code', fields={'code': CODE_MISMATCH})
        if not take_code_step(user, step):
            self.record_failure(user.__name__, reason='code-used')
            raise LoginRefused(CODE_USED, kind='code', fields={'code': CODE_USED})

    def failures(self):
        return get_portal(self.request)['people'].login_failures

    def known_device(self, login):
        """The browser's device id if it has logged in to ``login`` before (the throttle
        counts it as a place of its own), else None."""
        device = self.request.cookies.get(DEVICE_COOKIE)
        if not device:
            return None
        user = get_portal(self.request)['people']['users'].get(login)
        devices = getattr(user, 'known_devices', None)
        return device if devices is not None and device in devices else None

    def check_throttle(self, login):
        device = self.known_device(login)
        wait = throttle.wait_seconds(self.failures(), login, client_address(self.request),
                                     device=device)
        if wait:
            self.audit_refusal('login-throttled', login, device, counted=False, wait=wait)
            raise LoginRefused(_('login-throttled', default='Too many failed attempts. Try '
                                 'again in ${seconds} s. If you forgot the password, ask the '
                                 'school administrator or your class teacher.',
                                 mapping={'seconds': wait}), kind='throttled', status=429)

    def record_failure(self, login, **details):
        device = self.known_device(login)
        throttle.record_failure(self.failures(), login, client_address(self.request),
                                device=device)
        self.audit_refusal('login-failed', login, device, counted=True, **details)

    def audit_refusal(self, action, login, device, counted, **details):
        """An entry for this refused attempt, unless its account's or address's window
        has had its entries: then it is only counted, and the next entry tells how many
        (``further``: on the login, from the address)."""
        keys = throttle.audit_keys(login, client_address(self.request), device)
        further = throttle.audit_entry(self.failures(), keys, self.request.registry.login_refusals,
                                       self.request.tm, counted=counted)
        if further is None:
            return
        told = {}
        for key, untold in further.items():
            if untold:
                told['address' if key.startswith('addr:') else 'login'] = untold
        if told:
            details['further'] = told
        _audit(self.request, action, login, **details)


def check_device(request, user):
    """The browser's long-lived device id (made now if it has none); a login from a device
    the user never used before, when they have used others, is noticed."""
    device = request.cookies.get(DEVICE_COOKIE) or secrets.token_hex(16)
    had_devices = bool(user.known_devices)
    if user.remember_device(device) and had_devices:
        notify_new_device(request, user)
    return device


def notify_new_device(request, user):
    # one unread notice per kind of device: a second new Chrome on Linux replaces the first
    title = device_title(request.user_agent)
    device = translate(request.localizer, title)
    text = request.localizer.translate(_(
        'new-device-notice', default='A login from a new device: ${agent}, address ${address}. '
        'If it was not you, end that session on your account page and change your password.',
        mapping={'agent': device, 'address': client_address(request)}))
    user.add_notice(text, kind='warning', about='new-device:' + (
        title.interpolate() if hasattr(title, 'interpolate') else title))
    send_new_device_notice(request, user, text)

"""Checking credentials, throttling and audit of logins, shared by the login screen and
the API's ``@login``."""
import secrets

from ejportal.core.audit import get_audit_log
from ejportal.i18n import _
from ejportal.principals import throttle
from ejportal.principals.sessions import client_address, start_session
from ejportal.site.resources import get_portal

DEVICE_COOKIE = 'ejportal_device'


class LoginRefused(Exception):
    def __init__(self, message, kind='failed'):
        super().__init__(message)
        self.message = message
        self.kind = kind


def _audit(request, action, login, **details):
    details.update(login=login)
    get_audit_log(get_portal(request)).append(action, path='/@@login', type_name='User',
                                              details=details)


def check_credentials(request, login, password):
    """The user whose login and password these are; raises ``LoginRefused`` otherwise.
    Failures are recorded (throttling, audit) whatever the reason."""
    people = get_portal(request)['people']
    address = client_address(request)
    login = (login or '').strip()
    wait = throttle.wait_seconds(people.login_failures, login, address)
    if wait:
        _audit(request, 'login-throttled', login, wait=wait)
        raise LoginRefused(_('login-throttled', default='Too many failed attempts. Try again in '
                             '${seconds} s. If you forgot the password, ask the school '
                             'administrator or your class teacher.',
                             mapping={'seconds': wait}), kind='throttled')
    user = people['users'].get(login)
    if user is None or not user.check_password(password or '') or not user.enabled:
        throttle.record_failure(people.login_failures, login, address)
        _audit(request, 'login-failed', login,
               reason='disabled' if user is not None and user.enabled is False else 'password')
        raise LoginRefused(_('Wrong login or password.'))
    throttle.record_success(people.login_failures, login, address)
    return user


def needs_second_factor(request, user):
    settings = get_portal(request)['settings']
    return bool(user.totp_secret) or (settings.require_totp_for_staff and user.is_staff())


def complete_login(request, user, kind='browser'):
    """Open the session and audit it; returns the session id."""
    session_id = start_session(request, user, kind)
    _audit(request, 'login', user.__name__, kind=kind)
    return session_id


def check_device(request, user):
    """The browser's long-lived device id (made now if it has none); a login from a device
    the user never used before, when they have used others, is noticed."""
    device = request.cookies.get(DEVICE_COOKIE) or secrets.token_hex(16)
    had_devices = bool(user.known_devices)
    if user.remember_device(device) and had_devices:
        notify_new_device(request, user)
    return device


def notify_new_device(request, user):
    from ejportal.principals.mail import send_new_device_notice
    text = request.localizer.translate(_(
        'new-device-notice', default='A login from a new device: ${agent}, address ${address}. '
        'If it was not you, end that session on your account page and change your password.',
        mapping={'agent': request.user_agent or '?', 'address': client_address(request)}))
    user.add_notice(text, kind='warning')
    send_new_device_notice(request, user, text)

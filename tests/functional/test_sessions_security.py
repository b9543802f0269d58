"""Login sessions and the login action under attack: a new password ends the other
sessions, an unknown login costs as much as a known one, and the second factor cannot be
replayed or guessed at leisure."""
import transaction
from webtest import TestApp
from conftest import EnglishClient, api_token, csrf_token, login
from test_evolve import write_ini

from ejportal.core.audit import get_audit_log


def change_password(testapp, current='demo', new='a-new-secret-9'):
    form = testapp.get('/@@change-password').forms['deform']
    form['current_password'] = current
    form['new_password'] = new
    form['repeat'] = new
    return form.submit('save', status=303)


def test_a_changed_password_ends_every_other_session(app, testapp, as_user, root):
    other = EnglishClient(app, extra_environ={'REMOTE_ADDR': '10.0.0.2'})
    login(other, 'teacher')
    token = api_token(testapp, 'teacher')
    as_user('teacher')
    testapp.get('/@@start')
    page = change_password(testapp).follow()
    assert 'Your password is changed.' in page.text
    assert 'Your other sessions were ended.' in page.text
    assert testapp.get('/@@account').status_int == 200  # the changing browser stays in
    assert other.get('/@@start', status=303).location.startswith('http://localhost/@@login')
    testapp.get('/@@start', headers={'Authorization': 'Bearer ' + token,
                                     'Accept': 'application/json'}, status=401)
    root._p_jar.sync()
    [entry] = get_audit_log(root).search(action='password-changed', limit=1)
    assert entry['details']['sessions_ended'] == 2


def test_a_password_set_by_the_admin_ends_all_the_users_sessions(app, testapp, as_user):
    teacher = EnglishClient(app, extra_environ={'REMOTE_ADDR': '10.0.0.2'})
    login(teacher, 'teacher')
    token = api_token(teacher, 'teacher')
    as_user('admin')
    testapp.post('/people/users/teacher/@@reset-password',
                 {'csrf_token': csrf_token(testapp)})
    assert teacher.get('/@@start', status=303).location.startswith('http://localhost/@@login')
    teacher.get('/@@start', headers={'Authorization': 'Bearer ' + token,
                                     'Accept': 'application/json'}, status=401)


def test_a_password_set_at_the_console_ends_the_users_sessions(app, testapp, db_dir, capsys):
    from conftest import app_settings, close_app
    from ejportal import main
    from ejportal.scripts.admin import main as admin_main
    login(testapp, 'teacher')
    assert testapp.get('/@@start').status_int == 200
    close_app(app)
    assert admin_main([write_ini(db_dir), 'set-password', 'teacher']) == 0
    application = main({}, **app_settings(db_dir))
    try:
        # the cookie as a browser sends it (WebTest's set_cookie would quote it)
        page = TestApp(application).get('/@@start', status='*', headers={
            'Cookie': 'ejportal_auth=' + testapp.cookies['ejportal_auth']})
        assert page.status_int == 303 and page.location.startswith('http://localhost/@@login')
    finally:
        close_app(application)
    assert 'sessions ended: 1' in capsys.readouterr().out


class CountingHasher:
    """The password hasher, counting the checks it makes."""

    def __init__(self, hasher):
        self.hasher = hasher
        self.verified = 0

    def verify(self, hashed, password):
        self.verified += 1
        return self.hasher.verify(hashed, password)

    def __getattr__(self, name):
        return getattr(self.hasher, name)


def test_an_unknown_login_costs_a_password_check_as_a_known_one_does(testapp, monkeypatch):
    from ejportal.core import passwords
    hasher = CountingHasher(passwords.HASHER)
    monkeypatch.setattr(passwords, 'HASHER', hasher)
    assert 'Wrong login or password' in login(testapp, 'teacher', 'wrong-one').text
    assert hasher.verified == 1
    assert 'Wrong login or password' in login(testapp, 'nobody-at-all', 'wrong-one').text
    assert hasher.verified == 2
    testapp.post_json('/@login', {'login': 'nobody-either', 'password': 'x'}, status=401)
    assert hasher.verified == 3


def test_a_check_without_a_hash_is_refused_after_the_same_work(monkeypatch):
    from ejportal.core import passwords
    hasher = CountingHasher(passwords.HASHER)
    monkeypatch.setattr(passwords, 'HASHER', hasher)
    assert passwords.verify_password(None, '') is False
    assert passwords.verify_password('', 'demo') is False
    assert hasher.verified == 2


# -- the second factor ------------------------------------------------------------------------
def with_second_factor(root, userid='teacher'):
    import pyotp
    secret = pyotp.random_base32()
    root._p_jar.sync()
    root['people']['users'][userid].totp_secret = secret
    transaction.commit()
    return pyotp.TOTP(secret)


def wrong(totp):
    return '000000' if totp.now() != '000000' else '111111'


def send_code(testapp, code, **kw):
    form = testapp.get('/@@login-code').forms['deform']
    form['code'] = code
    return form.submit('confirm', **kw)


def test_a_code_is_accepted_once_at_both_doors(app, testapp, root):
    totp = with_second_factor(root)
    code = totp.now()
    body = {'login': 'teacher', 'password': 'demo', 'code': code}
    assert testapp.post_json('/@login', body, status=200).json['token']
    response = testapp.post_json('/@login', body, status=401)
    assert 'used already' in response.json['error']['fields']['code']
    browser = EnglishClient(app)
    assert login(browser, 'teacher').location.endswith('/@@login-code')
    assert 'used already' in send_code(browser, code).text
    assert 'ejportal_auth' not in browser.cookies
    root._p_jar.sync()
    failed = get_audit_log(root).search(action='login-failed', limit=5)
    assert [e['details'].get('reason') for e in failed].count('code-used') == 2


def test_a_code_that_turned_the_second_factor_on_does_not_log_in(testapp, as_user):
    import pyotp
    as_user('parent')
    page = testapp.get('/@@second-factor')
    totp = pyotp.TOTP(page.html.find('code').get_text())
    form = page.forms['deform']
    form['code'] = code = totp.now()
    assert form.submit('confirm').status_int == 303
    testapp.reset()
    assert login(testapp, 'parent').location.endswith('/@@login-code')
    assert 'used already' in send_code(testapp, code).text


def test_the_pending_login_expires_after_five_minutes(testapp, root):
    import datetime
    from ejportal.core.session import COOKIE_NAME
    with_second_factor(root)
    assert login(testapp, 'teacher').location.endswith('/@@login-code')
    pending_cookie = testapp.cookies[COOKIE_NAME]
    root._p_jar.sync()
    [pending] = root['people'].pending_logins.values()
    pending.created -= datetime.timedelta(minutes=5, seconds=1)
    transaction.commit()
    response = testapp.get('/@@login-code', status=303)
    assert response.location == 'http://localhost/@@login'
    assert 'log in again' in response.follow().text
    # nor does the cookie of the pending login, sent again, bring it back
    replay = TestApp(testapp.app).get('/@@login-code', status=303, headers={
        'Cookie': 'ejportal_lang=en; %s=%s' % (COOKIE_NAME, pending_cookie)})
    assert replay.location == 'http://localhost/@@login'
    assert 'ejportal_auth' not in testapp.cookies


def test_five_wrong_codes_end_the_pending_login(testapp, root, monkeypatch):
    from ejportal.core.session import COOKIE_NAME
    from ejportal.principals import throttle
    # the account's throttle (tested elsewhere) would refuse before the fifth code
    monkeypatch.setattr(throttle, 'wait_seconds', lambda *args, **kw: 0)
    totp = with_second_factor(root)
    login(testapp, 'teacher')
    pending_cookie = testapp.cookies[COOKIE_NAME]
    for _ in range(4):
        assert 'does not match' in send_code(testapp, wrong(totp)).text
    response = send_code(testapp, wrong(totp), status=303)
    assert response.location == 'http://localhost/@@login'
    assert 'log in again' in response.follow().text
    assert testapp.get('/@@login-code', status=303).location == 'http://localhost/@@login'
    # the cookie from before the wrong codes, sent again, does not reset the count
    response = TestApp(testapp.app).get('/@@login-code', status=303, headers={
        'Cookie': 'ejportal_lang=en; %s=%s' % (COOKIE_NAME, pending_cookie)})
    assert response.location == 'http://localhost/@@login'
    root._p_jar.sync()
    failed = get_audit_log(root).search(action='login-failed', limit=10)
    assert [e['details'].get('reason') for e in failed].count('code') == 5
    # the password step again, then the right code: in
    login(testapp, 'teacher')
    assert send_code(testapp, totp.now(), status=303).location.endswith('/@@start')

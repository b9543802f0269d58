"""Login, throttling, forced password change, sessions, second factor, new devices."""
import datetime

import pyotp
import transaction
from webtest import TestApp

from conftest import EnglishClient, csrf_token, login
from ejportal.core.audit import get_audit_log
from ejportal.principals import throttle


def test_wrong_password_is_refused_and_audited(testapp, root):
    response = login(testapp, 'teacher', 'wrong')
    assert response.status_int == 200
    assert 'Wrong login or password' in response.text
    assert 'ejportal_auth' not in testapp.cookies
    root._p_jar.sync()
    entries = get_audit_log(root).search(action='login-failed', limit=5)
    assert entries[0]['details']['login'] == 'teacher'
    assert entries[0]['address'] == '10.0.0.1'


def test_unknown_user_gets_the_same_message(testapp):
    assert 'Wrong login or password' in login(testapp, 'nobody', 'x').text


def test_failures_make_the_account_wait_then_lock(testapp):
    for _ in range(throttle.ACCOUNT['free']):
        assert 'Wrong login' in login(testapp, 'teacher', 'wrong').text
    response = login(testapp, 'teacher', 'demo')  # even the right password must wait now
    assert response.status_int == 429
    assert 'Too many failed attempts' in response.text
    assert 'ejportal_auth' not in testapp.cookies
    # another account from the same address is not held back
    assert login(testapp, 'director', 'demo').status_int == 303


def test_delay_grows_then_locks():
    failures = {}
    moment = datetime.datetime(2026, 11, 1, 10, 0, tzinfo=datetime.timezone.utc)
    waits = []
    for _ in range(throttle.ACCOUNT['lock_after']):
        throttle.record_failure(failures, 'teacher', '1.2.3.4', moment)
        waits.append(throttle.wait_seconds(failures, 'teacher', '1.2.3.4', moment))
    assert waits[:2] == [0, 0]
    assert waits[2] < waits[3] < waits[4]
    assert waits[-1] == throttle.ACCOUNT['lock_minutes'] * 60
    later = moment + datetime.timedelta(minutes=16)
    assert throttle.wait_seconds(failures, 'teacher', '1.2.3.4', later) == 0
    throttle.record_success(failures, 'teacher', '1.2.3.4')
    assert 'login:teacher|addr:1.2.3.4' not in failures
    # the owner's login does not give strangers their free guesses again
    assert throttle.count(failures, 'login:teacher') == throttle.ACCOUNT['lock_after']


def test_logout_ends_the_session(testapp, as_user):
    as_user('teacher')
    token = csrf_token(testapp)
    testapp.post('/@@logout', {'csrf_token': token}, status=303)
    assert testapp.get('/@@start', status=303).location.startswith('http://localhost/@@login')


def test_the_login_cookie_is_the_session_id_and_nothing_else_passes(testapp, as_user, root):
    """The cookie carries only the login session's random id, HttpOnly and SameSite; a
    made-up id, a changed one, an ended session's or an old signed ticket is anonymous."""
    response = login(testapp, 'teacher', 'demo')
    header = [v for k, v in response.headerlist
              if k == 'Set-Cookie' and v.startswith('ejportal_auth=')][0]
    assert 'HttpOnly' in header and 'SameSite=Lax' in header and 'Path=/' in header
    token = testapp.cookies['ejportal_auth']
    assert testapp.get('/@@start').status_int == 200
    # The cookie is sent as a browser sends it (WebTest's set_cookie would quote the value,
    # which no id matches, so a check through it could not fail).
    anonymous = TestApp(testapp.app)

    def start_page(cookie):
        return anonymous.get('/@@start', headers={'Cookie': 'ejportal_auth=' + cookie},
                             status='*')
    assert start_page(token).status_int == 200       # the real id passes this way
    for bad in ('s' + '0' * 48, token[:-1] + ('0' if token[-1] != '0' else '1'),
                token + 'x', 'teacher!userid_type:b64unicode', ''):
        page = start_page(bad)
        assert page.status_int == 303, bad
        assert page.location.startswith('http://localhost/@@login'), bad
    logout = testapp.post('/@@logout', {'csrf_token': csrf_token(testapp)}, status=303)
    assert any(v.startswith('ejportal_auth=;') and 'Max-Age=0' in v
               for k, v in logout.headerlist if k == 'Set-Cookie')
    page = start_page(token)                         # the ended session's id
    assert page.status_int == 303 and page.location.startswith('http://localhost/@@login')


def test_logout_without_csrf_changes_nothing(testapp, as_user):
    as_user('teacher')
    testapp.post('/@@logout', {}, status=400)
    assert testapp.get('/@@start').status_int == 200


def test_one_time_password_forces_a_change(testapp, as_user, root):
    as_user('admin')
    page = testapp.get('/people/users/teacher')
    form = [f for f in page.forms.values() if 'reset-password' in (f.action or '')][0]
    one_time = form.submit().html.find('p', class_='display-6').get_text().strip()
    testapp.reset()
    response = login(testapp, 'teacher', one_time)
    assert response.location.endswith('/@@change-password')
    assert testapp.get('/journal', status=303).location.endswith('/@@change-password')
    form = testapp.get('/@@change-password').forms['deform']
    form['current_password'] = one_time
    form['new_password'] = 'short'
    form['repeat'] = 'short'
    assert 'At least 8 characters' in form.submit('save', status=400).text
    form = testapp.get('/@@change-password').forms['deform']
    form['current_password'] = one_time
    form['new_password'] = form['repeat'] = 'Ma7hs-and-more'
    assert form.submit('save').status_int == 303
    assert testapp.get('/journal').status_int == 200


def test_sessions_are_listed_and_can_be_ended(app, testapp, as_user):
    other = EnglishClient(app, extra_environ={'REMOTE_ADDR': '10.0.0.2',
                                        'HTTP_USER_AGENT': 'Phone browser'})
    login(other, 'teacher')
    assert other.get('/@@start').status_int == 200
    as_user('teacher')
    page = testapp.get('/@@account')
    assert 'Phone browser' in page.text and '10.0.0.2' in page.text
    row = [tr for tr in page.html.find_all('tr') if 'Phone browser' in tr.get_text()][0]
    key = row.find('input', attrs={'name': 'session'})['value']
    testapp.post('/@@end-session', {'session': key, 'csrf_token': csrf_token(testapp)},
                 status=303)
    assert other.get('/@@start', status=303)  # the phone is logged out
    assert testapp.get('/@@start').status_int == 200  # this browser is not


def test_idle_session_ends(app, testapp, as_user, root):
    as_user('teacher')
    root._p_jar.sync()
    for session in root['people'].login_sessions.values():
        session.last_seen -= datetime.timedelta(hours=2)
    transaction.commit()
    response = testapp.get('/journal', status=303)
    assert '@@login' in response.location
    assert 'without activity' in response.follow().text


def test_second_factor_setup_and_login(testapp, root):
    root['settings'].require_totp_for_staff = True
    transaction.commit()
    response = login(testapp, 'teacher')
    assert response.location.endswith('/@@login-code')
    page = response.follow()
    assert '<svg' in page.text
    secret = page.html.find('code').get_text()
    form = page.forms['deform']
    form['code'] = '000000' if pyotp.TOTP(secret).now() != '000000' else '111111'
    assert 'does not match' in form.submit('confirm').text
    form = testapp.get('/@@login-code').forms['deform']
    form['code'] = pyotp.TOTP(secret).now()
    assert form.submit('confirm').status_int == 303
    assert testapp.get('/@@account').status_int == 200
    root._p_jar.sync()
    assert root['people']['users']['teacher'].totp_secret == secret
    testapp.reset()
    response = login(testapp, 'teacher')
    assert response.location.endswith('/@@login-code')
    # students are not staff: no second factor for them
    testapp.reset()
    assert login(testapp, 'student').location.endswith('/@@start')


def test_login_from_a_new_device_is_noticed(app, testapp, as_user, db_dir):
    as_user('director')
    testapp.get('/@@start')
    assert 'new device' not in testapp.get('/@@start').text
    other = EnglishClient(app, extra_environ={'REMOTE_ADDR': '10.9.9.9',
                                              'HTTP_USER_AGENT': 'Strange'})
    login(other, 'director')
    page = other.get('/@@start')
    assert 'A login from a new device: Strange' in page.text
    mail = list((db_dir / 'mail').iterdir())
    assert mail and 'director@school4.example' in mail[-1].read_text()


def test_a_user_turns_on_the_second_factor(testapp, as_user, root):
    as_user('parent')
    page = testapp.get('/@@second-factor')
    secret = page.html.find('code').get_text()
    form = page.forms['deform']
    form['code'] = 'abc'
    assert 'Six digits' in form.submit('confirm', status=400).text
    form = testapp.get('/@@second-factor').forms['deform']
    form['code'] = pyotp.TOTP(secret).now()
    assert form.submit('confirm').status_int == 303
    testapp.reset()
    assert login(testapp, 'parent').location.endswith('/@@login-code')


def test_old_ended_sessions_are_pruned_at_the_next_login(testapp, root):
    from ejportal.principals.sessions import KEEP_ENDED, sessions_of
    login(testapp, 'teacher')
    testapp.reset()
    root._p_jar.sync()
    people = root['people']
    (key, session), = sessions_of(people, 'teacher')
    session.ended = session.last_seen = session.last_seen - KEEP_ENDED - datetime.timedelta(days=1)
    transaction.commit()
    login(testapp, 'teacher')
    root._p_jar.sync()
    assert key not in people.login_sessions
    assert len(sessions_of(people, 'teacher')) == 1


def test_sessions_index_is_built_for_an_old_database(app, db_dir, root):
    from conftest import app_settings, close_app
    from ejportal import main
    from ejportal.principals.sessions import sessions_of
    login(EnglishClient(app), 'teacher')
    root._p_jar.sync()
    root['people'].user_sessions = None
    root.evolve_done.remove("people: an index of each user's login sessions")
    transaction.commit()
    close_app(app)
    application = main({}, **app_settings(db_dir))
    with application.registry._zodb_databases[''].transaction() as conn:
        assert len(sessions_of(conn.root()['ejportal']['people'], 'teacher')) == 1
    close_app(application)

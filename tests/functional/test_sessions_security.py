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

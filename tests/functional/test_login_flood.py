"""A flood of failed logins neither fills the disk nor the audit log: the attempts the
throttle refuses write nothing but, once a window, an audit entry that counts them."""
import datetime
import os

from conftest import EnglishClient, app_settings, close_app
from test_evolve import write_ini

from ejportal import main
from ejportal.core.audit import get_audit_log
from ejportal.principals import throttle
from ejportal.principals.throttle import FailureCount
from ejportal.scripts.admin import main as admin_main

JSON = {'Accept': 'application/json'}
ATTEMPTS = 500
BYTES_AT_MOST = 200 * 1024
ENTRIES_AT_MOST = 20


def audit_length(root):
    root._p_jar.sync()
    return len(get_audit_log(root))


def test_five_hundred_failed_logins_grow_the_database_by_little(app, db_dir, root):
    """500 wrong passwords for one account over HTTP: through the API from one address,
    through the login screen, then through the API from 25 addresses. Data.fs grows by less
    than 200 KB and the log by a few entries."""
    data_fs = os.path.join(str(db_dir), 'Data.fs')
    size, entries = os.path.getsize(data_fs), audit_length(root)
    statuses = []
    screen = EnglishClient(app, extra_environ={'REMOTE_ADDR': '10.9.0.2'})
    form = screen.get('/@@login').forms['deform']
    for number in range(ATTEMPTS):
        if ATTEMPTS * 2 // 5 <= number < ATTEMPTS * 7 // 10:
            form['login'], form['password'] = 'teacher', 'guess%d' % number
            response = form.submit('submit', status='*')
            assert response.status_int == 429 or 'Wrong login' in response.text
            statuses.append(401 if response.status_int == 200 else response.status_int)
            continue
        address = '10.9.0.1' if number < ATTEMPTS // 2 else '10.9.1.%d' % (number % 25)
        client = EnglishClient(app, extra_environ={'REMOTE_ADDR': address})
        response = client.post_json('/@login', {'login': 'teacher', 'password': 'guess%d' % number},
                                    headers=JSON, status='*')
        statuses.append(response.status_int)
    assert set(statuses) == {401, 429}
    grown, added = os.path.getsize(data_fs) - size, audit_length(root) - entries
    print('\n%d failed logins: Data.fs +%d bytes, audit log +%d entries' % (
        ATTEMPTS, grown, added))
    assert grown < BYTES_AT_MOST
    assert 0 < added <= ENTRIES_AT_MOST
    new = list(get_audit_log(root).entries())[entries:]
    assert {entry['action'] for entry in new} <= {'login-failed', 'login-throttled'}


def test_a_quiet_account_leaves_its_untold_count_to_the_log(app, db_dir, monkeypatch, capsys):
    """Failures after a window's entries are only counted; when the record is forgotten
    (``ejportal-admin maintain``), one entry tells how many there were."""
    attempts = throttle.AUDITED_PER_WINDOW + 7
    for number in range(attempts):
        client = EnglishClient(app, extra_environ={'REMOTE_ADDR': '10.9.2.%d' % number})
        client.post_json('/@login', {'login': 'nobody', 'password': 'x'}, headers=JSON,
                         status='*')
    in_memory = app.registry.login_refusals.get('login:nobody')  # throttled: never stored
    close_app(app)
    later = throttle.now() + 2 * throttle.FORGET_AFTER
    monkeypatch.setattr(throttle, 'now', lambda: later)
    assert admin_main([write_ini(db_dir), 'maintain']) == 0
    assert 'login failure records forgotten: ' in capsys.readouterr().out
    application = main({}, **app_settings(db_dir))
    with application.registry._zodb_databases[''].transaction() as conn:
        log = get_audit_log(conn.root()['ejportal'])
        refused = [entry for action in ('login-failed', 'login-throttled')
                   for entry in log.search(action=action, limit=50)
                   if entry['details']['login'] == 'nobody']
        told = sum(1 + entry['details'].get('further', {}).get('login', 0)
                   for entry in refused)
        summaries = {entry['details']['key']: entry['details']['further']
                     for entry in log.search(action='login-failures', limit=50)}
        assert len(refused) == throttle.AUDITED_PER_WINDOW
        assert summaries['login:nobody'] > 0
        assert told + summaries['login:nobody'] + in_memory == attempts
        assert not any('|' in key for key in summaries)  # a place is told with its account
    close_app(application)


def test_concurrent_failures_merge_their_audit_counts():
    start = datetime.datetime(2026, 11, 1, 10, tzinfo=datetime.timezone.utc)
    old = dict(count=5, last=start, refused=5, audited=5, window_start=start, window_entries=1)
    one = dict(old, count=6, refused=6, audited=6, window_entries=2)     # failed, told
    other = dict(old, count=6, refused=6, last=start.replace(second=1))  # failed, counted
    merged = FailureCount(0, start)._p_resolveConflict(old, one, other)
    assert merged['count'] == merged['refused'] == 7
    assert merged['audited'] == 6 and merged['window_entries'] == 2
    newer = start.replace(minute=30)
    renewed = dict(old, refused=6, audited=6, window_start=newer, window_entries=1)
    merged = FailureCount(0, start)._p_resolveConflict(old, other, renewed)
    assert merged['window_start'] == newer and merged['window_entries'] == 1
    assert merged['refused'] == 7 and merged['audited'] == 6
    # a record of before the audit counts has none of them in its state
    bare = dict(count=5, last=start)
    merged = FailureCount(0, start)._p_resolveConflict(bare, dict(bare, count=6), other)
    assert merged['count'] == 7 and merged['window_start'] == start

"""Edges an outside attack answered with a 500: dates at the calendar's ends, a list for a
type name, a line break in a redirect target, concurrent failed logins on one account, and
the console's report of a broken audit chain. Each now gets a 4xx (or plain text)."""
import datetime
import io
import types

import pytest
import transaction
import ZODB
import ZODB.FileStorage

from conftest import EnglishClient, api_token
from ejportal.core.audit import AuditLog
from ejportal.principals import throttle
from ejportal.principals.resources import People
from ejportal.scripts.admin import cmd_audit_verify

JSON = {'Accept': 'application/json'}
STUDENT = 's0001'
EDGES = ('9999-12-31', '0001-01-01', '9999-12-27', '0001-01-07')


# -- dates at the calendar's ends --------------------------------------------------------
@pytest.mark.parametrize('day', EDGES)
def test_api_week_at_the_calendar_ends_is_400_naming_the_field(as_user, day):
    app = as_user('parent')
    response = app.get('/@diary', {'week': day}, headers=JSON, status=400)
    assert 'week' in response.json['error']['fields']


@pytest.mark.parametrize('endpoint', ['@diary', '@report'])
@pytest.mark.parametrize('start,end,field', [
    ('9999-12-30', '9999-12-31', 'from'), ('0001-01-01', '0001-01-02', 'from'),
    ('2999-12-31', '9999-12-31', 'to'), ('2025-01-01', '9999-12-31', 'to')])
def test_api_range_at_the_calendar_ends_is_400_naming_the_field(as_user, endpoint, start,
                                                                 end, field):
    app = as_user('parent')
    response = app.get('/' + endpoint, {'from': start, 'to': end}, headers=JSON, status=400)
    assert field in response.json['error']['fields']


@pytest.mark.parametrize('day', EDGES)
def test_week_page_at_the_calendar_ends_is_400(as_user, day):
    app = as_user('parent')
    page = app.get('/journal/students/%s/diary' % STUDENT, {'week': day}, status=400)
    assert 'week' in page.text


@pytest.mark.parametrize('start,end', [('9999-12-30', '9999-12-31'),
                                       ('0001-01-01', '0001-01-02')])
def test_report_page_at_the_calendar_ends_is_400(as_user, start, end):
    app = as_user('parent')
    for fmt in ('html', 'xlsx', 'pdf'):
        app.get('/journal/students/%s/report' % STUDENT,
                {'from': start, 'to': end, 'format': fmt}, status=400)


def test_an_ordinary_week_still_works(as_user):
    app = as_user('parent')
    assert app.get('/@diary', {'week': '2026-01-12'}, headers=JSON).json['week']['start'] \
        == '2026-01-12'


# -- a list where a type name belongs ----------------------------------------------------
@pytest.mark.parametrize('type_name', [[], ['Group'], {'a': 1}, 5, None])
def test_a_type_name_that_is_no_string_is_400(testapp, root, type_name):
    headers = {'Authorization': 'Bearer ' + api_token(testapp, 'admin'), **JSON}
    before = len(root['people']['groups'])
    response = testapp.post_json('/people/groups', {'@type': type_name, 'id': 'choir',
                                                    'title': 'Хор'},
                                 headers=headers, status='*')
    assert 400 <= response.status_int < 500, response.text[:500]
    assert response.json['error']
    root._p_jar.sync()
    assert len(root['people']['groups']) == before


# -- a line break in a redirect target ---------------------------------------------------
BAD_TARGETS = ['/\r\nSet-Cookie: x=1', '/start\nLocation: http://evil.example',
               '/%0d%0aX: y', '\r\n', '//evil.example', '/\\evil.example',
               'https:evil.example', 'http://evil.example/', '/\tevil', ' /start',
               '/журнал', '/\u2028evil', '/start\x7f']


def assert_sent_to(response, location):
    assert response.status_int == 303, response.status
    assert response.headers['Location'] == location
    assert 'x=1' not in response.headers.get('Set-Cookie', '')


@pytest.mark.parametrize('target', BAD_TARGETS)
def test_set_language_stays_on_site(testapp, target):
    assert_sent_to(testapp.get('/@@set-language', {'lang': 'ru', 'came_from': target},
                               status='*'), 'http://localhost/')


@pytest.mark.parametrize('target', BAD_TARGETS)
def test_login_stays_on_site(testapp, target):
    form = testapp.get('/@@login', {'came_from': target}).forms['deform']
    form['login'] = 'teacher'
    form['password'] = 'demo'
    form['came_from'] = target
    response = form.submit('submit', status='*')
    if response.status_int == 400:         # the text boundary refuses some controls first
        assert any(c in target for c in '\x7f\u2028'), target
        return
    assert_sent_to(response, 'http://localhost/@@start')


def test_a_good_target_is_kept(testapp):
    response = testapp.get('/@@set-language', {'lang': 'ru', 'came_from': '/documents?b=1'},
                           status=303)
    assert response.headers['Location'] == 'http://localhost/documents?b=1'


def test_redirects_use_the_configured_portal_address(app, root):
    root['settings'].portal_url = 'https://school.example/'
    transaction.commit()
    client = EnglishClient(app, extra_environ={'REMOTE_ADDR': '10.0.0.1',
                                               'HTTP_HOST': 'evil.example'})
    response = client.get('/@@set-language', {'lang': 'ru', 'came_from': '/documents'},
                          status=303)
    assert response.headers['Location'] == 'https://school.example/documents'
    form = client.get('/@@login').forms['deform']
    form['login'] = 'teacher'
    form['password'] = 'demo'
    response = form.submit('submit', status=303)
    assert response.headers['Location'] == 'https://school.example/@@start'


# -- concurrent failed logins on one account ---------------------------------------------
@pytest.fixture
def db(tmp_path):
    database = ZODB.DB(ZODB.FileStorage.FileStorage(str(tmp_path / 'Data.fs')))
    tm = transaction.TransactionManager()
    conn = database.open(tm)
    conn.root()['people'] = People()
    tm.commit()
    conn.close()
    yield database
    database.close()


def failures_in(database):
    tm = transaction.TransactionManager()
    conn = database.open(tm)
    return tm, conn, conn.root()['people'].login_failures


def test_concurrent_failures_on_one_account_both_count(db):
    moment = throttle.now()
    tm, conn, failures = failures_in(db)
    throttle.record_failure(failures, 'teacher', '10.0.0.1', moment)
    tm.commit()
    conn.close()
    tm1, c1, f1 = failures_in(db)
    tm2, c2, f2 = failures_in(db)
    throttle.wait_seconds(f1, 'teacher', '10.0.0.1', moment)   # both read, then both write
    throttle.wait_seconds(f2, 'teacher', '10.0.0.2', moment)
    throttle.record_failure(f1, 'teacher', '10.0.0.1', moment)
    throttle.record_failure(f2, 'Teacher', '10.0.0.2', moment + datetime.timedelta(seconds=1))
    tm1.commit()
    tm2.commit()      # before: ConflictError on the 'login:teacher' record, a 500 after retries
    c1.close()
    c2.close()
    tm, conn, failures = failures_in(db)
    assert throttle.count(failures, 'login:teacher') == 3
    assert throttle.count(failures, 'addr:10.0.0.1') == 2
    assert throttle.count(failures, 'addr:10.0.0.2') == 1
    conn.close()


# -- the console's report of a broken chain ----------------------------------------------
def test_audit_verify_prints_english_text_not_a_message_id():
    log = AuditLog()
    for n in range(5):
        log.append('mark', path='/x/%d' % n, details={'n': n})
    record = next(iter(log._chunks.values())).records[2]
    record.values = record.values[:-1] + ('{"n":99}',)  # the details, rewritten behind the log
    error = cmd_audit_verify(types.SimpleNamespace(audit_log=log), None, io.StringIO())
    assert 'audit-verify' not in error
    assert 'Entry 2 was changed after it was written.' in error


def test_a_record_of_an_older_database_still_counts(db):
    moment = throttle.now()
    tm, conn, failures = failures_in(db)
    failures['login:teacher'] = (throttle.ACCOUNT['lock_after'], moment)
    assert throttle.wait_seconds(failures, 'teacher', 'x', moment) > 0
    throttle.record_failure(failures, 'teacher', 'x', moment)
    assert throttle.count(failures, 'login:teacher') == throttle.ACCOUNT['lock_after'] + 1
    assert throttle.forget_stale(failures, moment + 2 * throttle.FORGET_AFTER) == 3
    tm.abort()
    conn.close()

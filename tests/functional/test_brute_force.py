"""The brute-force suite: thousands of password guesses and second-factor codes against one
account, from many addresses, through every door of the one login action (``POST /@login``,
the login screen, the code screen), on a clock the test moves.

At most 100 guesses are evaluated (a password hash or a code actually checked) in any hour,
the owner still logs in from their own browser, and the audit log gets a few entries a
window that together count every refused attempt. ``EJPORTAL_SOAK=1`` makes it ten times
longer."""
import datetime
import os

import pyotp
import pytest
import transaction

from conftest import EnglishClient, login
from ejportal.core import passwords
from ejportal.core.audit import get_audit_log
from ejportal.principals import login as login_action
from ejportal.principals import throttle
from ejportal.principals.login import DEVICE_COOKIE

SOAK = os.environ.get('EJPORTAL_SOAK') == '1'
GUESSES = 20000 if SOAK else 2000
PER_HOUR = 1000            # the attacker's pace on the test's clock
EVALUATED_PER_HOUR = 100   # the bound
JSON = {'Accept': 'application/json'}
HOUR = datetime.timedelta(hours=1)


class Clock:
    def __init__(self):
        self.moment = datetime.datetime.now(datetime.timezone.utc)

    def __call__(self):
        return self.moment

    def advance(self, seconds):
        self.moment += datetime.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(throttle, 'now', clock)
    return clock


@pytest.fixture
def evaluations(monkeypatch, clock):
    """The moments (on the test's clock) at which a password hash or a code was checked."""
    seen = {'password': [], 'code': []}
    verify, code_step = passwords.verify_password, login_action.code_step

    def counted_verify(*args, **kw):
        seen['password'].append(clock())
        return verify(*args, **kw)

    def counted_code_step(*args, **kw):
        seen['code'].append(clock())
        return code_step(*args, **kw)
    monkeypatch.setattr(passwords, 'verify_password', counted_verify)
    monkeypatch.setattr(login_action, 'code_step', counted_code_step)
    return seen


def most_in_an_hour(moments):
    moments = sorted(moments)
    most, first = 0, 0
    for last, moment in enumerate(moments):
        while moment - moments[first] >= HOUR:
            first += 1
        most = max(most, last - first + 1)
    return most


def wrong(totp):
    return '000000' if totp.now() != '000000' else '111111'


def next_code(totp):
    # the code after the current one (the owner's first login took the current one)
    return totp.at(datetime.datetime.now() + datetime.timedelta(seconds=totp.interval))


def owners_browser(app, root):
    """The teacher, with an authenticator, logs in once from their own browser: it keeps
    its device cookie."""
    root._p_jar.sync()
    secret = root['people']['users']['teacher'].totp_secret = pyotp.random_base32()
    transaction.commit()
    totp = pyotp.TOTP(secret)
    browser = EnglishClient(app, extra_environ={'REMOTE_ADDR': '10.0.0.1'})
    send_code(browser, login(browser, 'teacher'), totp.now())
    return browser, totp


def send_code(client, response, code, status=303):
    assert response.location.endswith('/@@login-code'), response.status
    form = client.get('/@@login-code').forms['deform']
    form['code'] = code
    return form.submit('confirm', status=status)


def guess(app, number, totp):
    """One guess of an attacker at a new address; True if the login action refused it
    (counted by the throttle), False if it led on to the code screen."""
    address = '10.66.%d.%d' % (number // 250 % 250, number % 250)
    client = EnglishClient(app, extra_environ={'REMOTE_ADDR': address})
    door = number % 10
    if door < 6:     # a password through the API
        body = {'login': 'teacher', 'password': 'guess-%d' % number}
    elif door < 8:   # the password (stolen) and a code through the API
        body = {'login': 'teacher', 'password': 'demo', 'code': wrong(totp)}
    else:
        password = 'guess-%d' % number if door == 8 else 'demo'
        response = login(client, 'teacher', password)
        if response.status_int != 303:
            assert response.status_int in (200, 429)
            return True
        assert response.status_int == 303 and door == 9
        response = send_code(client, response, wrong(totp), status='*')
        assert response.status_int in (200, 303, 429)
        return True
    response = client.post_json('/@login', body, headers=JSON, status='*')
    assert response.status_int in (401, 429), response.text[:200]
    return True


def told_on_the_account(entries):
    """How many refused attempts on the account the entries tell: each its own, and the
    further ones it counts."""
    return sum(1 + entry['details'].get('further', {}).get('login', 0) for entry in entries)


def test_thousands_of_guesses_are_held_to_a_hundred_an_hour(app, root, clock, evaluations):
    owner, totp = owners_browser(app, root)
    evaluations['password'].clear()
    evaluations['code'].clear()
    root._p_jar.sync()
    entries_before = len(get_audit_log(root))
    refused = 0
    for number in range(GUESSES):
        refused += guess(app, number, totp)
        clock.advance(3600 / PER_HOUR)
    hours = GUESSES / PER_HOUR

    # at most a hundred guesses evaluated in any hour, passwords and codes alike
    passwords_checked = most_in_an_hour(evaluations['password'])
    codes_checked = most_in_an_hour(evaluations['code'])
    print('\n%d guesses in %.0f h: at most %d passwords and %d codes checked in an hour' % (
        GUESSES, hours, passwords_checked, codes_checked))
    assert 0 < passwords_checked <= EVALUATED_PER_HOUR
    assert 0 < codes_checked <= EVALUATED_PER_HOUR
    assert most_in_an_hour(evaluations['password'] + evaluations['code']) <= \
        EVALUATED_PER_HOUR

    # the log: a few entries a window, which with what is still counted tell every attempt
    root._p_jar.sync()
    new = list(get_audit_log(root).entries())[entries_before:]
    windows = int(hours * HOUR / throttle.AUDIT_WINDOW) + 1
    print('audit entries: %d for %d refused attempts' % (len(new), refused))
    assert len(new) <= throttle.AUDITED_PER_WINDOW * windows
    assert {entry['action'] for entry in new} <= {'login-failed', 'login-throttled'}
    record = root['people'].login_failures['login:teacher']
    untold = record.refused - record.audited + app.registry.login_refusals.get('login:teacher')
    assert told_on_the_account(new) + untold == refused

    # the owner's own browser still gets in, with the right password and code...
    owner.post('/@@logout', {'csrf_token': owner.get('/@@start').html.find(
        'meta', attrs={'name': 'csrf-token'})['content']}, status=303)
    assert owner.cookies.get(DEVICE_COOKIE)
    response = login(owner, 'teacher')
    assert response.status_int == 303, response.text[:300]
    assert send_code(owner, response, next_code(totp)).location.endswith('/@@start')
    # ... while a browser the account never used waits, the right password unchecked
    checked = len(evaluations['password'])
    stranger = EnglishClient(app, extra_environ={'REMOTE_ADDR': '10.0.0.99'})
    assert login(stranger, 'teacher').status_int == 429
    assert len(evaluations['password']) == checked


def test_a_forwarded_for_header_is_not_the_address(app, root):
    """A client's own X-Forwarded-For must not make it a new address to the throttle or the
    records (behind a proxy, waitress puts the trusted one in REMOTE_ADDR)."""
    client = EnglishClient(app, extra_environ={'REMOTE_ADDR': '10.0.0.7'})
    for number in range(throttle.ACCOUNT['free']):
        client.post_json('/@login', {'login': 'teacher', 'password': 'x'}, headers=dict(
            JSON, **{'X-Forwarded-For': '192.0.2.%d' % number}), status=401)
    response = client.post_json('/@login', {'login': 'teacher', 'password': 'demo'},
                                headers=dict(JSON, **{'X-Forwarded-For': '192.0.2.99'}),
                                status=429)
    assert 'token' not in response.json
    root._p_jar.sync()
    [entry] = get_audit_log(root).search(action='login-failed', limit=1)
    assert entry['address'] == '10.0.0.7'
    assert 'login:teacher|addr:10.0.0.7' in root['people'].login_failures


def test_an_ipv6_address_counts_by_its_64():
    failures = {}
    for host in range(throttle.ACCOUNT['free']):
        throttle.record_failure(failures, 'teacher', '2001:db8:1:2::%x' % (host + 1))
    assert throttle.wait_seconds(failures, 'teacher', '2001:db8:1:2:ffff::1') > 0
    assert throttle.wait_seconds(failures, 'student', '2001:db8:1:3::1') == 0
    assert throttle.address_key('::ffff:10.0.0.1') == '10.0.0.1'
    assert throttle.address_key('not an address') == 'not an address'


def test_the_strangers_limit_lets_fewer_than_a_hundred_an_hour():
    assert throttle.hourly_evaluations(throttle.STRANGERS) + \
        throttle.hourly_evaluations(throttle.ACCOUNT) <= EVALUATED_PER_HOUR

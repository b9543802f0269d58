"""Open redirects: every parameter the portal redirects to (``came_from`` on the password
login, the second-factor step and set-language; the path a logged-out visitor is sent back
to) takes known off-site shapes and never answers with a Location off the portal.

A Location is read as a browser reads it (WHATWG URL): tabs and line breaks dropped, a
backslash taken for a slash, leading spaces and controls stripped. ``EJPORTAL_SOAK=1`` adds
generated values by the thousand.
"""
import string
from urllib.parse import quote, urlsplit

import pyotp
import pytest
import transaction
from hypothesis import given, strategies as st

from conftest import EnglishClient, csrf_token, login
from functional import hostile

HOST = 'localhost'
EVIL = 'evil.example'

VECTORS = [
    '//evil.example', '//evil.example/', '///evil.example', '////evil.example/@@start',
    '/\\evil.example', '\\\\evil.example', '/\\/evil.example', '\\/evil.example',
    '/\\\\evil.example', '//\\evil.example', '/%5Cevil.example', '/%5C%5Cevil.example',
    '%2F%2Fevil.example', '/%2F%2Fevil.example', '/%2fevil.example', '%2F%5Cevil.example',
    'http://evil.example', 'https://evil.example', 'HTTPS://EVIL.EXAMPLE', 'hTtP://evil.example',
    'https:evil.example', 'https:/evil.example', 'http:\\\\evil.example', 'https:\\/evil.example',
    'https://localhost@evil.example', '//localhost@evil.example', 'https://localhost:@evil.example',
    'http://localhost%40evil.example', '//localhost%2540evil.example', '/@evil.example',
    '@evil.example', 'https://evil.example#@localhost', 'https://evil.example?@localhost',
    '//evil.example\\@localhost', 'https://evil.example\\.localhost',
    '/\t/evil.example', '/\n/evil.example', '/\r\n/evil.example', '\t//evil.example',
    ' //evil.example', '\x00//evil.example', '/\x00/evil.example', '/%09/evil.example',
    '/%0a/evil.example', '/%0d%0aLocation:%20http://evil.example',
    '\r\nLocation: http://evil.example', '/x\r\nLocation: http://evil.example',
    '/\u3002/evil.example', '//evil\u3002example', '//evil.example\u3002', '/\uff0f/evil.example',
    '//\uff45vil.example', '/\u2215\u2215evil.example', '/\u202e//evil.example',
    'javascript:alert(1)', 'JaVaScRiPt:alert(document.domain)', 'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)',
    '/..//evil.example', '/./\\evil.example', '/.//evil.example', '/%2e%2e//evil.example',
    '//evil.example:80', '//evil.example:443/%2e%2e', '//127.0.0.1', '//0x7f000001',
    '//[::1]', '///\\;@evil.example', '/;//evil.example', 'evil.example', '.evil.example',
    '//%65vil.example', 'http%3A%2F%2Fevil.example', '%68ttp://evil.example',
    '/\\\tevil.example', '/ /evil.example', '//evil.example/%2e%2e%2f',
]


def browser_target(location):
    """(scheme, host) a browser would go to for this Location header."""
    cleaned = location.strip(''.join(map(chr, range(0x21))))
    cleaned = cleaned.replace('\t', '').replace('\n', '').replace('\r', '').replace('\\', '/')
    parts = urlsplit(cleaned)
    return parts.scheme.lower(), (parts.hostname or '').lower()


def assert_on_site(response, value):
    if response.status_int not in (301, 302, 303, 307, 308):
        assert response.status_int < 500, (value, response.status, response.text[:500])
        return
    location = response.headers['Location']
    scheme, host = browser_target(location)
    assert scheme in ('http', 'https') and host == HOST, (value, location)
    assert '\n' not in location and '\r' not in location, (value, location)


@pytest.fixture(scope='module')
def app(demo_template, tmp_path_factory):
    module_app = hostile.ModuleApp(demo_template, tmp_path_factory.mktemp('redirects'))
    yield module_app.app
    module_app.close()


def client(app, address='10.0.1.1'):
    return EnglishClient(app, extra_environ={'REMOTE_ADDR': address, 'HTTP_HOST': HOST})


def set_language(browser, value):
    query = 'lang=ru&came_from=' + quote(value, safe='')
    return browser.get('/@@set-language?' + query, status='*')


def log_in(browser, value, user='teacher'):
    form = browser.get('/@@login', params={'came_from': value}, status='*').forms['deform']
    form['login'] = user
    form['password'] = 'demo'
    # the hidden field as an attacker posts it, whatever the page put in it
    form['came_from'] = value
    return form.submit('submit', status='*')


@pytest.mark.parametrize('value', VECTORS)
def test_set_language_stays_on_site(app, value):
    assert_on_site(set_language(client(app), value), value)


def test_every_vector_through_the_password_login(app):
    for number, value in enumerate(VECTORS):
        browser = client(app, '10.0.2.%d' % (number % 250 + 1))
        response = log_in(browser, value)
        # a control character is refused at the door (400): no redirect at all
        assert response.status_int in (303, 400), (value, response.text[:500])
        assert_on_site(response, value)


def test_every_vector_through_the_second_factor(app):
    """``came_from`` waits in the pending login while the code is asked for."""
    from ejportal.site.resources import ZODB_ROOT_KEY
    users = ['teacher', 'class_teacher', 'deputy', 'director', 'secretary', 'psychologist',
             'admin']
    conn = app.registry._zodb_databases[''].open()
    secrets = {}
    for user in users:
        secrets[user] = conn.root()[ZODB_ROOT_KEY]['people']['users'][user].totp_secret = \
            pyotp.random_base32()
    transaction.commit()
    conn.close()
    try:
        # a code is good once: one vector per user and code window, the rest by the password
        for number, value in enumerate(VECTORS[:len(users)]):
            user = users[number]
            browser = client(app, '10.0.3.%d' % (number + 1))
            response = log_in(browser, value, user)
            assert response.status_int == 303, (value, response.text[:500])
            assert response.location.endswith('/@@login-code'), response.location
            form = browser.get('/@@login-code').forms['deform']
            form['code'] = pyotp.TOTP(secrets[user]).now()
            response = form.submit('confirm', status='*')
            assert response.status_int == 303, (value, response.text[:500])
            assert_on_site(response, value)
    finally:
        conn = app.registry._zodb_databases[''].open()
        for user in users:
            conn.root()[ZODB_ROOT_KEY]['people']['users'][user].totp_secret = None
        transaction.commit()
        conn.close()


@pytest.mark.parametrize('path', ['//evil.example/@@start', '/\\evil.example/journal',
                                  '/journal/%2F%2Fevil.example', '/journal?x=//evil.example',
                                  '/@@account?came_from=http://evil.example'])
def test_the_way_back_after_login_stays_on_site(app, path):
    """A logged-out visitor sent to the login page comes back to where they were."""
    browser = client(app)
    response = browser.get(path, status='*')
    assert_on_site(response, path)
    if response.status_int == 303 and '@@login' in response.location:
        came_from = dict(__import__('urllib.parse').parse.parse_qsl(
            urlsplit(response.location).query)).get('came_from', '')
        assert_on_site(log_in(browser, came_from), came_from)


def test_logout_ignores_a_came_from(app):
    browser = client(app)
    login(browser, 'teacher')
    token = csrf_token(browser)
    response = browser.post('/@@logout?came_from=//evil.example',
                            {'csrf_token': token, 'came_from': 'https://evil.example'},
                            status='*')
    assert_on_site(response, 'logout')


def test_a_configured_portal_address_is_where_redirects_go(app):
    """With the portal's address set, a forged Host header sends nobody away."""
    from ejportal.site.resources import ZODB_ROOT_KEY
    conn = app.registry._zodb_databases[''].open()
    conn.root()[ZODB_ROOT_KEY]['settings'].portal_url = 'http://localhost'
    transaction.commit()
    try:
        browser = EnglishClient(app, extra_environ={'REMOTE_ADDR': '10.0.4.1',
                                                    'HTTP_HOST': EVIL})
        for value in VECTORS[:20] + ['/@@start']:
            assert_on_site(set_language(browser, value), value)
            assert_on_site(log_in(browser, value), value)
    finally:
        conn.root()[ZODB_ROOT_KEY]['settings'].portal_url = ''
        transaction.commit()
        conn.close()


# -- generated values ------------------------------------------------------------------
PIECES = st.sampled_from(['/', '//', '\\', '%2F', '%5C', '%2f', '@', ':', 'http:', 'https:',
                          EVIL, 'localhost', '\t', '\n', '\r', ' ', '.', '..', '#', '?',
                          '%09', '%0a', '%00', '\u3002', '\uff0f', 'javascript:', ';'])
CAME_FROM = st.one_of(st.lists(PIECES, min_size=1, max_size=8).map(''.join),
                      st.text(alphabet=string.printable + '\u3002\uff0f\u2215', max_size=40))


@hostile.budget(60, 3000)
@given(value=CAME_FROM)
def test_generated_came_from_values_stay_on_site(app, value):
    assert_on_site(set_language(client(app), value), value)

"""One login action behind both doors (the login screen and ``POST /@login``): the second
factor holds at both, a login session works only through the door that opened it, and a
bearer token is authentication only, not a request for JSON."""
import pyotp
import transaction

from conftest import EnglishClient, api_token, csrf_token, login
from ejportal.core.audit import get_audit_log
from ejportal.principals import throttle

JSON = {'Accept': 'application/json'}


def bearer(token, accept='application/json'):
    return {'Accept': accept, 'Authorization': 'Bearer ' + token}


def require_totp_for_staff(root, **secrets):
    root._p_jar.sync()
    root['settings'].require_totp_for_staff = True
    for userid, secret in secrets.items():
        root['people']['users'][userid].totp_secret = secret
    transaction.commit()


def post_login(testapp, status, **body):
    body = dict({'login': 'teacher', 'password': 'demo'}, **body)
    return testapp.post_json('/@login', body, headers=JSON, status=status)


def wrong_code(secret):
    return '000000' if pyotp.TOTP(secret).now() != '000000' else '111111'


# -- the second factor at the API's door -----------------------------------------------------
def test_api_login_of_staff_without_a_second_factor_is_sent_to_the_site(testapp, root):
    require_totp_for_staff(root)
    response = post_login(testapp, 403)
    assert response.json['error']['type'] == 'SecondFactorSetupRequired'
    assert 'on the site' in response.json['error']['message']
    assert 'token' not in response.json
    # a student is not staff: the setting does not touch them
    assert api_token(testapp, 'student')
    testapp.set_cookie('ejportal_lang', 'ru')
    assert 'войдите на сайт' in post_login(testapp, 403).json['error']['message']


def test_api_login_of_staff_needs_a_valid_code(testapp, root):
    secret = pyotp.random_base32()
    require_totp_for_staff(root, teacher=secret)
    response = post_login(testapp, 401)
    assert response.json['error']['type'] == 'SecondFactorRequired'
    response = post_login(testapp, 401, code=wrong_code(secret))
    assert 'code' in response.json['error']['fields']
    response = post_login(testapp, 400, code='12ab')
    assert 'code' in response.json['error']['fields']
    token = post_login(testapp, 200, code=pyotp.TOTP(secret).now()).json['token']
    page = testapp.get('/journal', headers=bearer(token))
    assert page.content_type == 'application/json'
    root._p_jar.sync()
    entry = get_audit_log(root).search(action='login', limit=1)[0]
    assert entry['details'] == {'login': 'teacher', 'kind': 'api'}


def test_a_user_with_their_own_second_factor_logs_in_to_the_api_with_the_code(testapp, root):
    secret = pyotp.random_base32()
    root['people']['users']['parent'].totp_secret = secret
    transaction.commit()
    assert post_login(testapp, 401, login='parent').json['error']['type'] == \
        'SecondFactorRequired'
    assert post_login(testapp, 200, login='parent', code=pyotp.TOTP(secret).now()).json['token']


def test_wrong_codes_count_as_failed_logins_at_both_doors(testapp, root):
    """A stolen password must not give unlimited guesses at the code: each wrong code is a
    failure that the throttle counts, whichever door it came through."""
    secret = pyotp.random_base32()
    require_totp_for_staff(root, teacher=secret)
    for _ in range(throttle.ACCOUNT['free'] - 1):
        post_login(testapp, 401, code=wrong_code(secret))
    response = login(testapp, 'teacher')
    form = response.follow().forms['deform']
    form['code'] = wrong_code(secret)
    assert 'does not match' in form.submit('confirm').text
    response = post_login(testapp, 429, code=pyotp.TOTP(secret).now())
    assert 'token' not in response.json
    form = testapp.get('/@@login-code').forms['deform']
    form['code'] = pyotp.TOTP(secret).now()
    assert form.submit('confirm', status=429).status_int == 429
    assert 'ejportal_auth' not in testapp.cookies
    root._p_jar.sync()
    failed = get_audit_log(root).search(action='login-failed', limit=10)
    assert [e['details'].get('reason') for e in failed].count('code') == throttle.ACCOUNT['free']


# -- a login session opens one door only --------------------------------------------------------
def auth_cookie(value):
    # set as a header: WebTest's set_cookie quotes the value, which no browser does
    return {'Cookie': 'ejportal_lang=en; ejportal_auth=' + value}


def test_an_api_token_is_not_a_login_cookie(app, testapp, as_user):
    token = api_token(testapp, 'admin')
    browser = EnglishClient(app)
    assert browser.get('/@@start', headers=auth_cookie(token), status=303).location.startswith(
        'http://localhost/@@login')
    browser.get('/people/users', headers=dict(auth_cookie(token), **JSON), status=401)
    # a cookie login's id sent the same way passes, and the token still works as a token
    as_user('admin')
    cookie = testapp.cookies['ejportal_auth'].strip('"')
    assert browser.get('/@@start', headers=auth_cookie(cookie)).status_int == 200
    # the token itself still works where it belongs
    assert testapp.get('/people/users', headers=bearer(token)).json['@type'] == 'Users'


def test_a_login_cookie_is_not_an_api_token(app, testapp, as_user):
    as_user('admin')
    cookie = testapp.cookies['ejportal_auth'].strip('"')
    api = EnglishClient(app)
    response = api.get('/people/users', headers=bearer(cookie), status=401)
    assert response.json['error']['type'] == 'Unauthorized'
    assert testapp.get('/people/users').status_int == 200


# -- a bearer token authenticates; Accept chooses the answer ------------------------------------
def test_a_bearer_token_asking_for_html_gets_the_page_of_its_user(testapp):
    token = api_token(testapp, 'admin')
    page = testapp.get('/people/users', headers=bearer(token, 'text/html'))
    assert page.content_type == 'text/html'
    assert page.html.find(class_='user-name').get_text().startswith('Смирнов')
    assert page.html.select('table')
    data = testapp.get('/people/users', headers=bearer(token, 'application/json')).json
    assert data['@type'] == 'Users'
    # a page the token's user may not see is the HTML not-found page, not a JSON error
    teacher = api_token(testapp, 'teacher')
    refused = testapp.get('/people/users', headers=bearer(teacher, 'text/html'), status=404)
    assert refused.content_type == 'text/html'


def test_a_bearer_request_still_needs_no_csrf_token(testapp):
    token = api_token(testapp, 'admin')
    testapp.post('/@@logout', headers=bearer(token, 'text/html'), status=303)
    testapp.get('/people/users', headers=bearer(token), status=401)


def test_the_login_screen_still_asks_for_the_code(testapp, root):
    secret = pyotp.random_base32()
    require_totp_for_staff(root, teacher=secret)
    response = login(testapp, 'teacher')
    assert response.location.endswith('/@@login-code')
    assert 'ejportal_auth' not in testapp.cookies
    form = response.follow().forms['deform']
    form['code'] = pyotp.TOTP(secret).now()
    assert form.submit('confirm').location.endswith('/@@start')
    assert testapp.get('/@@account').status_int == 200
    assert csrf_token(testapp)
    root._p_jar.sync()
    entry = get_audit_log(root).search(action='login', limit=1)[0]
    assert entry['details'] == {'login': 'teacher', 'kind': 'browser'}

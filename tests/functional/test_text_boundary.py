"""Every text that enters by any door passes the one boundary check, every id the one
validator: what is refused answers 400 naming the field, and nothing stored breaks a page."""
from urllib.parse import quote

import pytest
import transaction
from pyramid.traversal import find_resource
from webob import Request

from conftest import api_token, csrf_token, login
from test_evolve import write_ini
from test_journal import MATH_5A, YEAR, column_form

from ejportal.core.content import Resource
from ejportal.core.errors import Invalid
from ejportal.core.folder import Folder
from ejportal.scripts.admin import main as admin_main

LONE = '\udc00'
C5A = YEAR + '/classes/5a'


def bearer(token):
    return {'Accept': 'application/json', 'Authorization': 'Bearer ' + token}


def assert_refused(response, field):
    error = response.json['error']
    assert error['type'] == 'BadRequest' and error['message']
    assert field in error['fields'], error


def assert_pages_serve(testapp):
    """The pages that a stored lone surrogate used to break, for everyone."""
    testapp.reset()
    testapp.get('/', status=200)
    testapp.get('/@@login', status=200)
    testapp.get('/@search', {'SearchableText': 'Положение'}, headers={'Accept': 'application/json'},
                status=200)
    login(testapp, 'admin')
    testapp.get('/documents', status=200)
    testapp.get('/settings/audit.csv', status=200)


# -- ids -------------------------------------------------------------------------------------
@pytest.mark.parametrize('bad', ['x' * 100000, 'a\x00b', 'evil\u202etxt.exe', '..', '@@view',
                                 'a/b', '__acl__', ' lead'])
def test_the_api_refuses_a_bad_id(testapp, root, bad):
    headers = bearer(api_token(testapp, 'admin'))
    response = testapp.post_json('/people/users', {
        '@type': 'User', 'id': bad, 'surname': 'Новикова', 'first_name': 'Вера',
        'roles': ['teacher']},
        headers=headers, status=400)
    assert_refused(response, 'id')
    transaction.abort()
    assert len(root['people']['users']) == 10
    assert bad not in root['people']['users']


def test_the_api_takes_a_good_id(testapp, root):
    headers = bearer(api_token(testapp, 'admin'))
    testapp.post_json('/people/users', {'@type': 'User', 'id': 'novikova.v', 'surname': 'Н',
                                        'first_name': 'В', 'roles': ['teacher']}, headers=headers, status=201)
    transaction.abort()
    assert 'novikova.v' in root['people']['users']


def test_a_folder_refuses_a_bad_name_for_every_caller():
    folder = Folder()
    for bad in ('x' * 101, 'a\x00b', 'a\u202eb', '..', '', None, 'a b'):
        with pytest.raises(Invalid) as refused:
            folder.add(bad, Resource())
        assert set(refused.value.fields) == {'id'}
        assert isinstance(refused.value, ValueError)  # callers that caught ValueError still do
    assert len(folder) == 0
    # ids the portal makes itself: subgroup journals may be named in Russian ("математика-А")
    for good in ('x' * 100, 'order-2012-od-181', 'math-А', 'ivanova.e2', '2026-2027', '5a'):
        folder.add(good, Resource())
    assert len(folder) == 6


def test_a_group_named_in_russian_gets_its_journal(as_user, root):
    """The ids the portal makes itself pass the one rule: a subgroup "Б" is the journal
    "russian-Б"."""
    app = as_user('admin')
    app.post_json(MATH_5A + '/@subgroups', {'subject': 'russian', 'create': 'Б'}, status=201,
                  headers={'X-CSRF-Token': csrf_token(app), 'Accept': 'application/json'})
    transaction.abort()
    assert 'russian-Б' in find_resource(root, C5A)['journals']
    app.get(quote(C5A + '/journals/russian-Б'), status=200)


# -- lone surrogates and control characters through the JSON API -----------------------------
def test_a_lone_surrogate_in_settings_is_refused(testapp, root):
    headers = bearer(api_token(testapp, 'admin'))
    response = testapp.patch_json('/settings', {'school_name': 'Школа ' + LONE},
                                  headers=headers, status=400)
    assert_refused(response, 'school_name')
    testapp.patch_json('/settings', {'school_address': 'a\x00b'}, headers=headers, status=400)
    transaction.abort()
    assert root['settings'].school_name == 'МБОУ СОШ № 4'
    assert root['settings'].school_address == ''
    assert_pages_serve(testapp)


def test_a_lone_surrogate_in_a_document_title_is_refused(testapp, root):
    headers = bearer(api_token(testapp, 'director'))
    before = len(root['documents'])
    response = testapp.post_json('/documents', {'@type': 'Regulation', 'title': 'Положение ' + LONE},
                                 headers=headers, status=400)
    assert_refused(response, 'title')
    response = testapp.patch_json('/documents/regulation-4', {'title': LONE}, headers=headers,
                                  status=400)
    assert_refused(response, 'title')
    # a key is text too
    testapp.patch_json('/documents/regulation-4', {LONE: 'x'}, headers=headers, status=400)
    transaction.abort()
    assert len(root['documents']) == before
    assert LONE not in root['documents']['regulation-4'].title
    assert_pages_serve(testapp)


def test_a_lone_surrogate_as_a_login_name_is_refused_and_the_audit_stays_readable(testapp):
    response = testapp.post_json('/@login', {'login': 'x' + LONE, 'password': 'demo'},
                                 headers={'Accept': 'application/json'}, status=400)
    assert_refused(response, 'login')
    assert_pages_serve(testapp)


def test_every_reader_of_a_json_body_gets_checked_text(as_user, root):
    """``@workflow`` reads the body itself: the check is where the body is parsed."""
    app = as_user('director')
    token = csrf_token(app)
    response = app.post_json('/documents/regulation-3/@workflow/submit', {'comment': LONE},
                             headers={'X-CSRF-Token': token, 'Accept': 'application/json'},
                             status=400)
    assert_refused(response, 'comment')


# -- forms -----------------------------------------------------------------------------------
def test_a_control_character_in_a_form_is_shown_on_its_field(as_user, root):
    app = as_user('admin')
    form = app.get('/settings').forms['deform']
    form['school_name'] = 'Школа\x00№ 5'
    response = form.submit('save', status=400)
    field = response.html.find(id='item-' + form['school_name'].id)
    assert 'cannot be stored' in field.text
    transaction.abort()
    assert root['settings'].school_name == 'МБОУ СОШ № 4'


def test_the_login_form_refuses_a_control_character_before_any_check(testapp, root):
    form = testapp.get('/@@login').forms['deform']
    form['login'] = 'admin\x00'
    form['password'] = 'demo'
    response = form.submit('submit', status=400)
    assert 'cannot be stored' in response.html.find(id='item-' + form['login'].id).text
    assert 'ejportal_auth' not in testapp.cookies
    transaction.abort()
    assert not root.audit_log.search(action='login-failed', limit=1)
    assert_pages_serve(testapp)


def test_a_control_character_in_a_hand_parsed_form_is_refused(as_user, root):
    from pyramid.traversal import find_resource
    app = as_user('teacher')
    form = column_form(app.get(MATH_5A + '/@@column'))
    day = find_resource(root, MATH_5A).year.current_period().start
    form['date'] = day.isoformat()
    form['number'] = '8'
    form['topic'] = 'Повторение\x1b[31m'
    response = form.submit(status=400)
    assert 'topic' in response.text and 'cannot be stored' in response.text
    transaction.abort()
    assert '%s-8' % day.isoformat() not in find_resource(root, MATH_5A).lessons


def test_a_pages_button_names_the_refused_field(as_user, root):
    """A button's view that sends the reader back on a refusal still gets the 400 naming
    the field: the check runs before the view and its decorators."""
    app = as_user('director')
    response = app.post('/documents/regulation-3/@@workflow', {
        'transition': 'submit', 'comment': 'на\x07 согласование',
        'csrf_token': csrf_token(app)}, status=400)
    assert 'comment: ' in response.text and 'cannot be stored' in response.text
    transaction.abort()
    assert root['documents']['regulation-3'].review_state != 'review'


def test_broken_utf8_in_a_form_an_address_or_a_query_is_400(app, as_user, testapp):
    wsgi_app, app = app, as_user('admin')
    token = csrf_token(app)
    app.post('/settings', 'csrf_token=%s&school_name=%%ED%%B0%%80&save=save' % token,
             headers={'Content-Type': 'application/x-www-form-urlencoded'}, status=400)
    page = testapp.get('/settings/@@audit?text=%ED%B0%80', status=400)
    assert 'not UTF-8' in page.text and '<h1>The request could not be served</h1>' in page.text
    response = app.get('/@search?SearchableText=%ED%B0%80', status=400)
    assert response.json['error']['type'] == 'BadRequest'
    # (WebTest's own cookie handling cannot build such an address: a bare request)
    assert Request.blank('/docu%ffments').get_response(wsgi_app).status_int == 400
    assert_pages_serve(testapp)


# -- the console --------------------------------------------------------------------------------
def test_the_console_refuses_bad_text_and_bad_ids(app, db_dir, capsys):
    from conftest import close_app
    close_app(app)
    ini = write_ini(db_dir)
    # a console argument that is not UTF-8 reaches Python as a lone surrogate
    assert admin_main([ini, 'create-user', 'novikova', '--surname', 'Н\udcff']) == 2
    assert 'surname' in capsys.readouterr().err
    assert admin_main([ini, 'create-user', 'evil\u202eexe']) == 1
    assert 'id' in capsys.readouterr().err
    assert admin_main([ini, 'list-users']) == 0
    listed = capsys.readouterr().out
    assert 'novikova' not in listed and 'evil' not in listed

"""The JSON API contract (plone.restapi conventions)."""
from conftest import api_token

JSON = {'Accept': 'application/json'}


def bearer(token):
    return {'Accept': 'application/json', 'Authorization': 'Bearer ' + token}


def test_login_gives_a_token_that_authenticates(testapp):
    token = api_token(testapp, 'admin')
    response = testapp.get('/people/users', headers=bearer(token))
    assert response.content_type == 'application/json'
    data = response.json
    assert data['@id'] == 'http://localhost/people/users'
    assert data['@type'] == 'Users'
    assert data['items_total'] >= 9
    assert {'@id', '@type', 'title'} <= set(data['items'][0])


def test_login_with_a_wrong_password_is_401(testapp):
    response = testapp.post_json('/@login', {'login': 'admin', 'password': 'x'}, headers=JSON,
                                 status=401)
    assert response.json['error']['type'] == 'Unauthorized'
    assert response.json['error']['message']


def test_login_with_a_bad_body_is_400(testapp):
    response = testapp.post('/@login', 'not json', headers={'Content-Type': 'application/json',
                                                             'Accept': 'application/json'},
                            status=400)
    assert response.json['error']['type'] == 'BadRequest'


def test_no_token_is_401_and_a_bad_token_too(testapp):
    assert testapp.get('/people/users', headers=JSON, status=401).json['error']['type'] == \
        'Unauthorized'
    testapp.get('/people/users', headers=bearer('s' + '0' * 48), status=401)


def test_the_same_permissions_apply(testapp):
    token = api_token(testapp, 'teacher')
    # people's records are the administrator's alone to see: hidden, as if not there
    response = testapp.get('/people/users', headers=bearer(token), status=404)
    assert response.json['error']['type'] == 'NotFound'


def test_logout_ends_the_token(testapp):
    token = api_token(testapp, 'admin')
    testapp.post('/@logout', headers=bearer(token), status=204)
    testapp.get('/people/users', headers=bearer(token), status=401)


def test_create_patch_and_refuse_delete_of_a_user(testapp, root):
    headers = bearer(api_token(testapp, 'admin'))
    response = testapp.post_json('/people/users', {
        '@type': 'User', 'id': 'novikova', 'surname': 'Новикова', 'first_name': 'Вера',
        'roles': ['teacher']}, headers=headers, status=201)
    assert response.json['@id'] == 'http://localhost/people/users/novikova'
    assert response.json['roles'] == ['teacher']
    assert 'password_hash' not in response.json
    testapp.patch_json('/people/users/novikova', {'position': 'Учитель физики'},
                       headers=headers, status=204)
    assert testapp.get('/people/users/novikova', headers=headers).json['position'] == \
        'Учитель физики'
    response = testapp.delete('/people/users/novikova', headers=headers, status=409)
    assert response.json['error']['type'] == 'Conflict'


def test_invalid_fields_are_400_and_nothing_is_saved(testapp, root):
    headers = bearer(api_token(testapp, 'admin'))
    response = testapp.post_json('/people/users', {
        '@type': 'User', 'id': 'bad', 'surname': '', 'first_name': 'X', 'email': 'no'},
        headers=headers, status=400)
    fields = response.json['error']['fields']
    assert 'surname' in fields and 'email' in fields
    root._p_jar.sync()
    assert 'bad' not in root['people']['users']
    response = testapp.patch_json('/people/users/teacher', {'roles': ['wizard']},
                                  headers=headers, status=400)
    assert 'roles' in response.json['error']['fields']
    testapp.patch_json('/people/users/teacher', {'password_hash': 'x'}, headers=headers,
                       status=400)


def test_duplicate_id_is_409_and_wrong_type_400(testapp):
    headers = bearer(api_token(testapp, 'admin'))
    testapp.post_json('/people/users', {'@type': 'User', 'id': 'teacher', 'surname': 'A',
                                        'first_name': 'B'}, headers=headers, status=409)
    testapp.post_json('/people/users', {'@type': 'Group', 'title': 'x'}, headers=headers,
                      status=400)


def test_batching(testapp):
    headers = bearer(api_token(testapp, 'admin'))
    data = testapp.get('/people/users?b_size=2&b_start=2', headers=headers).json
    assert len(data['items']) == 2
    assert data['batching']['next'].endswith('b_start=4&b_size=2')
    assert data['batching']['prev'].endswith('b_start=0&b_size=2')


def test_unknown_path_is_a_json_404(testapp):
    response = testapp.get('/nothing/here', headers=JSON, status=404)
    assert response.json['error']['type'] == 'NotFound'


def test_state_change_with_a_cookie_needs_csrf(testapp, as_user, root):
    as_user('admin')
    testapp.patch_json('/people/users/teacher', {'position': 'X'}, headers=JSON, status=400)
    root._p_jar.sync()
    assert root['people']['users']['teacher'].position != 'X'


def test_a_user_created_through_the_api_gets_the_forms_one_time_password(testapp, root):
    """One door: POST /people/users runs the users screen's action (``add-user``): the new
    account has a one-time password, answered once, that must be changed at first login."""
    headers = bearer(api_token(testapp, 'admin'))
    response = testapp.post_json('/people/users', {
        '@type': 'User', 'id': 'novikova', 'surname': 'Новикова', 'first_name': 'Вера',
        'roles': ['teacher']}, headers=headers, status=201)
    one_time = response.json['one_time_password']
    assert response.json['id'] == 'novikova' and response.location.endswith('/novikova/')
    login = testapp.post_json('/@login', {'login': 'novikova', 'password': one_time},
                              headers={'Accept': 'application/json'}, status=403)
    assert login.json['error']['type'] == 'PasswordChangeRequired'
    # the action's login rule, under the API's name for it
    bad = testapp.post_json('/people/users', {'@type': 'User', 'id': 'Не латиница',
                                              'surname': 'А', 'first_name': 'Б'},
                            headers=headers, status=400)
    assert 'id' in bad.json['error']['fields']
    teacher = bearer(api_token(testapp, 'teacher'))
    testapp.post_json('/people/users', {'@type': 'User', 'id': 'x1', 'surname': 'А',
                                        'first_name': 'Б'}, headers=teacher, status=404)

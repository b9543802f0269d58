"""Every state-changing form checks the CSRF token; without it nothing changes."""
from conftest import csrf_token, login


def test_user_edit_without_token_changes_nothing(testapp, as_user, root):
    as_user('admin')
    page = testapp.get('/people/users/teacher')
    form = page.forms['deform']
    form['surname'] = 'Хакер'
    form['csrf_token'] = 'forged'
    response = form.submit('save', status=400)
    assert 'The form has expired' in response.text
    root._p_jar.sync()
    assert root['people']['users']['teacher'].surname != 'Хакер'


def test_same_edit_with_token_works(testapp, as_user, root):
    as_user('admin')
    form = testapp.get('/people/users/teacher').forms['deform']
    form['position'] = 'Учитель'
    form.submit('save', status=303)
    root._p_jar.sync()
    assert root['people']['users']['teacher'].position == 'Учитель'


def test_sharing_without_token_is_refused(testapp, as_user, root):
    as_user('admin')
    testapp.post('/documents/@@sharing', {'principal': 'user:teacher', 'roles': 'editor',
                                         'grant': 'grant'}, status=400)
    root._p_jar.sync()
    assert not root['documents'].get_local_roles('user:teacher')
    token = csrf_token(testapp)
    testapp.post('/documents/@@sharing', [('csrf_token', token), ('principal', 'user:teacher'),
                                          ('__start__', 'roles:sequence'), ('checkbox', 'editor'),
                                          ('__end__', 'roles:sequence'), ('grant', 'grant')],
                 status=303)
    root._p_jar.sync()
    assert root['documents'].get_local_roles('user:teacher') == ('editor',)


def test_api_call_with_the_cookie_needs_the_header(testapp, as_user, root):
    as_user('deputy')
    response = testapp.post_json('/documents/regulation-1/@workflow/submit', {},
                                 headers={'Accept': 'application/json'}, status=400)
    assert response.json['error']['type'] == 'BadCSRFToken'
    root._p_jar.sync()
    assert root['documents']['regulation-1'].review_state == 'draft'
    testapp.post_json('/documents/regulation-1/@workflow/submit', {},
                      headers={'Accept': 'application/json',
                               'X-CSRF-Token': csrf_token(testapp)}, status=200)
    root._p_jar.sync()
    assert root['documents']['regulation-1'].review_state == 'review'


def test_the_token_changes_at_login(testapp):
    before = csrf_token(testapp)
    login(testapp, 'teacher')
    after = csrf_token(testapp)
    assert before != after
    testapp.post('/@@logout', {'csrf_token': before}, status=400)

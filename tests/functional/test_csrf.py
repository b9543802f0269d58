"""Every state-changing form checks the CSRF token; without it nothing changes."""
from conftest import csrf_token


def test_user_edit_without_token_changes_nothing(testapp, as_user, root):
    as_user('admin')
    page = testapp.get('/people/users/teacher')
    form = page.forms['deform']
    form['position'] = 'Хакер'
    form['csrf_token'] = 'forged'
    response = form.submit('save', status=400)
    assert 'The form has expired' in response.text
    root._p_jar.sync()
    assert root['people']['users']['teacher'].position != 'Хакер'


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

"""The ban on students working under a teacher's login (issue 12): a student's or parent's
account never holds a staff role, global or local, whichever door asks."""
import pytest
import transaction
from pyramid.traversal import find_resource

from conftest import api_token
from test_journal import MATH_5A, YEAR

CLASS_5A = YEAR + '/classes/5a'

JSON = {'Accept': 'application/json'}


def bearer(testapp, login_name):
    return dict(JSON, Authorization='Bearer ' + api_token(testapp, login_name))


def submit_checked(app, form, sequence, checked, button, status):
    """Submit ``form`` with the checkboxes of ``sequence`` set to ``checked``."""
    fields, inside = [], False
    for name, value in form.submit_fields():
        if (name, value) == ('__start__', sequence + ':sequence'):
            inside = True
            fields.append((name, value))
            fields.extend(('checkbox', item) for item in checked)
            continue
        if inside and name == '__end__':
            inside = False
        if not inside:
            fields.append((name, value))
    fields.append((button, button))
    return app.post(form.action or form.response.request.path, fields, status=status)


def fresh(root):
    transaction.begin()
    root._p_jar.sync()
    return root


def test_the_users_screen_refuses_a_staff_role_to_a_student(as_user, root):
    app = as_user('admin')
    form = app.get('/people/users/student').forms['deform']
    page = submit_checked(app, form, 'roles', ['student', 'teacher'], 'save', 400)
    assert 'cannot hold a staff role' in page.text
    assert fresh(root)['people']['users']['student'].roles == ('student',)


@pytest.mark.parametrize('roles', [['parent', 'admin'], ['student', 'director']])
def test_the_api_refuses_a_staff_role_to_a_family_account(testapp, root, roles):
    headers = bearer(testapp, 'admin')
    login = 'parent' if 'parent' in roles else 'student'
    response = testapp.patch_json('/people/users/' + login, {'roles': roles}, headers=headers,
                                  status=400)
    assert 'cannot hold a staff role' in response.json['error']['fields']['roles']
    response = testapp.post_json('/people/users', {
        '@type': 'User', 'id': 'newkid', 'surname': 'Новиков', 'first_name': 'Пётр',
        'roles': roles}, headers=headers, status=400)
    assert 'roles' in response.json['error']['fields']
    users = fresh(root)['people']['users']
    assert 'newkid' not in users and 'admin' not in users[login].roles


def test_a_family_account_may_hold_family_roles_and_staff_staff_roles(testapp):
    headers = bearer(testapp, 'admin')
    testapp.patch_json('/people/users/teacher', {'roles': ['teacher', 'class_teacher']},
                       headers=headers, status=204)
    testapp.patch_json('/people/users/parent', {'roles': ['parent']}, headers=headers,
                       status=204)


@pytest.mark.parametrize('login', ['student', 'parent'])
def test_the_sharing_screen_refuses_a_staff_local_role_to_a_family_account(as_user, root,
                                                                         login):
    app = as_user('admin')
    form = app.get(CLASS_5A + '/@@sharing').forms['deform']
    form['principal'] = 'user:' + login
    page = submit_checked(app, form, 'roles', ['class_teacher'], 'grant', 400)
    assert 'cannot be granted to a student' in page.text
    assert fresh(root) and find_resource(root, CLASS_5A).get_local_roles('user:' + login) == ()


def test_a_family_account_may_be_given_the_reader_role(as_user, root):
    app = as_user('admin')
    form = app.get('/documents/@@sharing').forms['deform']
    form['principal'] = 'user:parent'
    submit_checked(app, form, 'roles', ['reader'], 'grant', 303)
    assert fresh(root)['documents'].get_local_roles('user:parent') == ('reader',)


def test_a_staff_role_for_a_group_with_a_family_member_is_refused(as_user, root):
    portal = fresh(root)
    portal['people']['users']['student'].groups = ('helpers',)
    from ejportal.core.content import create
    portal['people']['groups'].add('helpers', create('Group', title='Helpers'))
    transaction.commit()
    app = as_user('admin')
    form = app.get('/documents/@@sharing').forms['deform']
    form['principal'] = 'group:helpers'
    page = submit_checked(app, form, 'roles', ['editor'], 'grant', 400)
    assert 'cannot be granted to a student' in page.text
    assert fresh(root)['documents'].get_local_roles('group:helpers') == ()


def test_the_journal_cannot_make_a_student_its_teacher(root):
    from ejportal.journal.resources import assign_teacher
    from ejportal.principals.ban import StaffRoleForFamily
    journal = find_resource(root, MATH_5A)
    with pytest.raises(StaffRoleForFamily):
        assign_teacher(journal, 'student')
    transaction.abort()


def test_an_account_with_a_local_staff_role_does_not_become_a_familys(testapp, root):
    """The teacher keeps journals (local role 'teacher'): made a parent, they would keep
    the journals under a family's account."""
    headers = bearer(testapp, 'admin')
    response = testapp.patch_json('/people/users/psychologist', {'roles': ['parent']},
                                  headers=headers, status=204)
    transaction.begin()
    assert fresh(root)['people']['users']['psychologist'].roles == ('parent',)
    # the teacher: global role taken away and a family role given in one change
    response = testapp.patch_json('/people/users/teacher', {'roles': ['parent']},
                                  headers=headers, status=400)
    assert 'holds a staff role' in response.json['error']['fields']['roles']
    assert fresh(root)['people']['users']['teacher'].roles == ('teacher',)

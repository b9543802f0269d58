"""Sentences of issue 12 that no other test held through their door: the retention that the
administrator sets under *Settings* is the one a frozen edition carries; a student's
account is refused as a journal's teacher by the assignments' form and JSON door and by the
sharing screen on a class (the local teacher role)."""
import datetime

import pytest
from pyramid.traversal import find_resource

from conftest import api_token
from test_journal import MATH_5A, YEAR
from test_login_ban import fresh, submit_checked

CLASS_5A = YEAR + '/classes/5a'
JSON = {'Accept': 'application/json'}


def bearer(testapp, login_name):
    return dict(JSON, Authorization='Bearer ' + api_token(testapp, login_name))


def test_retention_set_under_settings_is_carried_by_the_editions(testapp, as_user, root):
    app = as_user('admin')
    form = app.get('/settings').forms['deform']
    assert (form['journal_retention_years'].value,
            form['summary_retention_years'].value) == ('5', '25')
    form['journal_retention_years'] = '0'
    assert 'journal_retention_years' in form.submit('save', status=400).text
    form = app.get('/settings').forms['deform']
    form['journal_retention_years'] = '7'
    form['summary_retention_years'] = '30'
    form.submit('save', status=303)
    testapp.reset()
    deputy = bearer(testapp, 'deputy')
    made = testapp.post_json(YEAR + '/@close-period', {'period': 'q1'}, headers=deputy).json
    assert made['period'] == 'q1' and made['items']
    today = datetime.date.today()
    kept = {e['kind']: datetime.date.fromisoformat(e['retain_until']).year - today.year
            for e in testapp.get(CLASS_5A + '/@paper-editions', headers=deputy).json['items']}
    assert kept == {'journal': 7, 'summary': 30}


def test_the_assignments_refuse_a_student_as_teacher(testapp, as_user, root):
    headers = bearer(testapp, 'admin')
    refused = testapp.post_json(CLASS_5A + '/@assignments', {
        'subject': 'math', 'teacher': 'student'}, headers=headers, status=400).json['error']
    assert refused['fields']['teacher'] == 'No such member of staff.'
    testapp.reset()
    app = as_user('admin')
    form = app.get(CLASS_5A + '/@@assignments').forms['deform']
    # the select offers staff only: the form is posted as a crafted request would be
    fields = [(name, value) for name, value in form.submit_fields()
              if name not in ('teacher', 'subject')]
    fields += [('subject', 'math'), ('teacher', 'parent'), ('save', 'save')]
    page = app.post(CLASS_5A + '/@@assignments', fields, status=400)
    assert 'No such member of staff.' in page.text
    journal = find_resource(fresh(root), MATH_5A)
    assert journal.teacher == 'teacher'
    assert journal.get_local_roles('user:student') == ()
    assert journal.get_local_roles('user:parent') == ()


@pytest.mark.parametrize('login', ['student', 'parent'])
def test_the_sharing_screen_refuses_the_teacher_role_on_a_class(as_user, root, login):
    """A teacher's local role on the class would open its journals to the account."""
    app = as_user('admin')
    form = app.get(CLASS_5A + '/@@sharing').forms['deform']
    form['principal'] = 'user:' + login
    page = submit_checked(app, form, 'roles', ['teacher'], 'grant', 400)
    assert 'cannot be granted to a student' in page.text
    assert find_resource(fresh(root), CLASS_5A).get_local_roles('user:' + login) == ()

"""Classes and subjects are archived, never deleted: they leave the current lists, their
journals stay; screens, JSON and audit."""
import datetime

import transaction
from pyramid.traversal import find_resource

from conftest import csrf_token

from ejportal.journal.resources import school_year_start

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
YEAR = '/journal/%d-%d' % (Y, Y + 1)


def send(app, method, path, body=None, status=200):
    headers = {'X-CSRF-Token': csrf_token(app), 'Accept': 'application/json'}
    if method == 'GET':
        return app.get(path, headers=headers, status=status)
    if method == 'DELETE':
        return app.delete(path, headers=headers, status=status)
    return app.post_json(path, body, headers=headers, status=status)


def test_a_class_is_archived_not_deleted(as_user, testapp, root):
    app = as_user('admin')
    send(app, 'POST', YEAR + '/@classes', {'grade': 9, 'letter': 'в'}, status=201)
    send(app, 'POST', YEAR + '/classes/9v/@assignments', {'subject': 'physics',
                                                           'teacher': 'teacher'})
    send(app, 'DELETE', YEAR + '/classes/9v', status='4*')
    send(app, 'DELETE', YEAR + '/classes/9v/journals/physics', status='4*')
    # a class with students is not archived
    refused = send(app, 'POST', YEAR + '/classes/5a/@archive', {'archived': True}, status=409)
    assert 'archived' in refused.json['error']['fields']
    form = app.get(YEAR + '/classes/9v/@@archive').forms['deform']
    form['archived'] = True
    form.submit('save', status=303)
    transaction.begin()
    school_class = find_resource(root, YEAR + '/classes/9v')
    assert school_class.archived and 'physics' in school_class['journals']
    assert 'archive' in [e['action'] for e in root.audit_log.search(
        path_prefix=YEAR + '/classes/9v', limit=10)]
    listed = send(app, 'GET', YEAR + '/@classes').json['items']
    assert '9v' not in [c['id'] for c in listed]
    assert '9v' in [c['id'] for c in send(app, 'GET', YEAR + '/@classes?archived=1').json[
        'items']]
    page = app.get(YEAR + '/@@classes')
    assert 'archived' in page.text or 'в архиве' in page.text
    # the teacher's lists leave it out; its journal still opens
    testapp.reset()
    teacher = as_user('teacher')
    ids = [i['@id'] for i in send(teacher, 'GET', '/@journals').json['items']]
    assert not any('/9v/' in i for i in ids)
    teacher.get(YEAR + '/classes/9v/journals/physics', status=200)
    # and back
    testapp.reset()
    app = as_user('admin')
    back = send(app, 'POST', YEAR + '/classes/9v/@archive', {'archived': False}).json
    assert back['archived'] is False and back['changed'] is True


def test_an_archived_subject_leaves_the_assignment_list(as_user, root):
    app = as_user('admin')
    send(app, 'DELETE', '/journal/subjects/chemistry', status='4*')
    send(app, 'POST', '/journal/subjects/chemistry/@archive', {'archived': True})
    transaction.begin()
    assert root['journal']['subjects']['chemistry'].archived
    page = app.get(YEAR + '/classes/5a/@@assignments')
    assert 'value="chemistry"' not in page.text
    refused = send(app, 'POST', YEAR + '/classes/5a/@assignments', {'subject': 'chemistry'},
                   status=400)
    assert 'subject' in refused.json['error']['fields']
    items = send(app, 'GET', '/journal/subjects/@manage').json['items']
    assert 'chemistry' not in [s['id'] for s in items]
    assert 'restore' not in [e['action'] for e in root.audit_log.search(
        path_prefix='/journal/subjects/chemistry', limit=5)]
    assert 'archive' in [e['action'] for e in root.audit_log.search(
        path_prefix='/journal/subjects/chemistry', limit=5)]


def test_only_the_administrator_archives(as_user, testapp):
    for user in ('director', 'deputy', 'teacher', 'class_teacher'):
        testapp.reset()
        app = as_user(user)
        assert app.get(YEAR + '/classes/5a/@@archive', status='*').status_int == 403
        assert app.get('/journal/subjects/math/@@archive', status='*').status_int == 403

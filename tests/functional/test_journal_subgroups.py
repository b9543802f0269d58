"""A student joining a split class goes into its first group (the class teacher is told and
may choose another on the split screen); the split screen adds a group with its journal."""
import datetime

import transaction
from pyramid.traversal import find_resource

from conftest import csrf_token

from ejportal.journal.resources import school_year_start

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
YEAR = '/journal/%d-%d' % (Y, Y + 1)
C5A = YEAR + '/classes/5a'
C7B = YEAR + '/classes/7b'


def post_json(app, path, body, status=200):
    return app.post_json(path, body, status=status, headers={
        'X-CSRF-Token': csrf_token(app), 'Accept': 'application/json'})


def move_day(root):
    year = find_resource(root, YEAR)
    return min(max(TODAY, year.start + datetime.timedelta(days=7)), year.end)


def test_a_student_moved_in_goes_to_the_first_group_and_the_class_teacher_is_told(
        as_user, testapp, root):
    transaction.begin()
    newcomer = find_resource(root, C7B).current_students(move_day(root))[-1]
    sid, day = newcomer.__name__, move_day(root)
    app = as_user('admin')
    post_json(app, C7B + '/@move', {'student': sid, 'target': '5a',
                                    'start': day.isoformat()})
    transaction.begin()
    school_class = find_resource(root, C5A)
    assert sid in school_class.subgroups['informatics']['1']
    assert sid in school_class.placed_by_default['informatics']
    notice = root['people']['users']['class_teacher'].notices[-1]
    assert newcomer.surname in notice['text'].interpolate()
    entries = root.audit_log.search(action='subgroups', path_prefix=C5A, limit=1)
    assert entries[0]['details']['placed'] == sid
    # the journal of group 1 lists them from that day
    testapp.reset()
    teacher = as_user('teacher')
    inf1 = teacher.get(C5A + '/journals/informatics-1', headers={
        'Accept': 'application/json'}).json
    assert sid in {s['id'] for s in inf1['students']} or day > TODAY
    # the class teacher sees them marked on the split screen, and saving decides it
    testapp.reset()
    ct = as_user('class_teacher')
    page = ct.get(C5A + '/@@subgroups?subject=informatics')
    assert page.html.find('span', class_='badge') is not None
    if day <= TODAY:
        form = [f for f in page.forms.values() if 'group-' + sid in f.fields][0]
        form['group-' + sid] = '2'
        form.submit(status=303)
        transaction.begin()
        assert sid in school_class.subgroups['informatics']['2']
        assert 'informatics' not in (school_class.placed_by_default or {})


def test_a_student_already_in_a_group_keeps_it(root):
    from ejportal.journal.resources import enrol, leave
    school_class = find_resource(root, C5A)
    student = school_class.current_students(move_day(root))[0]
    group = school_class.group_of('informatics', student.__name__)
    leave(student, school_class, move_day(root))
    enrol(student, school_class, move_day(root) + datetime.timedelta(days=1))
    assert school_class.group_of('informatics', student.__name__) == group
    transaction.abort()


def test_the_split_screen_adds_a_group_with_its_journal(as_user, testapp, root):
    app = as_user('class_teacher')
    page = app.get(C5A + '/@@subgroups?subject=informatics')
    form = [f for f in page.forms.values() if 'new_group' in f.fields][0]
    form['new_group'] = '3 группа'
    form.submit('add_group', status=303)
    transaction.begin()
    school_class = find_resource(root, C5A)
    assert 'informatics-3' in school_class['journals']
    assert school_class['journals']['informatics-3'].teacher == ''
    assert '3' in school_class.subgroups['informatics']
    page = app.get(C5A + '/@@subgroups?subject=informatics')
    assert 'value="3"' in page.text
    # taken or bad names: a field error, nothing added
    for name in ('3', 'три!', ''):
        form = [f for f in page.forms.values() if 'new_group' in f.fields][0]
        form['new_group'] = name
        bad = form.submit('add_group', status=400)
        assert 'invalid-feedback' in bad.text
    # the subject teacher through the API
    testapp.reset()
    teacher = as_user('teacher')
    made = post_json(teacher, C5A + '/journals/informatics-1/@subgroups', {'create': '4'},
                     status=201).json
    assert set(made['groups']) == {'1', '2', '3', '4'}
    post_json(teacher, C5A + '/journals/informatics-1/@subgroups', {'create': '4'}, status=400)
    transaction.begin()
    actions = [e['action'] for e in root.audit_log.search(path_prefix=C5A, limit=20)]
    assert 'subgroup-add' in actions

"""The school's structure screens and their JSON API: years, periods, holidays, bells,
classes, subjects, enrolment and moves, assignments, subgroup splits, lessons from a weekly
schedule. Who may, field errors, audit."""
import datetime

import pytest
import transaction
from pyramid.traversal import find_resource

from conftest import csrf_token

from ejportal.core.audit import get_audit_log
from ejportal.journal.resources import school_year_start

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
YEAR = '/journal/%d-%d' % (Y, Y + 1)
C5A = YEAR + '/classes/5a'
C7B = YEAR + '/classes/7b'

SCREENS = ['/journal/@@years', YEAR + '/@@settings', YEAR + '/@@classes',
           '/journal/subjects/@@manage', '/journal/subjects/math/@@edit', C5A + '/@@manage',
           C5A + '/@@enrol', C5A + '/@@move', C5A + '/@@assignments', C5A + '/@@schedule']


def post_json(app, path, body, status=200):
    return app.post_json(path, body, status=status, headers={
        'X-CSRF-Token': csrf_token(app), 'Accept': 'application/json'})


def actions(root, path):
    return [e['action'] for e in get_audit_log(root).entries() if e['path'] == path]


@pytest.mark.parametrize('user', ['admin', 'director', 'deputy', 'teacher', 'class_teacher',
                                  'secretary', 'student', 'parent'])
def test_only_the_administrator_manages_the_structure(as_user, user):
    app = as_user(user)
    for path in SCREENS:
        response = app.get(path, status='*')
        assert (response.status_int == 200) is (user == 'admin'), (user, path, response.status)
        json = app.get(path.replace('@@', '@'), headers={'Accept': 'application/json'},
                       status='*')
        assert (json.status_int == 200) is (user == 'admin'), (user, path)


@pytest.mark.parametrize('user,path,allowed', [
    ('admin', C5A + '/@@subgroups', True),
    ('class_teacher', C5A + '/@@subgroups', True),      # class teacher of 5 А
    ('teacher', C5A + '/@@subgroups', False),           # teaches in 5 А, not its class teacher
    ('teacher', C5A + '/journals/informatics-1/@@subgroups', True),  # the subject teacher
    ('class_teacher', C7B + '/@@subgroups', False),
    ('deputy', C5A + '/@@subgroups', False),
    ('student', C5A + '/@@subgroups', False),
])
def test_who_splits_subgroups(as_user, user, path, allowed):
    response = as_user(user).get(path, status='*')
    assert (response.status_int == 200) is allowed, response.status


def test_add_a_year_through_the_form_then_set_periods_holidays_and_bells(as_user, root):
    app = as_user('admin')
    form = app.get('/journal/@@years').forms['deform']
    form['start_year'] = str(Y + 1)
    form['period_kind'] = 'trimesters'
    response = form.submit('save', status=303)
    name = '%d-%d' % (Y + 1, Y + 2)
    assert response.location.endswith('/journal/%s/settings' % name)
    transaction.begin()
    year = root['journal'][name]
    assert [p.id for p in year.periods] == ['t1', 't2', 't3']
    assert 'create' in actions(root, '/journal/' + name)
    # the same year again: a field error, not a second year
    form = app.get('/journal/@@years').forms['deform']
    form['start_year'] = str(Y + 1)
    page = form.submit('save', status=400)
    assert 'error' in page.text and name in [y.__name__ for y in root['journal'].years()]

    settings = app.get('/journal/%s/@@settings' % name).forms['deform']
    settings['holidays'] = '27.10.%d | 04.11.%d | осенние\nnot a date | x' % (Y + 1, Y + 1)
    page = settings.submit('save', status=400)
    assert 'Line 2' in page.text or 'Строка 2' in page.text
    settings = app.get('/journal/%s/@@settings' % name).forms['deform']
    settings['period_kind'] = 'quarters'
    settings['periods'] = ''
    settings['other_grades'] = '10 11'
    settings['other_kind'] = 'halves'
    settings['holidays'] = '27.10.%d | 04.11.%d | осенние каникулы' % (Y + 1, Y + 1)
    settings['bells'] = '1 | 8:30 | 09:15\n2 | 09:25 | 10:10'
    settings.submit('save', status=303)
    transaction.begin()
    year = root['journal'][name]
    assert [p.id for p in year.periods] == ['q1', 'q2', 'q3', 'q4']
    assert [p.id for p in year.periods_for(10)] == ['h1', 'h2']
    assert [p.id for p in year.periods_for(5)] == ['q1', 'q2', 'q3', 'q4']
    assert year.bells == ((1, '08:30', '09:15'), (2, '09:25', '10:10'))
    assert year.holidays[0][2] == 'осенние каникулы'
    assert 'edit' in actions(root, '/journal/' + name)
    shown = app.get('/journal/%s/@settings' % name, headers={'Accept': 'application/json'})
    assert shown.json['grade_periods']['10']['kind'] == 'halves'


def test_periods_that_overlap_are_refused(as_user):
    app = as_user('admin')
    response = post_json(app, YEAR + '/@settings', {
        'title': 'Год', 'period_kind': 'halves',
        'periods': [['h1', 'I', '%d-09-01' % Y, '%d-01-10' % (Y + 1)],
                    ['h2', 'II', '%d-01-09' % (Y + 1), '%d-05-26' % (Y + 1)]]}, status=400)
    assert 'periods' in response.json['error']['fields']
    response = post_json(app, YEAR + '/@settings', {
        'title': 'Год', 'period_kind': 'quarters', 'bells': [[1, '25:00', '09:00']]}, status=400)
    assert 'bells' in response.json['error']['fields']


def test_senior_grades_journal_uses_halves(as_user, root):
    app = as_user('admin')
    post_json(app, YEAR + '/@settings', {
        'title': 'Год', 'period_kind': 'quarters', 'other_grades': [10, 11],
        'other_kind': 'halves'})
    post_json(app, YEAR + '/@classes', {'grade': 10, 'letter': 'а'}, status=201)
    post_json(app, YEAR + '/classes/10a/@assignments',
              {'subject': 'math', 'teacher': 'teacher'}, status=200)
    page = as_user('teacher').get(YEAR + '/classes/10a/journals/math')
    assert 'полугодие' in page.text and 'четверть' not in page.text


def test_classes_subjects_and_assignments_through_the_api(as_user, root):
    app = as_user('admin')
    created = post_json(app, YEAR + '/@classes',
                        {'grade': 6, 'letter': 'В', 'class_teacher': 'class_teacher'}, status=201)
    assert created.json['id'] == '6v' and created.json['title'] == '6 В'
    again = post_json(app, YEAR + '/@classes', {'grade': 6, 'letter': 'в'}, status=400)
    assert 'letter' in again.json['error']['fields']
    bad = post_json(app, YEAR + '/@classes', {'grade': 14, 'letter': '!!'}, status=400)
    assert set(bad.json['error']['fields']) == {'grade', 'letter'}
    nobody = post_json(app, YEAR + '/@classes', {'grade': 6, 'letter': 'г',
                                                 'class_teacher': 'student'}, status=400)
    assert 'class_teacher' in nobody.json['error']['fields']
    transaction.begin()
    school_class = find_resource(root, YEAR + '/classes/6v')
    assert school_class.get_local_roles('user:class_teacher') == ('class_teacher',)

    subject = post_json(app, '/journal/subjects/@manage',
                        {'name': 'astronomy', 'title': 'Астрономия'}, status=201)
    assert subject.json == {'id': 'astronomy', 'title': 'Астрономия', 'short_title': '',
                            'archived': False}
    post_json(app, '/journal/subjects/@manage', {'name': 'astronomy', 'title': 'X'}, status=400)

    assigned = post_json(app, YEAR + '/classes/6v/@assignments',
                         {'subject': 'astronomy', 'subgroup': '', 'teacher': 'teacher'})
    assert assigned.json['id'] == 'astronomy' and assigned.json['teacher'] == 'teacher'
    post_json(app, YEAR + '/classes/6v/@assignments', {'subject': 'nope'}, status=400)
    transaction.begin()
    journal = find_resource(root, YEAR + '/classes/6v/journals/astronomy')
    assert journal.get_local_roles('user:teacher') == ('teacher',)
    assert 'sharing' in actions(root, YEAR + '/classes/6v/journals/astronomy')
    # the teacher now keeps it; reassigning takes the role away
    assert as_user('teacher').get(YEAR + '/classes/6v/journals/astronomy/@@column').status_int == 200
    post_json(as_user('admin'), YEAR + '/classes/6v/@assignments',
              {'subject': 'astronomy', 'teacher': 'class_teacher'})
    transaction.begin()
    assert journal.get_local_roles('user:teacher') == ()

    renamed = as_user('admin').get('/journal/subjects/astronomy/@@edit').forms['deform']
    renamed['title'] = 'Астрономия и космос'
    renamed.submit('save', status=303)
    transaction.begin()
    assert journal.subject_title == 'Астрономия и космос'


def test_class_teacher_form(as_user, root):
    app = as_user('admin')
    form = app.get(C7B + '/@@manage').forms['deform']
    form['class_teacher'] = 'teacher'
    form.submit('save', status=303)
    transaction.begin()
    assert find_resource(root, C7B).class_teacher == 'teacher'
    assert as_user('teacher').get(C7B + '/journals/math').status_int == 200


def test_enrol_a_new_student_then_move_them_keeping_marks_where_they_belong(as_user, root):
    app = as_user('admin')
    start = find_resource(root, YEAR).start
    missing = post_json(app, C5A + '/@enrol', {'start': start.isoformat()}, status=400)
    assert 'surname' in missing.json['error']['fields']
    enrolled = post_json(app, C5A + '/@enrol', {
        'surname': 'Новенький', 'first_name': 'Пётр', 'start': start.isoformat()}, status=201)
    sid = enrolled.json['student']
    again = post_json(app, C5A + '/@enrol', {'student': sid, 'start': start.isoformat()},
                      status=400)
    assert 'student' in again.json['error']['fields']

    transaction.begin()
    math_5a = find_resource(root, C5A + '/journals/math')
    q1 = math_5a.period('q1')
    first = math_5a.lessons_of(q1)[0]
    teacher = as_user('teacher')
    response = teacher.post_json(C5A + '/journals/math/@cell', {
        'student': sid, 'lesson': first.id, 'marks': ['5']},
        headers={'X-CSRF-Token': csrf_token(teacher), 'Accept': 'application/json'})
    assert response.json['text'] == '5'

    moved_on = q1.end + datetime.timedelta(days=10)
    app = as_user('admin')
    too_early = post_json(app, C5A + '/@move', {'student': sid, 'target': '7b',
                                                'start': start.isoformat()}, status=400)
    assert 'start' in too_early.json['error']['fields']
    post_json(app, C5A + '/@move', {'student': sid, 'target': 'nowhere',
                                    'start': moved_on.isoformat()}, status=400)
    if moved_on > TODAY:
        pytest.skip('the move must be in the past of the current class list')
    post_json(app, C5A + '/@move', {'student': sid, 'target': '7b',
                                    'start': moved_on.isoformat()})
    transaction.begin()
    student = root['journal']['students'][sid]
    assert student.class_path == C7B
    assert [(c, e) for _y, c, _s, e in student.enrolments] == [
        ('5a', moved_on - datetime.timedelta(days=1)), ('7b', None)]
    assert 'enrol' in actions(root, '/journal/students/' + sid)
    assert 'leave' in actions(root, '/journal/students/' + sid)
    # the old journal keeps the mark in q1; the new class lists the student from the move
    grid_5a = as_user('teacher').get(C5A + '/journals/math', {'period': 'q1'},
                                     headers={'Accept': 'application/json'}).json
    assert sid in [s['id'] for s in grid_5a['students']]
    assert any(c['student'] == sid and c['text'] == '5' for c in grid_5a['cells'])
    grid_7b = as_user('teacher').get(C7B + '/journals/math', {'period': 'q1'},
                                     headers={'Accept': 'application/json'}).json
    assert sid not in [s['id'] for s in grid_7b['students']]
    period = math_5a.period_of(moved_on)
    grid_7b = as_user('teacher').get(C7B + '/journals/math', {'period': period.id},
                                     headers={'Accept': 'application/json'}).json
    assert sid in [s['id'] for s in grid_7b['students']]


def test_split_subgroups_in_one_step(as_user, root):
    app = as_user('class_teacher')
    page = app.get(C5A + '/@@subgroups?subject=informatics')
    assert 'name="group-' in page.text
    transaction.begin()
    school_class = find_resource(root, C5A)
    students = [s.__name__ for s in school_class.current_students()]
    data = {'csrf_token': csrf_token(app)}
    for sid in students[:3]:
        data['group-' + sid] = '1'
    for sid in students[3:]:
        data['group-' + sid] = '2'
    app.post(C5A + '/@@subgroups?subject=informatics', data, status=303)
    transaction.begin()
    groups = school_class.subgroups['informatics']
    assert set(groups['1']) == set(students[:3]) and set(groups['2']) == set(students[3:])
    assert 'subgroups' in actions(root, C5A)
    inf1 = as_user('teacher').get(C5A + '/journals/informatics-1',
                                  headers={'Accept': 'application/json'}).json
    assert {s['id'] for s in inf1['students']} == set(students[:3])
    # an unknown group, and a POST without the CSRF token, change nothing
    app = as_user('class_teacher')
    data['group-' + students[0]] = '9'
    app.post(C5A + '/@@subgroups?subject=informatics', data, status=400)
    del data['csrf_token']
    data['group-' + students[0]] = '2'
    app.post(C5A + '/@@subgroups?subject=informatics', data, status='4*')
    transaction.begin()
    assert students[0] in school_class.subgroups['informatics']['1']


def test_subgroups_json_api(as_user, root):
    teacher = as_user('teacher')
    path = C5A + '/journals/informatics-1/@subgroups'
    shown = teacher.get(path, headers={'Accept': 'application/json'}).json
    assert shown['subject'] == 'informatics' and set(shown['groups']) == {'1', '2'}
    ids = shown['groups']['1'] + shown['groups']['2']
    both = post_json(teacher, path, {'groups': {'1': ids[:2], '2': ids[1:]}}, status=400)
    assert 'groups' in both.json['error']['fields']
    post_json(teacher, path, {'groups': {'1': ['nobody']}}, status=400)
    post_json(teacher, path, {'groups': {'7': ids}}, status=400)
    done = post_json(teacher, path, {'groups': {'1': ids[:1], '2': ids[1:]}})
    assert done.json['groups']['1'] == ids[:1]


def test_lessons_from_a_weekly_schedule_skip_holidays_and_existing(as_user, root):
    app = as_user('admin')
    post_json(app, YEAR + '/@classes', {'grade': 8, 'letter': 'а'}, status=201)
    post_json(app, YEAR + '/classes/8a/@assignments', {'subject': 'physics', 'teacher': 'teacher'})
    post_json(app, YEAR + '/classes/8a/@assignments', {'subject': 'chemistry'})
    transaction.begin()
    year = find_resource(root, YEAR)
    start, end = year.start, year.periods[1].end
    clash = post_json(app, YEAR + '/classes/8a/@schedule', {
        'start': start.isoformat(), 'end': end.isoformat(),
        'slots': {'physics': [[0, 2]], 'chemistry': [[0, 2]]}}, status=400)
    assert 'taken' in str(clash.json['error']['fields'].get('slots-physics'))
    bad = post_json(app, YEAR + '/classes/8a/@schedule', {
        'start': start.isoformat(), 'end': end.isoformat(), 'slots': {'physics': [[9, 2]]}},
        status=400)
    assert 'slots-physics' in bad.json['error']['fields']
    made = post_json(app, YEAR + '/classes/8a/@schedule', {
        'start': start.isoformat(), 'end': end.isoformat(),
        'slots': {'physics': [[0, 2], [3, 4]], 'chemistry': 'ср 1'}})
    transaction.begin()
    physics = find_resource(root, YEAR + '/classes/8a/journals/physics')
    days = [l.date for l in physics.lessons.values()]
    assert made.json['created']['physics'] == len(days) > 20
    assert all(d.weekday() in (0, 3) and not year.is_holiday(d) and start <= d <= end
               for d in days)
    assert 'lessons-schedule' in actions(root, YEAR + '/classes/8a/journals/physics')
    again = post_json(app, YEAR + '/classes/8a/@schedule', {
        'start': start.isoformat(), 'end': end.isoformat(), 'slots': {'physics': [[0, 2]]}})
    assert again.json['total'] == 0
    # the form: weekday names as people type them
    form = app.get(YEAR + '/classes/8a/@@schedule').forms['deform']
    form['slots-chemistry'] = 'пт 3, вт 5'
    form.set('date', end.isoformat(), index=1)  # deform's date inputs: start, end
    response = form.submit('save', status=303)
    assert response.follow().status_int == 200
    form = app.get(YEAR + '/classes/8a/@@schedule').forms['deform']
    form['slots-chemistry'] = 'someday 3'
    assert 'пн 2' in form.submit('save', status=400).text


def test_structure_api_needs_csrf_and_answers_json_errors(as_user):
    app = as_user('admin')
    app.post_json(YEAR + '/@classes', {'grade': 9, 'letter': 'а'}, status=400,
                  headers={'Accept': 'application/json'})
    response = app.post(YEAR + '/@classes', 'not json', status=400, headers={
        'X-CSRF-Token': csrf_token(app), 'Accept': 'application/json',
        'Content-Type': 'application/json'})
    assert 'error' in response.json
    forbidden = as_user('teacher').post_json(YEAR + '/@classes', {'grade': 9, 'letter': 'а'},
                                             status=403, headers={
                                                 'X-CSRF-Token': csrf_token(app),
                                                 'Accept': 'application/json'})
    assert 'error' in forbidden.json


def test_the_enrol_screen_adds_a_student_through_the_add_student_action(as_user, root):
    """One door: the admin's screen (form and JSON) runs the desk's and the import's action,
    so a personal file number another student has is refused there too, nothing saved."""
    app = as_user('admin')
    start = find_resource(root, YEAR).start
    students = root['journal']['students']
    before = len(students)
    enrolled = post_json(app, C5A + '/@enrol', {
        'surname': 'Новенький', 'first_name': 'Пётр', 'personal_file': 'ЛД-77',
        'start': start.isoformat()}, status=201)
    transaction.begin()
    student = students[enrolled.json['student']]
    assert student.personal_file == 'ЛД-77' and student.class_path == C5A
    assert 'create' in actions(root, '/journal/students/' + student.__name__)
    clash = post_json(app, C5A + '/@enrol', {
        'surname': 'Другой', 'first_name': 'Иван', 'personal_file': 'ЛД-77',
        'start': start.isoformat()}, status=409)
    assert 'personal_file' in clash.json['error']['fields']
    form = app.get(C5A + '/@@enrol').forms['deform']
    form['surname'], form['first_name'], form['personal_file'] = 'Третий', 'Олег', 'ЛД-77'
    page = form.submit('save', status=409)
    assert 'Another student has this personal file number.' in page.text
    transaction.begin()
    assert len(students) == before + 1

"""Lessons through the JSON API: ``POST <journal>/@lessons``, ``POST|PATCH <journal>/@lesson``,
``DELETE <journal>/@lesson?lesson=``: fields, plan topics, errors, rights, closed periods,
audit."""
import datetime

import transaction
from pyramid.traversal import find_resource

from conftest import csrf_token

from ejportal.journal.resources import school_year_start

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
YEAR = '/journal/%d-%d' % (Y, Y + 1)
MATH_5A = YEAR + '/classes/5a/journals/math'


def send(app, method, path, body=None, status=200):
    headers = {'X-CSRF-Token': csrf_token(app), 'Accept': 'application/json'}
    if method == 'DELETE':
        return app.delete(path, headers=headers, status=status)
    call = {'POST': app.post_json, 'PATCH': app.patch_json}[method]
    return call(path, body, headers=headers, status=status)


def school_day(root, period_id='q2'):
    journal = find_resource(root, MATH_5A)
    period = journal.period(period_id)
    return next(journal.year.school_days(journal.grade, period.start, period.end))


def audit_actions(root, path):
    transaction.abort()
    return [e['action'] for e in root.audit_log.search(path_prefix=path, limit=50)]


def test_create_edit_and_delete_a_lesson(as_user, root):
    day = school_day(root)
    app = as_user('teacher')
    made = send(app, 'POST', MATH_5A + '/@lessons', {
        'date': day.isoformat(), 'number': 8, 'topic': 'Повторение', 'lesson_type': 'lab',
        'ict': ['board'], 'homework': '№ 12', 'homework_due': (day + datetime.timedelta(
            days=2)).isoformat(), 'note': 'кабинет 12'}, status=201)
    lesson = made.json
    assert lesson['id'] == '%s-8' % day.isoformat()
    assert lesson['topic'] == 'Повторение' and lesson['lesson_type'] == 'lab'
    assert lesson['ict'] == ['board'] and lesson['homework']['text'] == '№ 12'
    assert lesson['note'] == 'кабинет 12' and made.location == lesson['@id']
    changed = send(app, 'POST', MATH_5A + '/@lesson', {
        'lesson': lesson['id'], 'topic': 'Дроби', 'homework_due': None}).json
    assert changed['topic'] == 'Дроби' and changed['homework']['due'] is None
    assert changed['homework']['text'] == '№ 12'   # fields not sent stay
    send(app, 'PATCH', MATH_5A + '/@lesson', {'lesson': lesson['id'], 'note': ''})
    send(app, 'DELETE', MATH_5A + '/@lesson?lesson=' + lesson['id'], status=204)
    actions = audit_actions(root, MATH_5A)
    assert {'lesson-add', 'lesson-edit', 'lesson-remove'} <= set(actions)
    assert lesson['id'] not in find_resource(root, MATH_5A).lessons


def test_bad_input_answers_400_with_fields(as_user, root):
    day = school_day(root).isoformat()
    app = as_user('teacher')
    for body, field in (({'number': 8}, 'date'), ({'date': 'tomorrow', 'number': 8}, 'date'),
                        ({'date': day, 'number': 13}, 'number'),
                        ({'date': day, 'number': 8, 'lesson_type': 'party'}, 'lesson_type'),
                        ({'date': day, 'number': 8, 'ict': ['tv']}, 'ict'),
                        ({'date': day, 'number': 8, 'planned': 99}, 'planned'),
                        ({'date': '%d-07-01' % (Y + 1), 'number': 8}, 'date')):
        error = send(app, 'POST', MATH_5A + '/@lessons', body, status=400).json['error']
        assert error['type'] == 'BadRequest' and field in error['fields'], (body, error)
    app.post(MATH_5A + '/@lessons', 'not json', headers={
        'X-CSRF-Token': csrf_token(app), 'Content-Type': 'application/json'}, status=400)
    existing = next(iter(find_resource(root, MATH_5A).lessons))
    duplicate = send(app, 'POST', MATH_5A + '/@lessons', {
        'date': existing[:10], 'number': int(existing[11:])}, status=409).json['error']
    assert 'number' in duplicate['fields']
    send(app, 'POST', MATH_5A + '/@lesson', {'lesson': 'nope', 'topic': 'x'}, status=400)
    error = send(app, 'POST', MATH_5A + '/@lesson', {'lesson': existing, 'date': day},
                 status=400).json['error']
    assert 'date' in error['fields']


def test_lessons_need_the_journal_right_and_csrf(as_user, testapp, root):
    day = school_day(root).isoformat()
    for user in ('class_teacher', 'deputy', 'admin'):
        testapp.reset()
        app = as_user(user)
        send(app, 'POST', MATH_5A + '/@lessons', {'date': day, 'number': 8}, status=403)
    testapp.reset()
    app = as_user('teacher')
    app.post_json(MATH_5A + '/@lessons', {'date': day, 'number': 8}, status=400)  # no token
    transaction.abort()
    assert day + '-8' not in find_resource(root, MATH_5A).lessons


def test_lesson_with_marks_is_not_deleted(as_user, root):
    journal = find_resource(root, MATH_5A)
    marked = [l.id for l in journal.lessons.values() if l.date <= TODAY and any(
        journal.cell(s.__name__, l.id) for s in journal.students())][-1]
    app = as_user('teacher')
    error = send(app, 'DELETE', MATH_5A + '/@lesson?lesson=' + marked, status=409).json
    assert error['error']['type'] == 'LessonNotEmpty'


def test_closed_period_answers_409(as_user, root):
    journal = find_resource(root, MATH_5A)
    journal.year.close_period('q1')
    transaction.commit()
    q1 = journal.lessons_of(journal.period('q1'))[0].id
    day = school_day(root, 'q1').isoformat()
    app = as_user('teacher')
    for method, path, body in (
            ('POST', '/@lessons', {'date': day, 'number': 8}),
            ('POST', '/@lesson', {'lesson': q1, 'topic': 'x'}),
            ('DELETE', '/@lesson?lesson=' + q1, None)):
        error = send(app, method, MATH_5A + path, body, status=409).json['error']
        assert error['type'] == 'PeriodClosed', (method, path)


def test_new_lessons_take_plan_topics_in_order_by_hours(as_user, root):
    journal = find_resource(root, MATH_5A)
    journal.plan = ({'number': 1, 'topic': 'Дроби', 'hours': 2, 'section': 'Числа'},
                    {'number': 2, 'topic': 'Проценты', 'hours': 1, 'section': 'Числа'})
    transaction.commit()
    day = school_day(root)
    app = as_user('teacher')
    topics = [send(app, 'POST', MATH_5A + '/@lessons', {'date': day.isoformat(), 'number': n},
                   status=201).json for n in (7, 8, 9)]
    assert [(t['topic'], t['planned']) for t in topics] == [
        ('Дроби', 1), ('Дроби', 1), ('Проценты', 2)]
    # a topic of its own keeps the plan for the next lesson
    own = send(app, 'POST', MATH_5A + '/@lessons', {'date': day.isoformat(), 'number': 10,
                                                     'topic': 'Экскурсия'}, status=201).json
    assert own['planned'] is None
    # the plan item can be chosen per lesson; its topic comes with it unless one is given
    changed = send(app, 'POST', MATH_5A + '/@lesson', {'lesson': own['id'], 'planned': 2}).json
    assert changed['topic'] == 'Проценты' and changed['planned'] == 2
    unlinked = send(app, 'POST', MATH_5A + '/@lesson', {'lesson': own['id'], 'planned': None,
                                                         'topic': 'Экскурсия'}).json
    assert unlinked['planned'] is None and unlinked['topic'] == 'Экскурсия'

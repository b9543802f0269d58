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


# -- the teacher's own weekly schedule ------------------------------------------------------
def make_class_8a(as_user):
    app = as_user('admin')
    send(app, 'POST', YEAR + '/@classes', {'grade': 8, 'letter': 'а'}, status=201)
    send(app, 'POST', YEAR + '/classes/8a/@assignments', {'subject': 'physics',
                                                           'teacher': 'teacher'})
    send(app, 'POST', YEAR + '/classes/8a/@assignments', {'subject': 'chemistry'})
    app.reset()
    return YEAR + '/classes/8a/journals/physics'


def test_teacher_creates_own_lessons_from_a_weekly_schedule(as_user, root):
    physics = make_class_8a(as_user)
    transaction.begin()
    year = find_resource(root, YEAR)
    journal = find_resource(root, physics)
    journal.plan = ({'number': 1, 'topic': 'Механика', 'hours': 2, 'section': ''},
                    {'number': 2, 'topic': 'Оптика', 'hours': 1, 'section': ''})
    chemistry = find_resource(root, YEAR + '/classes/8a/journals/chemistry')
    chemistry.add_lesson(year.periods[1].start + datetime.timedelta(
        days=(2 - year.periods[1].start.weekday()) % 7), 3)   # a Wednesday, lesson 3
    year.close_period('q1')
    transaction.commit()
    app = as_user('teacher')
    start, end = year.start, year.periods[1].end
    clash = send(app, 'POST', physics + '/@schedule', {
        'start': start.isoformat(), 'end': end.isoformat(), 'slots': [[2, 3]]}, status=400)
    assert 'slots' in clash.json['error']['fields']
    made = send(app, 'POST', physics + '/@schedule', {
        'start': start.isoformat(), 'end': end.isoformat(), 'slots': [[0, 2], [3, 4]]}).json
    transaction.begin()
    lessons = list(journal.lessons.values())
    assert made['created'] == len(lessons) > 10
    assert all(l.date.weekday() in (0, 3) and not year.is_holiday(l.date)
               and year.periods[1].start <= l.date <= end for l in lessons)  # q1 is closed
    assert [l.topic for l in lessons[:4]] == ['Механика', 'Механика', 'Оптика', '']
    transaction.abort()
    assert 'lessons-schedule' in audit_actions(root, physics)
    again = send(app, 'POST', physics + '/@schedule', {
        'start': start.isoformat(), 'end': end.isoformat(), 'slots': 'пн 2'}).json
    assert again['created'] == 0
    # the screen
    form = app.get(physics + '/@@schedule').forms['deform']
    form['slots'] = 'пт 5'
    assert form.submit('save', status=303).follow().status_int == 200
    form = app.get(physics + '/@@schedule').forms['deform']
    form['slots'] = 'someday'
    assert 'пн 2' in form.submit('save', status=400).text
    assert app.get(physics).html.find('a', href=lambda h: h and h.endswith('/schedule'))


def test_only_the_journals_teacher_schedules_its_lessons(as_user, testapp):
    for user, status in (('teacher', 200), ('class_teacher', 403), ('deputy', 403),
                         ('admin', 403), ('student', 404)):   # the student: hidden
        testapp.reset()
        assert as_user(user).get(MATH_5A + '/@@schedule', status='*').status_int == status


# -- the lesson plan: report, editing in the browser, topics ---------------------------------
PLAN = ({'number': 1, 'topic': 'Дроби', 'hours': 2, 'section': 'Числа'},
        {'number': 2, 'topic': 'Проценты', 'hours': 1, 'section': 'Числа'},
        {'number': 3, 'topic': 'Углы', 'hours': 1, 'section': 'Геометрия'})


def sequence_params(app, rows, button='save'):
    params = [('csrf_token', csrf_token(app)), ('__start__', 'rows:sequence')]
    for key, section, topic, hours in rows:
        params += [('__start__', 'row:mapping'), ('key', '' if key is None else str(key)),
                   ('section', section), ('topic', topic), ('hours', str(hours)),
                   ('__end__', 'row:mapping')]
    return params + [('__end__', 'rows:sequence'), (button, button)]


def test_plan_report_and_behind_schedule(root):
    from ejportal.journal.plan import plan_report
    journal = find_resource(root, MATH_5A)
    journal.plan = PLAN
    lessons = list(journal.lessons.values())
    lessons[0].planned = lessons[1].planned = 1
    lessons[2].planned = 2
    report = plan_report(journal, today=lessons[1].date)
    assert report['planned'] == 4 and report['held'] == 2 and report['covered'] == 2
    assert report['remaining'] == 2 and report['behind'] == 0
    rows = {r['number']: r for s in report['sections'] for r in s['rows']}
    assert [rows[n]['state'] for n in (1, 2, 3)] == ['done', 'scheduled', 'open']
    assert [(s['section'], s['planned'], s['held']) for s in report['sections']] == [
        ('Числа', 3, 2), ('Геометрия', 1, 0)]
    late = plan_report(journal, today=lessons[-1].date)   # the year's last lesson held
    assert late['ahead'] == 0 and late['behind'] == late['remaining'] == 1   # Углы


def test_plan_page_shows_report_and_warning(as_user, root):
    journal = find_resource(root, MATH_5A)
    journal.plan = PLAN * 1 + tuple({'number': n, 'topic': 'Тема %d' % n, 'hours': 10,
                                     'section': 'Повторение'} for n in range(4, 40))
    transaction.commit()
    page = as_user('class_teacher').get(MATH_5A + '/@@plan')
    assert page.html.find('div', class_='behind') is not None
    assert page.html.find('table', class_='plan-report').find('th', string='Геометрия')
    assert page.html.find('a', href=lambda h: h and h.endswith('/plan-edit')) is None
    data = as_user('deputy').get(MATH_5A + '/@plan').json
    assert data['report']['behind'] > 0 and data['items'][0]['topic'] == 'Дроби'


def test_plan_rows_edited_in_the_browser_and_lessons_follow(as_user, root):
    journal = find_resource(root, MATH_5A)
    journal.plan = PLAN
    lessons = list(journal.lessons.values())[-3:]   # future lessons: open periods
    for lesson, number in zip(lessons, (1, 2, 3)):
        lesson.planned, lesson.topic = number, PLAN[number - 1]['topic']
    ids = [l.id for l in lessons]
    transaction.commit()
    app = as_user('teacher')
    page = app.get(MATH_5A + '/@@plan-edit')
    assert 'Проценты' in page.text and 'deform' in page.text
    # reorder (Углы first), rename Проценты, remove Дроби, add a row
    params = sequence_params(app, [(3, 'Геометрия', 'Углы', 1), (2, 'Числа', 'Проценты %', 2),
                                   (None, '', 'Итоговое повторение', 3)])
    app.post(MATH_5A + '/@@plan-edit', params, status=303)
    transaction.abort()
    assert [(i['number'], i['topic'], i['hours']) for i in journal.plan] == [
        (1, 'Углы', 1), (2, 'Проценты %', 2), (3, 'Итоговое повторение', 3)]
    by_id = {l.id: l for l in journal.lessons.values()}
    assert [(by_id[i].planned, by_id[i].topic) for i in ids] == [
        (None, 'Дроби'), (2, 'Проценты %'), (1, 'Углы')]
    entry = root.audit_log.search(action='plan-edit', path_prefix=MATH_5A, limit=1)[0]
    assert entry['details']['removed'] == [1] and entry['details']['added'] == 1
    # a bad row: field error, nothing saved
    bad = app.post(MATH_5A + '/@@plan-edit', sequence_params(app, [(1, '', '', 11)]),
                   status=400)
    assert 'error' in bad.text
    transaction.abort()
    assert len(journal.plan) == 3
    # only the journal's teacher
    app.reset()
    assert as_user('class_teacher').get(MATH_5A + '/@@plan-edit', status='*').status_int == 403


def lesson_form(app, lesson):
    page = app.get(MATH_5A + '/@@column?lesson=' + lesson)
    return [f for f in page.forms.values() if 'topic' in f.fields][0]


def test_lessons_take_plan_topics_in_order_and_per_lesson(as_user, root):
    journal = find_resource(root, MATH_5A)
    journal.plan = PLAN
    future = [l for l in journal.lessons.values() if l.date > TODAY][:5]
    if len(future) < 5:
        return  # the demo year has ended: nothing ahead to plan
    future[1].topic = ''
    transaction.commit()
    app = as_user('teacher')
    app.post(MATH_5A + '/@@plan-topics', {'csrf_token': csrf_token(app),
                                           'start': future[0].date.isoformat()}, status=303)
    transaction.abort()
    assert (future[1].planned, future[1].topic) == (1, 'Дроби')
    assert future[0].planned is None   # a topic of its own is kept
    app.post(MATH_5A + '/@@plan-topics', {'csrf_token': csrf_token(app), 'replace': '1',
                                           'start': future[0].date.isoformat()}, status=303)
    transaction.abort()
    assert [l.topic for l in future[:4]] == ['Дроби', 'Дроби', 'Проценты', 'Углы']
    # per lesson on the column form: choose another plan row, the topic follows
    form = lesson_form(app, future[0].id)
    assert form['planned'].value == '1'
    form['planned'] = '3'
    form.submit(status=303)
    transaction.abort()
    assert (future[0].planned, future[0].topic) == (3, 'Углы')
    form = lesson_form(app, future[0].id)
    form['topic'] = 'Углы: практикум'
    form.submit(status=303)
    transaction.abort()
    assert (future[0].planned, future[0].topic) == (3, 'Углы: практикум')

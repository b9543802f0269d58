"""The deputy's control report: per journal of a year and period, lessons held against the
plan, lessons without topic or homework, marks per student, last filled date."""
import datetime

import transaction
from pyramid.traversal import find_resource

from ejportal.journal.resources import school_year_start

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
YEAR = '/journal/%d-%d' % (Y, Y + 1)
MATH_5A = YEAR + '/classes/5a/journals/math'


def test_control_report_counts(root):
    from ejportal.journal.control import journal_control
    journal = find_resource(root, MATH_5A)
    period = journal.period('q1')
    lessons = journal.lessons_of(period)
    lessons[0].topic, lessons[1].homework = '', ''
    journal.plan = tuple({'number': n, 'topic': 'Т', 'hours': 1, 'section': ''}
                         for n in range(1, 400))
    row = journal_control(journal, period, today=period.end, min_marks=100)
    assert row['lessons'] == row['held'] == len(lessons)
    assert row['no_topic'] == 1
    assert row['no_homework'] == sum(1 for l in lessons if not l.homework)
    assert row['students'] == len(journal.students(period.start, period.end))
    assert row['marks'] == sum(len(c['marks']) for (s, l), c in journal.cells.items()
                               if l in {x.id for x in lessons})
    assert len(row['few_marks']) == row['students']   # nobody has 100 marks
    assert row['behind'] > 0 and row['planned'] == 399
    assert row['last_filled'] <= period.end
    transaction.abort()


def test_control_page_and_json_for_deputy_and_director(as_user, testapp):
    for user in ('deputy', 'director'):
        testapp.reset()
        app = as_user(user)
        page = app.get('/journal/@@control?period=q1&min=2')
        table = page.html.find('table', class_='control-report')
        assert len(table.find('tbody').find_all('tr')) == 5   # the demo's journals
        assert 'javascript:window.print()' in page.text
        assert app.get('/journal').html.find('a', href=lambda h: h and h.endswith('/control'))
        data = app.get('/journal/@control?period=q1', headers={
            'Accept': 'application/json'}).json
        assert data['period'] == 'q1' and len(data['items']) == 5
        item = data['items'][0]
        assert {'held', 'planned_hours', 'without_topic', 'without_homework',
                'marks_per_student', 'few_marks', 'last_filled'} <= set(item)
    # odd parameters fall back, never 500
    app.get('/journal/@@control?year=nope&period=zz&min=x', status=200)


def test_control_is_for_the_direction_only(as_user, testapp):
    for user in ('admin', 'teacher', 'class_teacher', 'secretary', 'student', 'parent'):
        testapp.reset()
        app = as_user(user)
        # staff see the school and are refused; the family does not see it at all
        refused = 404 if user in ('student', 'parent') else 403
        assert app.get('/journal/@@control', status='*').status_int == refused, user
        assert app.get('/journal/@control', headers={'Accept': 'application/json'},
                       status='*').status_int == refused, user


# -- issue 12: timeliness, what is missing, changes after closing, links, filters ---------
def test_control_json_adds_the_new_figures_and_links(as_user, testapp, root):
    from conftest import csrf_token
    journal = find_resource(root, MATH_5A)
    period = journal.year.current_period(TODAY)
    old = [l for l in journal.lessons_of(period) if (TODAY - l.date).days > 5]
    if not old:
        return   # the first days of a period: nothing can be late yet
    lesson = old[0]
    student = journal.students(lesson.date, lesson.date)[0].__name__
    root['settings'].journal_entry_days = 2
    transaction.commit()
    teacher = as_user('teacher')
    teacher.post_json(MATH_5A + '/@cell', {'student': student, 'lesson': lesson.id,
                                           'text': '2'},
                      headers={'X-CSRF-Token': csrf_token(teacher)})
    testapp.reset()
    deputy = as_user('deputy')
    data = deputy.get('/journal/@control', {'period': period.id, 'teacher': 'teacher'},
                      headers={'Accept': 'application/json'}).json
    assert data['late_after_days'] == 2 and data['filters']['teacher'] == 'teacher'
    assert {i['journal']['teacher'] for i in data['items']} == {'teacher'}
    item = [i for i in data['items'] if i['journal']['@id'].endswith(MATH_5A)][0]
    assert MATH_5A in item['@id'] and item['@id'].endswith('?period=' + period.id)
    assert {'lessons_without_topic', 'lessons_without_homework', 'timeliness',
            'late_entries', 'period_over', 'missing_period_marks',
            'changed_after_closing', 'corrections'} <= set(item)
    assert item['timeliness']['late_after_days'] == 2
    late = [e for e in item['late_entries'] if e['lesson'] == lesson.id]
    assert late and late[0]['student'] == student and late[0]['kind'] == 'marks'
    assert late[0]['delay_days'] == (TODAY - lesson.date).days
    assert late[0]['userid'] == 'teacher'
    # the link leads to the cell's history
    history = deputy.get(late[0]['@id'][len('http://localhost'):])
    assert history.status_int == 200
    # the screen: the filters and the finding's link
    page = deputy.get('/journal/@@control', {'period': period.id, 'subject': 'math',
                                             'class': '5a'})
    rows = page.html.find('table', class_='control-report').find('tbody').find_all('tr')
    assert len(rows) == 1
    links = [a['href'] for a in rows[0].find_all('a', class_='late-entry')]
    assert any('lesson=' + lesson.id in h and 'student=' + student in h for h in links)
    assert page.html.find('select', id='c-teacher')
    transaction.abort()
    root['settings'].journal_entry_days = 3
    transaction.commit()


def test_control_settings_field(as_user, root):
    app = as_user('admin')
    form = app.get('/settings').forms['deform']
    assert form['journal_entry_days'].value == '3'
    form['journal_entry_days'] = '-1'
    form.submit('save', status=400)
    form = app.get('/settings').forms['deform']
    form['journal_entry_days'] = '5'
    form.submit('save', status=303)
    root._p_jar.sync()
    assert root['settings'].journal_entry_days == 5


def test_control_page_in_russian(as_user):
    app = as_user('deputy')
    app.set_cookie('ejportal_lang', 'ru')
    page = app.get('/journal/@@control?period=q1')
    for text in ('Своевременность, дни: темы / отметки', 'Своевременность: дни от урока',
                 'Несвоевременные записи', 'Изменено после закрытия'):
        assert text in page.text, text
    page = app.get('/journal/@@checks')
    assert 'Справки о проверке журналов' in page.text

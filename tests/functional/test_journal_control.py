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

"""The diary: week, period and year views, family isolation for every URL and API call,
and the progress report (page, PDF, XLSX) against hand-computed figures."""
import datetime
import io

import pytest
import transaction
from pyramid.traversal import find_resource

from ejportal.journal import grading
from ejportal.journal.resources import school_year_start

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
YEAR = '/journal/%d-%d' % (Y, Y + 1)
MATH_5A = YEAR + '/classes/5a/journals/math'
RUS_5A = YEAR + '/classes/5a/journals/russian'
STUDENT = 's0001'         # the demo student, 5 А, child of the demo parent
STUDENT2 = 's0009'        # the demo parent's second child, 7 Б
OTHER_5A = 's0002'        # a classmate of another family
OTHER_7B = 's0010'
JSON = {'Accept': 'application/json'}


def future_lessons(journal, count):
    return [l for l in journal.lessons.values() if l.date > TODAY][:count]


@pytest.fixture
def marked(root):
    """Hand-made cells in lessons after today (which have none): math 5 (answer), 3
    (test, weight 2), 4 (answer) and one 'б'; russian one 'н' and a 2.
    Math average: (5·1 + 3·2 + 4·1) / (1 + 2 + 1) = 15 / 4 = 3.75."""
    math = find_resource(root, MATH_5A)
    rus = find_resource(root, RUS_5A)
    m = future_lessons(math, 4)
    r = future_lessons(rus, 2)
    w = grading.kind_weights()
    math.set_cell(STUDENT, m[0].id, (('5', 'answer', w['answer']),), check_closed=False)
    math.set_cell(STUDENT, m[1].id, (('3', 'test', w['test']),), check_closed=False)
    math.set_cell(STUDENT, m[2].id, (('4', 'answer', w['answer']),), 'оп',
                  check_closed=False)
    math.set_cell(STUDENT, m[3].id, (), 'б', check_closed=False)
    rus.set_cell(STUDENT, r[0].id, (), 'н', check_closed=False)
    rus.set_cell(STUDENT, r[1].id, (('2', 'answer', w['answer']),), check_closed=False)
    transaction.commit()
    start = min(m[0].date, r[0].date)
    end = max(m[3].date, r[1].date)
    return start, end, m


# -- the week ----------------------------------------------------------------------------
def test_parent_opens_own_first_child_and_switches(as_user):
    app = as_user('parent')
    page = app.get('/@@diary').follow()
    assert '/journal/students/s0001/diary' in page.request.url
    assert 'Иванов Дмитрий Сергеевич' in page.text
    links = [a['href'] for a in page.html.select('nav.diary-children a')]
    assert any(h.endswith('/s0009/diary') for h in links)
    second = app.get('/journal/students/%s/diary' % STUDENT2)
    assert 'Иванова Екатерина Сергеевна' in second.text


def test_week_shows_lessons_in_order_with_homework_and_marks(as_user, marked):
    start, end, math_lessons = marked
    app = as_user('student')
    page = app.get('/journal/students/%s/diary' % STUDENT, {'week': math_lessons[2].date.isoformat()})
    day = page.html.find('section', id='day-' + math_lessons[2].date.isoformat())
    rows = day.select('tr.lesson')
    numbers = [int(r.find('td').text) for r in rows]
    assert numbers == sorted(numbers)
    math_row = [r for r in rows if 'Математика' in r.text][0]
    assert '4' in math_row.select_one('td.marks').text
    assert 'оп' in math_row.select_one('td.attendance').text
    assert math_row.select_one('td.topic').text.strip()


def test_week_defaults_to_today_and_navigates(as_user):
    app = as_user('student')
    page = app.get('/journal/students/%s/diary' % STUDENT)
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    assert page.html.find('section', id='day-' + monday.isoformat()) is not None
    homework = [td.text.strip() for td in page.html.select('td.homework')]
    assert any(h.startswith('§') for h in homework)      # this week's homework, due date
    assert 'due' in page.html.select_one('td.homework').text
    prev = page.html.find('a', rel='prev')['href']
    assert (monday - datetime.timedelta(days=7)).isoformat() in prev
    app.get(prev)
    assert app.get('/journal/students/%s/diary?week=junk' % STUDENT, status=400)


def test_period_and_year_views(as_user, marked):
    app = as_user('parent')
    period = app.get('/journal/students/%s/diary-period' % STUDENT)
    assert 'Математика' in period.text
    assert app.get('/journal/students/%s/diary-period?period=zz' % STUDENT, status=400)
    year = app.get('/journal/students/%s/diary-year' % STUDENT)
    assert 'Математика' in year.text and 'Русский язык' in year.text


# -- isolation ---------------------------------------------------------------------------
DIARY_VIEWS = ('diary', 'diary-period', 'diary-year', 'report', 'report?format=pdf',
               'report?format=xlsx', '@diary', '@report?from=%s&to=%s' % (TODAY, TODAY))


@pytest.mark.parametrize('user,own,foreign', [
    ('student', {STUDENT}, {STUDENT2, OTHER_5A, OTHER_7B}),
    ('parent', {STUDENT, STUDENT2}, {OTHER_5A, OTHER_7B}),
    ('teacher', set(), {STUDENT, STUDENT2, OTHER_5A}),
    ('secretary', set(), {STUDENT, OTHER_7B}),
    ('class_teacher', {STUDENT, OTHER_5A}, {STUDENT2, OTHER_7B}),
    ('director', {STUDENT, STUDENT2, OTHER_5A}, set()),
])
def test_no_url_reaches_another_family(as_user, user, own, foreign):
    app = as_user(user)
    for sid in sorted(own | foreign):
        for view in DIARY_VIEWS:
            url = '/journal/students/%s/%s' % (sid, view)
            status = app.get(url, status='*').status_int
            assert (status == 200) is (sid in own), (user, url, status)
            status = app.get(url, headers=JSON, status='*').status_int
            assert (status == 200) is (sid in own), (user, url, 'json', status)
        if user not in ('student', 'parent'):
            continue
        # the generic JSON of the record, and the record page, are not a way round
        assert app.get('/journal/students/%s' % sid, headers=JSON, status='*').status_int \
            in (403, 404)
        assert app.get('/journal/students/%s' % sid, status='*').status_int in (403, 404)


@pytest.mark.parametrize('user', ['student', 'parent'])
def test_api_student_parameter_cannot_reach_another_family(as_user, user):
    app = as_user(user)
    for sid in (OTHER_5A, OTHER_7B, 'nobody', '../s0002', ''):
        for url in ('/@diary?student=%s' % sid,
                    '/@diary?student=%s&from=%s&to=%s' % (sid, TODAY, TODAY),
                    '/@report?student=%s&from=%s&to=%s' % (sid, TODAY, TODAY),
                    '/@report?student=%s&from=%s&to=%s&format=pdf' % (sid, TODAY, TODAY)):
            response = app.get(url, headers=JSON, status='*')
            assert response.status_int == 404, (user, url)
            assert response.json['error']['type'] == 'NotFound'
    if user == 'student':
        assert app.get('/@diary?student=' + STUDENT2, headers=JSON, status=404)
    # search and listings give nothing either
    assert app.get('/@journals', headers=JSON, status='*').status_int == 403
    assert app.get('/journal/students', headers=JSON, status='*').status_int == 404
    search = app.get('/@search', {'text': 'Алексеева'}, headers=JSON, status='*')
    assert search.status_int in (403, 404) or 'Алексеева' not in search.text


def test_anonymous_gets_nothing(testapp):
    assert testapp.get('/@diary', headers=JSON, status=401)
    page = testapp.get('/journal/students/%s/diary' % STUDENT, status='*')
    assert page.status_int in (302, 303, 403) and 'Иванов Дмитрий' not in page.text


# -- JSON API ----------------------------------------------------------------------------
def test_api_week(as_user, marked):
    start, end, math_lessons = marked
    app = as_user('parent')
    day = math_lessons[1].date
    data = app.get('/@diary', {'week': day.isoformat()}, headers=JSON).json
    assert data['student']['id'] == STUDENT            # the first child by default
    monday = day - datetime.timedelta(days=day.weekday())
    assert data['week']['start'] == monday.isoformat()
    assert data['days'][0]['date'] == monday.isoformat()
    lessons = [l for d in data['days'] if d['date'] == day.isoformat() for l in d['lessons']]
    test = [l for l in lessons if l['subject']['id'] == 'math'][0]
    assert test['marks'] == [{'value': '3', 'kind': 'test', 'kind_title': 'контрольная работа',
                              'weight': 2}]
    assert {'subject', 'number', 'topic', 'homework', 'marks', 'attendance', 'remarks'} <= set(test)
    other = app.get('/@diary', {'week': day.isoformat(), 'student': STUDENT2}, headers=JSON).json
    assert other['student']['id'] == STUDENT2
    assert all(l['subject']['id'] == 'math' for d in other['days'] for l in d['lessons'])


def test_api_bad_input_is_4xx_json(as_user):
    app = as_user('student')
    for query in ('week=2025-13-01', 'week=', 'from=2025-01-01', 'from=x&to=2025-01-01',
                  'from=2025-02-01&to=2025-01-01', 'from=2020-01-01&to=2025-01-01'):
        response = app.get('/@diary?' + query, headers=JSON, status='*')
        assert response.status_int == 400, query
        assert response.json['error']['type'] == 'BadRequest'
        assert response.json['error'].get('fields'), query
    response = app.get('/@report?from=%s&to=%s&format=doc' % (TODAY, TODAY), headers=JSON,
                       status=400)
    assert 'format' in response.json['error']['fields']


# -- the report against hand-computed figures -------------------------------------------
def test_report_figures(as_user, marked):
    start, end, _m = marked
    app = as_user('parent')
    data = app.get('/@report', {'from': start.isoformat(), 'to': end.isoformat()},
                   headers=JSON).json
    subjects = {s['subject']: s for s in data['subjects']}
    assert subjects['Математика']['average'] == '3.75'
    assert subjects['Математика']['marks'] == '5 3 4'
    assert subjects['Математика']['absent'] == 1 and subjects['Математика']['late'] == 1
    assert subjects['Русский язык']['average'] == '2.00'
    assert subjects['Русский язык']['absent'] == 1
    assert data['absences'] == {'н': 1, 'б': 1, 'уп': 0, 'оп': 1}
    assert data['absences_total'] == 2
    summary = app.get('/@diary', {'from': start.isoformat(), 'to': end.isoformat()},
                      headers=JSON).json
    math = [s for s in summary['subjects'] if s['subject']['id'] == 'math'][0]
    assert math['average'] == '3.75'
    assert math['formula'] == '(5×1 + 3×2 + 4×1) / (1 + 2 + 1) = 15 / 4 = 3.75'


def test_report_page_pdf_and_xlsx(as_user, marked):
    start, end, _m = marked
    app = as_user('parent')
    query = {'from': start.isoformat(), 'to': end.isoformat()}
    page = app.get('/journal/students/%s/report' % STUDENT, query)
    assert '3.75' in page.html.select_one('table.report').text
    pdf = app.get('/journal/students/%s/report' % STUDENT, dict(query, format='pdf'))
    assert pdf.content_type == 'application/pdf'
    from pypdf import PdfReader
    text = ' '.join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body)).pages)
    assert 'Иванов Дмитрий Сергеевич' in text and '3.75' in text and 'Математика' in text
    xlsx = app.get('/@report', dict(query, format='xlsx', student=STUDENT), headers=JSON)
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(xlsx.body)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    math = [r for r in rows if r[0] == 'Математика'][0]
    assert math[1] == '5 3 4' and math[3] == 3.75 and math[5] == 1
    assert app.get('/journal/students/%s/report?from=bad&to=x' % STUDENT, status=400)


def test_subscription_form(as_user, root):
    app = as_user('parent')
    page = app.get('/journal/students/%s/diary-subscription' % STUDENT)
    form = page.forms['deform']
    radio = [name for name, fields in form.fields.items()
             if any(getattr(f, 'options', None) and 'weekly' in [o[0] for o in f.options]
                    for f in fields)][0]
    form[radio] = 'weekly'
    form.submit('save', status=303)
    bad = app.post('/journal/students/%s/diary-subscription' % STUDENT,
                   {'frequency': 'daily', 'csrf_token': form['csrf_token'].value}, status=400)
    assert 'Choose weekly' in bad.text
    assert app.post('/journal/students/%s/diary-subscription' % STUDENT,
                    {'frequency': 'weekly'}, status=400)     # no CSRF token
    transaction.abort()
    student = root['journal']['students'][STUDENT]
    assert student.diary.subscriptions['parent'] == 'weekly'
    app.reset()
    student_app = as_user('student')
    assert student_app.get('/journal/students/%s/diary-subscription' % STUDENT, status=403)


# -- revalidation and the family index -----------------------------------------------------
def test_week_etag_gives_304_until_something_changes(as_user, root):
    app = as_user('parent')
    url = '/journal/students/%s/diary' % STUDENT
    page = app.get(url)
    tag = page.headers['ETag']
    assert 'private' in page.headers['Cache-Control'] and 'no-cache' in page.headers['Cache-Control']
    again = app.get(url, headers={'If-None-Match': tag}, status=304)
    assert again.body == b'' and again.headers['ETag'] == tag
    # another child's week is another page
    assert app.get('/journal/students/%s/diary' % STUDENT2,
                   headers={'If-None-Match': tag}).status_int == 200
    # a new mark this week changes the tag
    math = find_resource(root, MATH_5A)
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    lesson = math.lessons_between(monday, monday + datetime.timedelta(days=6))[0]
    math.set_cell(STUDENT, lesson.id, (('5', 'answer', 1),), check_closed=False)
    transaction.commit()
    changed = app.get(url, headers={'If-None-Match': tag})
    assert changed.status_int == 200 and changed.headers['ETag'] != tag
    # a homework topic edited by the teacher too
    tag = changed.headers['ETag']
    math.edit_lesson(lesson, {'homework': 'новое задание'})
    transaction.commit()
    assert app.get(url, headers={'If-None-Match': tag}).status_int == 200
    # the JSON week revalidates as well
    week = app.get('/@diary', headers=JSON)
    assert app.get('/@diary', headers=dict(JSON, **{'If-None-Match': week.headers['ETag']}),
                   status=304)
    # a foreign student stays hidden whatever the client sends
    assert app.get('/journal/students/%s/diary' % OTHER_5A,
                   headers={'If-None-Match': tag}, status='*').status_int == 404


def test_week_page_writes_no_session_cookie(as_user):
    app = as_user('parent')
    app.get('/journal/students/%s/diary' % STUDENT)
    page = app.get('/journal/students/%s/diary' % STUDENT)
    assert not page.headers.getall('Set-Cookie')


def test_family_index_follows_changes_and_evolve_builds_it(root):
    from ejportal.diary import model
    from ejportal.diary.evolve import build_family_index
    from ejportal.diary.resources import family_index
    school = root['journal']
    index = family_index(school)
    assert index['parent'] == (STUDENT, STUDENT2)
    assert index['student'] == (STUDENT,)
    other = school['students'][OTHER_7B]
    other.update({'parents': ('parent',)})
    assert [s.__name__ for s in model.family_students(school, 'parent')] == sorted(
        [STUDENT, STUDENT2, OTHER_7B], key=lambda sid: (
            school['students'][sid].surname, school['students'][sid].first_name, sid))
    other.update({'parents': ()})
    assert OTHER_7B not in index['parent']
    # a stale entry never shows a child of another family
    index['parent'] = index['parent'] + (OTHER_5A,)
    assert OTHER_5A not in [s.__name__ for s in model.family_students(school, 'parent')]
    # the evolve step rebuilds it from the records, and a second run changes nothing
    del school.family_index
    build_family_index(root)
    assert family_index(school)['parent'] == (STUDENT, STUDENT2)
    before = dict(family_index(school).items())
    build_family_index(root)
    assert dict(family_index(school).items()) == before
    transaction.abort()


def test_periods_follow_the_grade(as_user, root):
    """A grade with halves (as 10-11 have) sees halves in the period and year views and in
    the class overview; another grade keeps the year's quarters."""
    from ejportal.journal.resources import template_periods
    year = find_resource(root, YEAR)
    year.grade_periods = {5: ('halves', template_periods('halves', Y))}
    transaction.commit()
    app = as_user('parent')
    period = app.get('/journal/students/%s/diary-period' % STUDENT)
    links = [a.text for a in period.html.select('nav.periods a')]
    assert links == ['I полугодие', 'II полугодие']
    assert app.get('/journal/students/%s/diary-period?period=q1' % STUDENT, status=400)
    assert app.get('/journal/students/%s/diary-period?period=h2' % STUDENT).status_int == 200
    year_page = app.get('/journal/students/%s/diary-year' % STUDENT)
    headers = [th.text for th in year_page.html.select('table.diary-year th')]
    assert 'I полугодие' in headers and 'I четверть' not in headers
    other = app.get('/journal/students/%s/diary-period' % STUDENT2)     # 7 Б: quarters
    assert 'I четверть' in [a.text for a in other.html.select('nav.periods a')]
    report = app.get('/@report', {'from': '%d-09-01' % Y, 'to': '%d-12-28' % Y},
                     headers=JSON).json
    app.reset()
    overview = as_user('class_teacher').get(YEAR + '/classes/5a/overview')
    assert 'I полугодие' in overview.text and 'I четверть' not in overview.text
    assert report['from'] == '%d-09-01' % Y


# -- homework files ----------------------------------------------------------------------------
PDF = (b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]'
       b'/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')


def _attach(journal, lesson, name='задание.pdf'):
    from ZODB.blob import Blob
    blob = Blob()
    with blob.open('w') as out:
        out.write(PDF)
    journal.set_lesson_files(lesson, ({'name': name, 'kind': 'pdf', 'size': len(PDF),
                                       'blob': blob},))


def test_family_downloads_homework_files_of_own_journals_only(as_user, root):
    from urllib.parse import quote
    math = find_resource(root, MATH_5A)
    math_7b = find_resource(root, YEAR + '/classes/7b/journals/math')
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    lesson = math.lessons_between(monday, monday + datetime.timedelta(days=6))[0]
    lesson_7b = math_7b.lessons_between(monday, monday + datetime.timedelta(days=6))[0]
    _attach(math, lesson)
    _attach(math_7b, lesson_7b)
    transaction.commit()
    app = as_user('parent')
    week = app.get('/journal/students/%s/diary' % STUDENT)
    link = week.html.select_one('a.homework-file')
    assert link.text == 'задание.pdf'
    download = app.get(link['href'])
    assert download.body == PDF and download.content_type == 'application/pdf'
    assert download.headers['Content-Disposition'].startswith('attachment;')
    assert download.headers['X-Content-Type-Options'] == 'nosniff'
    api = app.get('/@diary', headers=JSON).json
    files = [f for d in api['days'] for l in d['lessons'] for f in l['homework']['files']]
    assert files and app.get(files[0]['url']).body == PDF

    def url(sid, journal, lesson_id, name='задание.pdf'):
        return '/journal/students/%s/homework-file?journal=%s&lesson=%s&name=%s' % (
            sid, quote(journal), lesson_id, quote(name))
    # another family's student (same class, same journal): hidden, as if not there
    assert app.get(url(OTHER_5A, MATH_5A, lesson.id), status='*').status_int == 404
    # the own child with a journal of another class, another lesson, another name: 404
    assert app.get(url(STUDENT, YEAR + '/classes/7b/journals/math', lesson_7b.id),
                   status=404)
    assert app.get(url(STUDENT, MATH_5A, lesson_7b.id), status=404)
    assert app.get(url(STUDENT, MATH_5A, lesson.id, 'other.pdf'), status=404)
    assert app.get(url(STUDENT, MATH_5A, 'junk'), status=404)
    assert app.get(url(STUDENT, '/journal', lesson.id), status=404)
    # the second child's own journal works
    assert app.get(url(STUDENT2, YEAR + '/classes/7b/journals/math', lesson_7b.id)).body == PDF
    app.reset()
    student = as_user('student')        # s0001 only
    assert student.get(url(STUDENT2, YEAR + '/classes/7b/journals/math', lesson_7b.id),
                       status='*').status_int == 404   # the sister: hidden
    assert student.get(url(STUDENT, MATH_5A, lesson.id)).body == PDF

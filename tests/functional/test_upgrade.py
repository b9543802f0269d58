"""An existing database upgrades: the demo school as ``main`` made it at d7691ce, before the
redesign (tests/fixtures/db-main-d7691ce.tar.gz: Data.fs and blobs), is brought up by
``ejportal-admin evolve`` and then serves what it served: every account logs in, the
documents, the journal, the diary, search and the API answer, the audit chain holds, and a
teacher's mark is saved and reaches the parent.

The fixture's school year is 2026-2027 whatever today is, so paths and weeks below are the
fixture's own, never computed from today.
"""
import json
import shutil
import tarfile
from pathlib import Path

import pytest

from conftest import EnglishClient, api_token, app_settings, close_app, login
from test_evolve import write_ini

from ejportal import main
from ejportal.scripts.admin import main as admin_main

FIXTURE = Path(__file__).parent.parent / 'fixtures' / 'db-main-d7691ce.tar.gz'
# As in production: no demo builder runs, and an old database is refused, not evolved.
SETTINGS = {'ejportal.auto_evolve': 'false', 'ejportal.demo': 'false'}

YEAR = '/journal/2026-2027'
CLASS = YEAR + '/classes/5a'
MATH = CLASS + '/journals/math'          # taught by teacher
STUDENT = 's0001'                        # the student account, the parent's child
DIARY = '/journal/students/' + STUDENT
WEEK = '2026-11-23'                      # a week of the fixture with lessons and marks
LESSON = '2026-11-24-3'                  # mathematics in that week, second quarter (open)
ORDER = '/documents/order-2012-od-181'
SEARCH = '/@search?SearchableText=%D0%B6%D1%83%D1%80%D0%BD%D0%B0%D0%BB'  # журнал

# login: the short name the header shows once logged in (README's demo accounts)
ACCOUNTS = {
    'admin': 'Смирнов А.П.', 'director': 'Кузьмина С.А.', 'deputy': 'Орлова М.В.',
    'secretary': 'Белова И.С.', 'teacher': 'Петрова А.И.', 'class_teacher': 'Соколова Е.Н.',
    'psychologist': 'Григорьева О.Д.', 'student': 'Иванов Д.С.', 'student2': 'Иванова Е.С.',
    'parent': 'Иванова Н.В.',
}


def unpack(directory):
    with tarfile.open(FIXTURE) as archive:
        archive.extractall(directory, filter='data')
    assert (directory / 'Data.fs').exists()
    return write_ini(directory, **SETTINGS)


def console(capsys, *argv):
    """``ejportal-admin`` through its entry point: (exit code, what it printed)."""
    capsys.readouterr()
    code = admin_main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def pending_steps(capsys, ini):
    code, out = console(capsys, ini, 'evolve', '--dry-run')
    assert code == 0, out
    return [line for line in out.splitlines() if line.startswith('pending')]


def start(directory):
    return main({}, **app_settings(directory, **SETTINGS))


def client(app):
    return EnglishClient(app, extra_environ={'REMOTE_ADDR': '10.0.0.1', 'HTTP_HOST': 'localhost'})


def bearer(app, login_name):
    return {'Authorization': 'Bearer ' + api_token(client(app), login_name),
            'Accept': 'application/json'}


@pytest.fixture(scope='module')
def upgraded(tmp_path_factory):
    directory = tmp_path_factory.mktemp('upgraded')
    ini = unpack(directory)
    assert admin_main([ini, 'evolve']) == 0
    return directory


@pytest.fixture(scope='module')
def upgraded_app(upgraded):
    """One app for the checks that only read (logins write sessions, nothing else)."""
    app = start(upgraded)
    yield app
    close_app(app)


# -- the upgrade itself ----------------------------------------------------------------
def test_evolve_brings_the_old_database_up_and_the_app_then_serves_it(tmp_path, capsys):
    ini = unpack(tmp_path)
    before = pending_steps(capsys, ini)
    # Before evolving, the app refuses the database exactly when a step is pending (today
    # the code is at the fixture's generation; every step added later makes this refuse).
    try:
        app = start(tmp_path)
    except Exception as refused:
        assert before, 'refused although no step is pending: %s' % refused
        assert 'ejportal-admin evolve' in str(refused)
    else:
        close_app(app)
        assert not before, 'served an old database with steps pending: %s' % before
    code, out = console(capsys, ini, 'evolve')
    assert code == 0, out
    assert pending_steps(capsys, ini) == [], 'steps still pending after evolve'
    code, out = console(capsys, ini, 'evolve')        # a second run finds nothing to do
    assert code == 0 and 'applied' not in out, out
    code, out = console(capsys, ini, 'audit-verify')
    assert code == 0 and 'audit log intact' in out, out
    app = start(tmp_path)                              # auto_evolve is off: no refusal now
    try:
        assert client(app).get('/', status=200)
    finally:
        close_app(app)


# -- what every user does --------------------------------------------------------------
@pytest.mark.parametrize('login_name', sorted(ACCOUNTS))
def test_every_demo_account_logs_in_through_the_form(upgraded_app, login_name):
    browser = client(upgraded_app)
    response = login(browser, login_name)
    assert response.status_int == 303 and response.location.endswith('/@@start'), (
        response.status, response.text[:300])
    start_page = browser.get('/@@start', status=200)
    assert ACCOUNTS[login_name] in start_page.html.find('header').get_text(' ', strip=True)


def test_the_documents_list_and_an_order_page(upgraded_app):
    browser = client(upgraded_app)
    login(browser, 'secretary')
    listing = browser.get('/documents', status=200)
    assert ORDER + '"' in listing.text or ORDER + '/"' in listing.text
    order = browser.get(ORDER, status=200)
    assert 'О введении электронного журнала' in order.text
    browser.get(ORDER + '/@@history', status=200)
    browser.get(ORDER + '/@@sheet', status=200)
    browser.get(ORDER + '/@@print', status=200)


def test_the_journal_grid_of_a_class(upgraded_app):
    browser = client(upgraded_app)
    login(browser, 'teacher')
    page = browser.get(MATH + '?period=q2', status=200)
    grid = page.html.find('table', id='journal-grid')
    names = [th.get_text(strip=True) for th in grid.find('tbody').find_all('th')]
    assert 'Иванов Д.С.' in names
    assert LESSON in page.text
    login(browser, 'class_teacher')
    browser.get(CLASS + '/@@desk', status=200)


def test_the_parent_reads_a_week_of_the_childs_diary(upgraded_app):
    browser = client(upgraded_app)
    login(browser, 'parent')
    page = browser.get(DIARY + '/@@diary?week=' + WEEK, status=200)
    assert 'Проценты (урок 54)' in page.text          # a math topic of that week
    assert 'Иванов' in page.text


def test_the_childs_marks_of_before_read_in_the_diary(upgraded_app):
    """The students' diary indexes are rekeyed by the evolve step (a short journal
    reference, no titles): every mark the journal holds for the child in that week is in
    the diary's week, under its subject."""
    grid = client(upgraded_app).get(MATH + '/@json?period=q2',
                                    headers=bearer(upgraded_app, 'teacher'), status=200).json
    week = client(upgraded_app).get(DIARY + '/@diary?week=' + WEEK,
                                    headers=bearer(upgraded_app, 'parent'), status=200).json
    days = {day['date'] for day in week['days']}
    in_journal = {c['lesson']: [m['value'] for m in c['marks']] for c in grid['cells']
                  if c['student'] == STUDENT and c['lesson'][:10] in days and c['marks']}
    lessons = [lesson for day in week['days'] for lesson in day['lessons']
               if lesson['lesson'] in in_journal]
    assert in_journal and {l['lesson']: [m['value'] for m in l['marks']]
                           for l in lessons} == in_journal
    assert {l['subject']['title'] for l in lessons} == {'Математика'}


def test_search_finds_the_order_by_a_word_of_its_title(upgraded_app):
    found = client(upgraded_app).get(SEARCH, headers=bearer(upgraded_app, 'secretary'),
                                     status=200).json
    assert 'http://localhost' + ORDER in [item['@id'] for item in found['items']]
    browser = client(upgraded_app)
    login(browser, 'secretary')
    assert 'О введении' in browser.get('/documents/@@search', {'q': 'журнал'}, status=200).text


@pytest.mark.parametrize('login_name, path, check', [
    ('teacher', '/@json', lambda data: data['@type'] == 'Portal'),
    ('secretary', '/documents/@json',
     lambda data: 'order-2012-od-181' in [item['id'] for item in data['items']]),
    ('secretary', ORDER, lambda data: data['@type'] == 'Order' and data['review_state'] == 'signed'),
    ('admin', '/people/users/@json',
     lambda data: set(ACCOUNTS) <= {item['id'] for item in data['items']}),
    ('teacher', MATH + '/@json?period=q2',
     lambda data: LESSON in [lesson['id'] for lesson in data['lessons']]),
    ('teacher', '/@journals', lambda data: data['items_total'] >= 1),
    ('parent', DIARY + '/@diary?week=' + WEEK,
     lambda data: data['student']['id'] == STUDENT and data['days']),
    ('deputy', '/journal/@control', lambda data: data),
])
def test_json_of_a_few_resources(upgraded_app, login_name, path, check):
    data = client(upgraded_app).get(path, headers=bearer(upgraded_app, login_name),
                                    status=200).json
    assert check(data), json.dumps(data, ensure_ascii=False)[:500]


def test_the_audit_chain_checks_out_on_its_screen(upgraded_app):
    browser = client(upgraded_app)
    login(browser, 'admin')
    page = browser.get('/settings/@@audit-verify', status=200)
    assert page.html.find(class_='alert-success').get_text(strip=True) == 'The chain is intact.'


# -- a write ---------------------------------------------------------------------------
def test_a_teacher_saves_a_mark_the_parent_sees_it_and_the_chain_holds(tmp_path, capsys,
                                                                      upgraded):
    for name in ('Data.fs', 'blobs'):       # a copy of its own: this test writes
        source = upgraded / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    ini = write_ini(tmp_path, **SETTINGS)
    app = start(tmp_path)
    try:
        teacher = bearer(app, 'teacher')
        grid = client(app).get(MATH + '/@json?period=q2', headers=teacher, status=200).json
        before = [c['marks'] for c in grid['cells']
                  if c['student'] == STUDENT and c['lesson'] == LESSON]
        value = '2' if '2' not in json.dumps(before) else '5'
        saved = client(app).post_json(MATH + '/@cell', {
            'student': STUDENT, 'lesson': LESSON, 'marks': [value]},
            headers=teacher, status=200).json
        assert [m['value'] for m in saved['marks']] == [value]
        week = client(app).get(DIARY + '/@diary?week=' + WEEK,
                               headers=bearer(app, 'parent'), status=200).json
        lessons = [lesson for day in week['days'] for lesson in day['lessons']
                   if lesson['lesson'] == LESSON]
        assert [m['value'] for m in lessons[0]['marks']] == [value]
    finally:
        close_app(app)
    code, out = console(capsys, ini, 'audit-verify')
    assert code == 0 and 'audit log intact' in out, out


# -- surveys (added after the fixture was made) -------------------------------------------
def test_the_surveys_section_is_added_empty(upgraded_app):
    browser = client(upgraded_app)
    login(browser, 'psychologist')
    page = browser.get('/surveys', status=200)
    assert 'New survey' in page.text
    assert client(upgraded_app).get('/surveys', headers=bearer(upgraded_app, 'parent'),
                                    status=200).json['items'] == []
# -- s-news (issue 14): the school site's news and events on an upgraded portal ----------
def test_the_news_and_events_sections_are_added_and_writable(upgraded_app):
    browser = client(upgraded_app)
    assert browser.get('/news', status=200) and browser.get('/events', status=200)
    assert browser.get('/news/@@feed.atom').content_type == 'application/atom+xml'
    created = browser.post_json('/events/@json', {'@type': 'Event', 'title': 'Open day',
                                                  'start': '2030-05-10T10:00:00'},
                                headers=bearer(upgraded_app, 'director'), status=201)
    assert created.json['review_state'] == 'draft'   # a draft: nothing the others read

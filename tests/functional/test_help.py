"""Help and training (issue 14): the help pages in the reader's language (Russian where a
page has no English text), the header's link to the page of each screen, the admin's edit
form (sanitised rich text, a version per save), the courses with a "done" mark per person
and the admin's table of who has finished, through the screens and the JSON API."""
import datetime

import pytest
import transaction

from conftest import api_token, csrf_token, login
from ejportal.journal.resources import school_year_start

JSON = {'Accept': 'application/json'}
START = school_year_start(datetime.date.today())
MATH = '/journal/%d-%d/classes/5a/journals/math' % (START, START + 1)
PAGES = ('entering-marks', 'acknowledging-an-order', 'reading-the-diary',
         'forgotten-password', 'signing-an-order', 'journal-control', 'admin-daily')


def bearer(testapp, login_name):
    return dict(JSON, Authorization='Bearer ' + api_token(testapp, login_name))


def help_href(page):
    link = page.html.select_one('header a.help-link')
    assert link is not None and link.text.strip() in ('Help', 'Помощь')
    return link['href'].replace('http://localhost', '').rstrip('/')


# -- the pages -----------------------------------------------------------------------------

def test_every_role_page_is_there_in_both_languages(root):
    section = root['help']
    for name in PAGES:
        page = section[name]
        assert page.title_ru and page.title_en and page.text_ru and page.text_en, name
        assert page.current_version.number == 1
    assert [c.__name__ for c in section.courses()] == ['staff-course', 'parents-course']
    assert len(section['staff-course'].lessons()) == 4
    assert len(section['parents-course'].lessons()) == 3


def test_a_page_reads_in_the_readers_language(testapp, as_user):
    as_user('teacher')
    english = testapp.get('/help/entering-marks')
    assert 'Entering marks in the journal' in english.text
    assert 'Never let students work under your login' in english.text
    russian = testapp.get('/help/entering-marks?lang=ru')
    assert 'Как выставлять отметки в журнале' in russian.text
    assert 'Помощь' in russian.html.select_one('header a.help-link').text


def test_english_falls_back_to_russian(testapp, as_user, root):
    page = root['help']['journal-control']
    page.update({'text_en': '', 'title_en': ''})
    transaction.commit()
    as_user('deputy')
    shown = testapp.get('/help/journal-control')
    assert 'Контроль ведения журнала' in shown.text
    assert 'not written in your language yet' in shown.text
    data = testapp.get('/help/journal-control', headers=JSON).json
    assert data['language'] == 'ru' and data['title'] == 'Контроль ведения журнала'
    assert 'периодический контроль' in data['text']
    assert testapp.get('/help/journal-control?lang=ru', headers=JSON).json['language'] == 'ru'


def test_the_index_lists_the_readers_pages_first(testapp, as_user):
    as_user('parent')
    page = testapp.get('/help')
    links = [a.text for a in page.html.select('ul.help-pages a')]
    assert links[0] == 'Reading the diary'
    assert len(links) == len(PAGES)
    courses = [a.text for a in page.html.select('ul.help-courses a')]
    assert courses == ['Course for parents']


def test_a_visitor_reads_the_forgotten_password_page_only(testapp):
    page = testapp.get('/help/forgotten-password')
    assert 'If you forgot your password' in page.text
    index = testapp.get('/help')
    assert [a.text for a in index.html.select('ul.help-pages a')] == [
        'If you forgot your password']
    assert not index.html.select('ul.help-courses a')
    # a page for staff: nothing there for a visitor (sent to log in), no course either
    assert '@@login' in testapp.get('/help/entering-marks', status=303).location
    assert '@@login' in testapp.get('/help/staff-course', status=303).location
    assert testapp.get('/help/forgotten-password', headers=JSON).json['title'] == \
        'If you forgot your password'
    assert testapp.get('/help/entering-marks', headers=JSON, status=401)


def test_the_api_lists_pages_and_reads_one(testapp):
    headers = bearer(testapp, 'teacher')
    listing = testapp.get('/help', headers=headers).json
    assert {item['id'] for item in listing['items']} == set(PAGES)
    assert [c['id'] for c in listing['courses']] == ['staff-course']
    assert listing['courses'][0]['done'] == 0 and listing['courses'][0]['lessons'] == 4
    page = testapp.get('/help/entering-marks', headers=headers).json
    assert page['title'] == 'Entering marks in the journal' and page['language'] == 'en'
    assert page['roles'] == ['class_teacher', 'teacher'] and page['version'] == 1
    russian = testapp.get('/help/entering-marks?lang=ru', headers=headers).json
    assert russian['title'] == 'Как выставлять отметки в журнале'
    assert russian['language'] == 'ru'


# -- the header's link ---------------------------------------------------------------------

def test_the_journal_grid_links_to_entering_marks(testapp, as_user):
    as_user('teacher')
    assert help_href(testapp.get(MATH)) == '/help/entering-marks'


def test_the_grid_links_the_deputy_to_the_control_page(testapp, as_user):
    as_user('deputy')
    assert help_href(testapp.get(MATH)) == '/help/journal-control'
    assert help_href(testapp.get('/journal/@@control')) == '/help/journal-control'


def test_the_diary_links_to_reading_the_diary(testapp, as_user):
    as_user('parent')
    diary = testapp.get('/@@diary').maybe_follow()
    assert help_href(diary) == '/help/reading-the-diary'


def test_an_order_links_the_director_to_signing_and_staff_to_acknowledging(testapp, as_user):
    as_user('director')
    assert help_href(testapp.get('/documents/order-2012-od-181')) == '/help/signing-an-order'
    testapp.reset()
    as_user('teacher')
    assert help_href(testapp.get('/documents/order-2012-od-181')) == \
        '/help/acknowledging-an-order'


def test_other_screens_link_to_the_index_and_login_to_the_password_page(testapp, as_user):
    assert help_href(testapp.get('/@@login')) == '/help/forgotten-password'
    assert help_href(testapp.get('/news')) == '/help'
    as_user('admin')
    assert help_href(testapp.get('/settings')) == '/help/admin-daily'
    assert help_href(testapp.get('/@@start')) == '/help'


# -- the admin edits -----------------------------------------------------------------------

def test_the_admin_edits_a_page_cleaned_and_versioned(testapp, as_user, root):
    as_user('admin')
    form = testapp.get('/help/reading-the-diary/@@edit').forms['deform']
    assert form['title_ru'].value == 'Как читать электронный дневник'
    form['text_en'] = '<p>New <b>text</b><script>alert(1)</script></p>'
    form['version_comment'] = 'Shorter'
    form.submit('save', status=303)
    shown = testapp.get('/help/reading-the-diary')
    assert '<b>text</b>' in shown.text and 'alert(1)' not in shown.text
    assert 'Shorter' in shown.text   # the history of changes
    transaction.abort()
    page = root['help']['reading-the-diary']
    assert page.current_version.number == 2 and page.current_version.comment == 'Shorter'
    assert page.get_version(1).content['text_en'].startswith('<p>Log in')
    entries = [e for e in root.audit_log.entries() if e['path'] == '/help/reading-the-diary']
    assert entries and entries[-1]['action'] == 'edit'


def test_a_bad_edit_is_refused_whole(testapp, as_user, root):
    as_user('admin')
    form = testapp.get('/help/admin-daily/@@edit').forms['deform']
    form['title_ru'] = ''
    form['text_ru'] = '<p>Changed</p>'
    page = form.submit('save', status=400)
    assert 'Required' in page.text
    transaction.abort()
    assert root['help']['admin-daily'].current_version.number == 1


def test_the_admin_edits_through_the_api(testapp):
    headers = bearer(testapp, 'admin')
    testapp.patch_json('/help/signing-an-order', {
        'text_en': '<p onclick="x()">Sign <a href="javascript:alert(1)">here</a></p>',
        'version_comment': 'API'}, headers=headers, status=204)
    page = testapp.get('/help/signing-an-order', headers=headers).json
    assert page['version'] == 2 and 'onclick' not in page['text']
    assert 'javascript' not in page['text'] and 'Sign' in page['text']
    refused = testapp.patch_json('/help/signing-an-order', {'roles': ['king']},
                                 headers=headers, status=400).json
    assert 'roles' in refused['error']['fields']


def test_the_admin_adds_a_page_and_a_lesson_through_the_api(testapp):
    headers = bearer(testapp, 'admin')
    refused = testapp.post_json('/help', {'@type': 'HelpPage', 'id': 'reports'},
                                headers=headers, status=400).json
    assert 'title_ru' in refused['error']['fields']
    made = testapp.post_json('/help', {
        '@type': 'HelpPage', 'id': 'reports', 'title_ru': 'Отчёты',
        'text_ru': '<p>Текст<script>x</script></p>', 'roles': ['parent']},
        headers=headers, status=201).json
    assert made['@id'].endswith('/help/reports')
    page = testapp.get('/help/reports', headers=bearer(testapp, 'parent')).json
    assert page['text'] == '<p>Текст</p>' and page['language'] == 'ru' and page['version'] == 1
    testapp.post_json('/help/parents-course', {
        '@type': 'CourseLesson', 'id': 'meeting', 'title_ru': 'Собрание',
        'title_en': 'The meeting', 'text_en': '<p>Come.</p>'}, headers=headers, status=201)
    course = testapp.get('/help/parents-course', headers=bearer(testapp, 'parent')).json
    assert course['lessons'][-1]['title'] == 'The meeting'
    assert course['progress']['total'] == 4


@pytest.mark.parametrize('role', ['director', 'deputy', 'teacher', 'parent'])
def test_only_the_admin_edits(testapp, as_user, role):
    as_user(role)
    testapp.get('/help/entering-marks/@@edit', status=403)
    headers = bearer(testapp, role)
    testapp.patch_json('/help/entering-marks', {'title_en': 'x'}, headers=headers,
                       status=403)
    testapp.delete('/help/entering-marks', headers=headers, status=403)


# -- the courses ---------------------------------------------------------------------------

def test_a_teacher_takes_the_staff_course(testapp, as_user, root):
    as_user('teacher')
    course = testapp.get('/help/staff-course')
    assert ' '.join(course.html.select_one('.course-progress').text.split()) == '0 of 4 done'
    lesson = testapp.get('/help/staff-course/login')
    assert 'Logging in safely' in lesson.text
    done = lesson.forms[[k for k, f in lesson.forms.items()
                         if f.action.endswith('@@done')][0]].submit(status=303)
    assert done.location.endswith('/help/staff-course/plan/')
    course = testapp.get('/help/staff-course')
    assert ' '.join(course.html.select_one('.course-progress').text.split()) == '1 of 4 done'
    again = testapp.get('/help/staff-course/login')
    assert 'You have marked this lesson done' in again.text
    assert not [f for f in again.forms.values() if f.action.endswith('@@done')]
    transaction.abort()
    assert root['help']['staff-course']['login'].is_done_by('teacher')


def test_the_start_page_shows_the_course_until_it_is_finished(testapp, as_user):
    as_user('parent')
    panel = testapp.get('/@@start').html.find('h2', string='Training courses').parent
    assert ' '.join(panel.select_one('li').text.split()) == 'Course for parents 0 of 3 done'
    headers = bearer(testapp, 'parent')
    for name in ('first-login', 'week', 'reports'):
        testapp.post_json('/help/parents-course/%s/@done' % name, {}, headers=headers)
    assert not testapp.get('/@@start').html.find('h2', string='Training courses')


def test_done_needs_the_csrf_token(testapp, as_user):
    as_user('teacher')
    testapp.post('/help/staff-course/login/@@done', status=400)
    testapp.post('/help/staff-course/login/@@done', {'csrf_token': csrf_token(testapp)},
                 status=303)


def test_done_through_the_api_with_the_cookie_needs_the_csrf_header(testapp, as_user):
    as_user('teacher')
    url = '/help/staff-course/plan/@done'
    assert testapp.post_json(url, {}, headers=JSON, status=400).json['error']
    answer = testapp.post_json(url, {}, headers=dict(JSON, **{
        'X-CSRF-Token': csrf_token(testapp)})).json
    assert answer['progress'] == {'done': 1, 'total': 4, 'finished': False}


def test_done_through_the_api(testapp):
    headers = bearer(testapp, 'parent')
    course = testapp.get('/help/parents-course', headers=headers).json
    assert [lesson['done'] for lesson in course['lessons']] == [False, False, False]
    assert course['progress'] == {'done': 0, 'total': 3, 'finished': False}
    for lesson in course['lessons']:
        answer = testapp.post_json(lesson['@id'] + '/@done', {}, headers=headers).json
    assert answer == {'done': True, 'progress': {'done': 3, 'total': 3, 'finished': True}}
    again = testapp.post_json(course['lessons'][0]['@id'] + '/@done', {},
                              headers=headers).json
    assert again['progress']['done'] == 3
    course = testapp.get('/help/parents-course', headers=headers).json
    assert course['progress']['finished'] is True
    lesson = testapp.get(course['lessons'][1]['@id'], headers=headers).json
    assert lesson['done'] is True and lesson['course'].endswith('/help/parents-course')


def test_each_course_is_for_its_people(testapp, as_user):
    as_user('parent')
    testapp.get('/help/staff-course', status=404)
    testapp.get('/help/staff-course/login', status=404)
    testapp.reset()
    as_user('teacher')
    testapp.get('/help/parents-course', status=404)
    testapp.reset()
    as_user('student')
    testapp.get('/help/parents-course', status=404)
    assert testapp.get('/help/reading-the-diary').status_int == 200


def test_the_admin_reads_a_course_but_does_not_take_the_parents_one(testapp, as_user):
    as_user('admin')
    course = testapp.get('/help/parents-course')
    assert 'done' not in course.html.select_one('ol.course-lessons').text
    lesson = testapp.get('/help/parents-course/week')
    assert not [f for f in lesson.forms.values() if f.action.endswith('@@done')]
    testapp.post('/help/parents-course/week/@@done', {'csrf_token': csrf_token(testapp)},
                 status=403)


def test_the_admin_sees_who_has_finished(testapp, as_user):
    headers = bearer(testapp, 'parent')
    for name in ('first-login', 'week', 'reports'):
        testapp.post_json('/help/parents-course/%s/@done' % name, {}, headers=headers)
    as_user('admin')
    table = testapp.get('/help/parents-course/@@progress')
    rows = [[td.text.strip() for td in tr.select('td')]
            for tr in table.html.select('table.course-progress-table tbody tr')]
    assert rows[0][1] == '3 / 3' and rows[0][2]       # finished first, with the time
    names = [row[0] for row in rows]
    assert 'parent' not in names and all(' ' in name for name in names)   # names, not logins
    data = testapp.get('/help/parents-course/@progress', headers=bearer(testapp, 'admin')).json
    assert data['items'][0]['done'] == 3 and data['items'][0]['finished']
    assert all(item['done'] == 0 for item in data['items'][1:])
    staff = testapp.get('/help/staff-course/@@progress')
    assert '0 / 4' in staff.text


@pytest.mark.parametrize('role', ['director', 'teacher', 'parent'])
def test_only_the_admin_sees_progress(testapp, role):
    login(testapp, role)
    course = 'parents-course' if role == 'parent' else 'staff-course'
    testapp.get('/help/%s/@@progress' % course, status=403)
    testapp.get('/help/%s/@progress' % course, headers=bearer(testapp, role), status=403)

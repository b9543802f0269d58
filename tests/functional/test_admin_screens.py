"""The admin's users, groups, settings and audit screens, and the user's own pages."""
import csv
import io

from conftest import csrf_token, login


def test_admin_creates_a_user_with_a_one_time_password(testapp, as_user, root):
    as_user('admin')
    form = testapp.get('/people/users/@@add').forms['deform']
    form['login'] = 'novikova'
    form['surname'] = 'Новикова'
    form['first_name'] = 'Вера'
    form['patronymic'] = 'Павловна'
    response = form.submit('save', status=303)
    page = response.follow()
    assert 'Новикова Вера Павловна' in page.text
    flash = page.html.find(class_='alert-success').get_text()
    one_time = flash.split('password:')[-1].split('—')[0].strip()
    assert len(one_time) == 10, flash
    testapp.reset()
    assert login(testapp, 'novikova', one_time).location.endswith('/@@change-password')


def test_bad_user_form_shows_field_errors_and_saves_nothing(testapp, as_user, root):
    as_user('admin')
    form = testapp.get('/people/users/@@add').forms['deform']
    form['login'] = 'Not Latin!'
    form['surname'] = ''
    form['first_name'] = 'X'
    form['email'] = 'nope'
    page = form.submit('save', status=400)
    assert page.html.select('.is-invalid, .has-error, .invalid-feedback, .error')
    assert 'Not an e-mail address' in page.text
    root._p_jar.sync()
    assert 'Not Latin!' not in root['people']['users']
    form = testapp.get('/people/users/@@add').forms['deform']
    form['login'] = 'teacher'
    form['surname'] = 'A'
    form['first_name'] = 'B'
    assert 'This login is taken' in form.submit('save', status=400).text


def test_users_list_filters(testapp, as_user):
    as_user('admin')
    page = testapp.get('/people/users?role=parent')
    assert 'Иванова Наталья' in page.text and 'Петрова' not in page.text
    page = testapp.get('/people/users', params={'q': 'петр'})
    assert 'Петрова' in page.text


def test_disable_ends_sessions_and_refuses_login(app, testapp, as_user, root):
    from conftest import EnglishClient
    other = EnglishClient(app)
    login(other, 'teacher')
    as_user('admin')
    testapp.post('/people/users/teacher/@@set-enabled',
                 {'enabled': '0', 'csrf_token': csrf_token(testapp)}, status=303)
    assert other.get('/@@start', status=303)
    other.reset()
    assert 'Wrong login or password' in login(other, 'teacher').text
    page = testapp.get('/people/users/teacher')
    assert 'This account is disabled' in page.text


def test_admin_cannot_disable_self(testapp, as_user, root):
    as_user('admin')
    testapp.post('/people/users/admin/@@set-enabled',
                 {'enabled': '0', 'csrf_token': csrf_token(testapp)}, status=303)
    root._p_jar.sync()
    assert root['people']['users']['admin'].enabled


def test_groups(testapp, as_user, root):
    as_user('admin')
    form = testapp.get('/people/groups/@@add').forms['deform']
    form['name'] = 'chemistry'
    form['title'] = 'Кафедра химии'
    group_page = form.submit('save').follow()
    assert 'Кафедра химии' in group_page.text
    form = testapp.get('/people/groups/@@add').forms['deform']
    form['name'] = 'chemistry'
    form['title'] = 'Again'
    assert 'This id is taken' in form.submit('save', status=409).text
    page = testapp.get('/people/groups/teachers')
    assert 'Петрова' in page.text


def test_sharing_grant_and_revoke_are_audited(testapp, as_user, root):
    as_user('director')
    testapp.post('/documents/@@sharing', [
        ('csrf_token', csrf_token(testapp)), ('principal', 'group:working-group'),
        ('__start__', 'roles:sequence'), ('checkbox', 'reviewer'), ('__end__', 'roles:sequence'),
        ('grant', 'grant')], status=303)
    page = testapp.get('/documents/@@sharing')
    assert 'Рабочая группа' in page.text
    testapp.post('/documents/@@sharing-revoke',
                 {'principal': 'group:working-group', 'csrf_token': csrf_token(testapp)},
                 status=303)
    root._p_jar.sync()
    assert not root['documents'].get_local_roles('group:working-group')
    page = testapp.get('/settings/@@audit?action=sharing')
    # the group by its title, not its principal id (issue 11)
    details = [td.get_text() for td in page.html.select('table.listing tbody td:nth-of-type(7)')]
    assert len([d for d in details if 'Рабочая группа' in d]) >= 2, details
    assert 'group:working-group' not in ' '.join(details)


def test_sharing_form_needs_a_role(testapp, as_user):
    as_user('admin')
    form = testapp.get('/documents/@@sharing').forms['deform']
    form['principal'] = 'user:teacher'
    assert 'Choose at least one role' in form.submit('grant', status=400).text


def test_settings(testapp, as_user, root):
    as_user('admin')
    form = testapp.get('/settings').forms['deform']
    form['school_name'] = 'Школа № 4'
    form['upload_max_mb'] = '0'
    assert form.submit('save', status=400)
    root._p_jar.sync()
    assert root['settings'].school_name == 'МБОУ СОШ № 4'
    form = testapp.get('/settings').forms['deform']
    form['school_name'] = 'Школа № 4'
    form.submit('save', status=303)
    assert 'Школа № 4' in testapp.get('/').text


def test_audit_screen_filters_and_csv(testapp, as_user):
    login(testapp, 'teacher', 'wrong')
    as_user('director')
    page = testapp.get('/settings/@@audit?action=login-failed')
    assert 'login-failed' in page.text and '10.0.0.1' in page.text
    page = testapp.get('/settings/@@audit?since=not-a-date')
    assert page.status_int == 200 and 'is-invalid' in page.text
    response = testapp.get('/settings/@@audit.csv?action=login')
    rows = list(csv.DictReader(io.StringIO(response.body.decode('utf-8-sig'))))
    assert rows and all(r['action'] == 'login' for r in rows)
    assert 'attachment' in response.headers['Content-Disposition']
    assert 'The chain is intact' in testapp.get('/settings/@@audit-verify').text


def test_language_switch(testapp):
    testapp.reset()
    testapp.set_cookie('ejportal_lang', 'ru')
    response = testapp.get('/@@set-language?lang=en&came_from=/@@login', status=303)
    assert response.location == 'http://localhost/@@login'
    assert 'ejportal_lang=en' in response.headers['Set-Cookie']
    assert testapp.get('/@@set-language?lang=en&came_from=//evil.example',
                       status=303).location == 'http://localhost/'


def test_not_found_page(testapp):
    page = testapp.get('/no/such/page', status=404)
    assert 'Page not found' in page.text


NAV_BY_ROLE = {
    'admin': {'Documents', 'Journal', 'Settings', 'Audit log', 'Users', 'Groups',
              'Registers of orders', 'Kinds of local acts', 'Surveys'},
    'director': {'Documents', 'Journal', 'Audit log', 'Surveys'},
    'deputy': {'Documents', 'Journal', 'Surveys'},
    'secretary': {'Documents', 'Journal'},
    'teacher': {'Documents', 'Journal'},
    'class_teacher': {'Documents', 'Journal'},
    'psychologist': {'Documents', 'Journal', 'Surveys'},
    'student': {'Diary'},
    'parent': {'Diary'},
}
# s-news (issue 14): the school site's sections are in everyone's header
for _sections in NAV_BY_ROLE.values():
    _sections.update({'News', 'Events'})
# o-consents (issue 13): the consent registry, for who may read it
NAV_BY_ROLE['admin'].add('Personal-data consents')
NAV_BY_ROLE['director'].add('Personal-data consents')
# imports (issue 13): the import of people, the administrator's
NAV_BY_ROLE['admin'].add('Import of people')
# s-announce (issue 14): announcements, in the header of who writes them
for _role in ('admin', 'director', 'class_teacher'):
    NAV_BY_ROLE[_role].add('Announcements')
# s-questions (issue 14): everyone logged in asks questions and requests consultations
for _sections in NAV_BY_ROLE.values():
    _sections.add('Questions')
# (and the group 'personal-data': the demo's class teacher is in it)
NAV_BY_ROLE['class_teacher'].add('Personal-data consents')


def test_every_role_logs_in_and_sees_its_sections(testapp):
    for role, sections in NAV_BY_ROLE.items():
        testapp.reset()
        assert login(testapp, role).status_int == 303
        page = testapp.get('/@@start')
        assert page.html.find('header').find(class_='user-name')
        nav = {a.get_text().strip() for a in page.html.select('nav.main-nav a')}
        assert nav == sections, role
        for link in page.html.select('nav.main-nav a'):
            assert testapp.get(link['href']).maybe_follow().status_int == 200, (role, link['href'])


def test_notices_are_dismissed(testapp, as_user, root):
    as_user('teacher')
    page = testapp.get('/@@start')
    assert 'Please acknowledge' in page.text or 'acknowledge' in page.text.lower()
    form = [f for f in page.forms.values() if (f.action or '').endswith('@@notices-read')][0]
    form.submit(status=303)
    page = testapp.get('/@@start')
    assert not page.html.select('form[action$="@@notices-read"]')
    root._p_jar.sync()
    user = root['people']['users']['teacher']
    assert user.notices and not user.unread_notices()

"""The teacher's undertaking not to let students use their login (issue 12): confirmed in
the portal for the current version, listed for the director."""
import pytest
import transaction

from conftest import api_token, csrf_token

JSON = {'Accept': 'application/json'}


def bearer(testapp, login_name):
    return dict(JSON, Authorization='Bearer ' + api_token(testapp, login_name))


def test_a_teacher_is_asked_confirms_and_is_no_longer_asked(as_user, root):
    app = as_user('teacher')
    start = app.get('/@@start')
    assert 'Your undertaking' in start.text
    page = app.get('/@@undertaking')
    assert 'not to let students work' in page.text
    app.post('/@@undertaking', {'csrf_token': csrf_token(app)}, status=303)
    assert 'Your undertaking' not in app.get('/@@start').text
    assert 'You confirmed this undertaking' in app.get('/@@undertaking').text
    transaction.begin()
    root._p_jar.sync()
    user = root['people']['users']['teacher']
    assert [u['version'] for u in user.undertakings] == [1]
    assert root.audit_log.search(action='undertaking-confirm', userid='teacher')


def test_a_new_version_asks_again(as_user, root, monkeypatch):
    from ejportal.principals import undertaking
    app = as_user('teacher')
    app.post('/@@undertaking', {'csrf_token': csrf_token(app)}, status=303)
    monkeypatch.setattr(undertaking, 'VERSION', 2)
    assert 'Your undertaking' in app.get('/@@start').text


def test_the_director_sees_who_has_and_has_not(testapp, as_user):
    testapp.post_json('/@undertaking', {}, headers=bearer(testapp, 'class_teacher'))
    items = testapp.get('/@undertakings', headers=bearer(testapp, 'director')).json['items']
    status = {i['login']: i['confirmed'] for i in items}
    assert status['teacher'] is None and status['class_teacher']['version'] == 1
    assert 'student' not in status and 'director' not in status
    page = as_user('director').get('/@@start')
    assert 'Undertakings of teachers' in page.text
    assert 'not confirmed' in page.text and 'confirmed ' in page.text


def test_the_api_door(testapp):
    headers = bearer(testapp, 'teacher')
    state = testapp.get('/@undertaking', headers=headers).json
    assert state['bound'] and state['confirmed'] is None and state['version'] == 1
    done = testapp.post_json('/@undertaking', {}, headers=headers).json['confirmed']
    assert done['version'] == 1
    again = testapp.post_json('/@undertaking', {}, headers=headers).json['confirmed']
    assert again == done  # once per version


@pytest.mark.parametrize('login_name', ['student', 'parent', 'admin', 'secretary'])
def test_who_keeps_no_journal_gives_no_undertaking(testapp, login_name):
    headers = bearer(testapp, login_name)
    assert testapp.get('/@undertaking', headers=headers).json['bound'] is False
    testapp.post_json('/@undertaking', {}, headers=headers, status=403)


@pytest.mark.parametrize('login_name,status', [
    ('director', 200), ('deputy', 200), ('admin', 403), ('secretary', 403), ('teacher', 403),
    ('class_teacher', 403), ('psychologist', 403), ('student', 403), ('parent', 403)])
def test_only_the_director_and_deputies_read_the_list(testapp, login_name, status):
    testapp.get('/@undertakings', headers=bearer(testapp, login_name), status=status)


def test_anonymous_is_refused(testapp):
    testapp.get('/@undertaking', headers=JSON, status=401)
    testapp.get('/@@undertaking', status=303)
    testapp.get('/@undertakings', headers=JSON, status=401)


def test_the_undertaking_and_the_books_read_in_russian(testapp):
    from conftest import login
    testapp.set_cookie('ejportal_lang', 'ru')
    login(testapp, 'teacher')
    page = testapp.get('/@@undertaking')
    assert 'Обязуюсь не допускать' in page.text and 'Подтверждаю' in page.text
    testapp.reset()
    testapp.set_cookie('ejportal_lang', 'ru')
    login(testapp, 'admin')
    page = testapp.get('/settings/mark-kinds')
    assert 'Виды оценок' in page.text and 'Вывести из употребления' in page.text
    assert 'Справочники' in testapp.get('/settings').text

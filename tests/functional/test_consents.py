"""Personal data (152-ФЗ): the consent registry's screens and endpoints with their access for
every role, registering and withdrawing (form and JSON, audited), withdrawal stopping new
logins on the class teacher's desk, the reports, the read-log of cards (the family sees it),
and the evolve step that turns the old consent dates into registry entries."""
import datetime

import pytest
import transaction
from webtest import Upload

from conftest import api_token, csrf_token
from test_upgrade import console, unpack

from ejportal.diary import consents
from ejportal.journal.resources import school_year_start

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
CLASS = '/journal/%d-%d/classes/5a' % (Y, Y + 1)
CLASSMATE = 's0002'   # a parent without consent in the demo
PDF = b'%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'

# the secretary: in the group (fixture); the class teacher: in it in the demo
READERS = ('admin', 'director', 'secretary', 'class_teacher')
OTHERS = ('deputy', 'teacher', 'psychologist', 'student', 'parent')
# the demo's converted consents: c-1 the parent's for s0001, c-2 for s0009; c-3 the class
# teacher's own
SCREENS = ['/consents', '/consents/@@register', '/consents/@@report', '/consents/c-1',
           '/consents/c-1/@@withdraw']
ENDPOINTS = ['/consents/@consents', '/consents/@report']


@pytest.fixture
def member(root):
    """The secretary, authorised to process personal data (the admin's group)."""
    user = root['people']['users']['secretary']
    user.groups = tuple(user.groups) + (consents.GROUP,)
    transaction.commit()
    return 'secretary'


def denied(status):
    return status in (403, 404)


def test_screens_and_endpoints_by_role(member, as_user, testapp):
    for role in READERS + OTHERS:
        app = as_user(role)
        for url in SCREENS:
            status = app.get(url, status='*').status_int
            assert (status == 200) if role in READERS else denied(status), (role, url, status)
        token = api_token(app, role)
        for url in ENDPOINTS:
            status = app.get(url, headers={'Authorization': 'Bearer ' + token,
                                           'Accept': 'application/json'},
                             status='*').status_int
            assert (status == 200) if role in READERS else denied(status), (role, url, status)
        # the read-log: the admin and the director only (not the group)
        for url in ('/consents/@@reads', '/consents/@reads'):
            status = app.get(url, status='*').status_int
            assert (status == 200) if role in ('admin', 'director') else denied(status), \
                (role, url, status)
        app.reset()
    # anonymous: sent to log in, or refused
    for url in SCREENS + ENDPOINTS:
        response = testapp.get(url, status='*')
        assert response.status_int in (302, 303, 401, 403, 404), (url, response.status)
        assert 'Иванова' not in response.text


def test_the_nav_shows_the_registry_to_its_readers(as_user):
    assert '/consents' in as_user('admin').get('/@@start').text


def test_register_with_a_scan_and_withdraw_on_the_screens(as_user, root):
    app = as_user('admin')
    form = app.get('/consents/@@register').forms['consent']
    form['kind'] = 'staff'
    form['person'] = 'teacher'
    form.set('checkbox', True, index=0)
    form['date'] = str(TODAY)
    form['expires'] = str(TODAY - datetime.timedelta(days=1))     # before it was given
    form['upload'] = Upload('consent.pdf', PDF, 'application/pdf')
    bad = form.submit('save', status=400)
    assert 'cannot expire before' in bad.text
    form = bad.forms['consent']
    form['expires'] = ''
    form['upload'] = Upload('consent.exe', b'MZ\x90\x00not a document', 'application/pdf')
    refused = form.submit('save', status=400)
    assert 'not accepted' in refused.text
    transaction.abort()
    assert len(root['consents']) == 3                            # nothing half-saved
    form = refused.forms['consent']
    form['upload'] = Upload('consent.pdf', PDF, 'application/pdf')
    done = form.submit('save', status=303)
    page = app.get(done.location)
    assert 'consent.pdf' in page.text
    scan = app.get(done.location.rstrip('/') + '/@@scan')
    assert scan.body == PDF and scan.content_type == 'application/pdf'
    # a deputy may not fetch the scan
    url = done.location.rstrip('/')
    app.reset()
    assert denied(as_user('deputy').get(url + '/@@scan', status='*').status_int)
    app = as_user('admin')
    form = app.get(url + '/@@withdraw').forms['withdraw']
    form['note'] = 'отозвано заявлением'
    form.submit('save', status=303)
    assert 'отозвано заявлением' in app.get(url).text
    transaction.abort()
    consent = root['consents'][url.rsplit('/', 1)[1]]
    assert consent.withdrawn == TODAY and consent.withdrawn_by == 'admin'
    actions = [e['action'] for e in root.audit_log.entries()]
    assert 'consent-registered' in actions and 'consent-withdrawn' in actions
    # withdrawn twice: refused
    again = app.get(url + '/@@withdraw').forms['withdraw'].submit('save', status=409)
    assert 'already withdrawn' in again.text


def test_register_and_withdraw_through_json(member, testapp, root):
    headers = {'Authorization': 'Bearer ' + api_token(testapp, 'secretary'),
               'Accept': 'application/json'}
    bad = testapp.post_json('/consents/@consents', {
        'kind': 'staff', 'person': 'nobody', 'scope': ['processing'],
        'date': TODAY.isoformat()}, headers=headers, status=400)
    assert 'person' in bad.json['error']['fields']
    bad = testapp.post_json('/consents/@consents', {
        'kind': 'guardian', 'person': 'Чужой Человек', 'student': 's0001',
        'covers': 'child', 'scope': ['diary'], 'date': TODAY.isoformat()},
        headers=headers, status=400)
    assert 'person' in bad.json['error']['fields']
    made = testapp.post_json('/consents/@consents', {
        'kind': 'staff', 'person': 'teacher', 'scope': ['processing'],
        'date': TODAY.isoformat(), 'expires': TODAY.isoformat()}, headers=headers, status=201)
    assert made.json['valid'] is True and made.json['person'] == 'teacher'
    report = testapp.get('/consents/@report', headers=headers).json
    assert made.json['id'] in [c['id'] for c in report['expiring']]
    assert 'teacher' not in [r['person'] for r in report['without_consent']]
    assert 'director' in [r['person'] for r in report['without_consent']]
    withdrawn = testapp.post_json(made.json['@id'] + '/@withdraw', {'note': 'x'},
                                  headers=headers)
    assert withdrawn.json['withdrawn'] == TODAY.isoformat()
    assert withdrawn.json['valid'] is False
    testapp.post_json(made.json['@id'] + '/@withdraw', {}, headers=headers, status=409)
    # a deputy: refused, whatever the body
    deputy = {'Authorization': 'Bearer ' + api_token(testapp, 'deputy'),
              'Accept': 'application/json'}
    assert denied(testapp.post_json('/consents/@consents', {}, headers=deputy,
                                    status='*').status_int)


def _consent_for_classmate(app):
    page = app.get(CLASS + '/desk-student', {'student': CLASSMATE})
    form = page.forms['student-form']
    form.set('fullname', 'Алексеева Ольга Ивановна', index=0)
    form.set('consent', str(TODAY), index=0)
    form.set('no_pass_note', str(TODAY), index=0)
    return form.submit('save', status=303)


def test_withdrawal_stops_new_logins_for_that_family(as_user, root):
    ct = as_user('class_teacher')
    _consent_for_classmate(ct)
    transaction.abort()
    found = root['consents'].find('guardian', CLASSMATE, 'Алексеева Ольга Ивановна', 'child')
    assert len(found) == 1 and found[0].valid(TODAY)             # the desk's date: registered
    ct.reset()
    admin = as_user('admin')
    url = '/consents/' + found[0].__name__
    admin.get(url + '/@@withdraw').forms['withdraw'].submit('save', status=303)
    admin.reset()
    ct = as_user('class_teacher')
    desk = ct.get(CLASS + '/desk')
    assert 'Алексеева Мария' in desk.html.select_one('.consent-missing').text
    refused = ct.post(CLASS + '/desk-logins', {'csrf_token': csrf_token(ct)}, status=303)
    page = ct.get(refused.location)
    assert 'consent is withdrawn' in page.text and 'Алексеева Ольга Ивановна' in page.text
    transaction.abort()
    student = root['journal']['students'][CLASSMATE]
    assert not student.login and not student.diary.guardians[0].get('login')
    # a new consent on the registry lets the logins through again
    admin = as_user('admin')
    admin.post_json('/consents/@consents', {
        'kind': 'guardian', 'person': 'Алексеева Ольга Ивановна', 'student': CLASSMATE,
        'covers': 'child', 'scope': ['processing', 'diary'], 'date': TODAY.isoformat()},
        headers={'X-CSRF-Token': csrf_token(admin)}, status=201)
    admin.reset()
    ct = as_user('class_teacher')
    slips = ct.post(CLASS + '/desk-logins', {'csrf_token': csrf_token(ct)})
    assert slips.content_type == 'application/pdf'


def test_reading_a_card_is_logged_and_the_family_sees_it(as_user, testapp):
    ct = as_user('class_teacher')
    ct.get(CLASS + '/desk-student', {'student': 's0001'})
    ct.reset()
    parent = as_user('parent')
    page = parent.get('/journal/students/s0001/card-reads')
    rows = page.html.select('table.reads tbody tr')
    assert rows and 'Соколова' in rows[0].text and "student's card" in rows[0].text
    # reachable from the family's start page (beside the diary)
    assert '/journal/students/s0001/card-reads' in parent.get('/@@start').text
    # another family may not (s0009's own login is not s0001's family)
    parent.reset()
    assert denied(as_user('student2').get('/journal/students/s0001/card-reads',
                                          status='*').status_int)
    testapp.reset()
    director = as_user('director')
    log = director.get('/consents/@@reads')
    assert 'Иванов Дмитрий' in log.text and 'class_teacher' in log.text
    items = director.get('/consents/@reads', headers={'Accept': 'application/json'}).json
    assert any(i['what'] == 'card' and i['student'] == 's0001' and
               i['userid'] == 'class_teacher' for i in items['items'])


def test_the_report_screen_lists_who_lacks_a_consent(as_user):
    page = as_user('director').get('/consents/@@report')
    lacking = page.html.select_one('table.without-consent').text
    assert 'Алексеева' in lacking                # the classmate's parent: no consent
    assert 'Кузьмина' in lacking                 # staff: none registered in the demo


def test_evolve_turns_old_consent_dates_into_registry_entries(tmp_path, capsys):
    ini = unpack(tmp_path)
    code, out = console(capsys, ini, 'evolve')
    assert code == 0, out
    import ZODB.FileStorage
    import ZODB
    storage = ZODB.FileStorage.FileStorage(str(tmp_path / 'Data.fs'), read_only=True,
                                           blob_dir=str(tmp_path / 'blobs'))
    db = ZODB.DB(storage)
    try:
        portal = db.open().root()['ejportal']
        olds = [(sid, g['fullname'], g['consent'])
                for sid, s in portal['journal']['students'].items() if s.diary is not None
                for g in s.diary.guardians if g.get('consent')]
        assert olds, 'the fixture has consent dates'
        registry = portal['consents']
        for sid, name, day in olds:
            found = registry.find('guardian', sid, name, 'child')
            assert [c.date for c in found] == [day]
            assert found[0].valid(max(day, TODAY)) and 'diary' in found[0].scope
        assert consents.GROUP in portal['people']['groups']
    finally:
        db.close()
    code, out = console(capsys, ini, 'audit-verify')
    assert code == 0 and 'audit log intact' in out, out


def test_an_expired_consent_stops_new_logins_too(as_user, root):
    ct = as_user('class_teacher')
    _consent_for_classmate(ct)
    transaction.abort()
    consent = root['consents'].find('guardian', CLASSMATE, 'Алексеева Ольга Ивановна',
                                    'child')[0]
    consent.date = TODAY - datetime.timedelta(days=400)
    consent.expires = TODAY - datetime.timedelta(days=1)
    transaction.commit()
    refused = ct.post(CLASS + '/desk-logins', {'csrf_token': csrf_token(ct)}, status=303)
    assert 'consent has expired' in ct.get(refused.location).text


def test_the_registry_in_russian(as_user):
    app = as_user('admin')
    app.set_cookie('ejportal_lang', 'ru')
    page = app.get('/consents')
    assert 'Зарегистрировать согласие' in page.text and 'действует' in page.text
    report = app.get('/consents/@@report')
    assert 'Без действующего согласия' in report.text and 'данные ребёнка' in report.text

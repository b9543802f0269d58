"""The staff authorised to process personal data (issue 13, 152-ФЗ): the group the
administrator keeps, enforced on students' personal cards and families' contacts, with a
valid consent of the member's own; a withdrawn consent takes the member out of the group
(audited, with a clear message through every door), a lapsed one is taken out by the daily
``maintenance`` job, which also applies the read-log's retention (a setting)."""
import datetime

import pytest
import transaction

from conftest import api_token, csrf_token
from test_backups import read_portal
from test_evolve import write_ini

from ejportal.diary import consents
from ejportal.journal.resources import school_year_start
from ejportal.scripts.admin import main as admin_main

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
CLASS = '/journal/%d-%d/classes/5a' % (Y, Y + 1)
CARD = CLASS + '/desk-student'
OWN = 'c-3'             # the demo class teacher's own consent


def own_consent(root):
    found = root['consents'].find('staff', '', 'class_teacher', 'self')
    assert [c.__name__ for c in found] == [OWN]
    return found[0]


def reads_of_s0001(root):
    transaction.abort()
    return consents.reads_of(root['consents'], 's0001')


def card_is_refused(app, text):
    page = app.get(CARD, {'student': 's0001'}, status=403)
    assert text in page.text
    desk = app.get(CLASS + '/desk')
    assert text in desk.html.select_one('.personal-data-refused').text
    # no address, no documents, no phone of any family on the desk
    row = desk.html.select_one('tr[data-student="s0001"]')
    cells = row.find_all('td')
    assert cells[2].text.strip() == '' and cells[3].text.strip() == ''
    assert '@' not in cells[4].text and '+7' not in cells[4].text


def test_the_demo_class_teacher_is_authorised(as_user, root):
    assert consents.GROUP in root['people']['users']['class_teacher'].groups
    assert own_consent(root).valid(TODAY) and 'processing' in own_consent(root).scope
    app = as_user('class_teacher')
    desk = app.get(CLASS + '/desk')
    assert desk.html.select_one('.personal-data-refused') is None
    row = desk.html.select_one('tr[data-student="s0001"]')
    assert row.find_all('td')[2].text.strip()          # the address is shown
    app.get(CARD, {'student': 's0001'}, status=200)
    assert [r['what'] for r in reads_of_s0001(root)[:2]] == ['card', 'contacts']


def test_outside_the_group_no_card_and_no_contacts(as_user, root):
    user = root['people']['users']['class_teacher']
    user.groups = tuple(g for g in user.groups if g != consents.GROUP)
    transaction.commit()
    before = len(reads_of_s0001(root))
    app = as_user('class_teacher')
    card_is_refused(app, 'not among the staff authorised to process personal data')
    # the form's POST is refused too, nothing saved
    app.post(CARD + '?student=s0001', {'csrf_token': csrf_token(app), 'surname': 'X',
                                       'save': 'save'}, status=403)
    transaction.abort()
    assert root['journal']['students']['s0001'].surname != 'X'
    assert len(reads_of_s0001(root)) == before          # nothing was read, nothing logged


@pytest.mark.parametrize('state, text', [
    ('missing', 'No personal-data consent of your own is registered'),
    ('expired', 'Your own personal-data consent has expired')])
def test_a_member_without_a_valid_consent_of_their_own(as_user, root, state, text):
    consent = own_consent(root)
    if state == 'missing':
        consent.scope = ('publication',)          # nothing that allows processing
    else:
        consent.expires = TODAY - datetime.timedelta(days=1)
    transaction.commit()
    card_is_refused(as_user('class_teacher'), text)


def test_withdrawing_the_consent_on_the_screen_ends_the_authorisation(as_user, root):
    admin = as_user('admin')
    form = admin.get('/consents/%s/@@withdraw' % OWN).forms['withdraw']
    done = form.submit('save', status=303)
    page = admin.get(done.location)
    assert 'class_teacher is no longer among the staff authorised' in page.text
    transaction.abort()
    assert consents.GROUP not in root['people']['users']['class_teacher'].groups
    entry = [e for e in root.audit_log.entries()
             if e['action'] == 'personal-data-clearance-ended'][-1]
    assert entry['details'] == {'user': 'class_teacher', 'group': consents.GROUP,
                                'reason': 'withdrawn'}
    assert entry['userid'] == 'admin'
    admin.reset()
    app = as_user('class_teacher')
    card_is_refused(app, 'not among the staff authorised')
    # the registry is closed to her too: she is out of the group
    assert app.get('/consents', status='*').status_int in (403, 404)
    # a new consent does not put her back: that is the administrator's decision
    app.reset()
    admin = as_user('admin')
    admin.post_json('/consents/@consents', {
        'kind': 'staff', 'person': 'class_teacher', 'scope': ['processing'],
        'date': TODAY.isoformat()}, headers={'X-CSRF-Token': csrf_token(admin)}, status=201)
    transaction.abort()
    assert consents.clearance(root, 'class_teacher') == 'group'
    user = root['people']['users']['class_teacher']
    user.groups = tuple(user.groups) + (consents.GROUP,)
    transaction.commit()
    admin.reset()
    as_user('class_teacher').get(CARD, {'student': 's0001'}, status=200)


def test_withdrawing_through_json_says_the_member_left(testapp, root):
    headers = {'Authorization': 'Bearer ' + api_token(testapp, 'director'),
               'Accept': 'application/json'}
    answer = testapp.post_json('/consents/%s/@withdraw' % OWN, {'note': 'заявление'},
                               headers=headers).json
    assert answer['left_group'] is True and answer['valid'] is False
    transaction.abort()
    assert consents.clearance(root, 'class_teacher') == 'group'
    # a parent's consent withdrawn: nobody leaves the group
    answer = testapp.post_json('/consents/c-1/@withdraw', {}, headers=headers).json
    assert answer['left_group'] is False


def test_the_maintenance_job_ends_lapsed_authorisations_and_old_reads(app, db_dir, capsys):
    """The daily job, run by the console door: a member whose consent expired leaves the
    group; reads older than the retention of *Settings* are forgotten, newer ones stay."""
    from webtest import TestApp
    from conftest import close_app
    client = TestApp(app, extra_environ={'REMOTE_ADDR': '10.0.0.1'})
    admin = {'Authorization': 'Bearer ' + api_token(client, 'admin'),
             'Accept': 'application/json'}
    assert client.get('/settings', headers=admin).json['read_log_retention_years'] == 3
    client.patch_json('/settings', {'read_log_retention_years': 2}, headers=admin, status=204)
    bad = client.patch_json('/settings', {'read_log_retention_years': 0}, headers=admin,
                            status=400)
    assert 'read_log_retention_years' in bad.json['error']['fields']
    conn = app.registry._zodb_databases[''].open()
    portal = conn.root()['ejportal']
    registry = portal['consents']
    now = datetime.datetime.now(datetime.timezone.utc)
    student = portal['journal']['students']['s0001']
    consents.log_read(portal, student, 'card', userid='today_reader')
    for years, who in ((5, 'old_reader'), (2.1, 'older_reader'), (1, 'recent_reader')):
        moment = now - datetime.timedelta(days=int(365.25 * years))
        stamp = moment.isoformat()
        registry.reads_by_student[('s0001', stamp, who, 'card', 0)] = True
        registry.reads_by_time[(stamp, 's0001', who, 'card', 0)] = True
    consent = registry[OWN]
    consent.expires = TODAY - datetime.timedelta(days=1)
    transaction.commit()
    conn.close()
    assert student is not None
    close_app(app)

    assert admin_main([write_ini(db_dir), 'run-job', 'maintenance']) == 0
    out = capsys.readouterr().out
    last = out.strip().splitlines()[-1]
    assert 'reads of personal data forgotten: 2' in last
    assert 'left the personal-data group: 1' in last

    def check(portal):
        registry = portal['consents']
        readers = [k[2] for k in registry.reads_by_time.keys()]
        by_student = [k[2] for k in registry.reads_by_student.keys()]
        actions = {e['action']: e['details'] for e in portal.audit_log.entries()}
        return (readers, by_student, actions,
                consents.GROUP in portal['people']['users']['class_teacher'].groups)
    readers, by_student, actions, member = read_portal(
        str(db_dir / 'Data.fs'), str(db_dir / 'blobs'), check)
    assert {'recent_reader', 'today_reader'} <= set(readers) & set(by_student)
    assert not {'old_reader', 'older_reader'} & set(readers + by_student)
    assert actions['read-log-pruned']['forgotten'] == 2
    assert actions['read-log-pruned']['years'] == 2
    assert actions['personal-data-clearance-ended']['reason'] == 'expired'
    assert member is False


def test_the_retention_is_on_the_settings_form(as_user):
    page = as_user('admin').get('/settings')
    assert "Keep the log of reads of students' personal data, years" in page.text
    form = page.forms[[k for k, f in page.forms.items()
                       if 'read_log_retention_years' in f.fields][0]]
    assert form['read_log_retention_years'].value == '3'


def test_the_reports_who_lacks_a_consent_and_what_expires_this_month(testapp, root):
    headers = {'Authorization': 'Bearer ' + api_token(testapp, 'admin'),
               'Accept': 'application/json'}
    first = TODAY.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    made = {}
    for login, expires in (('teacher', last), ('deputy', last + datetime.timedelta(days=1)),
                           ('secretary', first)):
        made[login] = testapp.post_json('/consents/@consents', {
            'kind': 'staff', 'person': login, 'scope': ['processing'],
            'date': (first - datetime.timedelta(days=40)).isoformat(),
            'expires': expires.isoformat()}, headers=headers, status=201).json
    testapp.post_json(made['secretary']['@id'] + '/@withdraw', {}, headers=headers)
    report = testapp.get('/consents/@report', headers=headers).json
    expiring = [c['person'] for c in report['expiring']]
    assert 'teacher' in expiring                    # the last day of this month
    assert 'deputy' not in expiring                 # the first of the next
    assert 'secretary' not in expiring              # withdrawn
    lacking = [r['person'] for r in report['without_consent'] if r['kind'] == 'staff']
    assert 'secretary' in lacking and 'psychologist' in lacking
    assert 'class_teacher' not in lacking
    if first <= TODAY <= last and TODAY.day > 1:
        assert 'teacher' not in lacking             # valid until the end of the month

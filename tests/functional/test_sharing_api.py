"""``@sharing``: local roles through the JSON API (plone.restapi's shape), the same action as
the sharing screen (issue 12: the ban on students working under a teacher's login). The
refusal of a staff role to a family's account is tested through both doors; before, the API
had no door for local roles at all."""
import datetime

import pytest
import transaction
from pyramid.traversal import find_resource

from conftest import api_token, csrf_token
from ejportal.journal.resources import school_year_start

START = school_year_start(datetime.date.today())
YEAR = '/journal/%d-%d' % (START, START + 1)
CLASS = YEAR + '/classes/5a'
MATH = CLASS + '/journals/math'
RUSSIAN = CLASS + '/journals/russian'
BAN = 'cannot be granted to a student'


def bearer(testapp, login_name):
    return {'Accept': 'application/json',
            'Authorization': 'Bearer ' + api_token(testapp, login_name)}


def fresh(root):
    transaction.begin()
    root._p_jar.sync()
    return root


def roles_at(root, path, principal):
    return find_resource(fresh(root), path).get_local_roles(principal)


def sharing_entries(root, path):
    """The audit log's 'sharing' entries of ``path``."""
    from ejportal.core.audit import get_audit_log
    log = get_audit_log(fresh(root))
    return [e for e in log.entries() if e['action'] == 'sharing' and e['path'] == path]


def grant_on_screen(testapp, path, principal, roles, status=303):
    fields = [('csrf_token', csrf_token(testapp)), ('principal', principal),
              ('__start__', 'roles:sequence')]
    fields += [('checkbox', role) for role in roles]
    fields += [('__end__', 'roles:sequence'), ('grant', 'grant')]
    return testapp.post(path + '/@@sharing', fields, status=status)


# -- GET ------------------------------------------------------------------------------
def test_get_lists_the_roles_here_and_above(testapp):
    headers = bearer(testapp, 'admin')
    state = testapp.get(MATH + '/@sharing', headers=headers).json
    assert state['inherit'] is True
    assert [r['id'] for r in state['available_roles']] == [
        'teacher', 'class_teacher', 'editor', 'reviewer', 'reader']
    titles = {r['id']: r['title'] for r in state['available_roles']}
    assert titles['reader'] == 'Can view'
    entries = {(e['type'], e['id']): e for e in state['entries']}
    # the math teacher holds 'teacher' here; the class teacher 'class_teacher' on the class
    teacher = entries[('user', 'teacher')]
    assert teacher['roles']['teacher'] is True and teacher['roles']['reader'] is False
    assert teacher['title'] != 'teacher'           # a name, not a login
    assert entries[('user', 'class_teacher')]['roles']['class_teacher'] == 'acquired'


def test_get_speaks_the_callers_language(testapp):
    headers = dict(bearer(testapp, 'director'), **{'Accept-Language': 'ru'})
    testapp.get('/@@set-language?lang=ru', headers={'Accept': 'text/html'})
    state = testapp.get(CLASS + '/@sharing', headers=headers).json
    assert {r['id']: r['title'] for r in state['available_roles']}['reader'] == \
        'Может просматривать'


def test_search_finds_users_and_groups_to_add(testapp):
    headers = bearer(testapp, 'director')
    state = testapp.get(CLASS + '/@sharing?search=psych', headers=headers).json
    found = {(e['type'], e['id']): e for e in state['entries']}
    assert set(found[('user', 'psychologist')]['roles'].values()) == {False}
    state = testapp.get(CLASS + '/@sharing?search=teachers', headers=headers).json
    assert ('group', 'teachers') in {(e['type'], e['id']) for e in state['entries']}


# -- POST -----------------------------------------------------------------------------
def test_post_grants_and_revokes_and_is_audited(testapp, root):
    headers = bearer(testapp, 'admin')
    before = len(sharing_entries(root, CLASS))
    testapp.post_json(CLASS + '/@sharing', {'entries': [
        {'id': 'psychologist', 'type': 'user', 'roles': {'reader': True}},
        {'id': 'teachers', 'type': 'group', 'roles': {'reviewer': True}}]},
        headers=headers, status=204)
    assert roles_at(root, CLASS, 'user:psychologist') == ('reader',)
    assert roles_at(root, CLASS, 'group:teachers') == ('reviewer',)
    entries = sharing_entries(root, CLASS)
    assert len(entries) == before + 2
    assert entries[-1]['userid'] == 'admin'
    # the state GET answers can be posted back: "acquired" and titles change nothing
    state = testapp.get(CLASS + '/@sharing', headers=headers).json
    testapp.post_json(CLASS + '/@sharing', {'entries': state['entries']}, headers=headers,
                      status=204)
    assert len(sharing_entries(root, CLASS)) == before + 2
    testapp.post_json(CLASS + '/@sharing', {'entries': [
        {'id': 'psychologist', 'type': 'user', 'roles': {'reader': False}}]},
        headers=headers, status=204)
    assert roles_at(root, CLASS, 'user:psychologist') == ()
    last = sharing_entries(root, CLASS)[-1]
    assert last['details']['principal'] == 'user:psychologist' and last['details']['new'] == []


def test_the_screen_and_the_api_record_the_same_entry(testapp, as_user, root):
    as_user('admin')
    grant_on_screen(testapp, CLASS, 'user:psychologist', ['reader'])
    testapp.post(CLASS + '/@@sharing-revoke', {'csrf_token': csrf_token(testapp),
                                               'principal': 'user:psychologist'}, status=303)
    screen = [(e['action'], e['details']) for e in sharing_entries(root, CLASS)[-2:]]
    testapp.reset()
    headers = bearer(testapp, 'admin')
    for value in (True, False):
        testapp.post_json(CLASS + '/@sharing', {'entries': [
            {'id': 'psychologist', 'type': 'user', 'roles': {'reader': value}}]},
            headers=headers, status=204)
    api = [(e['action'], e['details']) for e in sharing_entries(root, CLASS)[-2:]]
    assert screen == api


@pytest.mark.parametrize('body, field', [
    ({'entries': [{'id': 'nobody', 'type': 'user', 'roles': {'reader': True}}]},
     'entries.0.id'),
    ({'entries': [{'id': 'teachers', 'type': 'user', 'roles': {'reader': True}}]},
     'entries.0.id'),
    ({'entries': [{'id': 'teacher', 'type': 'user', 'roles': {'owner': True}}]},
     'entries.0.roles.owner'),
    ({'entries': [{'id': 'teacher', 'type': 'user', 'roles': {'reader': 'yes'}}]},
     'entries.0.roles.reader'),
    ({'entries': [{'id': 'teacher', 'type': 'robot', 'roles': {'reader': True}}]},
     'entries.0.type'),
    ({'entries': [{'id': 'teacher', 'type': 'user', 'roles': ['reader']}]},
     'entries.0.roles'),
    ({'entries': 'all'}, 'entries'),
    ({}, 'entries'),
    ({'entries': [], 'inherit': False}, 'inherit'),
])
def test_bad_entries_are_named_and_nothing_is_saved(testapp, root, body, field):
    headers = bearer(testapp, 'admin')
    # a good entry first: it is not kept when a later one is refused
    body = dict(body)
    if isinstance(body.get('entries'), list):
        body['entries'] = [{'id': 'psychologist', 'type': 'user',
                            'roles': {'reader': True}}] + body['entries']
        field = field.replace('entries.0', 'entries.1')
    before = len(sharing_entries(root, CLASS))
    response = testapp.post_json(CLASS + '/@sharing', body, headers=headers, status=400)
    assert field in response.json['error']['fields'], response.json
    assert roles_at(root, CLASS, 'user:psychologist') == ()
    assert len(sharing_entries(root, CLASS)) == before


def test_not_json_is_a_400(testapp):
    headers = bearer(testapp, 'admin')
    testapp.post(CLASS + '/@sharing', b'[1, 2', headers=headers,
                 content_type='application/json', status=400)


# -- the ban, through both doors --------------------------------------------------------
@pytest.mark.parametrize('login, role', [('student', 'teacher'), ('parent', 'class_teacher'),
                                         ('student', 'editor'), ('parent', 'reviewer')])
def test_the_api_refuses_a_staff_local_role_to_a_family_account(testapp, root, login, role):
    """Regression: local roles had no API door, so this case could not be asked."""
    headers = bearer(testapp, 'admin')
    response = testapp.post_json(MATH + '/@sharing', {'entries': [
        {'id': 'psychologist', 'type': 'user', 'roles': {'reader': True}},
        {'id': login, 'type': 'user', 'roles': {role: True, 'reader': True}}]},
        headers=headers, status=400)
    error = response.json['error']
    assert error['type'] == 'StaffRoleForFamily' and BAN in error['message']
    assert BAN in error['fields']['entries.1.roles']
    assert roles_at(root, MATH, 'user:' + login) == ()
    assert roles_at(root, MATH, 'user:psychologist') == ()


def test_both_doors_refuse_with_the_same_message(testapp, as_user, root):
    testapp.get('/@@set-language?lang=ru')
    as_user('admin')
    page = grant_on_screen(testapp, CLASS, 'user:student', ['teacher'], status=400)
    testapp.reset()
    headers = dict(bearer(testapp, 'admin'), **{'Accept-Language': 'ru'})
    testapp.get('/@@set-language?lang=ru', headers={'Accept': 'text/html'})
    response = testapp.post_json(CLASS + '/@sharing', {'entries': [
        {'id': 'student', 'type': 'user', 'roles': {'teacher': True}}]},
        headers=headers, status=400)
    message = response.json['error']['message']
    assert 'ученика или родителя' in message
    assert message in page.text.replace('&#8212;', '—')


def test_the_api_refuses_a_staff_role_to_a_group_with_a_family_member(testapp, root):
    from ejportal.core.content import create
    portal = fresh(root)
    portal['people']['groups'].add('helpers', create('Group', title='Helpers'))
    portal['people']['users']['parent'].groups = ('helpers',)
    transaction.commit()
    headers = bearer(testapp, 'admin')
    response = testapp.post_json('/documents/@sharing', {'entries': [
        {'id': 'helpers', 'type': 'group', 'roles': {'editor': True}}]},
        headers=headers, status=400)
    assert response.json['error']['type'] == 'StaffRoleForFamily'
    testapp.post_json('/documents/@sharing', {'entries': [
        {'id': 'helpers', 'type': 'group', 'roles': {'reader': True}}]},
        headers=headers, status=204)
    assert roles_at(root, '/documents', 'group:helpers') == ('reader',)


def test_a_family_account_may_lose_a_staff_role_it_holds(testapp, root):
    """Revoking is never refused: an account that held a staff role from before the ban
    can be cleaned up through the same door."""
    portal = fresh(root)
    find_resource(portal, CLASS).set_local_roles('user:parent', ('editor',))
    transaction.commit()
    headers = bearer(testapp, 'admin')
    testapp.post_json(CLASS + '/@sharing', {'entries': [
        {'id': 'parent', 'type': 'user', 'roles': {'editor': False}}]},
        headers=headers, status=204)
    assert roles_at(root, CLASS, 'user:parent') == ()


# -- who may ----------------------------------------------------------------------------
@pytest.mark.parametrize('login, status', [('admin', 200), ('director', 200),
                                           ('deputy', 403), ('teacher', 403),
                                           ('psychologist', 403), ('student', 404)])
def test_who_may_read_the_sharing_of_a_journal(testapp, login, status):
    testapp.get(MATH + '/@sharing', headers=bearer(testapp, login), status=status)


@pytest.mark.parametrize('login, status', [('deputy', 403), ('teacher', 403),
                                           ('parent', 404)])
def test_who_may_not_change_it(testapp, root, login, status):
    testapp.post_json(MATH + '/@sharing', {'entries': [
        {'id': login, 'type': 'user', 'roles': {'editor': True}}]},
        headers=bearer(testapp, login), status=status)
    assert 'editor' not in roles_at(root, MATH, 'user:' + login)


def test_the_screen_needs_its_csrf_token(testapp, as_user, root):
    as_user('director')
    testapp.post(MATH + '/@@sharing', [
        ('principal', 'user:psychologist'), ('__start__', 'roles:sequence'),
        ('checkbox', 'reader'), ('__end__', 'roles:sequence'), ('grant', 'grant')],
        status=400)
    assert roles_at(root, MATH, 'user:psychologist') == ()


# -- sharing a single journal -------------------------------------------------------------
def test_can_view_on_one_journal_opens_that_journal_only(testapp, as_user, root):
    as_user('psychologist')
    for place in (MATH, RUSSIAN, CLASS):
        testapp.get(place, status=403)
    as_user('admin')
    page = testapp.get(MATH)
    assert MATH + '/@@sharing' in page.text         # the journal's page offers sharing
    grant_on_screen(testapp, MATH, 'user:psychologist', ['reader'])
    assert roles_at(root, MATH, 'user:psychologist') == ('reader',)
    testapp.reset()
    as_user('psychologist')
    testapp.get(MATH, status=200)
    testapp.get(MATH + '/@json', headers={'Accept': 'application/json'}, status=200)
    testapp.get(RUSSIAN, status=403)
    testapp.get(CLASS, status=403)


@pytest.mark.parametrize('method', ['PATCH', 'DELETE', 'PUT'])
def test_other_methods_are_not_answered(testapp, method):
    """As every endpoint's unanswered methods: 405 naming the answered ones (as in the API
    table)."""
    response = testapp.request(CLASS + '/@sharing', method=method, body=b'{}',
                               headers=bearer(testapp, 'admin'),
                               content_type='application/json', status='*')
    assert response.status_int == 405, response.status
    assert response.headers['Allow'] == 'GET, HEAD, POST'


def test_a_script_calls_the_same_action_and_meets_the_same_ban(root):
    from ejportal.core.actor import Actor, acting_as
    from ejportal.principals.ban import StaffRoleForFamily
    from ejportal.principals.sharing import ChangeSharing
    journal = find_resource(fresh(root), MATH)
    with acting_as(Actor(userid='admin', address='local', user_agent='tests')):
        with pytest.raises(StaffRoleForFamily):
            ChangeSharing(journal)({'entries': [
                {'id': 'student', 'type': 'user', 'roles': {'editor': True}}]})
        assert ChangeSharing(journal)({'entries': [
            {'id': 'psychologist', 'type': 'user', 'roles': {'reader': True}}]}) == \
            ['user:psychologist']
    assert journal.get_local_roles('user:psychologist') == ('reader',)
    transaction.abort()

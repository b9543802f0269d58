"""Announcements to families and staff: who may write to whom (form and API), the
recipients' start pages with read and unread, the author's read list (names, not logins),
the e-mail, the audit entry, the demo's step-13 announcement, and the 404 for everyone
who is not a recipient (a parent of another class among them)."""
import transaction
import pytest

from conftest import api_token
from test_documents import read_mails

from ejportal.core.actor import Actor, acting_as
from ejportal.core.content import create
from ejportal.core.passwords import DEMO_PASSWORD
from ejportal.news.evolve import add_announcements_section, file_announcements

DEMO = '/announcements/journal-start'
DEMO_TITLE = 'Школа переходит на электронный журнал и дневник'


def bearer(testapp, login_name):
    return {'Authorization': 'Bearer ' + api_token(testapp, login_name),
            'Accept': 'application/json'}


def add_parent_of_7b(root):
    """``parent7b``: the parent of student2 (s0009, of 7 Б) only, with an address."""
    with acting_as(Actor(userid='admin', address='local', user_agent='tests')):
        user = create('User', surname='Лебедев', first_name='Пётр', patronymic='Ильич',
                      roles=('parent',), email='parent7b@school4.example')
        user.set_password(DEMO_PASSWORD)
        root['people']['users'].add('parent7b', user)
        student = root['journal']['students']['s0009']
        student.update({'parents': tuple(student.parents) + ('parent7b',)})
        transaction.commit()


def send(testapp, login_name, audience, title='Собрание', body='Текст объявления',
         status=201):
    return testapp.post_json('/announcements', {'audience': audience, 'title': title,
                                                'body': body},
                             headers=bearer(testapp, login_name), status=status)


# -- the demo --------------------------------------------------------------------------------

def test_the_demo_holds_step_13s_announcement_to_the_parents_of_5a(testapp, root):
    announcement = root['announcements']['journal-start']
    assert announcement.author == 'class_teacher'
    assert announcement.audience == 'class-5a'
    assert sorted(announcement.recipients) == ['parent']
    assert 'логин' in announcement.body.lower() and 'классный руководитель' in announcement.body
    listing = testapp.get('/announcements', headers=bearer(testapp, 'parent')).json
    assert [(i['id'], i['read']) for i in listing['items']] == [('journal-start', False)]
    assert listing['unread'] == 1
    assert 'reads' not in listing['items'][0]


def test_the_send_is_audited(root):
    entries = [e for e in root.audit_log.entries() if e['action'] == 'announcement-sent']
    assert [e['path'] for e in entries] == [DEMO]


# -- reading -----------------------------------------------------------------------------

def test_the_parent_reads_it_from_the_start_page(testapp, as_user):
    as_user('parent')
    start = testapp.get('/@@start')
    panel = start.html.find('h2', string='Announcements: 1 unread')
    assert panel is not None
    assert DEMO_TITLE in start.text and 'new' in start.text
    page = start.click(DEMO_TITLE)
    assert page.status_int == 200 and 'электронный дневник' in page.text
    # recipients never see the read list
    assert page.html.find('section', class_='announcement-reads') is None
    assert 'Read by' not in page.text
    start = testapp.get('/@@start')
    assert start.html.find('h2', string='Announcements') is not None
    assert 'Announcements: 1 unread' not in start.text
    listing = testapp.get('/announcements')
    assert 'Unread:' not in listing.text


def test_the_api_marks_it_read_on_get(testapp, root):
    headers = bearer(testapp, 'parent')
    data = testapp.get(DEMO, headers=headers).json
    assert data['@type'] == 'Announcement' and data['title'] == DEMO_TITLE
    assert data['author'] == 'Соколова Елена Николаевна'
    assert 'reads' not in data and 'recipients' not in data
    listing = testapp.get('/announcements', headers=headers).json
    assert listing['items'][0]['read'] is True and listing['unread'] == 0
    root._p_jar.sync()
    assert root['announcements']['journal-start'].is_read('parent')


def test_the_author_sees_who_has_read_it_by_name(testapp, as_user):
    testapp.get(DEMO, headers=bearer(testapp, 'parent'))
    testapp.reset()
    as_user('class_teacher')
    page = testapp.get(DEMO)
    reads = page.html.find('section', class_='announcement-reads')
    assert reads is not None
    assert 'Иванова Наталья Викторовна' in reads.text and 'parent' not in reads.text
    assert 'Read by 1 of 1' in ' '.join(reads.text.split())
    data = testapp.get(DEMO, headers=bearer(testapp, 'class_teacher')).json
    assert data['recipients'] == 1 and data['read_count'] == 1
    assert data['reads']['read'][0]['name'] == 'Иванова Наталья Викторовна'
    assert data['reads']['unread'] == []
    # the author's reading is no recipient's
    assert 'read' not in data


def test_unread_names_are_listed_for_the_author(testapp, as_user, root):
    add_parent_of_7b(root)
    response = send(testapp, 'director', 'class-7b', title='Экскурсия')
    path = response.json['@id'].replace('http://localhost', '')
    assert response.json['reads']['unread'] == [{'name': 'Иванова Наталья Викторовна'},
                                                {'name': 'Лебедев Пётр Ильич'}]
    testapp.get(path, headers=bearer(testapp, 'parent7b'))
    as_user('director')
    reads = testapp.get(path).html.find('section', class_='announcement-reads')
    assert 'Read by 1 of 2' in ' '.join(reads.text.split())
    assert 'Лебедев Пётр Ильич' in reads.find('ul', class_='read-list').text
    assert 'Иванова Наталья Викторовна' in reads.find('ul', class_='unread-list').text


# -- who sees it: recipients and the author; everyone else finds nothing (404) ---------------

@pytest.mark.parametrize('login_name', ['admin', 'director', 'deputy', 'teacher',
                                        'psychologist', 'student', 'secretary'])
def test_who_is_not_a_recipient_finds_nothing(testapp, as_user, login_name):
    testapp.get(DEMO, headers=bearer(testapp, login_name), status=404)
    as_user(login_name)
    testapp.get(DEMO, status=404)
    assert DEMO_TITLE not in testapp.get('/announcements').text
    assert DEMO_TITLE not in testapp.get('/@@start').text


def test_a_parent_of_another_class_does_not_see_it(testapp, as_user, root):
    add_parent_of_7b(root)
    headers = bearer(testapp, 'parent7b')
    assert testapp.get('/announcements', headers=headers).json['items'] == []
    testapp.get(DEMO, headers=headers, status=404)
    testapp.get(DEMO + '/@json', headers=headers, status=404)
    as_user('parent7b')
    assert DEMO_TITLE not in testapp.get('/@@start').text
    testapp.get(DEMO, status=404)


def test_anonymous_is_sent_to_log_in(testapp):
    assert '@@login' in testapp.get(DEMO, status=303).location
    testapp.get('/announcements', headers={'Accept': 'application/json'}, status=401)


def test_an_announcement_is_a_record_no_one_changes(testapp):
    for login_name, status in (('class_teacher', 403), ('parent', 403), ('admin', 404),
                               ('director', 404)):
        headers = bearer(testapp, login_name)
        testapp.patch_json(DEMO, {'title': 'x'}, headers=headers, status=status)
        testapp.delete(DEMO, headers=headers, status=status)


# -- writing ------------------------------------------------------------------------------

def test_the_class_teacher_writes_to_the_parents_of_her_class(testapp, as_user, db_dir):
    as_user('class_teacher')
    form = testapp.get('/announcements/@@write').forms['deform']
    options = [value for value, _selected, _text in form['audience'].options]
    assert options == ['class-5a']
    form['title'] = 'Родительское собрание'
    form['body'] = 'Собрание в пятницу в 18:00.'
    done = form.submit('save', status=303)
    page = done.follow()
    assert 'Sent to 1 people.' in page.text and 'Собрание в пятницу' in page.text
    mails = [m for m in read_mails(db_dir) if 'parent@school4.example' in m['To']]
    assert len(mails) == 1
    assert 'Родительское собрание' in mails[0]['Subject']
    body = mails[0].get_body().get_content()
    assert 'Собрание в пятницу в 18:00.' in body and 'Соколова Елена Николаевна' in body
    assert 'http://localhost/announcements/' in body


def test_another_class_is_refused_on_the_field(testapp, as_user, root):
    as_user('class_teacher')
    form = testapp.get('/announcements/@@write').forms['deform']
    form['title'] = 'Чужой класс'
    form['body'] = 'Текст'
    form['audience'].force_value('class-7b')
    refused = form.submit('save', status=403)
    assert 'You may write only to the parents of your own class.' in refused.text
    response = send(testapp, 'class_teacher', 'class-7b', status=403)
    assert response.json['error']['fields'] == {
        'audience': 'You may write only to the parents of your own class.'}
    for audience in ('parents', 'staff', 'grade-5'):
        send(testapp, 'class_teacher', audience, status=403)
    root._p_jar.sync()
    assert list(root['announcements']) == ['journal-start']


def test_bad_fields_are_named(testapp):
    response = testapp.post_json('/announcements', {'audience': 'class-5a', 'title': ''},
                                 headers=bearer(testapp, 'class_teacher'), status=400)
    assert set(response.json['error']['fields']) == {'title', 'body'}
    response = send(testapp, 'director', 'class-9z', status=400)
    assert set(response.json['error']['fields']) == {'audience'}
    response = testapp.post_json('/announcements', {'audience': ['x'], 'title': 1},
                                 headers=bearer(testapp, 'director'), status=400)
    assert 'audience' in response.json['error']['fields']


@pytest.mark.parametrize('login_name', ['deputy', 'secretary', 'teacher', 'psychologist',
                                        'student', 'parent'])
def test_others_may_not_write(testapp, as_user, login_name):
    send(testapp, login_name, 'class-5a', status=403)
    as_user(login_name)
    testapp.get('/announcements/@@write', status=403)


def test_the_director_writes_to_everyone(testapp, as_user, root, db_dir):
    add_parent_of_7b(root)
    as_user('director')
    form = testapp.get('/announcements/@@write').forms['deform']
    options = [value for value, _selected, _text in form['audience'].options]
    assert options[:2] == ['parents', 'staff']
    assert {'grade-5', 'grade-7', 'class-5a', 'class-7b'} <= set(options)
    data = send(testapp, 'director', 'parents', title='Всем родителям').json
    assert data['recipients'] == 2        # parent and parent7b
    data = send(testapp, 'admin', 'staff', title='Всем сотрудникам').json
    root._p_jar.sync()
    staff = root['announcements'][data['id']]
    assert {'teacher', 'class_teacher', 'director', 'psychologist'} <= set(staff.recipients)
    assert 'parent' not in staff.recipients
    data = send(testapp, 'director', 'grade-7', title='Седьмые классы').json
    assert data['recipients'] == 2         # s0009's parents
    data = send(testapp, 'director', 'grade-5', title='Пятые классы').json
    assert data['recipients'] == 1
    # one message each: no one sees the others' addresses
    mails = [m for m in read_mails(db_dir) if 'Всем родителям' in m['Subject']]
    assert sorted(m['To'] for m in mails) == ['parent7b@school4.example',
                                             'parent@school4.example']
    # the teacher reads the staff's, the parent does not
    items = testapp.get('/announcements', headers=bearer(testapp, 'teacher')).json['items']
    assert [i['title'] for i in items] == ['Всем сотрудникам']
    titles = [i['title'] for i in testapp.get(
        '/announcements', headers=bearer(testapp, 'parent7b')).json['items']]
    assert titles == ['Седьмые классы', 'Всем родителям']


def test_no_mail_for_who_has_no_address(testapp, root, db_dir):
    root['people']['users']['parent'].email = ''
    transaction.commit()
    data = send(testapp, 'class_teacher', 'class-5a').json
    root._p_jar.sync()
    assert root['announcements'][data['id']].mailed == 0
    assert not [m for m in read_mails(db_dir) if 'Собрание' in m['Subject']]
    entries = [e for e in root.audit_log.entries() if e['action'] == 'announcement-sent']
    assert entries[-1]['userid'] == 'class_teacher'
    assert entries[-1]['details'] == {'audience': 'Parents of 5 А', 'recipients': 1,
                                     'mailed': 0}


def test_an_audience_without_anyone_is_refused(testapp, root):
    root['journal']['students']['s0009'].update({'parents': ()})
    transaction.commit()
    response = send(testapp, 'director', 'class-7b', status=400)
    assert set(response.json['error']['fields']) == {'audience'}


def test_the_senders_see_the_menu_entry_and_the_panel_link(testapp, as_user):
    as_user('class_teacher')
    start = testapp.get('/@@start')
    assert start.html.find('a', href='http://localhost/announcements/@@write') is not None
    listing = testapp.get('/announcements')
    assert DEMO_TITLE in listing.text and 'read by 0 of 1' in ' '.join(listing.html.text.split())


def test_the_screens_read_russian(testapp, as_user):
    as_user('parent')
    testapp.set_cookie('ejportal_lang', 'ru')
    start = testapp.get('/@@start')
    assert 'Объявления: непрочитанных 1' in start.text
    assert 'Все объявления' in testapp.get(DEMO).text
    testapp.reset()
    as_user('class_teacher')
    testapp.set_cookie('ejportal_lang', 'ru')
    assert 'Прочитали 1 из 1' in ' '.join(testapp.get(DEMO).html.text.split())
    assert 'Кому' in testapp.get('/announcements/@@write').text


def test_the_evolve_step_adds_the_section(root):
    root.remove('announcements', send_events=False)
    add_announcements_section(root)
    assert root['announcements'].type_name == 'Announcements'
    add_announcements_section(root)   # idempotent


# -- each user's own, read without the others ----------------------------------------------

def many_to_others(root, count):
    """``count`` announcements of the director to the staff (the parent is not among them)."""
    section = root['announcements']
    with acting_as(Actor(userid='director', address='local', user_agent='tests')):
        for n in range(count):
            announcement = create('Announcement', title='Педсовет %d' % n, body='Текст',
                                  audience='staff', audience_title='Все сотрудники',
                                  author='director', author_name='Директор')
            announcement.set_recipients(['teacher', 'deputy'])
            section.add(section.name_for(announcement), announcement)
    transaction.commit()


def test_a_start_page_loads_only_the_users_own_announcements(root):
    """A parent's start page listed their announcements by loading every one the school
    ever sent (and its recipients) to ask whether they were among the recipients."""
    many_to_others(root, 40)
    section = root['announcements']
    root._p_jar.cacheMinimize()  # as in a new request: nothing loaded
    received = section.received_by('parent')
    assert [a.__name__ for a in received] == ['journal-start']
    loaded = [a for a in section.values() if a._p_changed is not None]
    assert loaded == received
    assert [a.title for a in section.received_by('teacher')][:2] == [
        'Педсовет 39', 'Педсовет 38']
    assert len(section.sent_by('director')) == 40
    assert section.received_by('') == [] and section.sent_by('nobody') == []


def test_the_evolve_step_files_the_announcements_of_an_older_section(root):
    many_to_others(root, 3)
    section = root['announcements']
    before = {login: [a.__name__ for a in section.received_by(login)]
              for login in ('parent', 'teacher', 'director')}
    section.inbox = None   # as a section made before the index
    assert section.received_by('parent') == []
    file_announcements(root)
    assert {login: [a.__name__ for a in section.received_by(login)]
            for login in ('parent', 'teacher', 'director')} == before
    assert [a.__name__ for a in section.sent_by('class_teacher')] == ['journal-start']

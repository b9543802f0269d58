"""Questions, consultations and support requests: asking through the form and the API
(with its 400s naming the fields), answering and proposing a slot, the workflows, the start
pages of both sides, the mails, the administrator's support list, the audit log and the
catalog, privacy against a second family and against staff not addressed, and the evolve
step that adds the section."""
import email
import email.policy
import os

import pytest
import transaction

from conftest import api_token, csrf_token

from ejportal.core.actor import Actor, acting_as
from ejportal.core.audit import get_audit_log
from ejportal.core.content import create
from ejportal.core.passwords import DEMO_PASSWORD

QUESTION = '/questions/question-demo'
CONSULTATION = '/questions/consultation-demo'


def bearer(testapp, login_name):
    return {'Authorization': 'Bearer ' + api_token(testapp, login_name),
            'Accept': 'application/json'}


def read_mails(db_dir):
    mail_dir = os.path.join(str(db_dir), 'mail')
    if not os.path.isdir(mail_dir):
        return []
    found = []
    for name in sorted(os.listdir(mail_dir)):
        with open(os.path.join(mail_dir, name), 'rb') as f:
            found.append(email.message_from_binary_file(f, policy=email.policy.default))
    return found


def mails_to(db_dir, address):
    return [m for m in read_mails(db_dir) if address in m['To']]


def one_mail(db_dir, address, subject):
    found = [m for m in mails_to(db_dir, address) if subject in m['Subject']]
    assert len(found) == 1, [m['Subject'] for m in mails_to(db_dir, address)]
    return found[0]


def ask(testapp, login_name, status=201, **fields):
    body = {'to': 'class_teacher', 'student': 's0001', 'title': 'Оценка за диктант',
            'body': 'Почему за диктант стоит 3?'}
    body.update(fields)
    return testapp.post_json('/questions', body, headers=bearer(testapp, login_name),
                             status=status)


@pytest.fixture
def second_family(root):
    """parent_other: the parent of s0002 (5 А) only."""
    with acting_as(Actor(userid='admin', address='local', user_agent='tests')):
        user = create('User', surname='Алексеева', first_name='Ольга', patronymic='Ивановна',
                      roles=('parent',), email='parent_other@school4.example')
        user.set_password(DEMO_PASSWORD)
        root['people']['users'].add('parent_other', user)
        root['journal']['students']['s0002'].update({'parents': ('parent_other',)})
        transaction.commit()
    return 'parent_other'


# -- the demo -------------------------------------------------------------------------------

def test_the_demo_holds_an_answered_question_and_a_requested_consultation(testapp, as_user):
    mine = testapp.get('/questions', headers=bearer(testapp, 'parent')).json['items']
    found = {item['id']: item for item in mine}
    assert set(found) == {'question-demo', 'consultation-demo'}
    question, consultation = found['question-demo'], found['consultation-demo']
    assert question['review_state'] == 'answered' and question['answer']
    assert question['addressee'] == 'Соколова Е.Н.' and question['answered_by'] == 'Соколова Е.Н.'
    assert consultation['review_state'] == 'requested' and consultation['slot'] is None
    assert consultation['to_title'] == 'The psychologist'
    # the asker's start page: status and answer
    as_user('parent')
    start = testapp.get('/@@start')
    assert 'My questions and consultations' in start.text
    assert 'Answered: Откройте «Дневник»' in start.text
    assert 'Адаптация в пятом классе' in start.text


def test_the_addressee_finds_it_on_the_start_page(testapp, as_user):
    as_user('psychologist')
    start = testapp.get('/@@start')
    assert 'Questions and consultations for you' in start.text
    assert 'Адаптация в пятом классе — Иванова Н.В.' in start.text
    # the class teacher has answered hers: nothing waits
    testapp.reset()
    as_user('class_teacher')
    assert 'Questions and consultations for you' not in testapp.get('/@@start').text
    listing = testapp.get('/questions')
    assert 'Addressed to you' in listing.text and 'question-demo' in listing.text


# -- asking -----------------------------------------------------------------------------------

def test_a_parent_asks_the_class_teacher_through_the_form(testapp, as_user, db_dir):
    as_user('parent')
    form = testapp.get('/questions/@@ask').forms['deform']
    # two children: the form asks which one
    assert [option[0] for option in form['student'].options] == ['', 's0001', 's0009']
    form['to'] = 'class_teacher'
    form['title'] = 'Экскурсия'
    form['body'] = 'Когда будет экскурсия?'
    refused = form.submit('save', status=400)
    assert 'Choose the child.' in refused.text
    form = refused.forms['deform']
    form['student'] = 's0009'   # 7 Б: the other class teacher's class
    form['student'] = 's0001'
    made = form.submit('save', status=303).follow()
    assert 'Экскурсия' in made.text and 'New' in made.text
    assert 'Соколова Е.Н.' in made.text and 'Иванов Дмитрий' in made.text
    mails = mails_to(db_dir, 'class_teacher@school4.example')
    assert len(mails) == 1 and 'Экскурсия' in mails[0]['Subject']
    assert 'Когда будет экскурсия?' in mails[0].get_content()
    path = made.request.path
    # the class teacher sees it waiting on the start page
    testapp.reset()
    as_user('class_teacher')
    assert 'Экскурсия — Иванова Н.В.' in testapp.get('/@@start').text
    testapp.get(path, status=200)


def test_the_api_names_the_bad_fields(testapp):
    bad = ask(testapp, 'parent', status=400, to='nobody', title='', body='x' * 6000).json
    assert set(bad['error']['fields']) == {'to', 'title', 'body'}
    # a subject teacher not of the parent's children; a child not the parent's
    assert 'teacher' in ask(testapp, 'parent', status=400, to='teacher',
                            teacher='psychologist').json['error']['fields']
    assert 'student' in ask(testapp, 'parent', status=400,
                            student='s0002').json['error']['fields']
    assert ask(testapp, 'parent', status=400, body='<\x00>').json['error']
    testapp.post('/questions/@json', 'not json', headers=dict(
        bearer(testapp, 'parent'), **{'Content-Type': 'application/json'}), status=400)
    # nothing was half-saved
    assert len(testapp.get('/questions', headers=bearer(testapp, 'parent')).json['items']) == 2


def test_a_subject_teacher_and_the_administration(testapp, db_dir):
    made = ask(testapp, 'parent', to='teacher', teacher='teacher').json
    assert made['addressee'] == 'Петрова А.И.' and made['review_state'] == 'new'
    assert 'teacher@school4.example' in [m['To'] for m in read_mails(db_dir)]
    to_them = ask(testapp, 'parent', to='administration', student='').json
    assert to_them['to_title'] == 'The administration'
    for reader in ('director', 'deputy'):
        ids = [i['id'] for i in testapp.get('/questions',
                                             headers=bearer(testapp, reader)).json['items']]
        assert to_them['id'] in ids
    sent = ' '.join(m['To'] for m in read_mails(db_dir))
    assert 'director@school4.example' in sent and 'deputy@school4.example' in sent
    # staff ask too: a teacher writes to another teacher
    staff = ask(testapp, 'teacher', to='teacher', teacher='class_teacher', student='').json
    assert staff['addressee'] == 'Соколова Е.Н.'
    assert ask(testapp, 'teacher', status=400, to='class_teacher',
               student='').json['error']['fields'] == {'student': 'You have no child in a '
                                                                  'class.'}
    assert ask(testapp, 'teacher', status=400, to='teacher', teacher='teacher',
               student='').json['error']['fields']['teacher']


# -- answering --------------------------------------------------------------------------------

def test_the_class_teacher_answers_by_the_api_and_the_asker_closes(testapp, as_user, db_dir):
    made = ask(testapp, 'parent').json
    path = made['@id'].replace('http://localhost', '')
    teacher = bearer(testapp, 'class_teacher')
    # the workflow's own door cannot answer without the text
    assert testapp.post_json(path + '/@workflow/answer', {}, headers=teacher,
                             status=409).json['error']
    assert testapp.post_json(path + '/@answer', {}, headers=teacher,
                             status=400).json['error']['fields'] == {'answer': 'Required'}
    answered = testapp.post_json(path + '/@answer', {'answer': 'Пересдача в четверг.'},
                                 headers=teacher).json
    assert answered['review_state'] == 'answered' and answered['answer'] == 'Пересдача в четверг.'
    mail = one_mail(db_dir, 'parent@school4.example', 'An answer to your question')
    assert 'Оценка за диктант' in mail['Subject'] and 'Пересдача в четверг.' in mail.get_content()
    # the asker may not answer (403: she sees it), nor may the asker's other staff
    parent = bearer(testapp, 'parent')
    testapp.post_json(path + '/@answer', {'answer': 'x'}, headers=parent, status=403)
    as_user('parent')
    assert 'Answered: Пересдача в четверг.' in testapp.get('/@@start').text
    page = testapp.get(path)
    assert 'Пересдача в четверг.' in page.text
    close = next(f for f in page.forms.values() if f.action.endswith('@@workflow')
                 and f['transition'].value == 'close')
    closed = close.submit(status=303).follow()
    assert 'Closed' in closed.text
    assert 'Оценка за диктант' not in testapp.get('/@@start').text
    again = testapp.post_json(path + '/@workflow/reopen', {}, headers=parent).json
    assert again['state']['id'] == 'new'


def test_the_answer_form(testapp, as_user):
    made = ask(testapp, 'parent').json
    path = made['@id'].replace('http://localhost', '')
    as_user('class_teacher')
    form = testapp.get(path + '/@@answer').forms['deform']
    refused = form.submit('save', status=400)
    assert 'Required' in refused.text
    form = refused.forms['deform']
    form['answer'] = 'Приходите на пересдачу.'
    page = form.submit('save', status=303).follow()
    assert 'Answered' in page.text and 'Приходите на пересдачу.' in page.text
    # the answer can be corrected while the question is open
    form = testapp.get(path + '/@@answer').forms['deform']
    assert form['answer'].value == 'Приходите на пересдачу.'


def test_a_consultation_is_scheduled_held_or_cancelled(testapp, as_user, db_dir):
    psychologist = bearer(testapp, 'psychologist')
    bad = testapp.post_json(CONSULTATION + '/@answer', {'date': 'soon', 'time': '25:00'},
                            headers=psychologist, status=400).json
    assert set(bad['error']['fields']) == {'date', 'time', 'place'}
    testapp.post_json(CONSULTATION + '/@workflow/schedule', {}, headers=psychologist,
                      status=409)
    as_user('psychologist')
    form = testapp.get(CONSULTATION + '/@@answer').forms['deform']
    form['date'] = '2030-12-03'
    form['time'] = '16:30'
    form['place'] = 'Кабинет 12'
    form['answer'] = 'Приходите вместе с сыном.'
    page = form.submit('save', status=303).follow()
    assert 'Scheduled' in page.text and '16:30, Кабинет 12' in page.text
    mail = one_mail(db_dir, 'parent@school4.example', 'Your consultation')
    assert '2030-12-03' in mail.get_content() and 'Кабинет 12' in mail.get_content()
    parent = bearer(testapp, 'parent')
    item = testapp.get(CONSULTATION, headers=parent).json
    assert item['slot'] == {'date': '2030-12-03', 'time': '16:30', 'place': 'Кабинет 12'}
    assert item['review_state'] == 'scheduled'
    # the asker sees the slot on the start page; the psychologist the coming consultation
    assert '2030-12-03 16:30, Кабинет 12' in testapp.get('/@@start').text
    # moved: proposed again
    moved = testapp.post_json(CONSULTATION + '/@answer', {
        'date': '2030-12-04', 'time': '9:00', 'place': 'Кабинет 12'}, headers=psychologist).json
    assert moved['slot']['date'] == '2030-12-04' and moved['review_state'] == 'scheduled'
    # the director reads the school's consultations, answers none
    director = bearer(testapp, 'director')
    assert testapp.get(CONSULTATION, headers=director).json['may_answer'] is False
    testapp.post_json(CONSULTATION + '/@answer', {'date': '2030-12-04', 'time': '9:00',
                                                  'place': 'x'}, headers=director, status=403)
    testapp.post_json(CONSULTATION + '/@workflow/hold', {}, headers=director, status=403)
    held = testapp.post_json(CONSULTATION + '/@workflow/hold', {}, headers=psychologist).json
    assert held['state']['id'] == 'held'
    testapp.post_json(CONSULTATION + '/@workflow/cancel', {}, headers=parent, status=409)
    # another one: the parent cancels it
    other = ask(testapp, 'parent', kind='consultation', to='psychologist', student='',
                wished='Утром').json
    assert other['@type'] == 'Consultation' and other['wished'] == 'Утром'
    assert other['student'] is None
    about = ask(testapp, 'parent', kind='consultation', to='psychologist', student='s0009').json
    assert about['student'] == 'Иванова Екатерина Сергеевна'
    path = other['@id'].replace('http://localhost', '')
    assert testapp.post_json(path + '/@workflow/cancel', {}, headers=parent
                             ).json['state']['id'] == 'cancelled'
    told = [m for m in mails_to(db_dir, 'psychologist@school4.example')
            if 'Consultation cancelled' in m['Subject']]
    assert len(told) == 1 and 'Иванова' in told[0].get_content()


# -- support ----------------------------------------------------------------------------------

def test_support_requests_go_to_the_administrator(testapp, as_user, db_dir):
    as_user('teacher')
    page = testapp.get('/@@start')
    link = page.html.find('a', class_='support-link')
    assert link['href'].endswith('/questions/@@ask?to=support')
    form = testapp.get(link['href']).forms['deform']
    assert form['to'].value == 'support'
    form['title'] = 'Не открывается журнал'
    form['body'] = 'При открытии журнала 7 Б — пустая страница.'
    made = form.submit('save', status=303)
    path = made.location.replace('http://localhost', '')
    assert path.startswith('/questions/support-')
    assert mails_to(db_dir, 'admin@school4.example')
    closed = ask(testapp, 'parent', to='support', student='', title='Пароль').json
    testapp.post_json(closed['@id'] + '/@answer', {'answer': 'Сброшен.'},
                      headers=bearer(testapp, 'admin'))
    testapp.post_json(closed['@id'] + '/@workflow/close', {}, headers=bearer(testapp, 'admin'))
    testapp.reset()
    as_user('admin')
    listing = testapp.get('/questions/@@support')
    rows = listing.html.select('table.support-requests tbody tr')
    assert [r.a.text for r in rows] == ['Не открывается журнал', 'Пароль']  # open first
    assert 'text-muted' in rows[1]['class']
    # the admin sees no other question, and the support request is no one else's
    assert 'question-demo' not in testapp.get('/questions').text
    testapp.get(path, headers=bearer(testapp, 'director'), status=404)
    testapp.get('/questions/@@support', headers=bearer(testapp, 'director'), status=403)


# -- privacy ----------------------------------------------------------------------------------

def test_another_family_learns_nothing(testapp, second_family):
    other = bearer(testapp, second_family)
    assert testapp.get('/questions', headers=other).json['items'] == []
    for path in (QUESTION, CONSULTATION):
        for suffix in ('', '/@json', '/@workflow'):
            assert testapp.get(path + suffix, headers=other, status=404).json['error']
        testapp.post_json(path + '/@answer', {'answer': 'x'}, headers=other, status=404)
        testapp.post_json(path + '/@workflow/close', {}, headers=other, status=404)
    missing = testapp.get('/questions/question-nothing', headers=other, status=404).json
    assert testapp.get(QUESTION, headers=other, status=404).json == missing
    # her own question to the same class teacher is hers alone
    mine = ask(testapp, second_family, student='s0002').json
    assert mine['student'] and mine['addressee'] == 'Соколова Е.Н.'
    assert mine['id'] not in [i['id'] for i in testapp.get(
        '/questions', headers=bearer(testapp, 'parent')).json['items']]
    testapp.get(mine['@id'], headers=bearer(testapp, 'parent'), status=404)
    # nor may she ask about the first family's child
    assert 'student' in ask(testapp, second_family, status=400,
                            student='s0001').json['error']['fields']
    # the search finds nothing of it
    found = testapp.get('/@search', params={'text': 'диктант'},
                        headers=bearer(testapp, 'parent')).json
    assert mine['@id'] not in str(found)


def test_staff_not_addressed_get_404(testapp):
    for login_name in ('teacher', 'deputy', 'secretary', 'admin', 'psychologist'):
        testapp.get(QUESTION, headers=bearer(testapp, login_name), status=404)
    for login_name in ('teacher', 'deputy', 'admin', 'class_teacher', 'student'):
        testapp.get(CONSULTATION, headers=bearer(testapp, login_name), status=404)
    # the generic doors change nothing, not even for the asker
    parent = bearer(testapp, 'parent')
    testapp.patch_json(QUESTION, {'title': 'x'}, headers=parent, status=403)
    testapp.delete(QUESTION, headers=parent, status=403)
    testapp.delete(QUESTION, headers=bearer(testapp, 'admin'), status=404)


# -- the audit log, the catalog, the evolve step -----------------------------------------------

def test_the_audit_log_records_each_change(testapp, root):
    made = ask(testapp, 'parent').json
    testapp.post_json(made['@id'] + '/@answer', {'answer': 'Да.'},
                      headers=bearer(testapp, 'class_teacher'))
    transaction.abort()
    path = '/questions/' + made['id']
    entries = get_audit_log(root).search(path_prefix=path, reverse=False)
    actions = [e['action'] for e in entries]
    assert entries[0]['userid'] == 'parent'
    # the text of the question and of the answer stays out of the log
    assert 'Почему' not in str(entries) and 'Да.' not in str(entries)
    assert actions[:1] == ['create'] and 'workflow' in actions and 'question-answer' in actions


def test_the_evolve_step_adds_the_section(root):
    from ejportal.questions.evolve import add_questions_section
    root.remove('questions', send_events=False)
    add_questions_section(root)
    add_questions_section(root)
    assert root['questions'].type_name == 'Questions' and len(root['questions']) == 0


# -- every screen in Russian; bad input ---------------------------------------------------------

def test_the_screens_read_in_russian(testapp, as_user):
    testapp.set_cookie('ejportal_lang', 'ru')
    for login_name, path, words in (
            ('parent', '/questions', 'Вопросы и консультации'),
            ('parent', '/questions/@@ask', 'Задать вопрос или записаться на консультацию'),
            ('parent', QUESTION, 'Есть ответ'),
            ('parent', CONSULTATION, 'Запрошена'),
            ('parent', '/@@start', 'Мои вопросы и консультации'),
            ('psychologist', '/@@start', 'Вопросы и консультации для вас'),
            ('psychologist', CONSULTATION + '/@@answer', 'Назначить дату, время и место'),
            ('class_teacher', QUESTION + '/@@answer', 'Ответить на вопрос'),
            ('admin', '/questions/@@support', 'Обращения в техническую поддержку')):
        testapp.reset()
        testapp.set_cookie('ejportal_lang', 'ru')
        as_user(login_name)
        page = testapp.get(path)
        assert words in page.text, (login_name, path)
        assert 'Техническая поддержка' in page.text   # the footer's link


def test_a_consultation_through_the_form(testapp, as_user):
    as_user('parent')
    form = testapp.get('/questions/@@ask?kind=consultation&to=psychologist').forms['deform']
    assert form['kind'].value == 'consultation' and form['to'].value == 'psychologist'
    form['title'] = 'Поговорить о дочери'
    form['body'] = 'Екатерина стала тревожной перед контрольными.'
    form['wished'] = 'Пятница после обеда'
    page = form.submit('save', status=303).follow()
    assert 'Requested' in page.text and 'Пятница после обеда' in page.text
    assert 'The psychologist' in page.text


def test_bad_input_is_refused_without_a_500(testapp, as_user):
    parent = bearer(testapp, 'parent')
    wrong = testapp.post_json('/questions', {'to': 5, 'title': ['x'], 'body': {'a': 1},
                                             'kind': 'meeting'}, headers=parent, status=400)
    assert set(wrong.json['error']['fields']) >= {'to', 'title', 'body', 'kind'}
    testapp.post_json('/questions', [], headers=parent, status=400)
    testapp.post_json(QUESTION + '/@answer', {'answer': ['x']},
                      headers=bearer(testapp, 'class_teacher'), status=400)
    testapp.post_json(CONSULTATION + '/@answer', {'date': '2030-02-30', 'time': '10:00',
                                                  'place': 'x'},
                      headers=bearer(testapp, 'psychologist'), status=400)
    testapp.post_json(QUESTION + '/@workflow/nothing', {}, headers=parent, status=400)
    as_user('parent')
    form = testapp.get('/questions/@@ask').forms['deform']
    form['to'] = 'psychologist'
    form['title'] = 'Вопрос\x00'
    form['body'] = 'Текст'
    form.submit('save', status=400)
    refused = testapp.post(QUESTION + '/@@workflow', {'csrf_token': csrf_token(testapp),
                                                      'transition': 'answer'}, status=303)
    assert 'You may not' in refused.follow().text
    assert len(testapp.get('/questions', headers=parent).json['items']) == 2


def test_the_audit_screen_names_no_question_to_those_who_may_not_see_it(testapp, as_user):
    made = ask(testapp, 'parent', title='Семейное дело').json
    testapp.post_json(made['@id'] + '/@answer', {'answer': 'Да.'},
                      headers=bearer(testapp, 'class_teacher'))
    as_user('admin')
    page = testapp.get('/settings/@@audit')
    assert '/questions/' + made['id'] in page.text
    assert 'Семейное дело' not in page.text
    assert 'Question answered or slot proposed' in page.text

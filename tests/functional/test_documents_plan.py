"""The roll-out plan as a living checklist (issue 12): marks with who, when, note and
evidence through the page and ``POST <plan>/@step/<n>``, steps that come back, people on
steps, the archived plan of a past year, reminders of overdue steps (function and console),
the print with status; and the demo's documents of the order, and the acknowledgement sheets
that take in people hired after the signing."""
import datetime

import transaction
from pyramid_mailer.mailer import DummyMailer

from ejportal.core.actor import Actor, acting_as
from ejportal.core.audit import get_audit_log
from ejportal.core.content import create
from ejportal.core.workflow import do_transition
from ejportal.documents.acknowledgement import school_localizer
from ejportal.documents.plan import plan_reminders
from ejportal.documents.resources import school_year_start

from conftest import api_token, csrf_token, login

ORDER = '/documents/order-2012-od-181'
PLAN = ORDER + '/appendix-1'
CURRENT = '/documents/order-plan-now/appendix-1'
TODAY = datetime.date.today()


def month(delta):
    """'YYYY-MM' of the month ``delta`` months from this one."""
    index = TODAY.year * 12 + TODAY.month - 1 + delta
    return '%d-%02d' % (index // 12, index % 12 + 1)


def step(number, responsible, deadline='', repeat='', quarters=()):
    return {'number': number, 'content': 'Шаг %d' % number, 'responsible': responsible,
            'responsible_text': ', '.join(responsible), 'deadline': deadline,
            'deadline_text': deadline, 'how': '', 'repeat': repeat, 'quarters': list(quarters)}


def make_current_plan(root):
    """A signed order of this school year with a plan: step 1 overdue (the psychologist's
    role and the teacher by login), step 2 every quarter (the psychologist), step 3 later
    (the class teachers)."""
    start = school_year_start(TODAY)
    documents = root['documents']
    with acting_as(Actor(userid='secretary', address='test', user_agent='test')):
        order = documents.add('order-plan-now', create(
            'Order', register='od', title='О плане внедрения на этот год', signatory='x',
            clauses=[{'text': 'утвердить план', 'responsible': '', 'deadline': None}]))
        order.add('appendix-1', create('RolloutPlan', title='План', number=1,
                                       school_year='%d-%d' % (start, start + 1), steps=[
            step(1, ['role:psychologist', 'user:teacher'], deadline=month(-1)),
            step(2, ['role:psychologist'], repeat='quarter'),
            step(3, ['role:class_teacher'], deadline='%d-05' % (start + 1))]))
        do_transition(order, 'submit', comment='')
    with acting_as(Actor(userid='director', address='test', user_agent='test')):
        do_transition(order, 'sign', comment='')
    transaction.commit()
    return order['appendix-1']


def json_client(testapp, login_name):
    return {'Authorization': 'Bearer ' + api_token(testapp, login_name),
            'Accept': 'application/json'}


# -- the demo's plan of 2012-2013 is archived ------------------------------------------------

def test_the_past_years_plan_is_archived_and_waits_for_nobody(as_user):
    """The director's start page showed the 13 overdue steps of the 2012 plan."""
    app = as_user('director')
    start = app.get('/@@start')
    assert 'Анализ информационных ресурсов' not in start.text
    assert 'overdue' not in start.text
    page = app.get(PLAN + '/')
    assert page.html.select_one('.plan-archived') is not None
    assert page.html.select_one('#step-7 .step-status').text == 'not done (archived plan)'
    assert page.html.select_one('#step-8 .step-status').text == 'done'
    assert page.html.select('form.step-form') == []   # nothing is marked in an archive
    # step 2's mark names the deputy and links its six local acts by their titles
    mark = page.html.select_one('#step-2 .step-mark')
    assert 'Орлова' in mark.text
    links = [a.text for a in mark.select('.step-evidence a')]
    assert len(links) == 6 and 'Положение об электронном журнале' in links


def test_get_plan_lists_the_steps_with_status(testapp):
    headers = json_client(testapp, 'teacher')
    data = testapp.get(PLAN, headers=headers).json
    assert data['@type'] == 'RolloutPlan' and data['archived'] is True
    steps = {s['number']: s for s in data['steps']}
    assert len(steps) == 23
    assert steps[7]['status'] == 'not-done' and steps[8]['status'] == 'done'
    assert steps[2]['done']['userid'] == 'deputy'
    assert steps[2]['done']['evidence'][0] == '/documents/regulation-1'
    assert steps[18]['repeat'] == 'quarter' and steps[18]['quarters'] == [1, 3]
    assert 'psychologist' in steps[18]['people'] and 'class_teacher' in steps[16]['people']


def test_nothing_is_marked_in_an_archived_plan(testapp, root):
    headers = json_client(testapp, 'psychologist')
    response = testapp.post_json(PLAN + '/@step/18', {'done': True}, headers=headers,
                                 status=409)
    assert 'archived' in response.json['error']['message']
    assert not root['documents']['order-2012-od-181']['appendix-1'].step(18).marks()


# -- marking through the API --------------------------------------------------------------------

def test_marking_a_step_through_the_api(testapp, root):
    plan = make_current_plan(root)
    assert plan.step(1).status() == 'overdue' and plan.step(3).status() == 'planned'
    headers = json_client(testapp, 'psychologist')
    response = testapp.post_json(CURRENT + '/@step/1', {
        'done': True, 'note': 'Анкеты собраны',
        'evidence': ['/documents/regulation-1', 'http://localhost' + ORDER + '?x=1#top']},
        headers=headers)
    data = response.json
    assert data['status'] == 'done' and data['done']['userid'] == 'psychologist'
    assert data['done']['note'] == 'Анкеты собраны'
    assert data['done']['evidence'] == ['/documents/regulation-1', ORDER + '?x=1#top']
    listed = {s['number']: s for s in testapp.get(CURRENT, headers=headers).json['steps']}
    assert listed[1]['status'] == 'done' and listed[3]['status'] == 'planned'
    root._p_jar.sync()
    entries = [e for e in get_audit_log(root).entries() if e['action'] == 'plan-step-done']
    assert entries and entries[-1]['details']['step'] == 1
    # the same people take it back; twice is a conflict
    testapp.post_json(CURRENT + '/@step/1', {'done': False}, headers=headers)
    testapp.post_json(CURRENT + '/@step/1', {'done': False}, headers=headers, status=409)
    root._p_jar.sync()
    assert root['documents']['order-plan-now']['appendix-1'].step(1).status() == 'overdue'


def test_a_step_is_marked_only_by_those_it_is_assigned_to(testapp, root):
    make_current_plan(root)
    for login_name in ('director', 'deputy', 'class_teacher', 'admin'):
        testapp.reset()
        response = testapp.post_json(CURRENT + '/@step/1', {'done': True},
                                     headers=json_client(testapp, login_name), status=403)
        assert response.json['error']['type'] == 'Forbidden'
    testapp.reset()
    # the teacher is assigned by login, not by a role
    testapp.post_json(CURRENT + '/@step/1', {'done': True},
                      headers=json_client(testapp, 'teacher'), status=200)
    testapp.reset()
    testapp.post_json(CURRENT + '/@step/3', {'done': True},
                      headers=json_client(testapp, 'class_teacher'), status=200)
    testapp.reset()
    # an unassigned person is refused whatever the body
    testapp.post(CURRENT + '/@step/3', 'not json', headers=json_client(testapp, 'teacher'),
                 status=403)


def test_bad_marks_are_refused_and_nothing_is_saved(testapp, root):
    plan = make_current_plan(root)
    headers = json_client(testapp, 'psychologist')
    for evidence in (['http://evil.example/documents'], ['//evil.example/x'],
                     ['javascript:alert(1)'], ['documents/regulation-1'], ['/a/../b'],
                     [''], [{'url': '/x'}], ['/x'] * 21):
        response = testapp.post_json(CURRENT + '/@step/1', {'done': True,
                                                           'evidence': evidence},
                                     headers=headers, status=400)
        assert response.json['error']['type'] == 'BadRequest', evidence
        assert 'evidence' in str(response.json['error'].get('fields')), evidence
    testapp.post_json(CURRENT + '/@step/1', {'note': 'x'}, headers=headers, status=400)
    testapp.post_json(CURRENT + '/@step/1', {'done': True, 'note': 'x' * 2001},
                      headers=headers, status=400)
    testapp.post_json(CURRENT + '/@step/99', {'done': True}, headers=headers, status=404)
    testapp.post_json(CURRENT + '/@step/x', {'done': True}, headers=headers, status=404)
    testapp.post_json(CURRENT + '/@step', {'done': True}, headers=headers, status=404)
    root._p_jar.sync()
    assert not root['documents']['order-plan-now']['appendix-1'].done_steps
    assert plan.step(1).status() == 'overdue'


def test_a_repeating_step_comes_back(testapp, root):
    plan = make_current_plan(root)
    testapp.post_json(CURRENT + '/@step/2', {'done': True},
                      headers=json_client(testapp, 'psychologist'))
    root._p_jar.sync()
    plan = root['documents']['order-plan-now']['appendix-1']
    repeating = plan.step(2)
    assert repeating.status() == 'done'
    _key, _first, last = __import__('ejportal.documents.resources', fromlist=['x']).period_of(
        'quarter', TODAY)
    next_quarter = last + datetime.timedelta(days=1)
    after_next = next_quarter + datetime.timedelta(days=95)
    if plan.ends() >= after_next:
        # the next quarter it is due again; left unmarked there, it is overdue after it
        assert repeating.status(next_quarter) == 'planned'
        assert repeating.status(after_next) == 'overdue'
    assert [m['occurrence'] for m in repeating.marks()] == [repeating.occurrence()]


# -- the page, the print ---------------------------------------------------------------------

def test_marking_on_the_page_with_note_and_evidence(testapp, root):
    make_current_plan(root)
    login(testapp, 'psychologist')
    page = testapp.get(CURRENT + '/')
    assert 'Григорьева' in page.html.select_one('#step-1 .step-people').text
    assert page.html.select_one('#step-1 form.step-form') is not None
    assert page.html.select_one('#step-3 form.step-form') is None   # not theirs
    testapp.post(CURRENT + '/@@step', {
        'number': '1', 'action': 'done', 'note': 'Проведено анкетирование',
        'evidence': ORDER + '\r\n/documents/regulation-2\r\n',
        'csrf_token': csrf_token(testapp)}, status=303)
    page = testapp.get(CURRENT + '/')
    mark = page.html.select_one('#step-1 .step-mark')
    assert 'Проведено анкетирование' in mark.text and 'Григорьева' in mark.text
    links = [a.text for a in mark.select('.step-evidence a')]
    # a draft the psychologist may not read is shown by its address only, and not linked
    # (it would answer "not found" for her)
    assert links == ['№ 181 от 15.08.2012 О введении электронного журнала и дневника в '
                     '2012-2013 году']
    assert [li.text for li in mark.select('.step-evidence li')][1] == '/documents/regulation-2'
    # the start panel no longer lists it
    assert 'Шаг 1' not in testapp.get('/@@start').text
    # a bad link: the page says why, nothing changes
    page = testapp.post(CURRENT + '/@@step', {
        'number': '2', 'action': 'done', 'evidence': 'https://evil.example/',
        'csrf_token': csrf_token(testapp)}, status=303).follow()
    assert 'Only links to pages of this portal: https://evil.example/' in page.text
    assert page.html.select_one('#step-2 .step-mark') is None
    # not assigned: refused with a message
    page = testapp.post(CURRENT + '/@@step', {'number': '3', 'action': 'done',
                                              'csrf_token': csrf_token(testapp)},
                        status=303).follow()
    assert 'This step is not assigned to you.' in page.text
    testapp.post(CURRENT + '/@@step', {'number': 'x', 'csrf_token': csrf_token(testapp)},
                 status=303)
    # taken back on the page
    testapp.post(CURRENT + '/@@step', {'number': '1', 'action': 'reopen',
                                       'csrf_token': csrf_token(testapp)}, status=303)
    assert testapp.get(CURRENT + '/').html.select_one('#step-1 .step-mark') is None


def test_the_plan_prints_with_its_status(as_user):
    app = as_user('director')
    page = app.get(PLAN + '/@@print')
    assert 'Отметка о выполнении' in page.text and 'План в архиве' in page.text
    assert 'Орлова М.В., 28.06.2012' in page.text
    assert 'Положение о локальной сети' in page.text    # step 2's evidence by title
    pdf = app.get(PLAN + '/@@pdf')
    assert pdf.content_type == 'application/pdf' and pdf.body.startswith(b'%PDF')
    # the order's own print form is the signed document: no status column there
    assert 'Отметка о выполнении' not in app.get(ORDER + '/@@print').text
    assert 'Отметка о выполнении' not in app.get(ORDER + '/@@public').text


# -- reminders ---------------------------------------------------------------------------------

def test_overdue_steps_email_their_people_once_a_day(app, root):
    make_current_plan(root)
    mailer = DummyMailer()
    localizer = school_localizer(app.registry)
    sent = plan_reminders(root, mailer, localizer, 'https://school4.example', today=TODAY)
    # step 1 only: the psychologist (by role) and the teacher (by login)
    assert sorted(login for _p, _n, login in sent) == ['psychologist', 'teacher']
    assert {number for _p, number, _l in sent} == {1}
    message = mailer.outbox[0]
    assert 'https://school4.example/documents/order-plan-now/appendix-1#step-1' in message.body
    assert 'просрочен' in message.subject.lower() or 'Overdue' in message.subject
    assert plan_reminders(root, mailer, localizer, 'x', today=TODAY) == []
    assert len(mailer.outbox) == 2
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert len(plan_reminders(root, mailer, localizer, 'x', today=tomorrow)) == 2
    # the archived 2012 plan mails nobody
    assert all(not path.startswith(ORDER) for path, _n, _l in sent)


def test_the_console_sends_plan_reminders(app, root, db_dir, capsys):
    from conftest import close_app
    from test_evolve import write_ini
    from ejportal.scripts.admin import main as admin_main
    make_current_plan(root)
    root._p_jar.close()
    close_app(app)
    ini = write_ini(db_dir)
    assert admin_main([ini, 'plan-reminders']) == 0
    out = capsys.readouterr().out
    assert 'plan reminders sent: 2' in out and 'step 1: psychologist' in out
    assert admin_main([ini, 'plan-reminders']) == 0
    assert 'plan reminders sent: 0' in capsys.readouterr().out
    mails = list((db_dir / 'mail').glob('*.eml'))
    assert len(mails) == 2


# -- the documents the order names ------------------------------------------------------------

STEP1 = {'order-2012-od-working-group': 'О создании совета (рабочей группы)',
         'order-2012-od-sysadmin': 'О назначении системного администратора',
         'order-2012-od-personal-data': 'О назначении ответственных за хранение'}


def test_the_demo_holds_the_documents_the_order_names(root):
    documents = root['documents']
    for name, title in STEP1.items():
        order = documents[name]
        assert order.type_name == 'Order' and order.review_state == 'draft'
        assert order.title.startswith(title) and order.clauses and order.number is None
    titles = [documents['regulation-%d' % n].title for n in range(1, 7)]
    assert titles == ['Положение об электронном журнале',
                      'Положение о защите персонифицированных данных',
                      'Положение о стимулировании педагогических работников',
                      'Положение о локальной сети',
                      'Должностная инструкция системного администратора',
                      'Правила пользования локальной сетью']
    for n in range(1, 7):
        act = documents['regulation-%d' % n]
        assert act.review_state == 'draft'
        assert '<h2>1. Общие' in act.body and act.body.count('<h2>') >= 4


def test_the_draft_orders_are_ready_to_sign(as_user):
    app = as_user('director')
    page = app.get('/documents/order-2012-od-sysadmin/')
    assert 'Смирнова Алексея Петровича' in page.text
    app.get('/documents/order-2012-od-sysadmin/@@edit')


def test_the_sheet_covers_everyone_with_a_duty(root):
    sheet = root['documents']['order-2012-od-181'].sheet
    due = set(sheet.due[sheet.current_version()])
    assert {'psychologist', 'secretary', 'admin', 'deputy', 'teacher',
            'class_teacher'} <= due
    assert not due & {'student', 'student2', 'parent'}


def test_a_person_hired_after_signing_joins_the_open_sheet(testapp, root):
    headers = json_client(testapp, 'admin')
    for login_name, roles in (('novikova', ['teacher']), ('kid', ['student'])):
        testapp.post_json('/people/users/@json', {
            '@type': 'User', 'id': login_name, 'surname': 'Новикова', 'first_name': 'Ольга',
            'position': 'Учитель биологии', 'roles': roles}, headers=headers, status=201)
    root._p_jar.sync()
    order = root['documents']['order-2012-od-181']
    due = order.sheet.due[order.sheet.current_version()]
    assert 'novikova' in due and 'kid' not in due
    assert '/documents/order-2012-od-181' in root['documents'].pending_for('novikova')
    assert root['people']['users']['novikova'].notices
    # a role given later counts the same
    testapp.patch_json('/people/users/kid/@json', {'roles': ['psychologist']},
                       headers=headers, status=204)
    root._p_jar.sync()
    assert 'kid' in order.sheet.due[order.sheet.current_version()]
    entries = [e for e in get_audit_log(root).entries()
               if e['action'] == 'acknowledgement-added']
    assert {e['details']['userid'] for e in entries} == {'novikova', 'kid'}
    # the draft orders of step 1 have no sheet yet: nothing was opened there
    assert root['documents']['order-2012-od-sysadmin'].sheet is None


def test_a_list_of_lists_is_no_choice(testapp, root):
    """colander's Set failed with a TypeError (a 500) on ``[[1]]`` or ``[{}]``."""
    headers = json_client(testapp, 'director')
    path = '/documents/order-2012-od-sysadmin'
    response = testapp.patch_json(path + '/@json', {'acknowledge_by': [['role:admin']]},
                                  headers=headers, status=400)
    assert 'acknowledge_by' in response.json['error']['fields']
    testapp.post_json(path + '/@json', {'@type': 'RolloutPlan', 'title': 'План', 'steps': [
        {'number': 1, 'content': 'x', 'quarters': [{'q': 1}]}]}, headers=headers, status=400)
    testapp.post_json(path + '/@json', {'@type': 'RolloutPlan', 'title': 'План', 'steps': [
        {'number': 1, 'content': 'x', 'responsible': [[1]]}]}, headers=headers, status=400)
    response = testapp.post_json(path + '/@json', {'@type': 'RolloutPlan', 'title': 'План',
                                                   'school_year': '2026-2027', 'steps': [
        {'number': 1, 'content': 'x', 'repeat': 'quarter', 'quarters': ['1', 3]}]},
        headers=headers, status=201)
    assert response.json['steps'][0]['quarters'] == [1, 3]
    testapp.post_json(path + '/@json', {'@type': 'RolloutPlan', 'title': 'План',
                                        'school_year': '2026-2028'}, headers=headers, status=400)
    # step numbers are unique (the plan's own validator, once a TypeError)
    response = testapp.post_json(path + '/@json', {'@type': 'RolloutPlan', 'title': 'План',
                                                   'steps': [{'number': 1, 'content': 'x'},
                                                             {'number': 1, 'content': 'y'}]},
                                 headers=headers, status=400)
    assert 'steps' in response.json['error']['fields']
    assert testapp.get(path + '/@@add-plan', headers=dict(headers, Accept='text/html')).status_int \
        == 200

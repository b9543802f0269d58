"""A check is a record (issue 12): a deputy's remark on a journal to its teacher, who sees
it on the start page and by e-mail, answers and marks it fixed; the deputy closes it (or
reopens it). Both doors: the screens and the JSON API with the generic ``@workflow``."""
import datetime
import os

import transaction

from conftest import api_token

from ejportal.core.audit import get_audit_log
from ejportal.journal.resources import school_year_start

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
MATH_5A = '/journal/%d-%d/classes/5a/journals/math' % (Y, Y + 1)
RUS_5A = '/journal/%d-%d/classes/5a/journals/russian' % (Y, Y + 1)
DEMO_CHECK = 'http://localhost/journal/checks/1'   # the deputy's, to the math teacher


def read_mails(db_dir):
    import email
    import email.policy
    mail_dir = os.path.join(str(db_dir), 'mail')
    if not os.path.isdir(mail_dir):
        return []
    found = []
    for name in sorted(os.listdir(mail_dir)):
        with open(os.path.join(mail_dir, name), 'rb') as f:
            found.append(email.message_from_binary_file(f, policy=email.policy.default))
    return found


def bearer(testapp, login):
    return {'Authorization': 'Bearer ' + api_token(testapp, login),
            'Accept': 'application/json'}


def test_check_from_remark_to_closed_by_the_api(testapp, root, db_dir):
    deputy = bearer(testapp, 'deputy')
    teacher = bearer(testapp, 'teacher')
    made = testapp.post_json(MATH_5A + '/@checks', {'text': 'Нет домашних заданий за '
                                                    'неделю', 'period': 'q1'},
                             headers=deputy, status=201).json
    assert made['review_state'] == 'open' and made['teacher'] == 'teacher'
    assert made['author'] == 'deputy' and made['journal']['@id'].endswith(MATH_5A)
    url = made['@id']
    # the teacher reads it: the journal's list, the check, the start page, an e-mail
    items = testapp.get(MATH_5A + '/@checks', headers=teacher).json['items']
    assert [i['@id'] for i in items] == [url, DEMO_CHECK]    # newest first
    assert [t['id'] for t in testapp.get(url, headers=teacher).json['transitions']] == ['fix']
    mails = [m for m in read_mails(db_dir) if 'teacher@school4.example' in m['To']]
    assert mails and url in mails[-1].get_body().get_content()
    # the deputy may not fix; the teacher may not close
    testapp.post_json(url + '/@workflow/fix', {}, headers=deputy, status=403)
    testapp.post_json(url + '/@workflow/close', {}, headers=teacher, status=409)
    answer = testapp.post_json(url + '/@workflow/fix', {'comment': 'Заполнил'},
                               headers=teacher).json
    assert answer['state']['id'] == 'fixed'
    testapp.post_json(url + '/@workflow/close', {}, headers=teacher, status=403)
    testapp.post_json(url + '/@workflow/reopen', {'comment': 'Не всё'}, headers=deputy)
    testapp.post_json(url + '/@workflow/fix', {'comment': 'Теперь всё'}, headers=teacher)
    closed = testapp.post_json(url + '/@workflow/close', {}, headers=deputy).json
    assert closed['state']['id'] == 'closed'
    check = testapp.get(url, headers=deputy).json
    assert [h['action'] for h in check['history']] == [None, 'fix', 'reopen', 'fix', 'close']
    assert [h['comments'] for h in check['history']][1:4] == ['Заполнил', 'Не всё',
                                                             'Теперь всё']
    # every step audited
    transaction.abort()
    actions = [e['action'] for e in get_audit_log(root).entries()]
    for step in ('check-open', 'check-fix', 'check-reopen', 'check-close'):
        assert step in actions, step
    # all kept and listed
    listed = testapp.get('/journal/@checks?state=closed', headers=deputy).json['items']
    assert url in [i['@id'] for i in listed]


def test_check_refusals(testapp):
    deputy = bearer(testapp, 'deputy')
    for body in ({}, {'text': ''}, {'text': 'x' * 5000}, {'text': 'ok', 'period': 'zz'}):
        error = testapp.post_json(MATH_5A + '/@checks', body, headers=deputy,
                                  status=400).json['error']
        assert error['fields'], body
    # only deputies and the director write checks (the family does not see the journal)
    for login, status in (('teacher', 403), ('class_teacher', 403), ('admin', 403),
                          ('student', 404), ('parent', 404)):
        testapp.post_json(MATH_5A + '/@checks', {'text': 'x'},
                          headers=bearer(testapp, login), status=status)


def test_check_is_read_by_its_teacher_and_the_direction_only(testapp):
    deputy = bearer(testapp, 'deputy')
    url = testapp.post_json(MATH_5A + '/@checks', {'text': 'Проверка'}, headers=deputy,
                            status=201).json['@id']
    path = url[len('http://localhost'):]
    # hidden (404, as a missing one) from everyone else
    for login, status in (('teacher', 200), ('director', 200), ('deputy', 200),
                          ('class_teacher', 404), ('secretary', 404), ('admin', 404),
                          ('student', 404), ('parent', 404)):
        testapp.reset()
        assert testapp.get(path, headers=bearer(testapp, login),
                           status='*').status_int == status, login
    # the class teacher reads the journal, not the checks written to its teacher
    items = testapp.get(MATH_5A + '/@checks', headers=bearer(testapp, 'class_teacher')).json
    assert items['items'] == []
    testapp.get('/journal/@checks', headers=bearer(testapp, 'teacher'), status=403)


def test_check_screens(as_user, testapp, db_dir):
    deputy = as_user('deputy')
    page = deputy.get(MATH_5A + '/@@checks')
    form = page.forms['write-check']
    form['text'] = ''
    assert form.submit(status=400).html.find(class_='text-danger')
    form['text'] = 'Не выставлены отметки за контрольную'
    check_page = form.submit().follow()
    assert 'Не выставлены отметки за контрольную' in check_page.text
    assert check_page.html.find(class_='check-state').text == 'open'
    assert not check_page.html.find('form', class_='check-step')   # the teacher's move
    assert 'Не выставлены' in deputy.get('/journal/@@checks').text
    url = check_page.request.url
    testapp.reset()
    teacher = as_user('teacher')
    link = teacher.get(MATH_5A).html.find(class_='journal-checks')
    assert link.text.strip() == 'Checks of this journal (open: 2)'   # with the demo's
    start = teacher.get('/@@start')
    assert 'Journal checks' in start.text and url in start.text
    page = teacher.get(url)
    form = page.forms[0] if 'transition' in page.forms[0].fields else page.forms[1]
    form['comment'] = 'Выставил'
    page = form.submit('transition', value='fix').follow()
    assert page.html.find(class_='check-state').text.startswith('fixed')
    assert 'Выставил' in page.text
    assert teacher.get(MATH_5A + '/@@checks').html.find('tr', class_='check-fixed')
    testapp.reset()
    deputy = as_user('deputy')
    assert url in deputy.get('/@@start').text       # answered: waiting for the deputy
    page = deputy.get(url)
    form = [f for f in page.forms.values() if 'transition' in f.fields][0]
    page = form.submit('transition', value='close').follow()
    assert page.html.find(class_='check-state').text == 'closed'
    assert deputy.get('/journal/@@checks?state=closed').html.find('tr', class_='check-closed')


def test_the_demo_holds_an_open_check(testapp):
    check = testapp.get(DEMO_CHECK, headers=bearer(testapp, 'teacher')).json
    assert check['review_state'] == 'open' and check['author'] == 'deputy'
    assert check['teacher'] == 'teacher' and check['journal']['@id'].endswith(MATH_5A)


def test_the_checks_folder_leads_to_the_checks_screen_without_a_loop(testapp, as_user):
    as_user('deputy')
    response = testapp.get('/journal/checks/', status=303)
    assert response.location.endswith('/journal/@@checks')
    assert testapp.get(response.location, status=200)

import datetime

import pytest
import transaction

from conftest import api_token, csrf_token

from ejportal.journal.resources import school_year_start

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
YEAR = '/journal/%d-%d' % (Y, Y + 1)
MATH_5A = YEAR + '/classes/5a/journals/math'
INF_5A_1 = YEAR + '/classes/5a/journals/informatics-1'
INF_5A_2 = YEAR + '/classes/5a/journals/informatics-2'
RUS_5A = YEAR + '/classes/5a/journals/russian'
MATH_7B = YEAR + '/classes/7b/journals/math'


def first_open_lesson(root, path=MATH_5A):
    from pyramid.traversal import find_resource
    journal = find_resource(root, path)
    lesson = [l for l in journal.lessons.values() if l.date <= TODAY][-1]
    student = journal.students(lesson.date, lesson.date)[0]
    return journal, lesson.id, student.__name__


def post_cell(testapp, path, body, status=200):
    return testapp.post_json(path + '/@cell', body, status=status,
                             headers={'X-CSRF-Token': csrf_token(testapp),
                                      'Accept': 'application/json'})


# -- access matrix ---------------------------------------------------------------------
READ = {
    'teacher': {MATH_5A, INF_5A_1, MATH_7B},
    'class_teacher': {MATH_5A, INF_5A_1, INF_5A_2, RUS_5A},
    'deputy': {MATH_5A, INF_5A_1, INF_5A_2, RUS_5A, MATH_7B},
    'director': {MATH_5A, INF_5A_1, INF_5A_2, RUS_5A, MATH_7B},
    'admin': {MATH_5A, INF_5A_1, INF_5A_2, RUS_5A, MATH_7B},
    'secretary': set(), 'psychologist': set(), 'student': set(), 'parent': set(),
}
EDIT = {'teacher': {MATH_5A, INF_5A_1, MATH_7B}, 'class_teacher': {RUS_5A}}
ALL = {MATH_5A, INF_5A_1, INF_5A_2, RUS_5A, MATH_7B}


@pytest.mark.parametrize('user', sorted(READ))
def test_access_matrix(as_user, user):
    app = as_user(user)
    for path in sorted(ALL):
        expected = path in READ[user]
        response = app.get(path, status='*')
        assert (response.status_int == 200) is expected, (user, path, response.status)
        column = app.get(path + '/@@column', status='*')
        assert (column.status_int == 200) is (path in EDIT.get(user, set())), (user, path)
    listed = app.get('/@journals', headers={'Accept': 'application/json'}, status='*')
    if user in ('student', 'parent'):
        assert listed.status_int == 403
    else:
        ids = {item['@id'].replace('http://localhost', '') for item in listed.json['items']}
        assert ids == READ[user]
        for item in listed.json['items']:
            path = item['@id'].replace('http://localhost', '')
            assert item['can_edit'] is (path in EDIT.get(user, set()))


def test_students_and_parents_never_reach_the_journal(as_user):
    for user in ('student', 'parent'):
        app = as_user(user)
        # hidden, as if not there
        assert app.get('/journal', status='*').status_int == 404
        assert app.get(MATH_5A, headers={'Accept': 'application/json'}, status=404)
        app.reset()


# -- grid page -------------------------------------------------------------------------
def test_grid_page_shows_students_lessons_average_and_inputs(as_user):
    page = as_user('teacher').get(MATH_5A)
    grid = page.html.find('table', id='journal-grid')
    names = [th.text.strip() for th in grid.find('tbody').find_all('th')]
    assert names == sorted(names) and 'Иванов Д.С.' in names
    assert grid.find('input', class_='c') is not None
    assert grid.find('tr', class_='topics').find('span', class_='t').text.strip()
    avg = grid.find('td', class_='avg', title=True)
    assert avg is not None and '×' in avg['title'] and '=' in avg['title']
    assert 'journal.js' in page.text


def test_class_teacher_reads_but_cannot_type_in_other_teachers_journal(as_user):
    page = as_user('class_teacher').get(MATH_5A)
    assert page.html.find('input', class_='c') is None
    assert page.html.find('a', class_='v') is not None


def test_periods_switch(as_user):
    app = as_user('deputy')
    page = app.get(MATH_5A + '?period=q1')
    assert 'I четверть' in page.html.find('th', class_='pm').text


# -- JSON API --------------------------------------------------------------------------
def test_journal_json_shapes(as_user):
    app = as_user('teacher')
    data = app.get(MATH_5A + '?period=q1', headers={'Accept': 'application/json'}).json
    assert data['period']['id'] == 'q1'
    assert data['subject']['id'] == 'math' and data['class']['id'] == '5a'
    assert data['can_edit'] is True
    assert {'id', 'name'} <= set(data['students'][0])
    lesson = data['lessons'][0]
    assert {'id', 'date', 'number', 'topic', 'lesson_type', 'homework'} <= set(lesson)
    cell = data['cells'][0]
    assert {'student', 'lesson', 'marks', 'attendance', 'comment'} <= set(cell)
    for mark in cell['marks']:
        assert {'value', 'kind', 'weight'} <= set(mark)
    sid = data['students'][0]['id']
    assert 'formula' in data['averages'][sid]
    assert sid in data['period_marks']


def test_cell_save_with_csrf_header_and_audit(as_user, root):
    journal, lesson, student = first_open_lesson(root)
    app = as_user('teacher')
    body = {'student': student, 'lesson': lesson,
            'marks': [{'value': '5', 'kind': 'test'}, '4'], 'attendance': 'оп',
            'comment': 'молодец'}
    result = post_cell(app, MATH_5A, body).json
    assert result['marks'] == [{'value': '5', 'kind': 'test', 'weight': 2,
                                'kind_title': 'контрольная работа'},
                               {'value': '4', 'kind': 'answer', 'weight': 1,
                                'kind_title': 'за ответ'}]
    assert result['attendance'] == 'оп' and result['comment'] == 'молодец'
    assert result['text'] == 'оп 5 4'
    transaction.abort()  # see the committed state
    entries = root.audit_log.search(action='cell', path_prefix=MATH_5A, limit=1)
    entry = entries[0]
    assert entry['userid'] == 'teacher' and entry['address'] == '10.0.0.1'
    assert entry['details']['new']['marks'] == ['5:test', '4']
    # typed text, as the grid sends it
    result = post_cell(app, MATH_5A, {'student': student, 'lesson': lesson, 'text': 'н'}).json
    assert result['attendance'] == 'н' and result['marks'] == []
    # the reload shows it
    data = app.get(MATH_5A, headers={'Accept': 'application/json'}).json
    assert result['lesson'] in [l['id'] for l in data['lessons']] or True


def test_cell_save_refuses_values_outside_the_scale(as_user, root):
    journal, lesson, student = first_open_lesson(root)
    app = as_user('teacher')
    for body in ({'marks': ['6']}, {'marks': ['5'], 'attendance': 'x'},
                 {'marks': [{'value': '5', 'kind': 'bogus'}]}, {'text': '7'}):
        response = post_cell(app, MATH_5A, dict(body, student=student, lesson=lesson),
                             status=400)
        assert response.json['error']['type'] == 'BadRequest'
    post_cell(app, MATH_5A, {'student': 'nobody', 'lesson': lesson, 'marks': []}, status=400)
    post_cell(app, MATH_5A, {'student': student, 'lesson': 'nope', 'marks': []}, status=400)


def test_cell_save_needs_the_right(as_user, testapp, root):
    journal, lesson, student = first_open_lesson(root)
    for user in ('class_teacher', 'deputy'):
        testapp.reset()
        app = as_user(user)
        response = post_cell(app, MATH_5A, {'student': student, 'lesson': lesson,
                                            'marks': ['5']}, status=403)
        assert response.json['error']['type'] == 'Forbidden'


def test_cell_save_without_csrf_is_refused(as_user, root):
    journal, lesson, student = first_open_lesson(root)
    app = as_user('teacher')
    app.post_json(MATH_5A + '/@cell', {'student': student, 'lesson': lesson, 'marks': ['5']},
                  status=400)


def test_bearer_token_api(testapp, root):
    journal, lesson, student = first_open_lesson(root)
    token = api_token(testapp, 'teacher')
    headers = {'Authorization': 'Bearer ' + token, 'Accept': 'application/json'}
    items = testapp.get('/@journals', headers=headers).json['items']
    assert len(items) == 3
    testapp.post_json(MATH_5A + '/@cell', {'student': student, 'lesson': lesson,
                                           'marks': ['3']}, headers=headers)


# -- closed periods and corrections ----------------------------------------------------
def close_q1(root):
    from pyramid.traversal import find_resource
    year = find_resource(root, YEAR)
    year.close_period('q1')
    transaction.commit()
    journal = find_resource(root, MATH_5A)
    lesson = journal.lessons_of(year.period('q1'))[0]
    return journal, lesson.id, journal.students()[0].__name__


def test_closed_period_answers_409_and_correction_is_approved(as_user, testapp, root):
    journal, lesson, student = close_q1(root)
    app = as_user('teacher')
    response = post_cell(app, MATH_5A, {'student': student, 'lesson': lesson,
                                        'marks': ['2']}, status=409)
    assert response.json['error']['type'] == 'PeriodClosed'
    assert response.json['error']['correction'].endswith(MATH_5A + '/@correction')
    result = app.post_json(MATH_5A + '/@correction',
                           {'student': student, 'lesson': lesson, 'marks': ['2'],
                            'reason': 'ошибка ввода'},
                           headers={'X-CSRF-Token': csrf_token(app)}, status=201).json
    assert result['state'] == 'pending'
    # the grid of the closed period has no inputs
    assert app.get(MATH_5A + '?period=q1').html.find('input', class_='c') is None
    testapp.reset()
    deputy = as_user('deputy')
    page = deputy.get('/journal/@@corrections')
    assert 'ошибка ввода' in page.text
    form = [f for f in page.forms.values() if 'approve' in f.fields][0]
    asked = form.submit('approve')   # the page asks first, then says what it did
    done = [f for f in asked.forms.values() if 'approve' in f.fields][0].submit(
        'confirmed').follow()
    assert 'Correction approved' in done.text
    transaction.abort()
    assert journal.cell(student, lesson)['marks'][0][0] == '2'
    history = deputy.get(MATH_5A + '/@@history', params={'student': student,
                                                         'lesson': lesson})
    assert history.status_int == 200
    assert 'ошибка ввода' in history.text
    # the request's state in the reader's words, its author by name (not codes)
    listed = history.html.find('li', string=lambda t: t and 'ошибка ввода' in t).text
    assert 'approved' in listed and '(teacher)' not in listed, listed


def test_teacher_cannot_close_periods_or_decide(as_user):
    app = as_user('teacher')
    assert app.get(YEAR + '/@@periods', status='*').status_int == 403
    assert app.get('/journal/@@corrections', status='*').status_int == 403


def test_deputy_closes_a_period(as_user, root):
    app = as_user('deputy')
    page = app.get(YEAR + '/@@periods')
    form = [f for f in page.forms.values() if 'period' in f.fields and f['period'].value == 'q2'][0]
    asked = form.submit('close')
    assert 'Close "' in asked.text   # the page asks first
    [f for f in asked.forms.values() if 'period' in f.fields][0].submit('confirmed').follow()
    transaction.abort()
    from pyramid.traversal import find_resource
    assert find_resource(root, YEAR).is_closed('q2')


# -- the form without JavaScript -------------------------------------------------------
def test_column_form_adds_a_lesson_with_marks(as_user, root):
    from pyramid.traversal import find_resource
    app = as_user('teacher')
    year = find_resource(root, YEAR)
    day = year.current_period().start
    page = app.get(MATH_5A + '/@@column')
    form = [f for f in page.forms.values() if 'topic' in f.fields][0]
    form['date'] = day.isoformat()
    form['number'] = '8'
    form['topic'] = 'Повторение'
    form['homework'] = '№ 1–5'
    cells = [name for name in form.fields if name and name.startswith('cell-')]
    form[cells[0]] = '5'
    form[cells[1]] = 'н'
    form[cells[2]] = '9'  # invalid: nothing is saved
    response = form.submit(status=400)
    transaction.abort()
    assert '%s-8' % day.isoformat() not in find_resource(root, MATH_5A).lessons
    form = [f for f in response.forms.values() if 'topic' in f.fields][0]
    form[cells[2]] = '4'
    form.submit().follow()
    transaction.abort()
    journal = find_resource(root, MATH_5A)
    lesson = journal.lessons['%s-8' % day.isoformat()]
    assert lesson.topic == 'Повторение'
    assert journal.cell(cells[0][5:], lesson.id)['marks'][0][0] == '5'
    assert journal.cell(cells[1][5:], lesson.id)['attendance'] == 'н'
    assert root.audit_log.search(action='lesson-add', path_prefix=MATH_5A, limit=1)


def test_period_marks_form_and_api(as_user, root):
    app = as_user('teacher')
    data = app.get(MATH_5A, headers={'Accept': 'application/json'}).json
    sid, period = data['students'][0]['id'], data['period']['id']
    app.post_json(MATH_5A + '/@period-mark', {'student': sid, 'period': period, 'value': '4'},
                  headers={'X-CSRF-Token': csrf_token(app)})
    app.post_json(MATH_5A + '/@period-mark', {'student': sid, 'period': period, 'value': '8'},
                  headers={'X-CSRF-Token': csrf_token(app)}, status=400)
    data = app.get(MATH_5A, headers={'Accept': 'application/json'}).json
    assert data['period_marks'][sid] == '4'
    page = app.get(MATH_5A)
    form = page.forms['period-marks-form']
    params = {'csrf_token': form['csrf_token'].value, 'period': period, 'pm-' + sid: '5'}
    app.post(MATH_5A + '/@@period-marks', params).follow()
    transaction.abort()
    from pyramid.traversal import find_resource
    assert find_resource(root, MATH_5A).period_mark(sid, period) == '5'


def test_school_page_lists_own_journals(as_user):
    page = as_user('teacher').get('/journal')
    links = [a.text for a in page.html.select('ul.journal-list a')]
    assert sorted(links) == ['Информатика (1)', 'Математика', 'Математика']


def test_plan_import_preview_then_save(as_user, root):
    from webtest import Upload
    app = as_user('teacher')
    page = app.get(MATH_5A + '/@@plan')
    form = [f for f in page.forms.values() if 'file' in f.fields][0]
    form['file'] = Upload('plan.csv', '№;Тема;Часы\n1;Дроби;1\nx;Плохо;1\n'.encode())
    bad = form.submit('upload', status=400)
    assert 'Row' in bad.text or 'Строка' in bad.text
    form = [f for f in bad.forms.values() if 'file' in f.fields][0]
    form['file'] = Upload('plan.csv', '№;Тема;Часы\n1;Дроби;1\n2;Проценты;2\n'.encode())
    preview = form.submit('upload')
    assert 'Проценты' in preview.text
    transaction.abort()
    from pyramid.traversal import find_resource
    assert find_resource(root, MATH_5A).plan == ()
    save = [f for f in preview.forms.values() if 'payload' in f.fields][0]
    save.submit('save').follow()
    transaction.abort()
    assert [i['topic'] for i in find_resource(root, MATH_5A).plan] == ['Дроби', 'Проценты']
    # the next new lesson takes its topic from the plan
    column = app.get(MATH_5A + '/@@column')
    assert 'placeholder="Дроби"' in column.text
    # a class teacher may read the plan but not import
    app.reset()
    reader = as_user('class_teacher')
    assert reader.get(MATH_5A + '/@@plan').html.find('input', type='file') is None


def test_period_marks_screen_and_year_marks(as_user, root):
    app = as_user('teacher')
    page = app.get(MATH_5A + '/@@period-marks')
    assert 'I четверть' in page.text and 'IV четверть' in page.text
    transaction.begin()
    from pyramid.traversal import find_resource
    journal = find_resource(root, MATH_5A)
    sid = journal.students()[0].__name__
    form = page.forms['year-marks']
    form['pm-' + sid] = '4'
    response = form.submit(status=303)
    assert response.location.endswith('/period-marks')
    transaction.begin()
    assert journal.period_mark(sid, 'year') == '4'
    form = app.get(MATH_5A + '/@@period-marks').forms['year-marks']
    form['pm-' + sid] = '8'
    form.submit(status=303).follow()
    transaction.begin()
    assert journal.period_mark(sid, 'year') == '4'
    # a class teacher reads the screen but has no inputs; a student never reaches it
    other = as_user('class_teacher').get(MATH_5A + '/@@period-marks')
    assert 'name="pm-' not in other.text
    assert as_user('student').get(MATH_5A + '/@@period-marks', status=404)   # hidden


PNG = (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00'
       b'\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N'
       b'\x00\x00\x00\x00IEND\xaeB`\x82')


def column_form(page):
    return [f for f in page.forms.values() if 'topic' in f.fields][0]


def test_lesson_form_ict_homework_due_and_files(as_user, root):
    app = as_user('teacher')
    transaction.begin()
    journal, lesson_id, _sid = first_open_lesson(root)
    form = app.get(MATH_5A + '/@@column?lesson=' + lesson_id)
    form = column_form(form)
    form['lesson_type'] = 'lab'
    form['homework'] = '№ 12, 14'
    form['homework_due'] = (TODAY + datetime.timedelta(days=3)).isoformat()
    form.set('ict', True, index=0)
    form.set('ict', True, index=2)
    form['homework_files'] = [('task.png', PNG)]
    form.submit(status=303)
    transaction.begin()
    lesson = journal.lessons[lesson_id]
    assert lesson.lesson_type == 'lab' and lesson.ict == ('board', 'projector')
    assert lesson.homework == '№ 12, 14' and lesson.homework_due == TODAY + datetime.timedelta(days=3)
    assert [f['name'] for f in lesson.files] == ['task.png']
    from ejportal.core.audit import get_audit_log
    actions = [e['action'] for e in get_audit_log(root).entries() if e['path'] == MATH_5A]
    assert 'lesson-edit' in actions and 'lesson-files' in actions
    download = as_user('class_teacher').get(MATH_5A + '/@@homework-file',
                                            {'lesson': lesson_id, 'name': 'task.png'})
    assert download.body == PNG and download.content_type == 'image/png'
    assert 'attachment' in download.headers['Content-Disposition']
    as_user('student').get(MATH_5A + '/@@homework-file',
                           {'lesson': lesson_id, 'name': 'task.png'}, status=404)   # hidden
    # a file that is not what it claims to be is refused with the form's error; nothing saved
    app = as_user('teacher')
    form = app.get(MATH_5A + '/@@column?lesson=' + lesson_id)
    form = column_form(form)
    form['homework_files'] = [('evil.pdf', b'#!/bin/sh\necho hi\n')]
    page = form.submit(status=400)
    assert 'text-danger' in page.text
    # removing the file
    form = app.get(MATH_5A + '/@@column?lesson=' + lesson_id)
    form = column_form(form)
    form['remove_file'] = 'task.png'
    form.submit(status=303)
    transaction.begin()
    assert journal.lessons[lesson_id].files == ()


def test_deputy_and_director_comment_on_a_journal(as_user, root):
    app = as_user('deputy')
    page = app.get(MATH_5A)
    form = [f for f in page.forms.values() if f.action.endswith('/comment')][0]
    form['text'] = 'Заполните темы уроков за неделю.'
    form.submit(status=303)
    teacher_page = as_user('teacher').get(MATH_5A)
    assert 'Заполните темы уроков за неделю.' in teacher_page.text
    assert not [f for f in teacher_page.forms.values() if f.action.endswith('/comment')]
    app = as_user('director')
    response = app.post_json(MATH_5A + '/@comment', {'text': 'Проверено.'}, status=201,
                             headers={'X-CSRF-Token': csrf_token(app),
                                      'Accept': 'application/json'})
    assert response.json['userid'] == 'director'
    app.post_json(MATH_5A + '/@comment', {'text': '  '}, status=400,
                  headers={'X-CSRF-Token': csrf_token(app), 'Accept': 'application/json'})
    app = as_user('teacher')
    app.post_json(MATH_5A + '/@comment', {'text': 'Сам себе'}, status=403,
                  headers={'X-CSRF-Token': csrf_token(app), 'Accept': 'application/json'})
    shown = as_user('class_teacher').get(MATH_5A, headers={'Accept': 'application/json'}).json
    assert [c['text'] for c in shown['comments']] == ['Заполните темы уроков за неделю.',
                                                       'Проверено.']
    transaction.begin()
    from ejportal.core.audit import get_audit_log
    assert sum(1 for e in get_audit_log(root).entries()
               if e['path'] == MATH_5A and e['action'] == 'journal-comment') == 2

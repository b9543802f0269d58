"""Each change of the journal is one action that the HTML form and the JSON endpoint both
call: the subgroup split, the lesson plan import's save step, a lesson's fields. The
journal's refusals are kinds of ``core.errors.UserError``, rendered from the error alone."""
import json

import pytest
import transaction
from pyramid.traversal import find_resource
from webtest import Upload

from conftest import csrf_token
from test_journal import INF_5A_1 as INFORMATICS_1, MATH_5A, YEAR, Y

from ejportal.core.errors import Conflict, Invalid

C5A = YEAR + '/classes/5a'


def send(app, path, body, status):
    return app.post_json(path, body, status=status, headers={
        'X-CSRF-Token': csrf_token(app), 'Accept': 'application/json'})


def school_day(root, period_id='q2'):
    journal = find_resource(root, MATH_5A)
    period = journal.period(period_id)
    return next(journal.year.school_days(journal.grade, period.start, period.end))


# -- the subgroup split ------------------------------------------------------------------------
def test_a_teacher_splits_only_the_subject_of_their_own_journal(as_user, testapp, root):
    teacher = as_user('teacher')
    for body in ({'subject': 'russian', 'create': '9'},
                 {'subject': 'russian', 'groups': {'1': []}}):
        error = send(teacher, MATH_5A + '/@subgroups', body, 403).json['error']
        assert error['type'] == 'Forbidden' and 'subject' in error['fields']
    transaction.begin()
    school_class = find_resource(root, C5A)
    assert 'russian-9' not in school_class['journals']
    assert 'russian' not in school_class.subgroups
    # the journal's form is locked to its subject, and goes through the same action
    page = teacher.get(INFORMATICS_1 + '/@@subgroups?subject=russian')
    form = [f for f in page.forms.values() if 'new_group' in f.fields][0]
    form['new_group'] = 'три!'
    refused = form.submit('add_group', status=400)
    api = send(teacher, INFORMATICS_1 + '/@subgroups', {'create': 'три!'}, 400).json['error']
    assert api['fields']['create'] in refused.html.find(class_='invalid-feedback').text
    # whoever may manage the school may split any subject from any journal
    testapp.reset()
    admin = as_user('admin')
    send(admin, MATH_5A + '/@subgroups', {'subject': 'russian', 'create': '9'}, 201)
    transaction.begin()
    assert 'russian-9' in school_class['journals']


def test_a_split_keeps_its_counts_sane(as_user, root):
    school_class = find_resource(root, C5A)
    sid = school_class.current_students()[0].__name__
    app = as_user('class_teacher')
    for groups in ({'1': [sid, sid]}, {'1': [sid], '2': [sid]}, {'1': ['s99999']},
                   {'1': 's0001'}, {'7': [sid]}):
        error = send(app, C5A + '/@subgroups', {'subject': 'informatics', 'groups': groups},
                     400).json['error']
        assert 'groups' in error['fields'], groups
    transaction.begin()
    assert school_class.subgroups['informatics']['1'].count(sid) <= 1
    for name in range(3, 11):
        send(app, C5A + '/@subgroups', {'subject': 'informatics', 'create': str(name)}, 201)
    error = send(app, C5A + '/@subgroups', {'subject': 'informatics', 'create': '11'},
                 400).json['error']
    # the split screen refuses the same with the same message
    page = app.get(C5A + '/@@subgroups?subject=informatics')
    form = [f for f in page.forms.values() if 'new_group' in f.fields][0]
    form['new_group'] = '11'
    refused = form.submit('add_group', status=400)
    assert error['fields']['create'] == refused.html.find(class_='invalid-feedback').text
    transaction.begin()
    assert 'informatics-11' not in school_class['journals']


# -- the lesson plan import's save step ------------------------------------------------------
# The first row's topic is an object: a lesson added without a topic would take it.
BAD_ROWS = [{'number': 1, 'topic': {'text': 'Дроби'}, 'hours': 1, 'section': ''},
            {'number': 2, 'topic': 'Проценты', 'hours': 'abc', 'section': ''},
            {'number': 3, 'topic': 'Углы', 'hours': 1, 'section': ['Геометрия']}]


def week_pages_answer(testapp, as_user, root):
    """A lesson added without a topic (it takes the plan's), then the week page of every
    student of the class."""
    day = school_day(root)
    testapp.reset()
    teacher = as_user('teacher')
    send(teacher, MATH_5A + '/@lessons', {'date': day.isoformat(), 'number': 8}, 201)
    testapp.reset()
    reader = as_user('class_teacher')
    transaction.begin()
    for student in find_resource(root, C5A).current_students():
        reader.get('/journal/students/%s/@@diary?week=%s' % (student.__name__, day),
                   status=200)


def test_the_plan_import_checks_every_row_it_saves_through_the_api(as_user, testapp, root):
    app = as_user('teacher')
    error = send(app, MATH_5A + '/@plan', {'rows': BAD_ROWS}, 400).json['error']
    assert set(error['fields']) == {'rows.0.topic', 'rows.1.hours', 'rows.2.section'}
    assert error['fields']['rows.1.hours'] == 'Hours must be a whole number from 1 to 10.'
    # field messages are read in the user's language, as the form shows them
    testapp.set_cookie('ejportal_lang', 'ru')
    error = send(app, MATH_5A + '/@plan', {'rows': BAD_ROWS}, 400).json['error']
    assert error['fields']['rows.1.hours'] == 'Количество часов — целое число от 1 до 10.'
    testapp.set_cookie('ejportal_lang', 'en')
    repeated = [dict(BAD_ROWS[1], hours=1), dict(BAD_ROWS[1], hours=1)]
    error = send(app, MATH_5A + '/@plan', {'rows': repeated}, 400).json['error']
    assert error['fields'] == {'rows.1.number': 'This lesson number is used twice.'}
    for body in ({'rows': 'Дроби'}, {'rows': []}, {}):
        assert 'rows' in send(app, MATH_5A + '/@plan', body, 400).json['error']['fields']
    transaction.begin()
    assert find_resource(root, MATH_5A).plan == ()
    week_pages_answer(testapp, as_user, root)
    # good rows are stored, in the order of their numbers
    testapp.reset()
    app = as_user('teacher')
    rows = [{'number': 2, 'topic': ' Проценты ', 'hours': '2'}, {'number': 1, 'topic': 'Дроби'}]
    items = send(app, MATH_5A + '/@plan', {'rows': rows}, 200).json['items']
    assert items == [{'number': 1, 'topic': 'Дроби', 'hours': 1, 'section': ''},
                     {'number': 2, 'topic': 'Проценты', 'hours': 2, 'section': ''}]
    testapp.reset()
    reader = as_user('class_teacher')
    send(reader, MATH_5A + '/@plan', {'rows': rows}, 403)


def test_the_plan_import_checks_every_row_it_saves_through_the_form(as_user, testapp, root):
    app = as_user('teacher')
    page = app.get(MATH_5A + '/@@plan')
    form = [f for f in page.forms.values() if 'file' in f.fields][0]
    form['file'] = Upload('plan.csv', '№;Тема;Часы\n1;Дроби;1\n2;Проценты;2\n'.encode())
    preview = form.submit('upload')
    save = [f for f in preview.forms.values() if 'payload' in f.fields][0]
    # what the preview showed comes back; a tampered payload is checked row by row
    for payload, field in ((json.dumps(BAD_ROWS), 'rows.1.hours'), ('not json', 'rows'),
                           (json.dumps({'rows': BAD_ROWS}), 'rows')):
        save['payload'] = payload
        refused = save.submit('save', status=400)
        assert field + ':' in refused.html.find(class_='alert-danger').text, payload
    transaction.begin()
    assert find_resource(root, MATH_5A).plan == ()
    week_pages_answer(testapp, as_user, root)


# -- a lesson: the column form and @lessons / @lesson ----------------------------------------
def refused_by_the_api(app, path, body):
    return send(app, path, body, '4*').json['error']['fields']


def refused_by_the_form(app, lesson, fields):
    params = [('csrf_token', csrf_token(app))]
    for name, value in fields.items():
        for item in (value if isinstance(value, list) else [value]):
            params.append((name, item))
    query = '?lesson=' + lesson if lesson else ''
    page = app.post(MATH_5A + '/@@column' + query, params, status='4*')
    return {tag['id'][:-len('-error')]: tag.text for tag in page.html.select('[id$="-error"]')}


def new_lesson_cases(day):
    return [
        ({'lesson_type': 'party'}, 'lesson_type'),
        ({'number': '13'}, 'number'),
        ({'number': 'x'}, 'number'),
        ({'date': ''}, 'date'),
        ({'date': 'tomorrow'}, 'date'),
        ({'date': '%d-07-01' % (Y + 1)}, 'date'),
        ({'ict': ['tv']}, 'ict'),
        ({'topic': 'x' * 501}, 'topic'),
        ({'homework': 'x' * 2001}, 'homework'),
        ({'homework_due': 'soon'}, 'homework_due'),
        ({'planned': '99'}, 'planned'),
        ({'note': 'a\x01b'}, 'note'),
    ]


def test_a_lesson_is_refused_alike_by_the_form_and_the_api(as_user, root):
    day = school_day(root).isoformat()
    app = as_user('teacher')
    form_base = {'date': day, 'number': '8', 'lesson_type': 'lesson', 'topic': '',
                 'homework': '', 'homework_due': '', 'note': ''}
    for change, field in new_lesson_cases(day):
        api = refused_by_the_api(app, MATH_5A + '/@lessons',
                                 dict({'date': day, 'number': 8}, **change))
        form = refused_by_the_form(app, None, dict(form_base, **change))
        assert field in api and api[field] == form.get(field), (change, api, form)
    # an existing lesson: the same rules for the fields that change
    transaction.begin()
    lesson = find_resource(root, MATH_5A).lessons_of(
        find_resource(root, MATH_5A).period('q2'))[0]
    for change, field in (({'lesson_type': 'party'}, 'lesson_type'),
                          ({'topic': 'x' * 501}, 'topic'), ({'ict': ['tv']}, 'ict')):
        api = refused_by_the_api(app, MATH_5A + '/@lesson', dict({'lesson': lesson.id},
                                                                   **change))
        form = refused_by_the_form(app, lesson.id, dict(
            {'lesson_type': 'lesson', 'topic': '', 'homework': ''}, **change))
        assert api[field] == form.get(field), (change, api, form)
    transaction.begin()
    assert day + '-8' not in find_resource(root, MATH_5A).lessons


def test_a_lesson_of_a_closed_period_is_refused_alike(as_user, root):
    journal = find_resource(root, MATH_5A)
    journal.year.close_period('q1')
    transaction.commit()
    day = school_day(root, 'q1').isoformat()
    app = as_user('teacher')
    api = send(app, MATH_5A + '/@lessons', {'date': day, 'number': 8}, 409).json['error']
    assert api['type'] == 'PeriodClosed'
    page = app.post(MATH_5A + '/@@column', {
        'csrf_token': csrf_token(app), 'date': day, 'number': '8', 'lesson_type': 'lesson'},
        status=409)
    assert page.html.find(class_='alert-danger').text.strip() == api['message']


def test_the_form_saves_what_the_api_saves(as_user, root):
    day = school_day(root).isoformat()
    app = as_user('teacher')
    page = app.get(MATH_5A + '/@@column')
    form = [f for f in page.forms.values() if 'topic' in f.fields][0]
    form['date'], form['number'] = day, '9'
    form['topic'], form['note'] = '  Дроби  ', 'каб. 12'
    form.submit(status=303)
    made = send(app, MATH_5A + '/@lessons', {'date': day, 'number': 10, 'topic': '  Дроби  ',
                                             'note': 'каб. 12'}, 201).json
    transaction.begin()
    lessons = find_resource(root, MATH_5A).lessons
    by_form, by_api = lessons[day + '-9'], lessons[made['id']]
    assert by_form.as_dict().keys() == by_api.as_dict().keys()
    for name in ('topic', 'lesson_type', 'ict', 'homework', 'homework_due', 'note', 'planned'):
        assert getattr(by_form, name) == getattr(by_api, name), name
    assert by_form.topic == 'Дроби'


# -- the journal's refusals are user errors ------------------------------------------------
def test_the_journals_refusals_are_kinds_of_user_error(root):
    from ejportal.journal.grading import parse_cell_text
    from ejportal.journal.plan import parse_plan
    from ejportal.journal.resources import PeriodClosed
    period = find_resource(root, MATH_5A).period('q1')
    closed = PeriodClosed(period)
    assert isinstance(closed, Conflict) and closed.status == 409
    assert closed.error_type == 'PeriodClosed' and closed.period is period
    assert period.title in str(closed)
    with pytest.raises(Invalid) as grading:
        parse_cell_text('6')
    assert grading.value.status == 400 and grading.value.fields == {
        'marks': grading.value.message}
    with pytest.raises(Invalid) as plan:
        parse_plan('№,Тема,Часы\n1,Дроби,1\nx,Ошибка,1\n'.encode(), 'x.csv')
    assert plan.value.status == 400 and list(plan.value.fields) == ['file.3']

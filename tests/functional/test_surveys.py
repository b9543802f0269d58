"""Satisfaction surveys: the screens and endpoints with their access per role, one answer
per person (form and API), anonymity over the stored objects and the audit log, the result
figures against hand-computed ones, the SVG charts and the XLSX export, copying a run and
comparing two runs, and the evolve step that adds the section."""
import datetime
import io
import re

import openpyxl
import pytest
from lxml import etree

from conftest import api_token, csrf_token

DEMO = '/surveys/satisfaction-q1'
MANAGERS = ('psychologist', 'director', 'deputy')
READERS = MANAGERS + ('admin',)


def bearer(testapp, login_name):
    return {'Authorization': 'Bearer ' + api_token(testapp, login_name),
            'Accept': 'application/json'}


def new_survey(testapp, login_name='psychologist', **fields):
    body = {'title': 'Staff survey', 'audience': ['staff'], 'anonymous': True,
            'questions': [
                {'title': 'Pick one', 'kind': 'single', 'required': True,
                 'options': ['Red', 'Green', 'Blue']},
                {'title': 'Pick many', 'kind': 'multiple', 'required': False,
                 'options': ['A', 'B', 'C']},
                {'title': 'Rate it', 'kind': 'scale', 'required': True},
                {'title': 'Say it', 'kind': 'text', 'required': False}]}
    body.update(fields)
    response = testapp.post_json('/surveys', body, headers=bearer(testapp, login_name),
                                 status=201)
    return response.json


def open_survey(testapp, path, login_name='psychologist'):
    testapp.post_json(path + '/@workflow/open', {}, headers=bearer(testapp, login_name))


def answer(testapp, login_name, path, answers, status=201):
    return testapp.post_json(path + '/@answer', {'answers': answers},
                             headers=bearer(testapp, login_name), status=status)


def test_the_demo_survey_is_open_for_the_parent_of_5a(testapp):
    listing = testapp.get('/surveys', headers=bearer(testapp, 'parent')).json
    assert [item['id'] for item in listing['items']] == ['satisfaction-q1']
    survey = testapp.get(DEMO, headers=bearer(testapp, 'parent')).json
    assert [q['kind'] for q in survey['questions']] == ['single', 'multiple', 'scale', 'text']
    assert survey['questions'][0]['options'][0] == {'id': 'o1', 'title': 'Положительно'}
    assert survey['questions'][0]['required'] is True
    assert survey['anonymous'] is True and survey['answered'] is False
    # not meant for the student nor the teacher
    assert testapp.get('/surveys', headers=bearer(testapp, 'student')).json['items'] == []
    testapp.get(DEMO, headers=bearer(testapp, 'teacher'), status=403)


def test_the_parent_answers_once_through_the_form(testapp, as_user):
    as_user('parent')
    start = testapp.get('/@@start')
    assert 'satisfaction-q1' in start.text
    page = testapp.get(DEMO)
    form = page.forms[1] if len(page.forms) > 1 else page.forms[0]
    form = next(f for f in page.forms.values() if f.action.endswith('@@answer'))
    form['q1'] = 'o3'
    form['q2'] = ['o1', 'o4']
    form['q3'] = '2'
    form['q4'] = 'Больше заданий в дневнике'
    response = form.submit(status=303)
    assert 'You have answered this survey' in response.follow().text
    assert 'satisfaction-q1' not in testapp.get('/@@start').text
    # again, by the form and by the API: refused, nothing stored
    again = testapp.post(DEMO + '/@@answer', {'csrf_token': csrf_token(testapp), 'q1': 'o1',
                                              'q3': '5'}, status=409)
    assert 'already' in again.text
    answer(testapp, 'parent', DEMO, {'q1': 'o1', 'q3': 5}, status=409)
    results = testapp.get(DEMO + '/@results', headers=bearer(testapp, 'psychologist')).json
    assert results['responses'] == 4   # three paper forms and the parent's


def test_the_form_shows_what_is_missing(testapp, as_user):
    as_user('parent')
    response = testapp.post(DEMO + '/@@answer', {'csrf_token': csrf_token(testapp),
                                                 'q2': 'o9'}, status=400)
    assert response.text.count('Required') >= 2 and 'Choose from the list' in response.text
    assert not testapp.get(DEMO + '/@results',
                           headers=bearer(testapp, 'director')).json['responses'] == 4


def test_the_api_names_bad_fields(testapp):
    headers = bearer(testapp, 'parent')
    bad = testapp.post_json(DEMO + '/@answer', {'answers': {
        'q1': 'o9', 'q2': 'o1', 'q3': 6, 'q4': 7, 'q99': 'x'}}, headers=headers, status=400)
    assert set(bad.json['error']['fields']) == {'q1', 'q2', 'q3', 'q4', 'q99'}
    assert testapp.post_json(DEMO + '/@answer', {'answers': {'q3': True, 'q1': 'o1'}},
                             headers=headers, status=400).json['error']['fields'] == {
        'q3': 'A number from 1 to 5.'}
    testapp.post_json(DEMO + '/@answer', {'answers': []}, headers=headers, status=400)
    testapp.post_json(DEMO + '/@answer', [1], headers=headers, status=400)
    ok = answer(testapp, 'parent', DEMO, {'q1': 'o2', 'q3': 4})
    assert ok.json == {'answered': True, 'responses': 4}
    answer(testapp, 'parent', DEMO, {'q1': 'o2', 'q3': 4}, status=409)


@pytest.mark.parametrize('login_name', ['student', 'teacher', 'psychologist', 'admin',
                                        'class_teacher'])
def test_only_the_audience_answers(testapp, login_name):
    answer(testapp, login_name, DEMO, {'q1': 'o1', 'q3': 5}, status=403)


def test_results_against_hand_computed_figures(testapp):
    """The demo's three paper forms: q1 o1 o2 o1; q2 {o1,o2} {o1} {o1,o2,o3}; q3 5 4 3."""
    data = testapp.get(DEMO + '/@results', headers=bearer(testapp, 'psychologist')).json
    assert data['responses'] == 3
    q1, q2, q3, q4 = data['questions']
    assert [(o['count'], o['percent']) for o in q1['options']] == [
        (2, 66.7), (1, 33.3), (0, 0.0), (0, 0.0)]
    assert [(o['count'], o['percent']) for o in q2['options']] == [
        (3, 100.0), (2, 66.7), (1, 33.3), (0, 0.0)]
    assert q3['average'] == 4.0
    assert [d['count'] for d in q3['distribution']] == [0, 0, 1, 1, 1]
    assert q4['texts'] == ['Удобно, спасибо.', 'Хотелось бы уведомления об оценках на телефон.']
    assert q4['answered'] == 2
    rates = {row['class']: row for row in data['response_rates']}
    assert rates['5a']['audience'] == 1 and rates['5a']['answered'] == 0
    answer(testapp, 'parent', DEMO, {'q1': 'o4', 'q3': 1})
    data = testapp.get(DEMO + '/@results', headers=bearer(testapp, 'director')).json
    assert data['questions'][2]['average'] == 3.25          # (5 + 4 + 3 + 1) / 4
    assert data['questions'][0]['options'][0]['percent'] == 50.0
    assert data['response_rates'][0] == {'class': '5a', 'title': '5 А', 'audience': 1,
                                         'answered': 1, 'percent': 100.0}


@pytest.mark.parametrize('login_name', ['teacher', 'secretary', 'parent', 'student',
                                        'class_teacher'])
def test_results_are_closed_to_others(testapp, login_name):
    testapp.get(DEMO + '/@results', headers=bearer(testapp, login_name), status=403)


def test_the_results_page_draws_svg_with_the_numbers(testapp, as_user):
    as_user('psychologist')
    page = testapp.get(DEMO + '/@@results')
    charts = [etree.fromstring(svg.encode('utf-8')) for svg in _svgs(page.text)]
    assert len(charts) == 3   # the free text has no chart
    first = ' '.join(charts[0].itertext())
    assert '2 (66.7%)' in first and '1 (33.3%)' in first
    assert '4' in ' '.join(charts[2].itertext())
    assert '4.0' in page.text and 'Хотелось бы уведомления' in page.text
    assert '<script' not in ''.join(_svgs(page.text))


def _svgs(text):
    found, start = [], text.find('<svg')
    while start != -1:
        end = text.find('</svg>', start) + len('</svg>')
        found.append(text[start:end])
        start = text.find('<svg', end)
    return found


def test_xlsx_export_keeps_user_text_as_text(testapp):
    headers = bearer(testapp, 'parent')
    testapp.post_json(DEMO + '/@answer', {'answers': {
        'q1': 'o1', 'q3': 5, 'q4': '=HYPERLINK("http://evil/")'}}, headers=headers,
        status=201)
    response = testapp.get(DEMO + '/@@results.xlsx',
                           headers=bearer(testapp, 'deputy') | {'Accept': '*/*'})
    book = openpyxl.load_workbook(io.BytesIO(response.body))
    cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
    evil = [c for c in cells if str(c.value).startswith('=HYPERLINK')]
    assert evil and all(c.data_type == 's' for c in evil)
    assert any(c.value == 66.7 or c.value == 50.0 for c in cells)
    testapp.get(DEMO + '/@@results.xlsx', headers=bearer(testapp, 'teacher') | {
        'Accept': '*/*'}, status=403)


def stored_strings(obj):
    """Every str and bytes reachable from ``obj``'s persistent state (BTrees included)."""
    from persistent import Persistent
    found, seen, stack = [], set(), [obj]
    while stack:
        value = stack.pop()
        if isinstance(value, (str, bytes)):
            found.append(value)
        elif isinstance(value, dict):
            stack.extend(v for k, v in value.items() if k != '__parent__')
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend(value)
        elif isinstance(value, Persistent):
            if id(value) in seen:
                continue
            seen.add(id(value))
            value._p_activate()
            stack.append(value.__getstate__())
        elif hasattr(value, '__dict__'):
            stack.append(vars(value))
    return found


def test_an_anonymous_answer_leads_to_nobody(app, testapp, root):
    secret_text = 'Ответ, который знает только родитель 7f3a'
    answer(testapp, 'parent', DEMO, {'q1': 'o3', 'q2': ['o4'], 'q3': 2, 'q4': secret_text})
    root._p_jar.sync()
    survey = root['surveys']['satisfaction-q1']
    strings = stored_strings(survey)
    assert any(secret_text in s for s in strings if isinstance(s, str))
    user = root['people']['users']['parent']
    login = re.compile(r'\bparent\b')      # the login, not the audience 'parents'
    assert not [s for s in strings if isinstance(s, str) and login.search(s)]
    for mark in (user.fullname, user.email):
        assert not [s for s in strings if isinstance(s, str) and mark and mark in s], mark
    assert not [s for s in strings if isinstance(s, bytes) and b'parent' in s]
    # the answer stands alone: no one's name, no time
    rows = list(survey.responses.values())
    assert all(who == '' for who, _values in rows)
    assert len(survey.answered) == 4 and survey.has_answered('parent')
    # the audit log heard nothing of it, and the database's record of the write names no one
    log = root.audit_log
    for entry in log.entries():
        assert not (entry['path'].startswith('/surveys') and entry['userid'] == 'parent')
        assert secret_text not in str(entry['details'])
    storage = app.registry._zodb_databases[''].storage
    writes = [t for t in storage.iterator() if b'@answer' in t.description]
    assert writes and all(t.user in (b'', '') for t in writes)
    # nor does the API tell who answered what
    data = testapp.get(DEMO + '/@results', headers=bearer(testapp, 'psychologist')).text
    assert 'parent' not in data and secret_text in data


def test_a_named_survey_keeps_the_name(testapp, root):
    made = new_survey(testapp, anonymous=False)
    path = '/surveys/' + made['id']
    open_survey(testapp, path)
    answer(testapp, 'teacher', path, {'q1': 'o2', 'q3': 3})
    answer(testapp, 'teacher', path, {'q1': 'o2', 'q3': 3}, status=409)
    root._p_jar.sync()
    survey = root['surveys'][made['id']]
    assert [who for who, _v in survey.responses.values()] == ['teacher']


def test_a_run_is_copied_and_compared(testapp, as_user):
    as_user('psychologist')
    token = csrf_token(testapp)
    copy = testapp.post(DEMO + '/@@copy', {'csrf_token': token}, status=303)
    path = copy.location.replace('http://localhost', '').rstrip('/')
    third = testapp.get(path, headers={'Accept': 'application/json'}).json
    assert third['review_state'] == 'draft' and third['run_of'] == 'satisfaction-q1'
    assert [q['title'] for q in third['questions']] == [
        q['title'] for q in testapp.get(DEMO, headers={'Accept': 'application/json'}).json[
            'questions']]
    # a draft is the managers': the parent does not see it (where refusals of what one may
    # not see answer as missing, 404)
    testapp.get(path, headers=bearer(testapp, 'parent'), status=[403, 404])
    testapp.post(path + '/@@workflow', {'csrf_token': token, 'transition': 'open'}, status=303)
    answer(testapp, 'parent', path, {'q1': 'o3', 'q3': 2})
    data = testapp.get(path + '/@results?compare=satisfaction-q1',
                       headers=bearer(testapp, 'director')).json
    first = data['compare']['questions'][0]
    assert first['rows'][0] == {'title': 'Положительно', 'this': 0.0, 'other': 66.7}
    assert first['rows'][2] == {'title': 'Скорее отрицательно', 'this': 100.0, 'other': 0.0}
    scale = data['compare']['questions'][2]
    assert scale['rows'][0]['this'] == 2.0 and scale['rows'][0]['other'] == 4.0
    page = testapp.get(path + '/@@results?compare=satisfaction-q1')
    assert 'Compared with' in page.text and '66.7' in page.text
    for svg in _svgs(page.text):
        etree.fromstring(svg.encode('utf-8'))
    testapp.get(path + '/@results?compare=nothing', headers=bearer(testapp, 'director'),
                status=404)


@pytest.mark.parametrize('login_name', MANAGERS)
def test_managers_make_edit_open_and_close(testapp, login_name):
    made = new_survey(testapp, login_name)
    path = '/surveys/' + made['id']
    assert [q['id'] for q in made['questions']] == ['q1', 'q2', 'q3', 'q4']
    assert made['questions'][1]['options'][2] == {'id': 'o3', 'title': 'C'}
    headers = bearer(testapp, login_name)
    testapp.patch_json(path, {'title': 'Renamed', 'questions': [
        {'title': 'Only', 'kind': 'scale', 'required': True}]}, headers=headers, status=204)
    survey = testapp.get(path, headers=headers).json
    assert survey['title'] == 'Renamed' and len(survey['questions']) == 1
    testapp.post_json(path + '/@workflow/open', {}, headers=headers)
    testapp.patch_json(path, {'title': 'Again'}, headers=headers, status=409)
    testapp.post_json(path + '/@workflow/close', {}, headers=headers)
    answer(testapp, 'teacher', path, {'q1': 3}, status=403)


@pytest.mark.parametrize('login_name', ['admin', 'teacher', 'secretary', 'parent',
                                        'student'])
def test_others_do_not_make_surveys(testapp, login_name):
    testapp.post_json('/surveys', {'title': 'x', 'audience': ['staff']},
                      headers=bearer(testapp, login_name), status=403)
    testapp.post_json(DEMO + '/@workflow/close', {}, headers=bearer(testapp, login_name),
                      status=403)


def test_bad_surveys_are_refused_with_fields(testapp):
    headers = bearer(testapp, 'psychologist')
    bad = testapp.post_json('/surveys', {'title': '', 'audience': ['martians'],
                                         'classes': ['5a', 'x1'], 'questions': [
                                             {'title': 'Q', 'kind': 'single',
                                              'options': ['only one']},
                                             {'title': 'Q', 'kind': 'poll'}]},
                            headers=headers, status=400).json['error']['fields']
    assert {'title', 'audience', 'classes', 'questions.0.options', 'questions.1.kind'} <= set(
        bad)
    empty = new_survey(testapp, questions=[])
    refused = testapp.post_json('/surveys/%s/@workflow/open' % empty['id'], {},
                                headers=headers, status=409)
    assert 'at least one question' in refused.json['error']['message']


def test_the_forms_add_and_edit(testapp, as_user):
    as_user('deputy')
    form = testapp.get('/surveys/@@add-survey').forms['deform']
    form['title'] = 'Учителя о журнале'
    for field in form.fields.get('checkbox', ()):
        if field._value == 'staff':
            field.checked = True
    response = form.submit('save', status=303)
    page = response.follow()
    assert 'Учителя о журнале' in page.text
    edit = testapp.get(response.location + '@@edit').forms['deform']
    edit['title'] = 'Учителя об электронном журнале'
    edit.submit('save', status=303)
    assert 'Учителя об электронном журнале' in testapp.get(response.location).text
    listing = testapp.get('/surveys')
    assert 'Учителя об электронном журнале' in listing.text and 'Open for you' in listing.text


def test_the_section_lists_what_each_may_see(testapp, as_user):
    as_user('parent')
    page = testapp.get('/surveys')
    assert 'Удовлетворённость родителей' in page.text and 'All surveys' not in page.text
    testapp.get('/surveys/@@add-survey', status=403)
    testapp.get(DEMO + '/@@results', status=403)
    testapp.get(DEMO + '/@@edit', status=403)


def test_the_screens_read_russian(testapp, as_user):
    as_user('psychologist')
    testapp.set_cookie('ejportal_lang', 'ru')
    assert 'Новая анкета' in testapp.get('/surveys').text
    assert 'Открыта' in testapp.get(DEMO).text
    results = testapp.get(DEMO + '/@@results')
    assert 'Доля ответивших' in results.text and 'Скачать XLSX' in results.text
    assert 'Кто отвечает' in testapp.get('/surveys/@@add-survey').text


def test_questions_are_reordered_in_the_form(testapp, as_user):
    made = new_survey(testapp)
    as_user('psychologist')
    page = testapp.get('/surveys/%s/@@edit' % made['id'])
    assert 'sortable' in page.text.lower()   # deform's orderable sequence, with its script
    testapp.patch_json('/surveys/' + made['id'], {'questions': [
        made['questions'][2] | {'options': []}, made['questions'][0] | {
            'options': ['Red', 'Green', 'Blue']}]},
        headers=bearer(testapp, 'psychologist'), status=204)
    survey = testapp.get('/surveys/' + made['id'], headers=bearer(testapp, 'psychologist')).json
    assert [(q['id'], q['title']) for q in survey['questions']] == [
        ('q1', 'Rate it'), ('q2', 'Pick one')]


def test_results_of_a_run_without_answers(testapp, as_user):
    made = new_survey(testapp)
    as_user('psychologist')
    page = testapp.get('/surveys/%s/@@results' % made['id'])
    assert len(_svgs(page.text)) == 3 and '—' in page.text
    copy = testapp.post('/surveys/%s/@@copy' % made['id'], {'csrf_token': csrf_token(testapp)},
                        status=303)
    other = copy.location.rstrip('/').rsplit('/', 1)[1]
    compared = testapp.get('/surveys/%s/@@results?compare=%s' % (made['id'], other))
    assert 'Compared with' in compared.text
    for svg in _svgs(compared.text):
        etree.fromstring(svg.encode('utf-8'))


def test_the_audience_by_role_grade_and_dates(testapp):
    today = datetime.date.today()
    made = new_survey(testapp, audience=['students'], grades=[7])
    path = '/surveys/' + made['id']
    open_survey(testapp, path)
    answer(testapp, 'student', path, {'q1': 'o1', 'q3': 5}, status=403)   # 5 А
    answer(testapp, 'parent', path, {'q1': 'o1', 'q3': 5}, status=403)    # not a student
    assert made['id'] in [i['id'] for i in testapp.get(
        '/surveys', headers=bearer(testapp, 'student2')).json['items']]
    answer(testapp, 'student2', path, {'q1': 'o1', 'q3': 5})              # 7 Б
    rates = testapp.get(path + '/@results', headers=bearer(testapp, 'deputy')).json[
        'response_rates']
    assert [(r['class'], r['answered']) for r in rates] == [('7b', 1)]
    staff = new_survey(testapp, closes=(today - datetime.timedelta(days=1)).isoformat(),
                       opens=(today - datetime.timedelta(days=9)).isoformat())
    open_survey(testapp, '/surveys/' + staff['id'])
    assert staff['id'] not in [i['id'] for i in testapp.get(
        '/surveys', headers=bearer(testapp, 'teacher')).json['items']]
    late = answer(testapp, 'teacher', '/surveys/' + staff['id'], {'q1': 'o1', 'q3': 5},
                  status=409)
    assert 'not open today' in late.json['error']['message']


def test_the_start_page_invites_the_parent(testapp, as_user):
    as_user('parent')
    testapp.set_cookie('ejportal_lang', 'ru')
    start = testapp.get('/@@start')
    assert 'Анкеты' in start.text and 'Пожалуйста, ответьте' in start.text
    assert 'survey-please' not in start.text


def test_the_edit_form_keeps_what_it_shows(testapp, as_user):
    made = new_survey(testapp, audience=['parents', 'students'], grades=[5, 7],
                      classes=['5a'], opens='2026-01-10')
    as_user('psychologist')
    form = testapp.get('/surveys/%s/@@edit' % made['id']).forms['deform']
    form.submit('save', status=303)
    again = testapp.get('/surveys/' + made['id'], headers={'Accept': 'application/json'}).json
    for key in ('questions', 'audience', 'grades', 'classes', 'opens', 'anonymous', 'title'):
        assert again[key] == made[key], key

"""The reference books under /settings (issue 12): mark kinds and their weights, lesson
types, ICT means, absence reasons, the grading scale and the documents' books, edited by
the administrator through one screen and one JSON door, each change one audited action;
an entry in use is retired, never deleted; a weight changed recomputes the averages."""
import datetime
from decimal import Decimal

import pytest
import transaction
from pyramid.traversal import find_resource

from conftest import api_token, csrf_token
from test_diary import marked  # noqa: F401  (the fixture)
from test_journal import MATH_5A

JSON = {'Accept': 'application/json'}
BOOKS = ('mark-kinds', 'grading-scale', 'lesson-types', 'ict-means', 'absence-reasons',
         'order-registers', 'regulation-kinds', 'positions')


def bearer(testapp, login_name='admin'):
    return dict(JSON, Authorization='Bearer ' + api_token(testapp, login_name))


def fresh(root):
    transaction.begin()
    root._p_jar.sync()
    return root


def post_screen(app, book, status=303, **fields):
    fields['csrf_token'] = csrf_token(app)
    return app.post('/settings/%s/@@entry' % book, fields, status=status)


@pytest.mark.parametrize('book', BOOKS)
def test_every_book_is_listed_on_the_settings_and_has_its_screen(as_user, book):
    app = as_user('admin')
    assert '/settings/%s' % book in app.get('/settings').text
    page = app.get('/settings/' + book)
    assert page.html.select('table.reference-book tbody tr')
    items = app.get('/settings/%s/@entries' % book, headers=JSON).json['items']
    assert items and all({'@id', 'id', 'title', 'retired', 'position'} <= set(i) for i in items)


def test_mark_kinds_carry_their_weights(testapp):
    items = testapp.get('/settings/mark-kinds/@entries', headers=bearer(testapp)).json['items']
    assert {i['id']: i['weight'] for i in items}['test'] == 2


def test_the_api_adds_edits_moves_and_deletes_an_unused_entry(testapp, root):
    headers = bearer(testapp)
    url = '/settings/lesson-types/@entries'
    entry = testapp.post_json(url, {'id': 'seminar', 'title': 'семинар'}, headers=headers,
                              status=201).json
    assert entry['position'] == 5 and entry['@id'].endswith('/@entries/seminar')
    testapp.post_json(url, {'id': 'seminar', 'title': 'ещё'}, headers=headers, status=409)
    testapp.post_json(url, {'id': 'Bad id!', 'title': 'x'}, headers=headers, status=400)
    testapp.post_json(url, {'id': 'x'}, headers=headers, status=400)
    moved = testapp.patch_json(url + '/seminar', {'position': 0, 'title': 'Семинар'},
                               headers=headers).json
    assert moved['position'] == 0 and moved['title'] == 'Семинар'
    testapp.patch_json(url + '/seminar', {'nonsense': 1}, headers=headers, status=400)
    testapp.patch_json(url + '/nope', {'title': 'x'}, headers=headers, status=404)
    assert testapp.delete(url + '/seminar', headers=headers).json == {'result': 'deleted'}
    testapp.delete(url + '/seminar', headers=headers, status=404)
    log = fresh(root).audit_log
    actions = [e['action'] for e in log.search(path_prefix='/settings/lesson-types')]
    assert {'book-entry-add', 'book-entry-edit', 'book-entry-delete'} <= set(actions)


def test_an_entry_in_use_is_retired_not_deleted_and_no_longer_offered(testapp, as_user,
                                                                       root):
    headers = bearer(testapp)
    # the demo's lessons are of the type 'lesson' and 'test'
    assert testapp.delete('/settings/lesson-types/@entries/test',
                          headers=headers).json == {'result': 'retired'}
    book = fresh(root)['settings']['lesson-types']
    assert book.entry('test')['retired'] and 'test' not in dict(
        root['journal'].lesson_types)
    app = as_user('teacher')
    page = app.get(MATH_5A + '/@@column')
    assert 'value="test"' not in page.text and 'value="lesson"' in page.text
    journal = find_resource(root, MATH_5A)
    old = next(l for l in journal.lessons.values() if l.lesson_type == 'test')
    page = app.get(MATH_5A + '/@@column', {'lesson': old.id})
    assert 'value="test"' in page.text  # an old lesson shows its type as it is
    # restored, it is offered again
    testapp.patch_json('/settings/lesson-types/@entries/test', {'retired': False},
                       headers=headers)
    assert 'test' in dict(fresh(root)['journal'].lesson_types)


def test_a_kind_in_use_keeps_its_title_on_old_marks(testapp, root):
    headers = bearer(testapp)
    assert testapp.delete('/settings/mark-kinds/@entries/answer',
                          headers=headers).json == {'result': 'retired'}
    school = fresh(root)['journal']
    assert 'answer' not in dict((k, t) for k, t, _w in school.mark_kinds)
    assert school.kind_title('answer') == 'за ответ'


def _student_with_marks(root):
    journal = find_resource(root, MATH_5A)
    for (sid, lid), cell in journal.cells.items():
        kinds = {kind for _v, kind, _w in cell['marks']}
        if 'answer' in kinds:
            return journal, sid
    raise AssertionError('no answer marks in the demo')


def test_changing_a_weight_recomputes_the_averages_of_journal_and_diary(testapp, as_user,
                                                                        root):
    from ejportal.journal import grading
    journal, sid = _student_with_marks(fresh(root))
    period = journal.period_of(datetime.date.today()) or journal.periods[0]
    lessons = journal.lessons_of(period)
    marks = journal.marks_of(sid, lessons)
    before = journal.average(sid, lessons)['value']
    weights = dict(grading.kind_weights(), answer=5)
    expected = grading.weighted_average(marks, weights)['value']
    testapp.patch_json('/settings/mark-kinds/@entries/answer', {'weight': '5'},
                       headers=bearer(testapp))
    journal = find_resource(fresh(root), MATH_5A)
    assert journal.average(sid, lessons)['value'] == expected
    if any(kind != 'answer' for _v, kind, _w in marks):
        assert expected != before
    api = journal_json = testapp.get(MATH_5A, {'period': period.id},
                                     headers=bearer(testapp, 'teacher')).json
    assert Decimal(str(api['averages'][sid]['value'])) == expected
    assert journal_json


def test_a_weight_change_moves_the_diary_tag(testapp, root):
    from ejportal.diary.model import summary_stamp, week_stamp
    school = fresh(root)['journal']
    student = school['students']['ivanov-dmitry'] if 'ivanov-dmitry' in school['students'] \
        else next(iter(school['students'].values()))
    today = datetime.date.today()
    week, summary = week_stamp(student, today), summary_stamp(student, today, today)
    testapp.patch_json('/settings/mark-kinds/@entries/test', {'weight': '3'},
                       headers=bearer(testapp))
    fresh(root)
    assert week_stamp(student, today) != week
    assert summary_stamp(student, today, today) != summary


def test_the_weight_is_checked(testapp):
    headers = bearer(testapp)
    for bad in ('0', '-1', 'heavy', '1000'):
        error = testapp.patch_json('/settings/mark-kinds/@entries/test', {'weight': bad},
                                   headers=headers, status=400).json['error']
        assert 'weight' in error['fields']


def test_a_new_scale_value_is_accepted_in_the_grid_and_a_retired_one_refused(testapp,
                                                                              root):
    headers = bearer(testapp)
    testapp.post_json('/settings/grading-scale/@entries',
                      {'id': 'plus', 'title': '5+', 'numeric': 5}, headers=headers,
                      status=201)
    school = fresh(root)['journal']
    assert school.grading_scale['5+'] == 5
    from ejportal.journal import grading
    marks, _att = grading.parse_cell_text('5+', 'answer', school.mark_kinds,
                                          school.grading_scale)
    assert marks == (('5+', 'answer', 1),)
    testapp.patch_json('/settings/grading-scale/@entries/plus', {'retired': True},
                       headers=headers)
    school = fresh(root)['journal']
    with pytest.raises(grading.GradingError):
        grading.parse_cell_text('5+', 'answer', school.mark_kinds, school.grading_scale)
    transaction.abort()


def test_the_screen_adds_edits_moves_retires_and_deletes(as_user, root):
    app = as_user('admin')
    post_screen(app, 'ict-means', do='add', id='tablets', title='планшеты')
    assert fresh(root)['settings']['ict-means'].entries[-1]['title'] == 'планшеты'
    post_screen(app, 'ict-means', do='up', entry='tablets')
    assert fresh(root)['settings']['ict-means'].ids()[-2] == 'tablets'
    post_screen(app, 'ict-means', do='edit', entry='tablets', title='планшеты учеников')
    post_screen(app, 'ict-means', do='retire', entry='tablets')
    book = fresh(root)['settings']['ict-means']
    assert book.entry('tablets') == {'id': 'tablets', 'title': 'планшеты учеников',
                                     'retired': True}
    page = app.get('/settings/ict-means')
    assert 'retired' in page.html.select_one('#entry-tablets')['class']
    post_screen(app, 'ict-means', do='remove', entry='tablets')
    assert 'tablets' not in fresh(root)['settings']['ict-means'].ids()
    # a refusal comes back as a message, nothing kept
    post_screen(app, 'ict-means', do='add', id='board', title='x')
    page = app.get('/settings/ict-means')
    assert 'This code is taken' in page.text
    post_screen(app, 'mark-kinds', do='edit', entry='test', title='контрольная',
                weight='zero')
    assert fresh(root)['settings']['mark-kinds'].entry('test')['weight'] == 2


def test_a_register_in_use_is_retired_and_not_offered_for_a_new_order(testapp, as_user,
                                                                       root):
    headers = bearer(testapp)
    assert testapp.delete('/settings/order-registers/@entries/od',
                          headers=headers).json == {'result': 'retired'}
    assert testapp.delete('/settings/order-registers/@entries/kont',
                          headers=headers).json == {'result': 'deleted'}
    app = as_user('director')
    form = app.get('/documents/@@add-order').forms['deform']
    assert [v for v, *_r in form['register'].options] == ['ls']


@pytest.mark.parametrize('login_name', ['director', 'deputy', 'secretary', 'teacher',
                                        'class_teacher', 'psychologist', 'student',
                                        'parent'])
def test_only_the_administrator_reaches_the_books(testapp, as_user, login_name):
    headers = bearer(testapp, login_name)
    testapp.get('/settings/mark-kinds/@entries', headers=headers, status=(403, 404))
    testapp.post_json('/settings/mark-kinds/@entries', {'id': 'x', 'title': 'x',
                                                         'weight': 1},
                      headers=headers, status=(403, 404))
    testapp.patch_json('/settings/mark-kinds/@entries/test', {'weight': 9}, headers=headers,
                       status=(403, 404))
    testapp.delete('/settings/mark-kinds/@entries/test', headers=headers, status=(403, 404))
    app = as_user(login_name)
    app.get('/settings/mark-kinds', status=(403, 404))
    app.post('/settings/mark-kinds/@@entry', {'do': 'remove', 'entry': 'test',
                                               'csrf_token': csrf_token(app)}, status=(403, 404))


def test_anonymous_is_refused(testapp):
    testapp.get('/settings/mark-kinds', status=303)
    testapp.get('/settings/mark-kinds/@entries', headers=JSON, status=401)


def test_positions_are_offered_on_the_user_form_and_kept_when_retired(testapp, as_user,
                                                                      root):
    headers = bearer(testapp)
    # the demo's teacher holds this position: it is retired, and cannot be renamed
    url = '/settings/positions/@entries/teacher-math'
    error = testapp.patch_json(url, {'title': 'Учитель'}, headers=headers, status=409).json
    assert 'title' in error['error']['fields']
    assert testapp.delete(url, headers=headers).json == {'result': 'retired'}
    assert testapp.delete('/settings/positions/@entries/librarian',
                          headers=headers).json == {'result': 'deleted'}
    app = as_user('admin')
    options = [v for v, *_r in app.get('/people/users/teacher').forms['deform'][
        'position'].options]
    assert 'Учитель математики и информатики' in options  # the user's own, retired
    options = [v for v, *_r in app.get('/people/users/psychologist').forms['deform'][
        'position'].options]
    assert 'Учитель математики и информатики' not in options and 'Директор' in options
    assert 'Педагог-библиотекарь' not in options


def test_a_scale_value_in_use_keeps_its_title(testapp):
    headers = bearer(testapp)
    testapp.patch_json('/settings/grading-scale/@entries/5', {'title': '5!'},
                       headers=headers, status=409)
    testapp.patch_json('/settings/grading-scale/@entries/5', {'numeric': 6},
                       headers=headers, status=200)


def test_the_diary_report_follows_a_weight_change(testapp, as_user, marked):  # noqa: F811
    """Math: 5 (answer), 3 (test), 4 (answer). Weight of a test 2: 15 / 4 = 3.75; made
    3: (5 + 3·3 + 4) / (1 + 3 + 1) = 18 / 5 = 3.60."""
    start, end, _lessons = marked
    query = {'from': start.isoformat(), 'to': end.isoformat()}
    headers = bearer(testapp)
    app = as_user('parent')

    def math():
        data = app.get('/@report', query, headers=JSON).json
        return {s['subject']: s for s in data['subjects']}['Математика']
    assert math()['average'] == '3.75'
    testapp.patch_json('/settings/mark-kinds/@entries/test', {'weight': '3'}, headers=headers)
    after = math()
    assert after['average'] == '3.60'
    testapp.patch_json('/settings/mark-kinds/@entries/test', {'weight': '2'}, headers=headers)
    assert math()['average'] == '3.75'


def test_a_retired_default_kind_gives_way_to_one_offered(testapp, root):
    headers = bearer(testapp)
    testapp.patch_json('/settings/mark-kinds/@entries/test', {'retired': True},
                       headers=headers)
    journal = find_resource(fresh(root), MATH_5A)
    test_lesson = next(l for l in journal.lessons.values() if l.lesson_type == 'test')
    assert journal.default_kind(test_lesson) == 'answer'
    testapp.patch_json('/settings/mark-kinds/@entries/answer', {'retired': True},
                       headers=headers)
    journal = find_resource(fresh(root), MATH_5A)
    assert journal.default_kind(test_lesson) == 'homework'
    transaction.abort()

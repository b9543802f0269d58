"""Marks for lessons dated after today are refused (issue 12): 409 ``FutureLesson`` from
``@cell``, the grid shows its message, the column form puts it on the cell and saves
nothing."""
import datetime

import pytest
import transaction
from pyramid.traversal import find_resource

from conftest import csrf_token

from ejportal.journal.resources import FutureLesson, check_not_future, school_year_start

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
MATH_5A = '/journal/%d-%d/classes/5a/journals/math' % (Y, Y + 1)


def future_lesson(root):
    journal = find_resource(root, MATH_5A)
    ahead = [l for l in journal.lessons.values() if l.date > TODAY]
    if not ahead:
        lesson = journal.add_lesson(TODAY + datetime.timedelta(days=1), 1)
        transaction.commit()
    else:
        lesson = ahead[0]
    student = journal.students()[0].__name__
    return journal, lesson, student


def test_the_rule():
    tomorrow = TODAY + datetime.timedelta(days=1)
    five = (('5', 'answer', 1),)
    check_not_future(TODAY, five)                 # today's lesson takes marks
    check_not_future(tomorrow, ())                # attendance alone, or nothing
    check_not_future(tomorrow, five, five)        # a mark held before the rule may stay
    with pytest.raises(FutureLesson) as refused:
        check_not_future(tomorrow, five)
    assert refused.value.status == 409 and refused.value.error_type == 'FutureLesson'


def test_cell_of_a_future_lesson_answers_409(as_user, root):
    journal, lesson, student = future_lesson(root)
    app = as_user('teacher')
    response = app.post_json(MATH_5A + '/@cell', {
        'student': student, 'lesson': lesson.id, 'text': '5'}, status=409,
        headers={'X-CSRF-Token': csrf_token(app), 'Accept': 'application/json'})
    error = response.json['error']
    assert error['type'] == 'FutureLesson'
    assert lesson.date.strftime('%d.%m.%Y') in error['message']
    assert 'has not taken place yet' in error['message']   # what the grid shows
    transaction.abort()
    assert not (journal.cell(student, lesson.id) or {}).get('marks')
    # attendance planned ahead (a known absence) is still taken
    app.post_json(MATH_5A + '/@cell', {'student': student, 'lesson': lesson.id, 'text': 'б'},
                  headers={'X-CSRF-Token': csrf_token(app), 'Accept': 'application/json'})


def test_cell_in_russian(as_user, root, testapp):
    journal, lesson, student = future_lesson(root)
    app = as_user('teacher')
    app.set_cookie('ejportal_lang', 'ru')
    error = app.post_json(MATH_5A + '/@cell', {
        'student': student, 'lesson': lesson.id, 'text': '5'}, status=409,
        headers={'X-CSRF-Token': csrf_token(app), 'Accept': 'application/json'}).json['error']
    assert 'ещё не проведён' in error['message']


def test_column_form_refuses_and_saves_nothing(as_user, root):
    journal, lesson, student = future_lesson(root)
    old_topic = lesson.topic
    app = as_user('teacher')
    page = app.get(MATH_5A + '/@@column?lesson=' + lesson.id)
    form = [f for f in page.forms.values() if 'topic' in f.fields][0]
    form['topic'] = 'Новая тема'
    form['cell-' + student] = '5'
    answer = form.submit(status=409)
    assert 'has not taken place yet' in answer.text
    transaction.abort()
    assert lesson.topic == old_topic
    assert not (journal.cell(student, lesson.id) or {}).get('marks')

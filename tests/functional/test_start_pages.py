"""Start pages show the work waiting (issue 11, item 8): the director the documents awaiting
signature, the deputy the correction requests, a teacher today's lessons and journals."""
import datetime

import transaction

from conftest import api_token
from ejportal.core.actor import Actor, acting_as
from ejportal.journal.resources import school_year_start

START = school_year_start(datetime.date.today())
MATH = ('journal', '%d-%d' % (START, START + 1), 'classes', '5a', 'journals', 'math')


def text_of(page):
    return ' '.join(page.html.get_text().split())


def test_the_director_sees_what_awaits_signature(testapp, as_user):
    headers = {'Authorization': 'Bearer ' + api_token(testapp, 'deputy'),
               'Accept': 'application/json'}
    title = testapp.get('/documents/regulation-1', headers=headers).json['title']
    testapp.post_json('/documents/regulation-1/@workflow/submit', {}, headers=headers)
    as_user('director')
    text = text_of(testapp.get('/@@start'))
    assert 'Awaiting your signature' in text and title in text
    as_user('teacher')
    assert 'Awaiting your signature' not in text_of(testapp.get('/@@start'))


def test_the_deputy_sees_waiting_corrections(testapp, as_user, root):
    journal = root
    for name in MATH:
        journal = journal[name]
    lesson = next(iter(journal.lessons.values()))
    student = journal.students()[0].__name__
    with acting_as(Actor(userid='teacher')):
        journal.request_correction(student, lesson.id, (('5', 'answer', 1),), '', '',
                                   'ошибка при вводе отметки')
    transaction.commit()
    as_user('deputy')
    text = text_of(testapp.get('/@@start'))
    assert 'Correction requests waiting' in text and 'ошибка при вводе отметки' in text
    as_user('teacher')
    assert 'Correction requests waiting' not in text_of(testapp.get('/@@start'))


def test_a_teacher_sees_today_and_the_journals_they_keep(testapp, as_user):
    as_user('teacher')
    text = text_of(testapp.get('/@@start'))
    assert 'My lessons today and journals' in text
    assert '5 А, Математика' in text and '7 Б, Математика' in text
    as_user('parent')
    assert 'My lessons today and journals' not in text_of(testapp.get('/@@start'))

"""The paper journal (issue 12): a class's journal as the classic printed form, through
``<class>/@paper``, and frozen as editions when a period is closed (``<year>/@close-period``
and the periods screen), listed by ``<class>/@paper-editions``, signed by the director,
and made anew (never overwritten) by a correction approved after closing.

The PDFs are read back with pypdf: the students, the dates, the marks and the topics of a
known journal are there; an edition's hash is recomputed from the file it serves."""
import datetime
import hashlib
import io

import pytest
from pypdf import PdfReader

from conftest import api_token, csrf_token, login
from ejportal.journal.resources import school_year_start

START = school_year_start(datetime.date.today())
YEAR = '/journal/%d-%d' % (START, START + 1)
CLASS = YEAR + '/classes/5a'
MATH = CLASS + '/journals/math'
JSON = {'Accept': 'application/json'}


def bearer(testapp, login):
    return {'Authorization': 'Bearer ' + api_token(testapp, login), **JSON}


def pdf_text(body):
    reader = PdfReader(io.BytesIO(body))
    return reader, '\n'.join(page.extract_text() for page in reader.pages)


def first_lesson(testapp, headers):
    """The first lesson of the math journal in the first quarter, and a student of it."""
    journal = testapp.get(MATH + '?period=q1', headers=headers).json
    return journal['lessons'][0], journal['students'][0]


@pytest.fixture
def marked(testapp):
    """A known mark and topic in 5 A's math journal, first lesson of the first quarter."""
    teacher = bearer(testapp, 'teacher')
    lesson, student = first_lesson(testapp, teacher)
    testapp.post_json(MATH + '/@cell', {'student': student['id'], 'lesson': lesson['id'],
                                        'text': 'н'}, headers=teacher)
    testapp.post_json(MATH + '/@lesson', {'lesson': lesson['id'],
                                          'topic': 'Натуральные числа и шкалы (проверка)'},
                      headers=teacher)
    return {'lesson': lesson, 'student': student}


def test_the_paper_journal_of_a_period(testapp, marked, root):
    deputy = bearer(testapp, 'class_teacher')
    response = testapp.get(CLASS + '/@paper?period=q1', headers=deputy)
    assert response.content_type == 'application/pdf'
    reader, text = pdf_text(response.body)
    school_class = root['journal'][YEAR.rsplit('/', 1)[1]]['classes']['5a']
    assert 'КЛАССНЫЙ ЖУРНАЛ' in text and '5 А' in text and 'I четверть' in text
    for student in school_class.students():
        assert student.fullname in text          # the list of students
        assert student.personal_file in text      # with their personal files' numbers
    assert 'Натуральные числа и шкалы (проверка)' in text   # the right page: topics
    day = datetime.date.fromisoformat(marked['lesson']['date'])
    assert '%02d.%02d' % (day.day, day.month) in text        # the left page: dates
    assert 'Сводная ведомость' in text and 'пропущено' in text
    # one spread (two pages) per run of lessons of each journal, and the title and lists
    journals = school_class.journals()
    assert len(reader.pages) >= 2 * len(journals) + 3


def test_the_paper_journal_of_a_year_has_the_year_marks(testapp, marked):
    deputy = bearer(testapp, 'deputy')
    year_name = YEAR.rsplit('/', 1)[1]
    response = testapp.get(CLASS + '/@paper?year=' + year_name, headers=deputy)
    reader, text = pdf_text(response.body)
    assert '%d/%d учебный год' % (START, START + 1) in text
    assert 'IV четверть' in text and 'Год' in text


@pytest.mark.parametrize('query, field', [
    ('', 'period'), ('?period=q9', 'period'), ('?year=1999-2000', 'year')])
def test_a_paper_journal_of_nothing_is_refused_with_a_reason(testapp, query, field):
    response = testapp.get(CLASS + '/@paper' + query, headers=bearer(testapp, 'deputy'),
                           status=400)
    assert field in response.json['error']['fields']


@pytest.mark.parametrize('login', ['parent', 'student', 'teacher', 'psychologist'])
def test_the_paper_journal_is_for_the_class_teacher_and_the_school_leaders(testapp, login):
    testapp.get(CLASS + '/@paper?period=q1', headers=bearer(testapp, login),
                status=(403, 404))
    testapp.get(CLASS + '/@paper-editions', headers=bearer(testapp, login),
                status=(403, 404))


def test_closing_a_period_freezes_signed_editions_and_a_correction_adds_one(
        testapp, marked):
    deputy, director = bearer(testapp, 'deputy'), bearer(testapp, 'director')
    testapp.post_json(YEAR + '/@close-period', {'period': 'q1'},
                      headers=bearer(testapp, 'teacher'), status=403)
    made = testapp.post_json(YEAR + '/@close-period', {'period': 'q1'}, headers=deputy).json
    assert made['period'] == 'q1'
    of_5a = [e for e in made['items'] if '/classes/5a/' in e['@id']]
    assert {e['kind'] for e in of_5a} == {'journal', 'summary'}
    # closed already: 409, nothing more made
    testapp.post_json(YEAR + '/@close-period', {'period': 'q1'}, headers=deputy, status=409)
    testapp.post_json(YEAR + '/@close-period', {'period': 'q9'}, headers=deputy, status=400)

    listed = testapp.get(CLASS + '/@paper-editions', headers=deputy).json['items']
    assert [e['@id'] for e in listed] == [e['@id'] for e in of_5a]
    today = datetime.date.today()
    for edition in listed:
        assert set(edition) >= {'period', 'edition', 'sha256', 'created', 'signed_by',
                                'retain_until', '@id'}
        pdf = testapp.get(edition['@id'], headers={'Authorization': deputy['Authorization']})
        assert pdf.content_type == 'application/pdf'
        assert hashlib.sha256(pdf.body).hexdigest() == edition['sha256']
        kept = datetime.date.fromisoformat(edition['retain_until'])
        assert kept.year - today.year == (5 if edition['kind'] == 'journal' else 25)
        assert edition['signed_by'] is None and edition['edition'] == 1
    journal_edition = [e for e in listed if e['kind'] == 'journal'][0]

    # the director signs it off: a workflow transition, through the API's @workflow
    testapp.post_json(journal_edition['@id'] + '@workflow/sign', {}, headers=deputy,
                      status=403)
    testapp.post_json(journal_edition['@id'] + '@workflow/sign', {}, headers=director)
    listed = testapp.get(CLASS + '/@paper-editions', headers=deputy).json['items']
    assert [e['signed_by'] for e in listed if e['kind'] == 'journal'] == ['director']

    # a correction approved after closing: a new edition beside the old, which stays
    teacher = bearer(testapp, 'teacher')
    testapp.post_json(MATH + '/@correction', {
        'student': marked['student']['id'], 'lesson': marked['lesson']['id'], 'text': '5',
        'reason': 'ошибка при вводе'}, headers=teacher, status=201)
    login(testapp, 'deputy')   # the deputy decides on the corrections screen
    token = csrf_token(testapp)
    testapp.post('/journal/corrections', {'csrf_token': token, 'journal': MATH, 'id': '1',
                                          'approve': '1', 'confirmed': '1'}, status=303)
    after = testapp.get(CLASS + '/@paper-editions', headers=deputy).json['items']
    assert [(e['kind'], e['edition']) for e in after] == [
        ('journal', 1), ('summary', 1), ('journal', 2), ('summary', 2)]
    assert after[0]['sha256'] == journal_edition['sha256']
    assert after[0]['signed_by'] == 'director' and after[2]['signed_by'] is None
    assert after[2]['sha256'] != after[0]['sha256']
    old = testapp.get(after[0]['@id'], headers={'Authorization': deputy['Authorization']})
    assert hashlib.sha256(old.body).hexdigest() == journal_edition['sha256']


def test_the_periods_screen_closes_through_the_same_action(testapp, as_user):
    as_user('director')
    page = testapp.get(YEAR + '/periods')
    form = [f for f in page.forms.values()
            if f.get('period', default=None) is not None and f['period'].value == 'q1'][0]
    asked = form.submit('close')
    page = [f for f in asked.forms.values() if 'period' in f.fields][0].submit(
        'confirmed').follow()
    assert 'Paper journal editions frozen: 4' in page.text
    page = testapp.get(CLASS + '/paper/', status=303).follow()
    assert page.request.path == CLASS + '/paper-journal'
    assert page.text.count('class journal') == 1 and 'summary of marks' in page.text
    sign = [f for f in page.forms.values() if f.action.endswith('/sign')]
    assert len(sign) == 2
    page = sign[0].submit().follow()
    assert 'The edition is signed.' in page.text


def test_closing_the_year_locks_its_year_marks(testapp):
    teacher, deputy = bearer(testapp, 'teacher'), bearer(testapp, 'deputy')
    student = testapp.get(MATH + '?period=q1', headers=teacher).json['students'][0]['id']
    testapp.post_json(MATH + '/@period-mark', {'student': student, 'period': 'year',
                                               'value': '4'}, headers=teacher)
    made = testapp.post_json(YEAR + '/@close-period', {'period': 'year'},
                             headers=deputy).json['items']
    assert {e['period'] for e in made} == {'year'}
    refused = testapp.post_json(MATH + '/@period-mark', {'student': student, 'period': 'year',
                                                         'value': '5'}, headers=teacher,
                                status=409)
    assert refused.json['error']['type'] == 'PeriodClosed'

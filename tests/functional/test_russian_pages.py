"""The Russian interface speaks the school's words: reference books by their titles, workflow
states and transitions by theirs, never internal ids. (Needs the compiled catalogs, which
`make test` builds.)"""
import datetime

from conftest import login
from ejportal.journal.resources import school_year_start
from ejportal.paths import LOCALES


def russian(testapp):
    assert (LOCALES / 'ru' / 'LC_MESSAGES' / 'ejportal.mo').exists(), 'run: make catalogs'
    testapp.set_cookie('ejportal_lang', 'ru')
    return testapp


def test_order_history_in_russian(testapp):
    russian(testapp)
    login(testapp, 'director')
    page = testapp.get('/documents/order-2012-od-181')
    assert 'Подписан' in page.text and 'ПРИКАЗЫВАЮ' in page.text
    history = ' '.join(li.get_text() for li in page.html.select('li'))
    assert '→ signed' not in history and 'sign →' not in history


def test_average_explains_itself_with_mark_kinds_by_title(testapp):
    russian(testapp)
    login(testapp, 'teacher')
    start = school_year_start(datetime.date.today())
    page = testapp.get('/journal/%d-%d/classes/5a/journals/math' % (start, start + 1))
    assert 'за ответ' in page.text
    assert '(answer,' not in page.text and '(test,' not in page.text


def test_a_bad_request_says_why_in_russian(testapp):
    """A page asked for something it cannot serve answers 400 with the reason translated
    (not its message id), on the error page and in the API."""
    russian(testapp)
    login(testapp, 'parent')
    page = testapp.get('/journal/students/s0001/diary?week=yesterday', status=400)
    assert 'week: укажите дату в формате ГГГГ-ММ-ДД.' in page.text
    assert 'not-a-date' not in page.text
    period = testapp.get('/journal/students/s0001/diary-period?period=q9', status=400)
    assert 'No such period' not in period.text and period.html.h1

"""The smaller defects of issue 11 (finding 11), each as a reader meets it."""
import datetime
import io
from urllib.parse import quote

import transaction
from pyramid.traversal import find_resource

from conftest import csrf_token, login
from test_diary import JSON, STUDENT, marked  # noqa: F401 (a fixture)
from test_journal import MATH_5A

ORDER = '/documents/order-2012-od-181'


def russian(testapp):
    testapp.set_cookie('ejportal_lang', 'ru')
    return testapp


# -- the version history ---------------------------------------------------------------
def test_compare_with_fewer_than_two_versions_picked_says_so(testapp):
    login(testapp, 'director')
    page = testapp.get(ORDER + '/@@history', {'a': '1', 'compare': '1'})
    assert 'Pick two different versions' in page.html.select_one('.compare-pick').text
    page = testapp.get(ORDER + '/@@history', {'a': '2', 'b': '2', 'compare': '1'})
    assert page.html.select_one('.compare-pick') is not None
    page = testapp.get(ORDER + '/@@history', {'a': '1', 'b': '2', 'compare': '1'})
    assert page.html.select_one('.compare-pick') is None and 'Changes from version' in page.text
    # the form's button sends "compare", so an empty pick is told apart from a first visit
    assert page.html.select_one('button[name=compare]') is not None
    assert testapp.get(ORDER + '/@@history').html.select_one('.compare-pick') is None


def test_a_document_with_one_version_says_there_is_nothing_to_compare(testapp):
    login(testapp, 'director')
    page = testapp.get('/documents/regulation-1/@@history', {'compare': '1'})
    assert 'only one version' in page.html.select_one('.compare-pick').text


# -- a clause's deadline -----------------------------------------------------------------
def add_order_with_deadline(testapp):
    page = testapp.get('/documents/@@add-order')
    token = page.forms[0]['csrf_token'].value
    fields = [('csrf_token', token), ('register', 'od'), ('title', 'О проверке журналов'),
              ('preamble', ''), ('__start__', 'clauses:sequence'),
              ('__start__', 'clause:mapping'), ('text', 'Проверить журналы'),
              ('responsible', 'Петрова А.И.'),
              ('__start__', 'deadline:mapping'), ('date', '2026-12-25'),
              ('__end__', 'deadline:mapping'), ('__end__', 'clause:mapping'),
              ('__end__', 'clauses:sequence'), ('signatory', 'С.А. Кузьмина'),
              ('save', 'save')]
    response = testapp.post('/documents/@@add-order', fields, status=303)
    return response.location.replace('http://localhost', '').rstrip('/')


def test_a_clauses_deadline_is_on_the_screen_and_print_has_one_stop(testapp):
    login(testapp, 'director')
    path = add_order_with_deadline(testapp)
    meta = testapp.get(path).html.select_one('.document-text .clause-meta').text
    assert 'Deadline: 25.12.2026.' in ' '.join(meta.split())
    assert 'Responsible: Петрова А.И.' in ' '.join(meta.split()) and '..' not in meta
    printed = testapp.get(path + '/@@print').html.select_one('.clause-meta').text
    printed = ' '.join(printed.split())
    assert 'Ответственный: Петрова А.И. Срок: 25.12.2026.' in printed, printed


# -- the grid ----------------------------------------------------------------------------
def test_the_grid_holds_whole_topics_and_explains_the_test_colour(as_user, root):
    journal = find_resource(root, MATH_5A)
    lesson = sorted(journal.lessons.values(), key=lambda l: (l.date, l.number))[0]
    lesson.topic = 'Сложение и вычитание многозначных чисел'
    lesson.lesson_type = 'test'
    transaction.commit()
    app = as_user('teacher')
    page = app.get(MATH_5A, {'period': journal.period_of(lesson.date).id})
    cells = page.html.select('tr.topics td.topic')
    assert any(c.get('title') == 'Сложение и вычитание многозначных чисел' for c in cells)
    legend = page.html.select_one('.grid-legend')
    assert legend is not None and legend.select_one('.swatch.test') is not None


def test_averages_have_a_comma_in_russian(as_user, marked, testapp):  # noqa: F811
    start, end, _m = marked
    app = russian(as_user('parent'))
    query = {'from': start.isoformat(), 'to': end.isoformat()}
    page = app.get('/journal/students/%s/report' % STUDENT, query)
    assert '3,75' in page.html.select_one('table.report').text
    period = app.get('/journal/students/%s/diary-period' % STUDENT)
    assert '.' not in ''.join(td.text for td in period.html.select('td[title]'))
    # the API and the spreadsheet keep numbers
    data = app.get('/@report', query, headers=JSON).json
    assert [s for s in data['subjects'] if s['subject'] == 'Математика'][0]['average'] == '3.75'


def test_the_grids_averages_have_a_comma_in_russian(as_user, testapp):
    app = russian(as_user('teacher'))
    page = app.get(MATH_5A)
    averages = [a.text for a in page.html.select('td.avg .a') if a.text != '—']
    assert averages and all(',' in a and '.' not in a for a in averages), averages
    formulas = [td['title'] for td in page.html.select('td.avg[title]') if td['title']]
    assert formulas and not any('.' in f.split('=')[-1] for f in formulas), formulas[:2]


# -- the login page, the favicon, the front page ----------------------------------------
def test_the_login_pages_error_has_its_commas(testapp):
    page = russian(testapp).get('/@@login')
    form = page.forms['deform']
    form['login'] = ''
    answer = form.submit('submit', status='*')
    assert 'Данные, которые вы предоставили, содержат ошибку' in answer.text


def test_the_favicon_is_found(testapp):
    icon = testapp.get('/favicon.ico')
    assert icon.content_type == 'image/x-icon' and icon.body[:4] == b'\x00\x00\x01\x00'
    page = testapp.get('/')
    link = page.html.find('link', rel='icon')['href']
    assert testapp.get(link.replace('http://localhost', '')).status_int == 200


def test_the_front_page_shows_the_schools_requisites(testapp):
    page = testapp.get('/')
    requisites = page.html.select_one('.requisites')
    assert requisites is not None and requisites.find('dd') is not None


# -- downloads ---------------------------------------------------------------------------
def test_a_reports_download_is_named_by_student_and_period(as_user, marked):  # noqa: F811
    start, end, _m = marked
    app = as_user('parent')
    query = {'from': start.isoformat(), 'to': end.isoformat()}
    period = '%s-%s' % (start.strftime('%d.%m.%Y'), end.strftime('%d.%m.%Y'))
    for fmt in ('pdf', 'xlsx'):
        got = app.get('/journal/students/%s/report' % STUDENT, dict(query, format=fmt))
        header = got.headers['Content-Disposition']
        name = 'Иванов Дмитрий Сергеевич %s.%s' % (period, fmt)
        assert "filename*=UTF-8''" + quote(name) in header, header
        assert 'filename="download.%s"' % fmt in header and 'report.' not in header
        header.encode('latin-1')   # the header itself stays ASCII


def test_a_documents_pdf_is_named_by_the_document(testapp):
    login(testapp, 'director')
    header = testapp.get(ORDER + '/@@pdf').headers['Content-Disposition']
    assert quote('№ 181 от 15.08.2012 О введении') in header, header


# -- the edition date --------------------------------------------------------------------
def test_a_2012_order_is_in_its_2012_edition(testapp):
    page = testapp.get('/')
    text = ' '.join(page.text.split())
    today = datetime.date.today().strftime('%d.%m.%Y')
    assert 'in the edition of ' + today not in text
    public = testapp.get(ORDER + '/@@public')
    editions = [a.text for a in public.html.select('a') if 'edition of' in a.text]
    assert editions and all('15.08.2012' in e for e in editions), editions

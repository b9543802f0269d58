"""The import of people and classes (*Settings → Import of people*): templates that import
cleanly, a preview with the row errors of every kind, nothing saved from a partly bad file,
the confirmation through the same actions as the forms, the log, the JSON API and the
console."""
import datetime
import io
import os
import pathlib
import zipfile

import openpyxl

from conftest import csrf_token, login, api_token
from test_jobs import server_ini  # noqa: F401 (the fixture: a server's ini on the demo)

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
                ['Зайцева', 'Анна', '', datetime.date(2014, 5, 6), 'Z-2', '6д']],
    'Родители': [['№ личного дела ученика', 'Логин', 'Фамилия', 'Имя', 'Кем приходится',
                  'Телефон', 'Согласие на обработку ПДн (дата)',
                  'Расписка о неразглашении логина (дата)'],
                 ['Z-1', 'zaytseva.mp', 'Зайцева', 'Мария', 'мать', '+7 900 000-00-02',
                  '01.09.2025', '01.09.2025'],
                 ['Z-2', 'zaytseva.mp', 'Зайцева', 'Мария', 'мать', '', '01.09.2025',
                  '01.09.2025'],
                 ['Z-2', '', 'Зайцев', 'Пётр', 'отец', '', '', '']],
}


def test_good_workbook_previews_then_imports_everything(testapp, as_user, root):
    as_user('admin')
    page = preview_page(testapp, workbook(GOOD), 'school.xlsx')
    assert not error_cells(page)
    assert [li.get_text(' ', strip=True) for li in page.html.select('ul.import-tables li')] == [
        'Сотрудники: Staff, rows 1', 'Классы: Classes, rows 1', 'Ученики: Students, rows 2',
        'Родители: Parents / legal representatives, rows 3']
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
    # a parent without a login is in the family data only; a consent went to the registry
    anna = school_class.current_students()[1]
    assert [g['fullname'] for g in anna.diary.guardians] == ['Зайцева Мария', 'Зайцев Пётр']
    assert 'Зайцев Пётр' not in [u.fullname for u in users.values()]
    registry = root['consents']
    assert [c.person for c in registry.find('guardian', anna.__name__, 'Зайцева Мария',
                                            'child')]
    # a student imported into a class that has journals appears in them
    more = csv_bytes('Фамилия;Имя;Дата рождения;№ личного дела;Класс',
                     'Яковлев;Яков;03.03.2015;Z-9;5А')
    assert 'The file is imported.' in confirm(preview_page(testapp, more, 'more.csv')).text
    journal = testapp.get(year.__name__.join(('/journal/', '/classes/5a/journals/math')))
    assert 'Яковлев' in journal.text
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


def bad_workbook(root):
    existing = root['journal'].current_year()['classes']['5a'].students()[0]
    return workbook({
        'Сотрудники': [GOOD['Сотрудники'][0],
                       ['orlova.ni', 'Орлова', 'Нина', '', '', 'Учитель-предметник', '', ''],
                       ['orlova.ni', 'Орлова', 'Нина', '', '', 'teacher', '', ''],
                       ['teacher', 'Другой', 'Учитель', '', '', 'teacher', '', ''],
                       ['kim.a', 'Ким', 'Анна', '', '', 'teacher', 'not-a-mail', ''],
                       ['lee.b', 'Ли', 'Борис', '', '', 'teacher', '', 'звонить вечером'],
                       ['pak.c', '', 'Пак', '', '', 'teacher', '', ''],
                       ['choi.d', 'Цой', 'Дина', '', '', 'волшебник', '', '']],
        'Классы': [['Класс', 'Классный руководитель (логин)'], ['Х1', ''], ['5А', '']],
        'Ученики': [GOOD['Ученики'][0],
                    ['Зайцев', 'Олег', '', '31.02.2013', 'Z-1', '5А'],
                    ['Зайцев', 'Олег', '', '01.02.2013', 'Z-2', '9Щ'],
                    ['Зайцев', '', '', '01.02.2013', 'Z-3', '5А'],
                    ['Сидоров', 'Пётр', '', '01.02.2013', 'Z-4', '5А'],
                    ['Сидоров', 'Павел', '', '01.02.2013', 'Z-4', '5А'],
                    [existing.surname, existing.first_name, existing.patronymic,
                     existing.birth_date.strftime('%d.%m.%Y'), 'Z-5', '5А']],
        'Родители': [GOOD['Родители'][0],
                     ['NOPE', 'zaytseva.mp', 'Зайцева', 'Мария', 'мать', '', '', ''],
                     ['Z-4', 'sidorova.a', 'Сидорова', 'Анна', 'тётя', '', '', ''],
                     ['Z-4', 'sidorova.b', 'Сидорова', 'Бэлла', 'мать', '', '', '01.09.2025']],
    })


def test_every_kind_of_row_error_is_shown_and_nothing_is_saved(testapp, as_user, root):
    as_user('admin')
    users_before = len(root['people']['users'])
    students_before = len(root['journal']['students'])
    page = preview_page(testapp, bad_workbook(root), 'bad.xlsx')
    errors = {(sheet, int(row), column): message for sheet, row, column, message
              in error_cells(page)}
    expected = {
        ('Сотрудники', 3, 'Логин'): 'Repeats row 2 of the file.',
        ('Сотрудники', 4, 'Логин'): 'This login is taken.',
        ('Сотрудники', 5, 'E-mail'): 'Not an e-mail address.',
        ('Сотрудники', 6, 'Телефон'): 'Not a phone number.',
        ('Сотрудники', 7, 'Фамилия'): 'Required',
        ('Сотрудники', 8, 'Роли'): 'Not a staff role: волшебник.',
        ('Классы', 2, 'Класс'): 'Not a class name',
        ('Классы', 3, 'Класс'): 'This class exists.',
        ('Ученики', 2, 'Дата рождения'): 'Not a date',
        ('Ученики', 3, 'Класс'): 'No class 9Щ in the current school year',
        ('Ученики', 4, 'Имя'): 'Required',
        ('Ученики', 6, '№ личного дела'): 'Repeats row 5 of the file.',
        ('Ученики', 7, 'Фамилия'): 'is in the database already',
        ('Родители', 2, '№ личного дела ученика'): 'No student with this personal file',
        ('Родители', 3, 'Кем приходится'): 'Mother, father, guardian or other.',
        ('Родители', 4, 'Согласие на обработку ПДн (дата)'): 'needs the personal-data consent',
    }
    for place, text in expected.items():
        assert place in errors, (place, errors)
        assert text in errors[place], (place, errors[place])
    assert not [f for f in page.forms.values() if 'token' in f.fields]   # nothing to confirm
    root._p_jar.sync()
    assert len(root['people']['users']) == users_before
    assert len(root['journal']['students']) == students_before
    assert 'orlova.ni' not in root['people']['users']
    # what the preview wrote and threw away leaves the audit chain whole
    from ejportal.core.audit import anchor_path, get_audit_log
    ok, broken, message = get_audit_log(root).verify(anchor_path(testapp.app.registry))
    assert ok, (broken, message)


def test_errors_read_in_russian(testapp, as_user, root):
    as_user('admin')
    testapp.set_cookie('ejportal_lang', 'ru')
    page = preview_page(testapp, bad_workbook(root), 'bad.xlsx')
    messages = [cells[3] for cells in error_cells(page)]
    assert 'Повторяет строку 2 файла.' in messages
    assert any('Не дата' in m for m in messages)
    assert 'Обязательно' in messages


def test_a_file_that_went_bad_after_its_preview_saves_nothing(testapp, as_user, root):
    """The confirmation runs every row again: a login taken meanwhile refuses the whole
    file, and the log keeps the refused attempt."""
    as_user('admin')
    page = preview_page(testapp, workbook(GOOD), 'school.xlsx')
    from ejportal.core.content import create
    import transaction
    root['people']['users'].add('zaytseva.mp', create('User', surname='X', first_name='Y'))
    transaction.commit()
    refused = confirm(page, status=400)
    assert 'nothing was saved' in refused.text
    root._p_jar.sync()
    assert 'orlova.ni' not in root['people']['users']
    assert '6d' not in root['journal'].current_year()['classes']
    log = testapp.get('/settings/@@imports')
    assert 'refused' in log.text


def test_templates_download_and_import_cleanly(testapp, as_user, root):
    as_user('admin')
    page = testapp.get('/settings/@@import')
    assert 'Дата рождения' in page.text and 'Birth date' in page.text
    xlsx = testapp.get('/settings/@@import-template', {'format': 'xlsx'})
    assert xlsx.headers['Content-Disposition'].startswith('attachment')
    book = openpyxl.load_workbook(io.BytesIO(xlsx.body), read_only=True)
    assert book.sheetnames == ['Сотрудники', 'Классы', 'Ученики', 'Родители']
    preview = preview_page(testapp, xlsx.body, 'import-people.xlsx')
    assert not error_cells(preview)
    counts = [td.get_text() for td in preview.html.select('table.import-counts td')]
    assert counts == ['1', '1', '1', '1']
    # the CSV templates, one kind a file, in order, through the real import
    for kind in ('staff', 'classes', 'students', 'guardians'):
        body = testapp.get('/settings/@@import-template', {'format': 'csv', 'kind': kind}).body
        assert body.startswith(b'\xef\xbb\xbf')
        done = confirm(preview_page(testapp, body, 'import-%s.csv' % kind))
        assert 'The file is imported.' in done.text, (kind, error_cells(done))
    root._p_jar.sync()
    assert 'petrova.ev' in root['people']['users']
    assert root['journal'].current_year()['classes']['5d'].current_students()[0].parents == (
        'petrova.ev',)


def test_csv_in_windows_1251_and_plain_utf8(testapp, as_user, root):
    as_user('admin')
    for encoding in ('cp1251', 'utf-8'):
        body = csv_bytes(STAFF_HEADER, 'vasin.%s;Васин;Иван;;;Учитель-предметник;;'
                         % encoding.replace('-', ''), encoding=encoding)
        done = confirm(preview_page(testapp, body, 'staff.csv'))
        assert 'The file is imported.' in done.text
    root._p_jar.sync()
    assert root['people']['users']['vasin.cp1251'].surname == 'Васин'
    assert root['people']['users']['vasin.utf8'].surname == 'Васин'


def zip_bomb():
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as archive:
        archive.writestr('[Content_Types].xml', '<Types/>')
        archive.writestr('xl/workbook.xml', '<workbook/>')
        archive.writestr('xl/sharedStrings.xml', b'\0' * (30 * 1024 * 1024))
    return out.getvalue()


def test_zip_bomb_and_junk_are_refused_before_parsing(testapp, as_user, root):
    as_user('admin')
    page = upload(testapp, zip_bomb(), 'bomb.xlsx', status=400)
    assert 'unpacks to too much data' in page.text
    page = upload(testapp, b'\x00\x01\x02junk', 'junk.csv', status=400)
    assert 'not a spreadsheet' in page.text
    page = upload(testapp, csv_bytes('Что;Это'), 'odd.csv', status=400)
    assert 'not those of any template' in page.text


def test_row_limit(testapp, as_user):
    as_user('admin')
    lines = [STAFF_HEADER] + ['u%d;Ф;И;;;teacher;;' % n for n in range(3001)]
    page = upload(testapp, csv_bytes(*lines), 'many.csv', status=400)
    assert 'Too many rows' in page.text


def test_a_preview_is_the_uploaders_own(testapp, as_user):
    as_user('admin')
    page = preview_page(testapp, workbook(GOOD), 'school.xlsx')
    token = next(f for f in page.forms.values() if 'token' in f.fields)['token'].value
    testapp.get('/settings/@@import', {'token': 'forged'}, status=404)
    testapp.reset()
    as_user('director')
    testapp.get('/settings/@@import', {'token': token}, status=404)


# -- the JSON API ----------------------------------------------------------------------------
def test_api_dry_run_confirm_and_refusal(testapp, root):
    token = api_token(testapp, 'admin')
    auth = {'Authorization': 'Bearer ' + token, 'Accept': 'application/json'}
    bad = testapp.post('/settings/@import', {'dry_run': '1'},
                       upload_files=[('file', 'bad.xlsx', bad_workbook(root))], headers=auth)
    assert bad.json['valid'] is False
    assert {'sheet': 'Классы', 'row': 3, 'column': 'Класс',
            'message': 'This class exists.'} in bad.json['errors']
    refused = testapp.post('/settings/@import', {},
                           upload_files=[('file', 'bad.xlsx', bad_workbook(root))],
                           headers=auth, status=400)
    assert refused.json['error']['type'] == 'BadRequest'
    assert refused.json['error']['fields']['Классы.3.Класс'] == 'This class exists.'
    root._p_jar.sync()
    assert 'orlova.ni' not in root['people']['users']     # the file's good rows neither
    preview = testapp.post('/settings/@import', {'dry_run': 'true'},
                           upload_files=[('file', 'good.xlsx', workbook(GOOD))], headers=auth)
    assert preview.json['valid'] is True and preview.json['counts']['students'] == 2
    root._p_jar.sync()
    assert 'orlova.ni' not in root['people']['users']
    done = testapp.post_json('/settings/@import', {'token': preview.json['token']},
                             headers=auth, status=201)
    assert done.json['counts'] == {'staff': 1, 'classes': 1, 'students': 2, 'guardians': 3}
    assert {c['login'] for c in done.json['credentials']} == {'orlova.ni', 'zaytseva.mp'}
    # a token is used once
    testapp.post_json('/settings/@import', {'token': preview.json['token']}, headers=auth,
                      status=404)
    log = testapp.get('/settings/@imports', headers=auth)
    assert [e['result'] for e in log.json['items']][:2] == ['saved', 'refused']
    # straight import, no preview: 201
    body = csv_bytes(STAFF_HEADER, 'frolov.a;Фролов;Антон;;;teacher;;')
    assert testapp.post('/settings/@import', {}, upload_files=[('file', 's.csv', body)],
                        headers=auth, status=201).json['counts']['staff'] == 1
    assert testapp.post('/settings/@import', {}, headers=auth, status=400).json['error']


# -- the console -----------------------------------------------------------------------------
def test_console_import_without_a_server(app, db_dir, tmp_path, capsys):
    from conftest import close_app
    from test_evolve import write_ini
    from ejportal.scripts.admin import main as admin_main
    close_app(app)
    ini = write_ini(db_dir)
    good = tmp_path / 'staff.csv'
    good.write_bytes(csv_bytes(STAFF_HEADER, 'gromov.i;Громов;Илья;;;teacher;;'))
    assert admin_main([ini, 'import-people', str(good), '--dry-run']) == 0
    assert 'staff: 1' in capsys.readouterr().out
    assert admin_main([ini, 'import-people', str(good)]) == 0
    out = capsys.readouterr().out
    assert 'created gromov.i (Громов Илья) with one-time password' in out
    # again: the login is taken now, so nothing is saved and the exit code says so
    assert admin_main([ini, 'import-people', str(good)]) == 1
    captured = capsys.readouterr()
    assert 'row 2, Логин: This login is taken.' in captured.out
    assert 'nothing was imported' in captured.err


def test_console_import_through_the_running_server(server_ini, tmp_path):
    """With the server holding the FileStorage, the console hands the command to it; a
    relative file name is the console's, not the server's."""
    import subprocess
    from servers import AppProcess
    from test_jobs import ADMIN_CLI, call
    server = AppProcess(server_ini).start()
    try:
        work = tmp_path / 'work'
        work.mkdir()
        (work / 'school.xlsx').write_bytes(workbook(GOOD))
        (work / 'bad.csv').write_bytes(csv_bytes(STAFF_HEADER, 'admin;А;Б;;;teacher;;'))

        source = str(pathlib.Path(__file__).resolve().parents[2] / 'src')
        env = dict(os.environ, PYTHONPATH=source)

        def console(*argv):
            return subprocess.run([ADMIN_CLI, server_ini, *argv], capture_output=True,
                                  text=True, timeout=300, cwd=str(work), env=env)
        checked = console('import-people', 'school.xlsx', '--dry-run')
        assert checked.returncode == 0, checked.stderr
        assert 'staff: 1, classes: 1, students: 2, guardians: 3' in checked.stdout
        refused = console('import-people', 'bad.csv')
        assert refused.returncode == 1
        assert 'row 2' in refused.stdout and 'nothing was imported' in refused.stderr
        done = console('import-people', 'school.xlsx')
        assert done.returncode == 0, done.stderr
        assert 'created zaytseva.mp' in done.stdout
        password = done.stdout.split('created orlova.ni (Орлова Нина Ивановна) with one-time '
                                     'password ')[1].split()[0]
        # the password is right: the API only asks for the one-time one to be changed
        status, login = call(server.url + '/@login', 'POST',
                             {'login': 'orlova.ni', 'password': password})
        assert login['error']['type'] == 'PasswordChangeRequired', login
        status, login = call(server.url + '/@login', 'POST',
                             {'login': 'admin', 'password': 'demo'})
        status, log = call(server.url + '/settings/@imports', token=login['token'])
        assert [(e['filename'], e['result'], e['userid']) for e in log['items']] == [
            ('school.xlsx', 'saved', 'ejportal-admin'), ('bad.csv', 'refused', 'ejportal-admin')]
    finally:
        assert server.stop() == 0, server.output()[-3000:]


def test_control_characters_in_a_cell_are_refused_at_the_door(testapp, as_user):
    as_user('admin')
    body = csv_bytes(STAFF_HEADER, 'bad.one;Иван\x07ов;Иван;;;teacher;;')
    page = upload(testapp, body, 'staff.csv', status=400)
    assert 'Some fields are not valid.' in page.text
    assert 'file.2.2: This text holds characters that cannot be stored' in page.text

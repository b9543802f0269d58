"""The import of people in real Chromium: the administrator downloads nothing by hand here,
uploads a workbook, reads the preview, confirms, and gets the one-time passwords."""
import io

import openpyxl
import pytest

from browsing import browser_login

pytestmark = pytest.mark.browser


def workbook(tmp_path, rows):
    book = openpyxl.Workbook()
    book.active.title = 'Сотрудники'
    for row in rows:
        book.active.append(row)
    path = tmp_path / 'staff.xlsx'
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def test_upload_preview_confirm(page, live_server, tmp_path):
    header = ['Логин', 'Фамилия', 'Имя', 'Роли']
    browser_login(page, live_server.url, 'admin')
    page.goto(live_server.url + '/settings/@@import')
    page.set_input_files('input[name=file]',
                         str(workbook(tmp_path, [header, ['teacher', 'Б', 'В', 'teacher']])))
    page.click('button[name=upload]')
    page.wait_for_load_state()
    assert page.locator('table.import-errors tbody tr').count() == 1
    assert page.locator('button[name=confirm]').count() == 0
    page.set_input_files('input[name=file]',
                         str(workbook(tmp_path, [header, ['belova.e', 'Белова', 'Ева',
                                                          'teacher']])))
    page.click('button[name=upload]')
    page.wait_for_load_state()
    assert page.locator('table.import-errors').count() == 0
    page.click('button[name=confirm]')
    page.wait_for_load_state()
    row = page.locator('table.import-credentials tbody tr')
    assert row.count() == 1 and row.locator('td').first.inner_text() == 'belova.e'

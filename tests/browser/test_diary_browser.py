"""A parent gets a credential slip from the class teacher, logs in with its one-time
password in a real browser, chooses a password and reads the child's week."""
import datetime
import io

import pytest
import transaction
from pypdf import PdfReader

from browsing import browser_login

from ejportal.diary import consents
from ejportal.journal.resources import school_year_start

pytestmark = pytest.mark.browser

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
CLASS = '/journal/%d-%d/classes/5a' % (Y, Y + 1)


def test_parent_logs_in_with_slip_and_reads_the_week(page, live_server, root):
    student = root['journal']['students']['s0002']
    guardian = dict(student.diary.guardians[0], fullname='Алексеева Ольга Ивановна',
                    consent=TODAY, no_pass_note=TODAY)
    student.diary.guardians[0] = guardian
    consents.desk_registered(root, student, guardian)   # the consent is the registry's
    transaction.commit()

    browser_login(page, live_server.url, 'class_teacher')
    page.goto(live_server.url + CLASS + '/desk')
    with page.expect_download() as download_info:
        page.click('#logins button[type=submit]')
    with open(download_info.value.path(), 'rb') as f:
        text = PdfReader(io.BytesIO(f.read())).pages[0].extract_text()
    words = text.split()
    transaction.abort()
    login = student.diary.guardians[0]['login']
    password = words[words.index(login) + 1]
    page.context.clear_cookies()

    browser_login(page, live_server.url, login, password)
    assert page.url.endswith('/@@change-password')
    page.fill('input[name=current_password]', password)
    page.fill('input[name=new_password]', 'Nadezhnyi-parol-7')
    page.fill('input[name=repeat]', 'Nadezhnyi-parol-7')
    page.click('button[name=save]')
    page.wait_for_url('**/@@start')
    page.click('text=Алексеева М.А.')
    page.wait_for_url('**/s0002/diary')
    assert 'Алексеева Мария Андреевна' in page.locator('h1').inner_text()
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    assert page.locator('#day-' + monday.isoformat()).count() == 1
    assert page.locator('tr.lesson').count() > 0
    page.click('a[rel=next]')
    page.wait_for_load_state()
    next_monday = monday + datetime.timedelta(days=7)
    assert page.locator('#day-' + next_monday.isoformat()).count() == 1
    # another family's diary is hidden from this parent, as if not there
    response = page.goto(live_server.url + '/journal/students/s0001/diary')
    assert response.status == 404 and 'Иванов' not in page.content()

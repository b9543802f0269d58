"""Issue 11 in the browser: the grid's average, worked out again after a mark is saved, keeps
the reader's decimal comma; the page that asks before cancelling an order works."""
import re

import pytest

from browsing import browser_login
from test_journal_browser import MATH_5A, cell, different, open_period, wait_saved

pytestmark = pytest.mark.browser


def test_the_average_after_a_save_reads_with_a_comma(page, live_server, root):
    period, lessons, student = open_period(root)
    browser_login(page, live_server.url, 'teacher')
    page.goto(live_server.url + MATH_5A + '?period=' + period.id)
    target = cell(page, student, lessons[0])
    target.fill(different(root, student, lessons[0], '5'))
    target.press('Enter')
    wait_saved(page, target)
    average = page.locator('tr[data-student="%s"] td.avg .a' % student).inner_text()
    assert re.fullmatch(r'\d,\d\d', average), average
    explain = page.locator('tr[data-student="%s"] td.avg' % student).get_attribute('title')
    assert not re.search(r'\d\.\d', explain), explain


def test_cancelling_an_order_asks_on_a_page_and_cancel_goes_back(page, live_server):
    browser_login(page, live_server.url, 'director')
    order = live_server.url + '/documents/order-2012-od-181/'
    page.goto(order)
    button = page.locator('.workflow-danger button[value=cancel]')
    assert 'btn-outline-danger' in button.get_attribute('class')
    button.click()
    page.wait_for_load_state()
    assert page.locator('.confirm-box').is_visible()
    page.click('.confirm-box a.btn-outline-secondary')
    page.wait_for_load_state()
    assert page.url == order
    assert page.locator('.workflow-danger button[value=cancel]').count() == 1

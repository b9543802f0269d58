"""The director's dashboard in a real browser (issue 12): from the start page to the
dashboard, its charts drawn (SVG, no script error), the numbers in a table beside each, the
period chosen in the form, the XLSX offered."""
import pytest

from browsing import browser_login

pytestmark = pytest.mark.browser


def test_the_director_opens_the_dashboard_from_the_start_page(page, live_server):
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    browser_login(page, live_server.url, 'director')
    page.goto(live_server.url + '/@@start')
    page.click('.panel a[href$="/journal/@@dashboard"]')
    page.wait_for_load_state()
    assert page.locator('h1').inner_text().startswith('Панель директора')
    charts = page.locator('.chart svg')
    assert charts.count() == 4
    assert charts.first.bounding_box()['height'] > 100
    assert page.locator('table.dashboard-teachers tr.school-row').count() == 1
    assert page.locator('#dashboard-acknowledgements table').count() == 1
    page.select_option('#d-period', 'q1')
    page.click('form.dashboard-period button')
    page.wait_for_load_state()
    assert 'period=q1' in page.url
    assert page.locator('a.dashboard-xlsx').get_attribute('href').endswith('period=q1')
    assert errors == []

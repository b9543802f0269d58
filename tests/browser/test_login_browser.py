"""A person logging in with the keyboard in a real browser."""
import pytest

from browsing import browser_login

pytestmark = pytest.mark.browser


def test_director_logs_in_and_sees_sections(page, live_server):
    browser_login(page, live_server.url, 'director')
    assert page.url.endswith('/@@start')
    nav = page.locator('nav.main-nav').inner_text()
    assert 'Documents' in nav or 'Документы' in nav
    page.goto(live_server.url + '/@@account')
    assert 'HeadlessChrome' in page.content()


def test_login_form_works_from_the_keyboard(page, live_server):
    page.goto(live_server.url + '/@@login')
    page.keyboard.type('teacher')        # the login field has the focus
    page.keyboard.press('Tab')
    page.keyboard.type('demo')
    page.keyboard.press('Enter')
    page.wait_for_url('**/@@start')
    assert page.locator('h1').inner_text()

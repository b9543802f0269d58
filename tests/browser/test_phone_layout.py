"""The family's pages fit a phone (issue 11, finding 6): at 390 px nothing lays out wider
than the screen, so the week's marks are on it, not off to the right."""
import pytest

from browsing import browser_login

pytestmark = pytest.mark.browser

PHONE = {'width': 390, 'height': 844}
PAGES = ['/@@start', '/journal/students/s0001/diary', '/journal/students/s0009/diary']


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(locale='ru-RU', viewport=PHONE, is_mobile=True,
                                   has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()


def overflowing(page):
    """The elements that reach past the right edge of the screen (for the message)."""
    return page.evaluate('''() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391
                     && getComputedStyle(e).position !== 'fixed'
                     && !e.closest('.visually-hidden-focusable'))
        .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' +
                         Math.round(e.getBoundingClientRect().right))''')


def test_the_family_pages_fit_a_phone(phone, live_server):
    browser_login(phone, live_server.url, 'parent')
    for path in PAGES:
        phone.goto(live_server.url + path)
        width = phone.evaluate('document.scrollingElement.scrollWidth')
        assert width <= PHONE['width'], (path, width, overflowing(phone))


def test_the_marks_of_the_week_are_on_the_screen(phone, live_server):
    browser_login(phone, live_server.url, 'parent')
    phone.goto(live_server.url + '/journal/students/s0001/diary')
    marks = phone.locator('.mark')
    assert marks.count() > 0
    for i in range(min(marks.count(), 20)):
        box = marks.nth(i).bounding_box()
        if box:
            assert box['x'] + box['width'] <= PHONE['width'], box

"""The family's pages fit a phone (issue 11, finding 6): at 390 px nothing lays out wider
than the screen, so the week's marks are on it, not off to the right. So do the documents,
the start pages, the public site and the journal, whose grid scrolls inside its own box."""
import datetime

import pytest

from browsing import browser_login
from ejportal.journal.resources import school_year_start

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


# Issue 11, "responsive layouts": the documents, the start pages, the public site and the
# journal at 390 px. The grid may scroll inside its own box; the page may not.
Y = school_year_start(datetime.date.today())
MATH_5A = '/journal/%d-%d/classes/5a/journals/math' % (Y, Y + 1)
ORDER = '/documents/order-2012-od-181'
PAGES_BY_ROLE = {
    None: ['/', '/news', '/events', ORDER + '/@@public', '/@@login'],
    'director': ['/@@start', '/documents/', ORDER, ORDER + '/@@history',
                 ORDER + '/appendix-1', '/documents/regulation-1'],
    'secretary': ['/@@start', '/documents/'],
    'deputy': ['/@@start'],
    'teacher': ['/@@start', MATH_5A],
    'class_teacher': ['/@@start'],
    'admin': ['/@@start'],
}


@pytest.mark.parametrize('role', list(PAGES_BY_ROLE), ids=lambda r: r or 'anonymous')
def test_the_pages_of_each_role_fit_a_phone(phone, live_server, role):
    if role is not None:
        browser_login(phone, live_server.url, role)
    for path in PAGES_BY_ROLE[role]:
        response = phone.goto(live_server.url + path)
        assert response.status == 200, path
        width = phone.evaluate('document.scrollingElement.scrollWidth')
        assert width <= PHONE['width'], (path, width, overflowing(phone))


def test_the_journal_grid_scrolls_in_its_box_with_names_and_averages_in_sight(phone,
                                                                              live_server):
    browser_login(phone, live_server.url, 'teacher')
    phone.goto(live_server.url + MATH_5A)
    assert phone.evaluate('document.scrollingElement.scrollWidth') <= PHONE['width']
    box = phone.locator('.grid-wrap')
    assert box.evaluate('e => e.scrollWidth > e.clientWidth')    # the lessons scroll inside
    box.evaluate('e => { e.scrollLeft = e.scrollWidth / 2; }')
    for selector in ('tbody th.name', 'tbody td.avg'):
        cell = phone.locator(selector).first.bounding_box()
        assert 0 <= cell['x'] and cell['x'] + cell['width'] <= PHONE['width'], (selector, cell)


def test_the_desktop_grid_keeps_averages_in_sight(page, live_server):
    browser_login(page, live_server.url, 'teacher')
    page.goto(live_server.url + MATH_5A)
    wrap = page.locator('.grid-wrap').bounding_box()
    average = page.locator('tbody td.avg').first.bounding_box()
    assert average['x'] + average['width'] <= wrap['x'] + wrap['width'] + 1, (average, wrap)

"""The school site on a phone-sized screen: the front page, the news and an event fit the
width (nothing to scroll sideways), and the header's sections are reachable."""
import pytest

pytestmark = pytest.mark.browser

PHONE = {'width': 375, 'height': 740}


@pytest.mark.parametrize('path', ['/', '/news', '/news/journal-start', '/events',
                                  '/events/parents-meeting'])
def test_public_pages_fit_a_phone(chromium, live_server, path):
    context = chromium.new_context(locale='ru-RU', viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(live_server.url + path)
        width = page.evaluate('document.documentElement.scrollWidth')
        assert width <= PHONE['width'], '%s is %dpx wide on a phone' % (path, width)
        assert page.locator('h1').count() == 1
        assert page.locator('nav.main-nav a[href$="/news/"]').is_visible()
        assert page.locator('meta[name="description"]').get_attribute('content')
    finally:
        context.close()

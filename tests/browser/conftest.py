"""Browser tests: the real app on waitress (a free port) driven by Debian's Chromium
through Playwright. ``live_server`` serves a per-test copy of the demo database."""
import os

import pytest

from servers import LiveServer, unavailable

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
                 '--disable-background-networking', '--disable-component-update',
                 '--disable-sync', '--no-first-run']


@pytest.fixture(scope='session')
def chromium():
    if not os.path.exists(CHROMIUM):
        unavailable('Chromium is not installed (apt-get install chromium)')
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(locale='ru-RU', viewport={'width': 1280, 'height': 900})
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()

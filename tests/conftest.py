"""The real app on a real FileStorage, through WebTest.

The demo school is built once per test session into a template database; each test gets
its own copy of that file, so tests never see each other's changes.
"""
import contextlib
import os
import shutil
import tempfile

# Every test builds its own app, and Chameleon compiles templates per app: keep the compiled
# modules on disk (keyed by the template's source, so never stale) to compile each once.
os.environ.setdefault('CHAMELEON_CACHE', os.path.join(tempfile.gettempdir(),
                                                      'ejportal-chameleon-%d' % os.getuid()))
os.makedirs(os.environ['CHAMELEON_CACHE'], exist_ok=True)

import pytest  # noqa: E402
import transaction  # noqa: E402
from webtest import TestApp  # noqa: E402

from ejportal import main  # noqa: E402
from servers import LiveServer, PostgreSQL, unavailable  # noqa: E402

SECRET = 'test-secret-' + 'x' * 20


def app_settings(directory, **overrides):
    settings = {
        'zodbconn.uri': 'file://%s/Data.fs?blobstorage_dir=%s/blobs' % (directory, directory),
        'ejportal.secret': SECRET,
        'ejportal.demo': 'true',
        'ejportal.auto_evolve': 'true',
        'mail.debug': 'true',
        'mail.top_level_directory': os.path.join(str(directory), 'mail'),
        'retry.attempts': '3',
        # every page served from the response cache is rendered again and compared
        'ejportal.response_cache_verify': 'true',
        # every test client comes from these, like a school behind one public address: the
        # login watch compares other addresses only (test_login_watch uses its own)
        'ejportal.shared_addresses': '10.0.0.1 127.0.0.1',
    }
    settings.update(overrides)
    return settings


def close_app(app):
    transaction.abort()
    for db in app.registry._zodb_databases.values():
        db.close()


@pytest.fixture
def config():
    """A bare Pyramid configuration, current as in a request, with the portal's directives:
    a unit test includes or registers what it needs (``config.include('ejportal.core.audit')``,
    ``config.add_workflow(...)``); changes apply at once."""
    from pyramid import testing
    config = testing.setUp()
    config.include('ejportal.core.registry')
    yield config
    testing.tearDown()


@pytest.fixture(scope='session')
def portal_registry_of_the_app():
    """The registry of the whole portal's configuration, made once (no database opened)."""
    from pyramid.config import Configurator
    from ejportal import include_portal
    config = Configurator(settings={'ejportal.secret': SECRET})
    config.include('pyramid_chameleon')
    config.include(include_portal)
    config.commit()
    return config.registry


@pytest.fixture
def portal_registry(portal_registry_of_the_app):
    """The whole portal's registry, current as in a request (for unit tests that make
    objects through ``create()``)."""
    from pyramid import threadlocal
    threadlocal.manager.push({'registry': portal_registry_of_the_app, 'request': None})
    yield portal_registry_of_the_app
    threadlocal.manager.pop()


@contextlib.contextmanager
def subscribed(registry, handler, event_class):
    """``handler`` receives ``event_class`` events sent through ``registry`` for the block."""
    from zope.interface import implementedBy
    registry.registerHandler(handler, (implementedBy(event_class),))
    try:
        yield handler
    finally:
        registry.unregisterHandler(handler, (implementedBy(event_class),))


@pytest.fixture(scope='session')
def demo_template(tmp_path_factory):
    """A database with the demo school, made once."""
    directory = tmp_path_factory.mktemp('demo-template')
    app = main({}, **app_settings(directory))
    close_app(app)
    return directory


@pytest.fixture
def db_dir(tmp_path, demo_template):
    for name in os.listdir(demo_template):
        source = os.path.join(demo_template, name)
        if name.startswith('Data.fs') and not name.endswith('.lock'):
            shutil.copy(source, tmp_path / name)
        elif os.path.isdir(source) and name == 'blobs':
            shutil.copytree(source, tmp_path / name)
    return tmp_path


@pytest.fixture
def app(db_dir):
    application = main({}, **app_settings(db_dir))
    yield application
    close_app(application)


@pytest.fixture
def testapp(app):
    """A client that reads the English interface, so assertions do not depend on whether
    the catalogs were compiled; tests of the Russian interface set ``ejportal_lang=ru``."""
    return EnglishClient(app, extra_environ={'REMOTE_ADDR': '10.0.0.1', 'HTTP_HOST': 'localhost'})


class EnglishClient(TestApp):
    """A WebTest client whose language stays English across ``reset()``."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.set_cookie('ejportal_lang', 'en')

    def reset(self):
        super().reset()
        self.set_cookie('ejportal_lang', 'en')


def login(testapp, login_name, password='demo'):
    """Log in through the real login form; returns the response after the redirect."""
    form = testapp.get('/@@login').forms['deform']
    form['login'] = login_name
    form['password'] = password
    return form.submit('submit', status='*')


@pytest.fixture
def as_user(testapp):
    """``as_user('teacher')`` logs the test app in as that demo account."""
    def log_in(login_name, password='demo'):
        response = login(testapp, login_name, password)
        assert response.status_int == 303, response.text[:500]
        return testapp
    return log_in


def csrf_token(testapp):
    """The CSRF token of the test app's session (from any page)."""
    page = testapp.get('/@@start' if testapp.cookies.get('ejportal_auth') else '/')
    return page.html.find('meta', attrs={'name': 'csrf-token'})['content']


@pytest.fixture
def root(app):
    """The portal in a connection of the test's own (reads; commit to write), with the app's
    registry current as a console script has it, so that changes send their events."""
    from pyramid import threadlocal
    db = app.registry._zodb_databases['']
    conn = db.open()
    threadlocal.manager.push({'registry': app.registry, 'request': None})
    yield conn.root()['ejportal']
    threadlocal.manager.pop()
    transaction.abort()
    conn.close()


def api_token(testapp, login_name, password='demo'):
    response = testapp.post_json('/@login', {'login': login_name, 'password': password},
                                 headers={'Accept': 'application/json'})
    return response.json['token']


# -- browser tests: Debian's Chromium through Playwright, the app on a live waitress ---------
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


@pytest.fixture(scope='module')
def postgresql():
    """A private PostgreSQL on a free port, one per test module (RelStorage's tests)."""
    server = PostgreSQL().start()
    yield server
    server.stop()


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


# -- hypothesis (the security suites): a few dozen examples per target, the same ones every
# run, in `make test`; thousands of fresh ones under EJPORTAL_SOAK=1 (`make soak`). One app
# serves a whole module, so the function-scoped-fixture check does not apply; no example
# database is written into the tree.
from hypothesis import HealthCheck, Phase, settings as hypothesis_settings  # noqa: E402

_HYPOTHESIS = dict(deadline=None, database=None, print_blob=True,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow, HealthCheck.data_too_large])
# no shrinking in `make test`: a failing example of a slow target (a page) would be shrunk
# for many minutes; derandomized, the example printed reproduces as it is
hypothesis_settings.register_profile('default', max_examples=25, derandomize=True,
                                     phases=[Phase.explicit, Phase.generate], **_HYPOTHESIS)
hypothesis_settings.register_profile('soak', max_examples=2000, **_HYPOTHESIS)
hypothesis_settings.load_profile('soak' if os.environ.get('EJPORTAL_SOAK') == '1'
                                 else 'default')

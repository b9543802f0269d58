"""The sweep (issue 11, "the check that keeps it"): every demo role logs in and opens every
page reachable by links from its start page and the front page (found by crawling, so a new
page is included without editing this test), in real Chromium at 1280 px and at 390 px.

Each page must show: no console error and no uncaught exception; no failed request (a
subresource answering 4xx/5xx, or not answering); nothing wider than the viewport; in the
Russian text no symbolic message id of the catalog, no workflow state or transition id, no
English sentence of the catalog left untranslated; no login or object id where a name
belongs; and no serious or critical axe-core violation (axe checks each address at each
width once, for the first role that reaches it: it takes most of a page's time, and a page
differs between roles by a button or a field at most).

The failures of a role are collected over all its pages and both widths and printed at once
("role width url: what failed"). A failure that is known and left to other work is listed in
KNOWN with its reason: it is skipped by the sweep and asserted by ``test_known_failure``, an
``xfail(strict=True)``, so fixing it makes that test fail until its entry is removed.

Run it alone: ``.venv/bin/pytest tests/browser/test_sweep.py``; ``-k director`` for a role.
"""
import os
import re
import shutil
import time

import pytest
from webtest import TestApp

from browsing import browser_login, watch
from conftest import app_settings, close_app, login
from crawling import crawl
from servers import LiveServer

pytestmark = pytest.mark.browser

ROLES = ['anonymous', 'admin', 'director', 'deputy', 'secretary', 'teacher', 'class_teacher',
         'psychologist', 'student', 'student2', 'parent']
WIDTHS = {1280: 900, 390: 844}
# each shape of page (a week, a student, an order...) once, and two clicks from the start
# page: every screen of every role in a few minutes
PER_SHAPE = 1
DEPTH = 2
CATALOG = os.path.join(os.path.dirname(__file__), '..', '..', 'locales', 'ru', 'LC_MESSAGES',
                       'ejportal.po')
SYMBOLIC = re.compile(r'[a-z][a-z0-9]*(?:-[a-z0-9]+)+')
# an object's id as the portal makes them (order-2012-od-181, regulation-3, s0001)
OBJECT_ID = re.compile(r'[a-z]+(?:-[a-z0-9]+)*-\d+[a-z0-9-]*|s\d{4}')
# a Latin word, with its hyphens and underscores: a code, a login, an id
WORD = re.compile(r'(?<![\w@./-])[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*(?![\w@/-])')
# a size in English units (the reader's are «КБ», «МБ»)
UNITS = re.compile(r'\d\s?(?:KB|MB|GB)\b')
ADDRESSES = re.compile(r'\S+@\S+|https?://\S+|\S+\.(?:pdf|docx?|xlsx?|odt|ics|csv)\b')

# known failures left to other work: (role or None for every role, check, url regex,
# detail regex, the reason); each is asserted by test_known_failure (xfail, strict)
KNOWN = []  # (role or None, check, address regex, detail regex, reason)

TEXT_JS = '''() => {
    const parts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const parent = walker.currentNode.parentElement;
        // code and keyboard samples show what is typed (a login on the users screen)
        if (!parent || parent.closest('script, style, noscript, template, code, kbd, samp'))
            continue;
        // a closed list's choices and the screen reader's words are read too
        if (parent.closest('select, .visually-hidden, .visually-hidden-focusable')
                || parent.checkVisibility()) parts.push(walker.currentNode.nodeValue);
    }
    for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], img[alt]'))
        for (const name of ['title', 'aria-label', 'placeholder', 'alt'])
            if (el.getAttribute(name)) parts.push(el.getAttribute(name));
    return parts.join('\\n');
}'''

AXE_JS = '''() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)
        .map(n => n.target.join(' ')).join(', ') + (v.nodes.length > 3 ?
        ' and ' + (v.nodes.length - 3) + ' more' : '')))'''

WIDE_JS = '''(width) => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1
                 && getComputedStyle(e).position !== 'fixed'
                 && ![...e.children].some(c => c.getBoundingClientRect().right > width + 1))
    .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className && e.className.baseVal
        === undefined ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' ' +
        Math.round(e.getBoundingClientRect().right))'''


def axe_script():
    import axe_playwright_python
    return os.path.join(os.path.dirname(axe_playwright_python.__file__), 'axe.min.js')


def catalog_words():
    """The catalog's symbolic ids, and its English sentences that Russian translates."""
    from babel.messages.pofile import read_po
    with open(CATALOG, 'rb') as f:
        catalog = read_po(f)
    ids, sentences = set(), set()
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or not message.string:
            continue
        if SYMBOLIC.fullmatch(message.id):
            ids.add(message.id)
        elif message.string != message.id and len(message.id.split()) >= 3 and \
                '$' not in message.id and '%' not in message.id:
            sentences.add(message.id)
    return ids, sentences


class Sweep:
    """One app with the demo school on a live server, and the results of each role's sweep
    (made once per role, read by every test of this module)."""

    def __init__(self, app, server, chromium):
        from ejportal.core.registry import portal_registry
        self.app, self.server, self.chromium = app, server, chromium
        self.ids, self.sentences = catalog_words()
        self.codes = set()
        for workflow in portal_registry(app.registry).workflows.values():
            self.codes.update(workflow.states)
            self.codes.update(workflow.transitions)
        self.logins = self.user_logins() | {'system', 'anonymous'}
        self.results, self.seconds, self.pages = {}, {}, {}
        # (width, url) axe has checked: a page's markup is the same for every role but for
        # a button or a field, and axe is most of a page's time
        self.axed = set()
        self.times = []

    def user_logins(self):
        db = self.app.registry._zodb_databases['']
        conn = db.open()
        try:
            return set(conn.root()['ejportal']['people']['users'].keys())
        finally:
            conn.close()

    def of(self, role):
        if role not in self.results:
            started = time.monotonic()
            self.results[role] = self.sweep(role)
            self.seconds[role] = time.monotonic() - started
        return self.results[role]

    def urls(self, role):
        """The HTML pages the role reaches by links (found with WebTest: quick, and a
        download is known by its content type before the browser meets it)."""
        client = TestApp(self.app, extra_environ={'HTTP_HOST': 'localhost',
                                                  'REMOTE_ADDR': '10.0.0.1'})
        if role != 'anonymous':
            login(client, role)
        types = {}
        found = crawl(client, per_shape=PER_SHAPE, depth=DEPTH, types=types)
        return [url for url, (status, _origin, _form) in found.items()
                if status == 200 and 'text/html' in types[url]]

    def sweep(self, role):
        urls = self.urls(role)
        self.pages[role] = len(urls)
        failures = []
        for width, height in WIDTHS.items():
            context = self.chromium.new_context(
                locale='ru-RU', viewport={'width': width, 'height': height},
                is_mobile=width < 600, has_touch=width < 600)
            context.add_init_script(path=axe_script())
            page = context.new_page()
            page.set_default_timeout(20000)
            try:
                if role != 'anonymous':
                    browser_login(page, self.server.url, role)
                events = watch(page)
                for url in urls:
                    del events[:]
                    started = time.monotonic()
                    for check, detail in self.check(page, role, url, width, events):
                        failures.append((role, width, url, check, detail))
                    self.times.append((time.monotonic() - started, role, width, url))
            finally:
                context.close()
        return failures

    def check(self, page, role, url, width, events):
        response = page.goto(self.server.url + url, wait_until='load')
        if response is None or response.status != 200:
            yield 'status', response and response.status
            return
        # a visitor's start page is the login page; anyone logged in stays logged in
        if role != 'anonymous' and page.url.split('?')[0].endswith('/@@login'):
            yield 'status', 'sent to the login page'
            return
        for event in events:
            yield event
        scroll = page.evaluate('document.scrollingElement.scrollWidth')
        if scroll > width:
            yield 'wide', '%d px: %s' % (scroll, ', '.join(page.evaluate(WIDE_JS, width)))
        text = page.evaluate(TEXT_JS)
        for check, detail in self.words(text):
            yield check, detail
        if (width, url) not in self.axed:
            self.axed.add((width, url))
            for violation in page.evaluate(AXE_JS):
                yield 'axe', violation

    def words(self, text):
        """The codes, ids and untranslated sentences of a page's Russian text."""
        clean = ADDRESSES.sub(' ', text)
        found = {}
        for word in WORD.findall(clean):
            if word in self.ids:
                found.setdefault('message id', set()).add(word)
            elif word in self.codes:
                found.setdefault('state code', set()).add(word)
            elif word in self.logins:
                found.setdefault('login', set()).add(word)
            elif OBJECT_ID.fullmatch(word):
                found.setdefault('raw id', set()).add(word)
        lines = {line.strip() for line in text.splitlines()}
        english = {s for s in self.sentences if s in lines}
        english.update(UNITS.findall(clean))
        if english:
            found['english'] = english
        for check, words in sorted(found.items()):
            yield check, ', '.join(sorted(words))


@pytest.fixture(scope='module')
def sweep(demo_template, tmp_path_factory, chromium):
    directory = tmp_path_factory.mktemp('sweep')
    for name in os.listdir(demo_template):
        source = os.path.join(demo_template, name)
        if name.startswith('Data.fs') and not name.endswith('.lock'):
            shutil.copy(source, directory / name)
        elif name == 'blobs':
            shutil.copytree(source, directory / name)
    from ejportal import main
    # pages are opened once each: rendering each again to compare it with the response
    # cache (the tests' usual setting) would only double the server's time
    app = main({}, **app_settings(directory, **{'ejportal.response_cache_verify': 'false'}))
    server = LiveServer(app).start()
    result = Sweep(app, server, chromium)
    yield result
    server.stop()
    close_app(app)
    if result.seconds:
        print('\nsweep: %s' % ', '.join('%s %d pages %.0f s' % (
            role, result.pages[role], result.seconds[role]) for role in result.seconds))
        print('slowest: %s' % ', '.join('%s %d %s %.1f s' % (role, width, url, seconds)
                                        for seconds, role, width, url in
                                        sorted(result.times, reverse=True)[:10]))


def known(failure):
    role, _width, url, check, detail = failure
    return [entry for entry in KNOWN if entry[0] in (None, role) and entry[1] == check and
            re.search(entry[2], url) and re.search(entry[3], str(detail))]


def report(failures):
    return '\n'.join('%s %d %s: %s: %s' % failure for failure in failures)


@pytest.mark.parametrize('role', ROLES)
def test_sweep(sweep, role):
    failures = sweep.of(role)
    assert sweep.pages[role] > 3
    unknown = [f for f in failures if not known(f)]
    assert not unknown, '%d failures (%d known, in KNOWN):\n%s' % (
        len(unknown), len(failures) - len(unknown), report(failures))


@pytest.mark.parametrize('entry', [
    pytest.param(entry, id='%s-%s-%s' % (entry[0] or 'all', entry[1], entry[2]),
                 marks=pytest.mark.xfail(strict=True, reason=entry[4]))
    for entry in KNOWN])
def test_known_failure(sweep, entry):
    """A known failure the sweep skips (see KNOWN): xfail while it fails; once fixed, this
    test passes and (strict) fails the run, so the entry is removed."""
    roles = [entry[0]] if entry[0] else ROLES
    seen = [f for role in roles for f in sweep.of(role) if entry in known(f)]
    assert not seen, report(seen)

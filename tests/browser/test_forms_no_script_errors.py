"""Every form page of the demo, opened in real Chromium as the role that uses it, runs its
scripts without an error: deform's and the editor's inline initialisation find jQuery and
deform loaded before them, each once (issue 11, findings 1 and 2)."""
import pytest

from browsing import browser_login

pytestmark = pytest.mark.browser

CLASS = '/journal/2026-2027/classes/5a/'
JOURNAL = CLASS + 'journals/math/'

FORM_PAGES = {
    None: ['/@@login'],
    'director': ['/documents/@@add-order', '/documents/@@add-regulation',
                 '/documents/regulation-1/@@edit', '/documents/@@sharing', '/@@change-password',
                 '/@@second-factor'],
    'secretary': ['/documents/@@add-order'],
    'class_teacher': [CLASS + 'desk-student?student=s0001', CLASS + 'desk-absence',
                      CLASS + 'desk-add', CLASS + 'desk-remark'],
    'teacher': [JOURNAL + 'schedule', JOURNAL + 'plan-edit'],
    'admin': ['/people/users/add', '/people/users/teacher/', '/people/groups/add',
              '/settings/', '/journal/years', CLASS + 'manage'],
    'parent': ['/journal/students/s0001/diary-subscription'],
}


def watch(page):
    """The errors a page reports: console errors, uncaught exceptions, failed requests."""
    found = []
    page.on('console', lambda m: found.append('console: ' + m.text) if m.type == 'error'
            else None)
    page.on('pageerror', lambda e: found.append('pageerror: %s' % e))
    page.on('requestfailed', lambda r: found.append('failed: ' + r.url))
    page.on('response', lambda r: found.append('%s: %s' % (r.status, r.url))
            if r.status >= 400 else None)
    return found


@pytest.mark.parametrize('role', list(FORM_PAGES), ids=lambda r: r or 'anonymous')
def test_form_pages_run_without_script_errors(page, live_server, role):
    errors = watch(page)
    if role:
        browser_login(page, live_server.url, role)
    for path in FORM_PAGES[role]:
        before = len(errors)
        response = page.goto(live_server.url + path)
        page.wait_for_load_state('networkidle')
        assert response.status == 200, path
        assert page.locator('form').count() >= 1, path
        assert errors[before:] == [], path
        scripts = page.eval_on_selector_all(
            'script[src]', 'els => els.map(e => e.getAttribute("src").split("?")[0])')
        assert len(scripts) == len(set(scripts)), (path, scripts)


def test_rich_text_editor_loads(page, live_server):
    errors = watch(page)
    browser_login(page, live_server.url, 'director')
    page.goto(live_server.url + '/documents/regulation-1/@@edit')
    page.wait_for_load_state('networkidle')
    page.wait_for_selector('.tox-tinymce', timeout=10000)
    assert errors == []


def test_pages_without_forms_load_no_form_scripts(page, live_server):
    browser_login(page, live_server.url, 'parent')
    for path in ('/@@start', '/journal/students/s0001/diary'):
        page.goto(live_server.url + path)
        scripts = page.eval_on_selector_all('script[src]',
                                            'els => els.map(e => e.getAttribute("src"))')
        assert not [s for s in scripts if 'jquery' in s or s.endswith('/deform.js')], (path, scripts)

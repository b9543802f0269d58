"""Steps a person takes in the browser, shared by the browser tests."""


def browser_login(page, base_url, login, password='demo'):
    page.goto(base_url + '/@@login')
    page.fill('input[name=login]', login)
    page.fill('input[name=password]', password)
    page.click('button[name=submit]')
    page.wait_for_load_state()


def watch(page):
    """The errors a page reports, as (check, detail): console errors, uncaught exceptions,
    requests answered 4xx/5xx or not at all."""
    found = []
    page.on('console', lambda m: found.append(('console', m.text)) if m.type == 'error'
            else None)
    page.on('pageerror', lambda e: found.append(('console', 'uncaught %s' % e)))
    # what a page fetches after "load" (the tab's icon, the editor's skin) is cancelled by
    # the next navigation (net::ERR_ABORTED): the browser's doing, not the page's. A
    # resource the server fails is still caught, by its status below or another net error.
    page.on('requestfailed', lambda r: None if r.failure == 'net::ERR_ABORTED' else found.append(
        ('request', '%s failed (%s)' % (r.url, r.failure))))
    page.on('response', lambda r: found.append(('request', '%s %s' % (r.status, r.url)))
            if r.status >= 400 else None)
    return found

"""Every page's form fields have labels (a screen reader can name each one), every image
has alternative text, each page has one main heading, and no form stands inside another
(a browser drops the inner one, so its button would send the outer form)."""
import pytest

from conftest import EnglishClient, login
from functional.test_access_matrix import ACCESS, ANON
from functional.test_no_server_errors import pick_role

CONTROLS = ('input', 'select', 'textarea')
UNLABELLED_TYPES = ('hidden', 'submit', 'button', 'reset', 'image')


def pages():
    seen = set()
    for key, rows in sorted(ACCESS.items()):
        for method, url, allowed in rows:
            role = pick_role(allowed)
            if method == 'GET' and role is not None and '/@' not in url.replace('/@@', '') \
                    and '{' not in url and url not in seen:
                seen.add(url)
                yield pytest.param(url, role, id=url)


def unlabelled(html):
    labelled_ids = {label.get('for') for label in html.find_all('label') if label.get('for')}
    missing = []
    for control in html.find_all(CONTROLS):
        if control.name == 'input' and control.get('type', 'text') in UNLABELLED_TYPES:
            continue
        if control.get('id') in labelled_ids or control.get('aria-label') or \
                control.get('aria-labelledby') or control.get('title') or \
                control.find_parent('label'):
            continue
        missing.append(str(control)[:160])
    return missing


@pytest.mark.parametrize('url,role', list(pages()))
def test_fields_are_labelled(app, url, role):
    client = EnglishClient(app)
    if role != ANON:
        assert login(client, role).status_int == 303
    page = client.get(url, status='*')
    if page.status_int != 200 or 'html' not in page.content_type:
        return
    html = page.html
    assert not unlabelled(html), unlabelled(html)
    assert all(img.has_attr('alt') for img in html.find_all('img'))
    assert len(html.find_all('h1')) == 1
    nested = [str(f)[:120] for f in html.find_all('form') if f.find_parent('form')]
    assert not nested, nested

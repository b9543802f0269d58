"""Finding the pages of the portal as a user finds them: by following links (WebTest), so
a new page is included in the checks without editing them."""
import re
from urllib.parse import urljoin, urlsplit

# pages of one shape (a week, a lesson, a student...) differ only in their data: a few each
PER_SHAPE = 3
SKIP = ('/@@logout', '/@@set-language')
# downloads that render a whole class's paper journal (seconds a PDF): test_paper_journal
# opens them; a crawl of every role would spend minutes on them
EXPENSIVE = ('/@paper',)


def shape(path):
    """A page's shape: its path with numbers and dates as '9', and its query's names."""
    parts = urlsplit(path)
    names = sorted(p.split('=')[0] for p in parts.query.split('&') if p)
    return re.sub(r'\d+', '9', parts.path), tuple(names)


def links(page, base):
    for href in re.findall(r'<a\b[^>]*\bhref="([^"]*)"', page.text):
        href = href.replace('&amp;', '&').split('#')[0]
        if not href or href.startswith(('mailto:', 'javascript:', 'tel:')):
            continue
        parts = urlsplit(urljoin('http://localhost' + base, href))
        if parts.netloc != 'localhost' or parts.path.startswith(SKIP) or \
                parts.path.endswith(EXPENSIVE):
            continue
        yield parts.path + ('?' + parts.query if parts.query else '')


def crawl(testapp, start=('/@@start', '/'), per_shape=PER_SHAPE, depth=None, types=None):
    """Every page reachable by links: {url: (status, the page that linked it, whether it
    holds a deform form)}. ``depth`` bounds the clicks from the start pages; ``types``, a
    dict, receives each page's content type (the browser sweep opens HTML pages only)."""
    found, queue, shapes = {}, [(url, None, 0) for url in start], {}
    while queue:
        url, origin, clicks = queue.pop(0)
        if url in found:
            continue
        if shapes.setdefault(shape(url), 0) >= per_shape:
            continue
        shapes[shape(url)] += 1
        response = testapp.get(url, status='*', expect_errors=True)
        hops = 0
        while response.status_int in (301, 302, 303):
            hops += 1
            assert hops < 10, 'redirect loop from %s' % url
            location = urlsplit(response.headers['Location'])
            response = testapp.get(location.path + ('?' + location.query if location.query
                                                    else ''), status='*', expect_errors=True)
        found[url] = (response.status_int, origin, response.status_int == 200 and
                      'html' in response.content_type and 'class="deform' in response.text)
        if types is not None:
            types[url] = response.content_type
        if response.status_int < 400 and 'html' in response.content_type and \
                (depth is None or clicks < depth):
            queue.extend((link, url, clicks + 1) for link in links(response, url)
                         if link not in found)
    return found


def form_pages(found):
    """The crawled pages that hold a deform form."""
    return [url for url, (status, _origin, is_form) in found.items() if is_form]

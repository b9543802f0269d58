"""Pages served from RAM while what they show is unchanged (plone.app.caching's ETag and
``ramCache`` operation in miniature).

A view that can name everything its page depends on in one cheap tag (an ETag: a hash of
serials, counters, the user, the language, today...) hands ``cached_response`` that tag
and a function that renders the page. A browser holding the page gets a 304; otherwise
the body rendered for the same URL and tag earlier in this process is sent again; only
a new tag renders. The tag is the whole correctness argument: a body is reused only
under the tag it was rendered for, and the same tag already answers browsers' 304s.

``ejportal.response_cache_mb`` bounds the cache (least recently used bodies go first;
0 turns it off). ``ejportal.response_cache_verify = true`` (the test suite sets it)
renders every hit again and fails loudly when the bodies differ, so a tag that misses a
dependency shows up in any test that reads a page twice around a change.
"""
import hashlib
import threading
from collections import OrderedDict

from pyramid.response import Response
from pyramid.settings import asbool
from ejportal.core.cookies import cookie_value
from ejportal.core.session import COOKIE_NAME

DEFAULT_MB = 64
CACHE_CONTROL = 'private, no-cache'   # browsers revalidate every time; no shared caches


class StaleCache(AssertionError):
    """A cached body differs from a fresh rendering under the same tag (verify mode)."""


class ResponseCache:
    """A thread-safe LRU of (URL, tag) -> (content type, body), bounded in bytes."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self._items = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key, content_type, body):
        size = len(body)
        if size > self.max_bytes // 16:     # one page never crowds out the rest
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._items[key] = (content_type, body)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, (_type, dropped) = self._items.popitem(last=False)
                self._bytes -= len(dropped)

    def __len__(self):
        return len(self._items)


def includeme(config):
    settings = config.registry.settings
    megabytes = float(settings.get('ejportal.response_cache_mb', DEFAULT_MB))
    config.registry.response_cache = ResponseCache(int(megabytes * 2 ** 20))
    config.registry.response_cache_verify = asbool(
        settings.get('ejportal.response_cache_verify', False))


def etag(*parts):
    """A tag from plain values (serials, counters, names, dates): their hash."""
    return hashlib.blake2b(repr(parts).encode('utf-8'), digest_size=16).hexdigest()


def not_modified(tag):
    answer = Response(status=304)
    answer.etag = tag
    answer.cache_control = CACHE_CONTROL
    return answer


def session_state(request):
    """The session as the browser holds it (its signed cookie), for a tag: a page that
    shows anything of the session (its CSRF token, a flash message) is the same page
    under the same cookie, so the session need not even be read. None without a cookie."""
    return cookie_value(request, COOKIE_NAME)


def session_changed(request):
    session = request.__dict__.get('session')   # only if the request opened it
    return session is not None and (session.new or getattr(session, '_dirty', False))


def cached_response(request, tag, render):
    """The response for the page ``render()`` makes, whose content depends on nothing but
    the request's URL and ``tag`` (None: not cacheable this time). A page whose rendering
    changed the session is neither tagged nor kept."""
    if tag is None:
        response = render()
        response.cache_control = CACHE_CONTROL
        return response
    if tag in request.if_none_match:
        return not_modified(tag)
    registry = request.registry
    cache = registry.response_cache
    key = (request.url, tag)
    hit = cache.get(key)
    if hit is not None and not registry.response_cache_verify:
        # the headers written out at once: the hot path of a page served again
        return Response(body=hit[1], headerlist=[
            ('Content-Type', hit[0]), ('ETag', '"%s"' % tag),
            ('Cache-Control', CACHE_CONTROL)])
    response = render()
    if session_changed(request):
        # the tag named the session as the browser sent it, and this page changed it (a
        # message shown, a new token): the browser holds another session now
        response.cache_control = CACHE_CONTROL
        return response
    if response.status_code == 200:
        fresh = (response.headers['Content-Type'], response.body)
        if hit is not None and hit != fresh:
            raise StaleCache('the page at %s changed under the same tag %s'
                             % (request.url, tag))
        if cache.max_bytes:
            cache.put(key, *fresh)
    response.etag = tag
    response.cache_control = CACHE_CONTROL
    return response


FRAGMENT = 'text/html; fragment'


def cached_fragment(request, tag, render):
    """A piece of HTML that many pages share (a student's week, for every reader), kept
    under ``tag`` (which must name all the piece shows) beside the pages, and checked the
    same way in verify mode. Its size is counted in characters."""
    registry = request.registry
    cache = registry.response_cache
    key = ('fragment', tag)
    hit = cache.get(key)
    if hit is not None and not registry.response_cache_verify:
        return hit[1]
    text = render()
    if hit is not None and hit[1] != text:
        raise StaleCache('a fragment changed under the same tag %s' % tag)
    if cache.max_bytes:
        cache.put(key, FRAGMENT, text)
    return text

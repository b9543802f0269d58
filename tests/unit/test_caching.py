"""The response cache on a small Pyramid app over WebTest: a page is rendered once per
tag, browsers holding it get a 304, memory stays bounded, and verify mode catches a tag
that does not name everything its page shows."""
import pytest
import webtest
from pyramid.config import Configurator
from pyramid.response import Response

from ejportal.core.caching import ResponseCache, StaleCache, cached_response


def make_app(state, **settings):
    def page(request):
        def render():
            state['renders'] += 1
            return Response(state['body'], content_type='text/plain')
        return cached_response(request, state['tag'], render)

    with Configurator(settings=settings) as config:
        config.include('ejportal.core.caching')
        config.add_route('page', '/page')
        config.add_view(page, route_name='page')
        return webtest.TestApp(config.make_wsgi_app())


def test_a_page_is_rendered_once_per_tag():
    state = {'tag': 'a', 'body': 'first', 'renders': 0}
    app = make_app(state)
    first = app.get('/page')
    again = app.get('/page')
    assert first.text == again.text == 'first' and state['renders'] == 1
    assert again.headers['ETag'] == first.headers['ETag'] == '"a"'
    assert again.headers['Cache-Control'] == first.headers['Cache-Control']
    assert again.headers['Content-Type'] == first.headers['Content-Type']
    response = app.get('/page', headers={'If-None-Match': '"a"'}, status=304)
    assert response.headers['ETag'] == '"a"' and 'private' in response.headers['Cache-Control']
    state.update(tag='b', body='second')
    assert app.get('/page').text == 'second' and state['renders'] == 2
    assert app.get('/page?x=1').text == 'second' and state['renders'] == 3   # another URL


def test_no_tag_renders_every_time():
    state = {'tag': None, 'body': 'flash', 'renders': 0}
    app = make_app(state)
    app.get('/page')
    response = app.get('/page')
    assert state['renders'] == 2 and 'ETag' not in response.headers


def test_verify_mode_catches_a_tag_that_misses_a_change():
    state = {'tag': 'a', 'body': 'first', 'renders': 0}
    app = make_app(state, **{'ejportal.response_cache_verify': 'true'})
    app.get('/page')
    app.get('/page')                       # a hit, rendered again and equal
    state['body'] = 'changed, same tag'
    with pytest.raises(StaleCache):
        app.get('/page')


def test_turned_off_with_zero_megabytes():
    state = {'tag': 'a', 'body': 'x', 'renders': 0}
    app = make_app(state, **{'ejportal.response_cache_mb': '0'})
    app.get('/page')
    app.get('/page')
    assert state['renders'] == 2


def test_memory_is_bounded_least_recently_used_first():
    cache = ResponseCache(max_bytes=16 * 100)
    for i in range(40):
        cache.put(('/p', i), 'text/plain', b'x' * 90)
        if i == 20:
            assert cache.get(('/p', 3)) is None      # gone first
        cache.get(('/p', 0))                         # kept in use
    assert cache._bytes <= cache.max_bytes
    assert cache.get(('/p', 0)) is not None and cache.get(('/p', 1)) is None
    cache.put(('/p', 'big'), 'text/plain', b'x' * 200)  # over a sixteenth: not kept
    assert cache.get(('/p', 'big')) is None


def test_a_fragment_is_kept_once_and_checked_in_verify_mode():
    from ejportal.core.caching import cached_fragment
    from pyramid.request import Request
    from pyramid.testing import testConfig
    with testConfig(settings={'ejportal.response_cache_verify': 'true'}) as config:
        config.include('ejportal.core.caching')
        request = Request.blank('/')
        request.registry = config.registry
        renders = []

        def render():
            renders.append(1)
            return state['text']
        state = {'text': '<p>день</p>'}
        assert cached_fragment(request, 'a', render) == '<p>день</p>'
        assert cached_fragment(request, 'a', render) == '<p>день</p>'   # verified again
        assert len(renders) == 2
        state['text'] = '<p>другой</p>'
        with pytest.raises(StaleCache):
            cached_fragment(request, 'a', render)
        config.registry.response_cache_verify = False
        assert cached_fragment(request, 'a', render) == '<p>день</p>' and len(renders) == 3

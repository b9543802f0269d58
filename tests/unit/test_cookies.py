"""Reading one cookie from the header agrees with WebOb's parser on the portal's cookies."""
from webob import Request

from ejportal.core.cookies import cookie_value


def test_one_cookie_read_from_the_header():
    header = ('ejportal_lang=ru; ejportal_auth=s' + 'ab12' * 12 +
              '; ejportal_session=eyJhIjoxfQ==.c2lnbmF0dXJl; x=1; empty=; flag')
    request = Request.blank('/', headers={'Cookie': header})
    for name in ('ejportal_lang', 'ejportal_auth', 'ejportal_session', 'x', 'empty'):
        assert cookie_value(request, name) == request.cookies.get(name), name
    assert cookie_value(request, 'flag') is None and cookie_value(request, 'missing') is None
    assert cookie_value(Request.blank('/'), 'ejportal_auth') is None

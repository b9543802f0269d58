"""One cookie's value read straight from the request's header.

WebOb parses and unquotes every cookie of the header on first use; the login cookie and
the form session's cookie are read on every request, and both hold plain tokens (hex, or
base64 with a signature) that are never quoted, so the header is split instead.
"""


def cookie_value(request, name):
    """The raw value of cookie ``name``, or None."""
    header = request.environ.get('HTTP_COOKIE')
    if not header:
        return None
    for part in header.split(';'):
        key, sep, value = part.strip().partition('=')
        if sep and key == name:
            return value
    return None

"""Files the portal hands out: stored uploads and generated PDFs and spreadsheets.

One place for the headers that make a download safe: it is never sniffed into something
runnable (``nosniff``), never rendered as a page of this site (a sandboxing CSP), named in
UTF-8, and not kept in shared caches.
"""
import os
import re
from urllib.parse import quote

from pyramid.response import Response

PDF = 'application/pdf'
XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'


UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_filename(name):
    """A file name any system saves: no path separators, quotes or control characters."""
    return UNSAFE_IN_NAMES.sub('_', name).strip(' .') or 'download'


def download_response(body, filename, content_type, inline=False, cache='private, no-cache'):
    """The name in UTF-8 (RFC 5987: «Иванов Пётр…» stays Cyrillic), with an ASCII one
    beside it for clients that read only ``filename``."""
    response = Response(body=body, content_type=content_type)
    filename = safe_filename(filename)
    ascii_name = filename if filename.isascii() else 'download' + os.path.splitext(filename)[1]
    response.headers['Content-Disposition'] = "%s; filename=\"%s\"; filename*=UTF-8''%s" % (
        'inline' if inline else 'attachment', ascii_name, quote(filename))
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['Content-Security-Policy'] = "default-src 'none'; sandbox"
    response.headers['Cache-Control'] = cache
    return response


def blob_response(blob, filename, content_type, cache='private, no-cache'):
    """A stored upload (a ZODB blob), always as an attachment."""
    with blob.open('r') as f:
        body = f.read()
    return download_response(body, filename, content_type, cache=cache)


def html_to_pdf(request, html):
    """PDF bytes from an HTML page rendered by one of our print templates (WeasyPrint)."""
    from weasyprint import HTML
    base_url = request.application_url if request is not None else None
    return HTML(string=html, base_url=base_url).write_pdf()

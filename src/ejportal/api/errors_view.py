"""The one rendering of a refusal (``core.errors.UserError``) that no door caught itself: the
API answers ``{"error": {"type", "message", "fields"}}`` with the error's status, a page
answers the error page with the message in the reader's language and the same status.
Forms never get here: ``FormView`` puts an action's errors on its fields."""
from html import escape

from pyramid.response import Response
from pyramid.view import exception_view_config
from transaction.interfaces import TransientError

from ejportal.core.errors import Conflict, UserError
from ejportal.core.jsonapi import json_error, wants_json
from ejportal.i18n import _
from ejportal.security import may_see
from ejportal.site.views import not_found, render_error

PAGE_TITLES = {
    403: _('Access denied'),
    404: _('Page not found'),
    409: _('This cannot be done now'),
}


@exception_view_config(UserError)
def user_error(exc, request):
    if exc.status == 403 and request.identity is not None and \
            not may_see(request, getattr(request, 'context', None)):
        return not_found(request)   # as ``site.views.forbidden``: nothing of what is hidden
    if wants_json(request):
        return json_error(request, exc.status, exc.error_type, exc.message, exc.fields)
    title = PAGE_TITLES.get(exc.status, _('The request could not be served'))
    translate = request.localizer.translate
    details = ['%s: %s' % (name, translate(message)) for name, message in exc.fields.items()]
    return render_error(request, exc.status, title, exc.message, details)


@exception_view_config(TransientError)
def save_conflict(exc, request):
    """A save that met concurrent saves on every attempt (``core.conflicts``): nothing was
    saved, and sending it again will most likely work."""
    return user_error(Conflict(NOT_SAVED), request)


NOT_SAVED = _('Not saved: others were saving at the same moment. Please try again.')


def storage_unavailable(exc, request):
    """The database server is out of reach (ZEO disconnected, PostgreSQL gone): 503 with
    Retry-After, nothing saved. The page is plain: the usual layout reads the database."""
    if wants_json(request):
        response = json_error(request, 503, 'ServiceUnavailable', STORAGE_DOWN)
    else:
        text = request.localizer.translate(STORAGE_DOWN)
        response = Response('<!DOCTYPE html><html><head><meta charset="utf-8"><title>503'
                            '</title></head><body><p>%s</p></body></html>' % escape(text),
                            status=503, content_type='text/html', charset='utf-8')
    response.headers['Retry-After'] = '5'
    return response


STORAGE_DOWN = _('storage-down', default='The database cannot be reached just now: nothing '
                 'was saved. Please try again in a few seconds.')


def includeme(config):
    from ZEO.Exceptions import ClientDisconnected
    config.add_exception_view(storage_unavailable, ClientDisconnected)
    try:
        from psycopg2 import InterfaceError, OperationalError
    except ImportError:  # pragma: no cover
        return
    config.add_exception_view(storage_unavailable, OperationalError)
    config.add_exception_view(storage_unavailable, InterfaceError)

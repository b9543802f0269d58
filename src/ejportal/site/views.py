"""The public front page, the start page, the language switch and the error pages."""
from pathlib import Path
from urllib.parse import urlencode

from pyramid.exceptions import BadCSRFToken, PredicateMismatch
from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.response import FileResponse, Response
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config, view_config

from ejportal.core.jsonapi import json_error, wants_json
from ejportal.core.methods import answered_methods
from ejportal.i18n import LANGUAGES, _
from ejportal.paths import template
from ejportal.security import OWN_ACCOUNT, VIEW_PUBLIC, may_see
from ejportal.core.registry import portal_registry
from ejportal.site.layout import NOWHERE, Layout
from ejportal.site.public import public_sections
from ejportal.site.resources import Portal, portal_address, same_site_path


@view_config(context=Portal, permission=VIEW_PUBLIC, renderer=template('site/home.pt'),
             request_method='GET', accept='text/html')
def home(context, request):
    """The school site's front page, for everyone: the school's requisites and what the
    areas publish (news, events, local acts)."""
    settings = context['settings']
    description = ', '.join(v for v in (settings.school_full_name or settings.school_name,
                                        settings.school_address) if v)
    return {'title': settings.school_name, 'sections': public_sections(request),
            'requisites': [(label, value) for label, value in (
                (_('requisite-full-name', default='Full name of the school'),
                 settings.school_full_name),
                (_('Address'), settings.school_address),
                (_('Director'), settings.director_name)) if value],
            'page_meta': {'description': description, 'url': portal_address(request) + '/',
                          'image': None, 'type': 'website'}}


FAVICON = str(Path(__file__).resolve().parents[1] / 'static' / 'favicon.ico')


@view_config(context=Portal, name='favicon.ico', permission=VIEW_PUBLIC, request_method='GET')
def favicon(context, request):
    """Browsers ask for /favicon.ico whatever a page links (a PDF, a download): found, not
    a 404 in every log."""
    return FileResponse(FAVICON, request=request, content_type='image/x-icon',
                        cache_max_age=86400)


@view_config(context=Portal, name='start', permission=OWN_ACCOUNT,
             renderer=template('site/start.pt'))
def start(context, request):
    """A signed-in user's start page: notices and what each area wants them to do."""
    panels = []
    reg = portal_registry(request.registry)
    for function in reg.values(reg.start_panels):
        panel = function(request)
        if panel:
            panels.append(panel)
    notices = request.user.unread_notices()
    return {'title': _('Start page'), 'panels': panels, 'notices': notices[-10:],
            'more_notices': max(len(notices) - 10, 0)}


@view_config(context=Portal, name='notices-read', permission=OWN_ACCOUNT, request_method='POST')
def notices_read(context, request):
    request.user.mark_notices_read()
    return HTTPSeeOther(portal_address(request) + '/@@start')


@view_config(context=Portal, name='set-language', permission=VIEW_PUBLIC)
def set_language(context, request):
    lang = request.params.get('lang')
    came_from = same_site_path(request.params.get('came_from')) or '/'
    response = HTTPSeeOther(portal_address(request) + came_from)
    if lang in LANGUAGES:
        response.set_cookie('ejportal_lang', lang, max_age=365 * 24 * 3600, samesite='Lax',
                            httponly=True)
    return response


@forbidden_view_config()
def forbidden(exc, request):
    """A refusal. Anonymous users are asked to log in. A signed-in user who may see the
    object is told it is refused; one who may not see it gets the very answer a missing
    object gets (``not_found``): the refusal would name the object and tell that it
    exists."""
    if request.identity is None:
        return ask_to_log_in(request)
    if not may_see(request, getattr(request, 'context', None)):
        return not_found(request)
    if wants_json(request):
        return json_error(request, 403, 'Forbidden', _('You may not do this.'))
    request.response.status = 403
    return render_error(request, 403, _('Access denied'),
                        _('Your role does not allow this page. If you need it, ask the '
                          'school administrator.'))


@notfound_view_config()
def notfound(exc, request):
    """Nothing at this address. An anonymous user is sent to the login form unless the
    deepest object found on the way is one they may see (the front page, a public
    document): where an existing object would send them there, a missing one does too."""
    if request.identity is None and not may_see(request, getattr(request, 'context', None)):
        return ask_to_log_in(request)
    return not_found(request)


@exception_view_config(PredicateMismatch)
def method_not_allowed(exc, request):
    """Views answer here, but none this method: 405 with the methods they do answer
    (``Allow``), as REST and plone.restapi do. Only to whom may see the object: anyone
    else gets what ``notfound`` gives a missing one, so a wrong method tells nothing more
    of a hidden object than a right one. A mismatch of another predicate (``accept``)
    stays a 404."""
    context = getattr(request, 'context', None)
    allowed = answered_methods(request.registry, context, request.view_name)
    if not allowed or request.method in allowed or not may_see(request, context):
        return notfound(exc, request)
    message = _('method-not-allowed', default='${method} is not answered here; '
                '${allowed} are.', mapping={'method': request.method,
                                            'allowed': ', '.join(allowed)})
    if wants_json(request):
        response = json_error(request, 405, 'MethodNotAllowed', message)
    else:
        response = render_error(request, 405, _('Method not allowed'), message)
    response.headers['Allow'] = ', '.join(allowed)
    return response


def ask_to_log_in(request):
    if wants_json(request):
        return json_error(request, 401, 'Unauthorized',
                          _('Log in to do this (a bearer token from @login).'))
    query = {'came_from': request.path_qs}
    if getattr(request, 'session_expired', False):
        request.session.flash(_('Your session ended after a time without activity. '
                                'Please log in again.'))
    return HTTPSeeOther(portal_address(request) + '/@@login?' + urlencode(query))


def not_found(request):
    """The one answer for a missing object and for one the user may not see: nothing of
    the object in it (no title, no breadcrumbs)."""
    if wants_json(request):
        return json_error(request, 404, 'NotFound', _('Nothing is here.'))
    request.response.status = 404
    return render_error(request, 404, _('Page not found'),
                        _('There is no page at this address. It may have been moved.'),
                        layout=Layout(request, NOWHERE))


@exception_view_config(BadCSRFToken)
def bad_csrf(exc, request):
    if wants_json(request):
        return json_error(request, 400, 'BadCSRFToken',
                          _('The security token is missing or stale; reload and try again.'))
    request.response.status = 400
    return render_error(request, 400, _('The form has expired'),
                        _('The page was open too long or came from elsewhere. Nothing was '
                          'saved. Go back, reload the page and send it again.'))


@exception_view_config(HTTPBadRequest)
def bad_request(exc, request):
    """A request a page cannot serve as asked (a date that is not one, an unknown
    period...): the reason in the reader's language, on the error page or as JSON."""
    message = exc.detail or _('The request could not be understood.')
    if wants_json(request):
        return json_error(request, 400, 'BadRequest', message)
    return render_error(request, 400, _('The request could not be served'), message)


@exception_view_config(UnicodeDecodeError)
def not_utf8(exc, request):
    """WebOb decodes the address and the query string only when they are read, and fails
    there if they are not UTF-8: that is the sender's error, not ours."""
    message = _('The address or the form holds bytes that are not UTF-8 text.')
    try:
        as_json = wants_json(request)
    except UnicodeDecodeError:
        # the address itself: no page can be laid out around it
        return Response(request.localizer.translate(message), status=400,
                        content_type='text/plain')
    if as_json:
        return json_error(request, 400, 'BadRequest', message)
    return render_error(request, 400, _('The request could not be served'), message)


def render_error(request, status, title, message, details=(), layout=None):
    from pyramid.renderers import render_to_response
    values = {'title': title, 'message': message, 'status': status, 'details': details}
    if layout is not None:
        values['layout'] = layout
    response = render_to_response(template('site/error.pt'), values, request=request)
    response.status = status
    return response

"""What every area's JSON endpoints share: which request is an API call, and errors in
plone.restapi's shape: ``{"error": {"type", "message", "fields"?}}``."""
from ejportal.core.errors import Invalid
from ejportal.core.responses import json_response
from ejportal.i18n import _


def wants_json(request):
    """An API call: an ``@endpoint``, a method or body only the API takes, or JSON
    preferred to HTML. A bearer token is authentication only (as in plone.restapi): with
    ``Accept: text/html`` its user gets the page."""
    if '/@' in request.path and '/@@' not in request.path:
        return True
    if request.method in ('PATCH', 'DELETE') or request.content_type == 'application/json':
        return True
    # Ties go to HTML (listed first), so browsers sending */* get pages.
    offers = request.accept.acceptable_offers(['text/html', 'application/json'])
    return bool(offers) and offers[0][0] == 'application/json'


def json_error(request, status, error_type, message, fields=None):
    localizer = request.localizer
    body = {'type': error_type, 'message': localizer.translate(message)}
    if fields:
        body['fields'] = {k: localizer.translate(v) for k, v in fields.items()}
    return json_response({'error': body}, status)


def json_body(request):
    """The request's JSON object. Its text has passed the one boundary check where the body
    is parsed (``PortalRequest.json_body``): bad text is a ``BadText``, answered 400 with the
    fields named; a body that is no JSON object is an ``Invalid`` too."""
    try:
        body = request.json_body
    except ValueError:
        raise Invalid(_('The body is not valid JSON.'))
    if not isinstance(body, dict):
        raise Invalid(_('The body must be a JSON object.'))
    return body

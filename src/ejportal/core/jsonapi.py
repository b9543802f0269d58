"""What every area's JSON endpoints share: which request is an API call, and errors in
plone.restapi's shape: ``{"error": {"type", "message", "fields"?}}``."""
from ejportal.core.responses import json_response


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

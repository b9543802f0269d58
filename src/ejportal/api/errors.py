"""JSON errors in plone.restapi's shape: ``{"error": {"type", "message", "fields"?}}``."""
from pyramid.response import Response


def wants_json(request):
    """An API call: a bearer token, an ``@endpoint``, or JSON preferred to HTML."""
    if request.headers.get('Authorization', '').lower().startswith('bearer '):
        return True
    if '/@' in request.path and '/@@' not in request.path:
        return True
    accept = request.accept
    best = accept.best_match(['text/html', 'application/json']) if accept else None
    return best == 'application/json' and 'text/html' not in str(request.accept)


def json_error(request, status, error_type, message, fields=None):
    localizer = request.localizer
    body = {'type': error_type, 'message': localizer.translate(message)}
    if fields:
        body['fields'] = {k: localizer.translate(v) for k, v in fields.items()}
    return Response(json_body={'error': body}, status=status, charset='utf-8',
                    content_type='application/json')

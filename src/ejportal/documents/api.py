"""JSON endpoints of documents, after plone.restapi: ``@history``, ``@acknowledge`` and
``@acknowledgements``. (``@workflow`` is the API's own, for every resource under a
workflow: ``api.workflow``.)"""
from pyramid.view import view_config
from translationstring import TranslationString

from ejportal.core.actor import current_actor
from ejportal.core import responses
from ejportal.core.catalog import as_date
from ejportal.core.errors import NotFound
from ejportal.core.responses import jsonable
from ejportal.documents import acknowledgement
from ejportal.documents.resources import Document, Order
from ejportal.documents.search import public_url, read_criteria, run_search
from ejportal.i18n import _
from ejportal.security import ACKNOWLEDGE, MANAGE_ACKNOWLEDGEMENTS, VIEW, VIEW_PUBLIC
from ejportal.site.resources import Portal


def json_response(request, data, status=200):
    return responses.json_response(jsonable(data, request.localizer), status)


@view_config(context=Document, name='@history', permission=VIEW, request_method='GET')
def get_history(context, request):
    base = request.resource_url(context).rstrip('/')
    translate = request.localizer.translate
    versions = [{'version': v.number, 'actor': v.author, 'time': v.time,
                 'comments': translate(v.comment) if isinstance(v.comment, TranslationString)
                 else v.comment, 'frozen': v.frozen_reason, 'sha256': v.sha256,
                 'may_revert': False, '@id': '%s/@history/%d' % (base, v.number)}
                for v in reversed(context.versions or [])]
    if len(request.subpath) == 1:
        try:
            version = context.get_version(int(request.subpath[0]))
        except (ValueError, KeyError):
            raise NotFound(_('No such version.'))
        return json_response(request, {'version': version.number, 'actor': version.author,
                                       'time': version.time, 'content': version.content,
                                       'frozen': version.frozen_reason,
                                       'sha256': version.sha256})
    return json_response(request, versions)


@view_config(context=Order, name='@acknowledge', permission=ACKNOWLEDGE, request_method='POST')
def post_acknowledge(context, request):
    entry = acknowledgement.acknowledge(context, request.user, current_actor().address)
    return json_response(request, entry, status=201)


@view_config(context=Order, name='@acknowledgements', permission=MANAGE_ACKNOWLEDGEMENTS,
             request_method='GET')
def get_acknowledgements(context, request):
    version = context.sheet.current_version() if context.sheet else None
    rows = acknowledgement.sheet_rows(context) if context.sheet else []
    return json_response(request, {
        'version': version,
        'items': [{'userid': r['userid'], 'fullname': r['fullname'],
                   'position': r['position'], 'acknowledged': r['entry'] is not None,
                   'time': r['entry']['time'] if r['entry'] else None,
                   'sha256': r['entry']['sha256'] if r['entry'] else None} for r in rows],
        'history': context.sheet.history() if context.sheet else []})


# -- search ------------------------------------------------------------------------------

API_PARAMS = {'text': 'SearchableText', 'types': 'portal_type', 'states': 'review_state',
              'register': 'register', 'date_from': 'date_from', 'date_to': 'date_to',
              'sort_on': 'sort_on', 'sort_order': 'sort_order', 'b_start': 'b_start',
              'b_size': 'b_size'}


def search_item(request, obj):
    """One result, in plone.restapi's summary shape plus the document's number and date."""
    date = as_date(getattr(obj, 'date', None))
    item = {'@id': request.resource_url(obj).rstrip('/'), '@type': obj.type_name,
            'id': obj.__name__, 'title': obj.title, 'description': obj.description or '',
            'review_state': obj.review_state or getattr(obj.__parent__, 'review_state', None),
            'number': getattr(obj, 'number', None),
            'date': date.isoformat() if date else None,
            'register': getattr(obj, 'register', None)}
    public = public_url(request, obj)
    if public:
        item['public_url'] = public
    return item


def batching(request, total, start, size):
    """plone.restapi's ``batching`` links (only when there is more than one batch)."""
    from urllib.parse import urlencode
    params = [(k, v) for k, v in request.GET.items() if k not in ('b_start', 'b_size')]
    base = request.application_url + request.path

    def link(position):
        return base + '?' + urlencode(params + [('b_start', position), ('b_size', size)])
    result = {'@id': link(start), 'first': link(0), 'last': link(((total - 1) // size) * size)}
    if start + size < total:
        result['next'] = link(start + size)
    if start > 0:
        result['prev'] = link(max(start - size, 0))
    return result


@view_config(context=Portal, name='@search', permission=VIEW_PUBLIC, request_method='GET')
def get_search(context, request):
    """``GET /@search?SearchableText=&portal_type=&review_state=&register=&date_from=
    &date_to=&sort_on=&sort_order=&b_start=&b_size=``: what the user may view or what is
    public, as ``{"@id", "items", "items_total", "batching"?}``."""
    criteria = read_criteria(request.GET, API_PARAMS)
    total, objects = run_search(request, context, criteria)
    data = {'@id': request.url, 'items': [search_item(request, obj) for obj in objects],
            'items_total': total}
    if total > criteria['b_size']:
        data['batching'] = batching(request, total, criteria['b_start'], criteria['b_size'])
    return json_response(request, data)

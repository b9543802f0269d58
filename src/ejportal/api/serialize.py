"""Resources as JSON, after plone.restapi's serialisers."""
from ejportal.core.content import addable_types
from ejportal.core.responses import jsonable
from ejportal.security import VIEW

DEFAULT_BATCH = 25
MAX_BATCH = 1000


def resource_id(request, obj):
    return request.resource_url(obj).rstrip('/')


def summary(request, obj):
    data = {'@id': resource_id(request, obj), '@type': obj.type_name, 'id': obj.__name__ or '',
            'title': jsonable(obj.title, request.localizer)}
    if getattr(obj, 'review_state', None):
        data['review_state'] = obj.review_state
    return data


def serialize(request, obj):
    """The full resource: summary, fields of its schema, and batched ``items`` for folders."""
    data = summary(request, obj)
    data['description'] = jsonable(getattr(obj, 'description', ''), request.localizer)
    for key, value in obj.fields().items():
        data[key] = jsonable(value, request.localizer)
    for key in ('created', 'modified'):
        data[key] = jsonable(getattr(obj, key, None))
    extra = getattr(obj, 'api_extra', None)
    if extra is not None:
        data.update(jsonable(extra(), request.localizer))
    if obj.is_folder:
        data.update(batched_items(request, obj))
    return data


def batched_items(request, folder):
    try:
        start = max(int(request.params.get('b_start', 0)), 0)
        size = min(max(int(request.params.get('b_size', DEFAULT_BATCH)), 1), MAX_BATCH)
    except ValueError:
        start, size = 0, DEFAULT_BATCH
    total = len(folder)
    items = []
    keys = folder.keys()
    # Lazy over the BTree: only the requested page is loaded and permission-checked.
    for position, name in enumerate(keys):
        if position < start:
            continue
        if len(items) >= size:
            break
        child = folder[name]
        if request.has_permission(VIEW, child):
            items.append(summary(request, child))
    result = {'items': items, 'items_total': total}
    if total > size:
        base = resource_id(request, folder)
        link = lambda s: '%s?b_start=%d&b_size=%d' % (base, s, size)  # noqa: E731
        batching = {'@id': link(start), 'first': link(0),
                    'last': link(((total - 1) // size) * size)}
        if start + size < total:
            batching['next'] = link(start + size)
        if start > 0:
            batching['prev'] = link(max(start - size, 0))
        result['batching'] = batching
    return result


def addable_here(container):
    return addable_types(container)

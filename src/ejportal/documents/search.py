"""Finding documents: the one catalog query behind the search screen of the documents
section and ``GET /@search`` on the portal.

A user finds what they may view (the catalog's ``allowed`` index) and what is on the
public school site (``allowed_public``): staff see the drafts their state lets them see,
anonymous visitors, students and parents only published local acts and public signed
orders, each linked to its public page. Criteria are read by one colander schema, so bad
input is a field error on the screen and a 400 in the API, never a 500.
"""
import datetime

import colander
from pyramid.authorization import Everyone
from pyramid.interfaces import ISecurityPolicy

from ejportal.core.catalog import search
from ejportal.core.errors import Invalid
from ejportal.documents.resources import Appendix
from ejportal.i18n import _
from ejportal.security import VIEW, VIEW_PUBLIC

SEARCH_TYPES = ('Order', 'Regulation', 'Appendix', 'RolloutPlan')
# what a type filter means: "Appendix" covers the roll-out plans too
TYPE_FILTERS = {'Order': ('Order',), 'Regulation': ('Regulation',),
                'Appendix': ('Appendix', 'RolloutPlan'), 'RolloutPlan': ('RolloutPlan',)}
STATES = ('draft', 'review', 'signed', 'cancelled', 'superseded', 'approved', 'published',
          'repealed')
# plone.restapi's sort_on names where they mean the same, and ours
SORT_ON = {'date': 'date', 'effective': 'date', 'created': 'date', 'title': 'title',
           'sortable_title': 'title', 'number': 'number', 'relevance': 'relevance'}
SORT_ORDERS = ('ascending', 'descending', 'reverse')
DEFAULT_BATCH = 25
MAX_BATCH = 1000


def request_principals(request, context):
    """The principals of the request's user on ``context``, from the security policy."""
    policy = request.registry.queryUtility(ISecurityPolicy)
    if policy is None:
        return [Everyone]
    return list(policy.principals(request, context))


def find_documents(portal, principals, text=None, types=None, states=None, register=None,
                   date_from=None, date_to=None, sort='date', reverse=True, start=0,
                   size=DEFAULT_BATCH):
    """``(total, objects)``: one sorted batch of the documents matching every criterion
    that one of ``principals`` may view or that are public. ``types`` and ``states`` are
    lists (any of them); dates are inclusive; ``sort`` is 'date', 'title', 'number' or
    'relevance' (with ``text``; otherwise by date)."""
    wanted = set()
    for name in types or TYPE_FILTERS:
        wanted.update(TYPE_FILTERS[name])
    return search(portal, principals, text=text, type_name=sorted(wanted),
                  review_state=list(states) if states else None, register=register or None,
                  date_from=date_from, date_to=date_to, sort=sort, reverse=reverse,
                  start=start, size=size, include_public=True)


# -- criteria --------------------------------------------------------------------------

class _Names(colander.SequenceSchema):
    name = colander.SchemaNode(colander.String())


def known_types(node, value):
    bad = [v for v in value if v not in TYPE_FILTERS]
    if bad:
        raise colander.Invalid(node, _('Unknown type: ${items}', mapping={'items': ', '.join(bad)}))


def known_states(node, value):
    bad = [v for v in value if v not in STATES]
    if bad:
        raise colander.Invalid(node, _('Unknown state: ${items}',
                                       mapping={'items': ', '.join(bad)}))


class SearchCriteria(colander.MappingSchema):
    text = colander.SchemaNode(colander.String(), missing='',
                               validator=colander.Length(0, 500))
    types = _Names(missing=(), validator=known_types)
    states = _Names(missing=(), validator=known_states)
    register = colander.SchemaNode(colander.String(), missing='',
                                   validator=colander.Regex(r'^[A-Za-z0-9_.-]{0,64}$'))
    date_from = colander.SchemaNode(colander.Date(), missing=None)
    date_to = colander.SchemaNode(colander.Date(), missing=None)
    year = colander.SchemaNode(colander.Integer(), missing=None,
                               validator=colander.Range(1900, 2999))
    sort_on = colander.SchemaNode(colander.String(), missing='',
                                  validator=colander.OneOf(('',) + tuple(SORT_ON)))
    sort_order = colander.SchemaNode(colander.String(), missing='',
                                     validator=colander.OneOf(('',) + SORT_ORDERS))
    b_start = colander.SchemaNode(colander.Integer(), missing=0,
                                  validator=colander.Range(0, 10 ** 9))
    b_size = colander.SchemaNode(colander.Integer(), missing=DEFAULT_BATCH,
                                 validator=colander.Range(1, MAX_BATCH))


def _date_range(node, value):
    if value['date_from'] and value['date_to'] and value['date_from'] > value['date_to']:
        exc = colander.Invalid(node)
        exc['date_to'] = _('The end of the period is before its start.')
        raise exc


class SearchError(Invalid):
    """Criteria that cannot be read: ``fields`` maps a request parameter to its message."""

    def __init__(self, fields):
        super().__init__(_('Some search parameters are not valid.'), fields)


def read_criteria(params, names):
    """The criteria from request ``params`` (a WebOb MultiDict), with ``names`` mapping each
    criterion to its parameter name; SearchError names the bad parameters."""
    raw = {}
    for key, param in names.items():
        if key in ('types', 'states'):
            values = params.getall(param) + params.getall(param + ':list')
            raw[key] = [v for v in values if v] or colander.null
        else:
            value = params.get(param, '')
            raw[key] = value.strip() if value.strip() else colander.null
    schema = SearchCriteria(validator=_date_range)
    try:
        criteria = schema.deserialize(raw)
    except colander.Invalid as invalid:
        fields = {}
        for key, message in invalid.asdict().items():
            fields[names.get(key.split('.')[0], key.split('.')[0])] = message
        raise SearchError(fields)
    if criteria['year']:
        criteria['date_from'] = criteria['date_from'] or datetime.date(criteria['year'], 1, 1)
        criteria['date_to'] = criteria['date_to'] or datetime.date(criteria['year'], 12, 31)
    sort = SORT_ON.get(criteria['sort_on']) or ('relevance' if criteria['text'] else 'date')
    order = criteria['sort_order'] or ('ascending' if sort == 'title' else 'descending')
    criteria['sort'] = sort
    criteria['reverse'] = order != 'ascending'
    return criteria


def run_search(request, portal, criteria):
    """``(total, objects)`` for the request's user."""
    return find_documents(
        portal, request_principals(request, portal), text=criteria['text'],
        types=criteria['types'], states=criteria['states'],
        register=criteria['register'] or None, date_from=criteria['date_from'],
        date_to=criteria['date_to'], sort=criteria['sort'], reverse=criteria['reverse'],
        start=criteria['b_start'], size=criteria['b_size'])


def result_url(request, obj):
    """Where a result leads its reader: the document, or its public page for those who
    may only see that."""
    if request.has_permission(VIEW, obj):
        return request.resource_url(obj)
    return public_url(request, obj)


def public_url(request, obj):
    """The page of the public site showing ``obj`` (an appendix shows on its order's), or
    None if it is not public."""
    document = obj.__parent__ if isinstance(obj, Appendix) else obj
    if document is None or not request.has_permission(VIEW_PUBLIC, document):
        return None
    url = request.resource_url(document, '@@public')
    return url + '#appendix-%d' % obj.number if document is not obj else url

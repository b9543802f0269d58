"""The documents' reference books, kept under ``/settings`` with the other areas' books
(``site.books``: one model, one screen, one JSON door): the registers of orders
(``/settings/order-registers``, with the short form printed after the number: "по о.д.")
and the kinds of local acts (``/settings/regulation-kinds``).

The constants in ``resources`` are the seeded defaults. An entry's id is what documents
store (and what numbering counts by), so an entry in use is retired, never deleted: a
retired register or kind is not offered for new documents and stays valid on old ones.
"""
from ejportal.core.catalog import get_catalog
from ejportal.core.registry import BookColumn
from ejportal.i18n import _
from ejportal.site.books import ReferenceBook, ensure_books, get_book  # noqa: F401
from ejportal.site.resources import get_portal

# ``ReferenceBook`` stays importable here: books of older databases were stored as this
# module's class, which is now the site's.

ORDER_REGISTERS = 'order-registers'
REGULATION_KINDS = 'regulation-kinds'

# the books' entries in a new portal: (id, title[, short form])
DEFAULT_REGISTERS = (
    ('od', _('register-od', default='main activity'), 'о.д.'),
    ('ls', _('register-ls', default='staff'), 'л.с.'),
    ('kont', _('register-kont', default='students'), 'конт.'),
)

DEFAULT_REGULATION_KINDS = (
    ('polozhenie', _('kind-polozhenie', default='Regulation (положение)')),
    ('instrukciya', _('kind-instrukciya', default='Instruction (инструкция)')),
    ('pravila', _('kind-pravila', default='Rules (правила)')),
    ('poryadok', _('kind-poryadok', default='Procedure (порядок)')),
)


def ensure_reference_books(portal):
    """Add the books a portal's settings lack, with the default entries; idempotent.
    Returns the names added."""
    return ensure_books(portal['settings'])


def registers(portal):
    return list(get_book(portal, ORDER_REGISTERS).entries)


def regulation_kinds(portal):
    return list(get_book(portal, REGULATION_KINDS).entries)


def register_short(portal, register_id):
    for entry in registers(portal):
        if entry['id'] == register_id:
            return entry.get('short', '')
    return ''


def register_in_use(portal, entry):
    from hypatia.query import And, Eq  # hypatia's query module is heavy; only here
    catalog = get_catalog(portal)
    total, _docids = catalog.query(lambda idx: And(Eq(idx['type_name'], 'Order'),
                                                   Eq(idx['register'], entry['id'])),
                                   size=0, root=portal)
    return bool(total)


def kind_in_use(portal, entry):
    return any(document.type_name == 'Regulation' and document.kind == entry['id']
               for document in portal['documents'].values())


def ids_of(request, name):
    """The ids of a book, retired ones included (old documents keep theirs), for a
    validator: from the request's portal, or the defaults outside a request (scripts,
    unit tests)."""
    portal = None
    if request is not None:
        try:
            portal = get_portal(request)
        except (KeyError, AttributeError, TypeError):
            portal = None
    return get_book(portal, name).ids()


def choices(request, name):
    """(id, title) of a book's entries in use, for a select widget."""
    return [(entry['id'], entry['title'])
            for entry in get_book(get_portal(request), name).active()]


def includeme(config):
    config.add_reference_book(
        ORDER_REGISTERS, _('Registers of orders'),
        columns=(BookColumn('short', _('Short form (after the number)'), kind='text'),),
        defaults=tuple({'id': i, 'title': t, 'short': s} for i, t, s in DEFAULT_REGISTERS),
        in_use=register_in_use, order=60)
    config.add_reference_book(
        REGULATION_KINDS, _('Kinds of local acts'),
        defaults=tuple({'id': i, 'title': t} for i, t in DEFAULT_REGULATION_KINDS),
        in_use=kind_in_use, order=70)

"""The documents' reference books, kept under ``/settings`` and edited by the administrator:
the registers of orders (``/settings/order-registers``) and the kinds of local acts
(``/settings/regulation-kinds``).

A book is a small resource holding its entries (id, title and, for registers, the short
form printed after the number: "по о.д."). The constants in ``resources`` are the seeded
defaults, and what is read while a database has no book yet. An entry's id is what
documents store (and what numbering counts by), so an id in use cannot be removed.
"""
import colander

from ejportal.core.catalog import get_catalog
from ejportal.core.content import Resource, content_type
from ejportal.i18n import _
from ejportal.site.resources import get_portal

ORDER_REGISTERS = 'order-registers'
REGULATION_KINDS = 'regulation-kinds'
ID_RE = r'^[a-z][a-z0-9_-]{0,31}$'


@content_type('ReferenceBook', _('type-ReferenceBook', default='Reference book'))
class ReferenceBook(Resource):
    """Entries: a tuple of dicts ``{'id', 'title', 'short'}``, in the order shown. A title
    seeded from the code stays a translation string (it shows in the reader's language)
    until the administrator writes their own."""

    entries = ()
    with_short = False  # whether entries carry a short form (registers do)
    structural = True   # documents store its ids: edited, never deleted

    def ids(self):
        return [entry['id'] for entry in self.entries]

    def title_of(self, entry_id, default=''):
        for entry in self.entries:
            if entry['id'] == entry_id:
                return entry['title']
        return default

    def set_entries(self, entries):
        """Replace the entries (a form's values); returns the changes for the audit log."""
        entries = tuple({'id': e['id'], 'title': e['title'], 'short': e.get('short', '')}
                        for e in entries)
        old = self.entries
        if entries == tuple(old):
            return {}
        self.entries = entries
        return {'entries': (list(old), list(entries))}


def default_books():
    """The seeded books: name -> (title, with_short, entries)."""
    # documents.resources imports this module (through documents.schemas)
    from ejportal.documents.resources import REGISTERS, REGULATION_KINDS as KINDS
    return {
        ORDER_REGISTERS: (_('Registers of orders'), True,
                          tuple({'id': i, 'title': t, 'short': s} for i, t, s in REGISTERS)),
        REGULATION_KINDS: (_('Kinds of local acts'), False,
                           tuple({'id': i, 'title': t, 'short': ''} for i, t in KINDS)),
    }


def new_book(name):
    title, with_short, entries = default_books()[name]
    book = ReferenceBook(title=title, entries=entries)
    book.with_short = with_short
    return book


def ensure_reference_books(portal):
    """Add the books a portal's settings lack, with the default entries; idempotent.
    Returns the names added."""
    settings = portal['settings']
    added = []
    for name in default_books():
        if name not in settings:
            settings.add(name, new_book(name))
            added.append(name)
    return added


def get_book(portal, name):
    """The stored book, or an unsaved one with the defaults (a database without it)."""
    book = portal['settings'].get(name) if portal is not None else None
    return book if book is not None else new_book(name)


def registers(portal):
    return list(get_book(portal, ORDER_REGISTERS).entries)


def regulation_kinds(portal):
    return list(get_book(portal, REGULATION_KINDS).entries)


def register_short(portal, register_id):
    for entry in registers(portal):
        if entry['id'] == register_id:
            return entry['short']
    return ''


# -- the edit screen's schema ------------------------------------------------------------

class Entry(colander.MappingSchema):
    id = colander.SchemaNode(colander.String(), title=_('Id (letters a-z, digits)'),
                             validator=colander.Regex(ID_RE, _('Small Latin letters, digits, '
                                                               '"-" and "_", up to 32.')))
    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(1, 200))
    short = colander.SchemaNode(colander.String(), title=_('Short form (after the number)'),
                                missing='', validator=colander.Length(0, 30))


class Entries(colander.SequenceSchema):
    entry = Entry(title=_('Entry'))


def unique_ids(node, value):
    ids = [e['id'] for e in value.get('entries') or ()]
    if len(ids) != len(set(ids)):
        exc = colander.Invalid(node)
        exc['entries'] = _('Ids must be unique.')
        raise exc


def ids_in_use(portal, name, ids):
    """Those of ``ids`` that documents hold (an order's register, a local act's kind)."""
    from hypatia.query import And, Eq
    catalog = get_catalog(portal)
    idx = catalog.indexes
    used = set()
    if name == ORDER_REGISTERS:
        for entry_id in ids:
            total, _docids = catalog.query(And(Eq(idx['type_name'], 'Order'),
                                               Eq(idx['register'], entry_id)), size=0)
            if total:
                used.add(entry_id)
    else:
        for document in portal['documents'].values():
            if document.type_name == 'Regulation' and document.kind in ids:
                used.add(document.kind)
    return used


def ids_of(request, name):
    """The ids of a book, for a validator: from the request's portal, or the defaults
    outside a request (scripts, unit tests)."""
    portal = None
    if request is not None:
        try:
            portal = get_portal(request)
        except (KeyError, AttributeError, TypeError):
            portal = None
    return get_book(portal, name).ids()


def choices(request, name):
    """(id, title) of a book's entries, for a select widget."""
    return [(entry['id'], entry['title']) for entry in get_book(get_portal(request), name).entries]

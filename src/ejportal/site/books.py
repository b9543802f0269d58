"""Reference books under ``/settings``: mark kinds, lesson types, the grading scale,
positions... Each area declares its books (``config.add_reference_book``: the columns, the
entries a new book starts with, and how to tell that a record uses an entry); the site keeps
them as ``ReferenceBook`` objects, children of the settings, and the actions below are the
one way they change, for the settings screens and the JSON door alike.

An entry is ``{'id', 'title', <columns>..., 'retired'}``. The entries are a tuple of dicts
replaced on every change (the book is written by one administrator, rarely), so the book's
ZODB serial moves with each change: a cached page that shows what a book decides (the
diary's averages) names that serial in its tag. An entry a record uses is retired, never
deleted: retired entries stay readable on old records (titles, weights) and are not
offered for new ones.
"""
import colander

from ejportal.core.actions import Action
from ejportal.core.audit import record
from ejportal.core.content import Resource, content_type, find_root, now, serial
from ejportal.core.errors import Conflict, Invalid, NotFound
from ejportal.core.registry import portal_registry
from ejportal.core.text import id_problem
from ejportal.i18n import _
from ejportal.security import MANAGE_SETTINGS

MAX_ENTRIES = 200


@content_type('ReferenceBook', _('type-ReferenceBook', default='Reference book'))
class ReferenceBook(Resource):
    """A title seeded from the code stays a translation string (it shows in the reader's
    language) until the administrator writes their own."""
    structural = True   # the areas read it: its entries are retired instead
    entries = ()

    @property
    def info(self):
        return portal_registry().reference_books.get(self.__name__)

    @property
    def title(self):
        info = self.info
        return info.title if info is not None else self.__name__

    @title.setter
    def title(self, value):
        pass  # the declared title (books of older databases stored theirs)

    def ids(self):
        return [entry['id'] for entry in self.entries]

    def title_of(self, entry_id, default=''):
        entry = self.entry(entry_id)
        return entry['title'] if entry is not None else default

    def entry(self, entry_id):
        for entry in self.entries:
            if entry['id'] == entry_id:
                return entry
        return None

    def active(self):
        return [e for e in self.entries if not e.get('retired')]

    def _replace(self, entries):
        self.entries = tuple(entries)
        self.modified = now()


def new_book(name, registry=None):
    """An unsaved book ``name`` with its declared entries."""
    info = portal_registry(registry).reference_books[name]
    book = ReferenceBook()
    book.__name__ = name
    book.entries = tuple(dict(entry, retired=False) for entry in info.defaults)
    return book


def ensure_books(settings, registry=None):
    """Add the registered books the settings do not hold yet, with their default entries
    (idempotent: a database made before a book was declared gets it here). -> the names
    added."""
    made = []
    for name in sorted(portal_registry(registry).reference_books):
        if name not in settings:
            settings.add(name, new_book(name, registry), send_events=False)
            made.append(name)
    return made


def book_of(context, name):
    """The book ``name`` of the portal ``context`` is in, or None (a database made before
    the book, not yet evolved)."""
    root = find_root(context)
    try:
        return root['settings'][name]
    except (KeyError, TypeError):
        return None


def get_book(context, name):
    """The stored book, or an unsaved one with the declared entries (a database made
    before the book, not yet evolved)."""
    book = book_of(context, name) if context is not None else None
    return book if book is not None else new_book(name)


def book_entries(context, name, retired=False):
    """The entries of the book ``name`` in their order, the retired ones only if asked."""
    book = get_book(context, name)
    return list(book.entries) if retired else book.active()


def book_serial(context, name):
    book = book_of(context, name)
    return serial(book) if book is not None else None


# -- the actions -------------------------------------------------------------------------
def _column_node(column):
    if column.kind == 'text':
        return colander.SchemaNode(colander.String(), name=column.name, title=column.title,
                                   missing='', validator=colander.Length(0, 30))
    if column.kind == 'number':
        return colander.SchemaNode(colander.Integer(), name=column.name, title=column.title,
                                   missing=None, validator=colander.Range(-1000, 1000))
    return colander.SchemaNode(colander.Decimal(quant='0.01'), name=column.name,
                               title=column.title, validator=colander.Range(
                                   0.1, 100, min_err=_('A weight is a positive number.')))


def _entry_id(node, value):
    problem = id_problem(value)
    if problem is not None:
        raise colander.Invalid(node, problem)


def entry_schema(book, new):
    schema = colander.SchemaNode(colander.Mapping())
    if new:
        schema.add(colander.SchemaNode(colander.String(), name='id', title=_('Code'),
                                       validator=colander.All(colander.Length(1, 40),
                                                              _entry_id)))
    schema.add(colander.SchemaNode(colander.String(), name='title', title=_('Title'),
                                   validator=colander.Length(1, 200)))
    for column in book.info.columns if book.info else ():
        schema.add(_column_node(column))
    if not new:
        schema.add(colander.SchemaNode(colander.Boolean(), name='retired',
                                       title=_('Retired'), missing=colander.drop))
        schema.add(colander.SchemaNode(colander.Integer(), name='position',
                                       title=_('Place in the list'), missing=colander.drop))
    return schema


def _plain(value):
    # colander's Decimal, stored as a float: the averages' weights are read as numbers
    return float(value) if hasattr(value, 'quantize') else value


class BookAction(Action):
    permission = MANAGE_SETTINGS

    def deserialize(self, data):
        if not isinstance(data, dict):
            raise Invalid(_('Send an object.'))
        return super().deserialize(data)


class AddEntry(BookAction):
    """``AddEntry(book, request)({"id", "title", <columns>})`` adds an entry at the end."""

    def make_schema(self):
        return entry_schema(self.context, new=True)

    def check(self, appstruct):
        if self.context.entry(appstruct['id']) is not None:
            raise Conflict(_('This code is taken.'), {'id': _('This code is taken.')})
        if len(self.context.entries) >= MAX_ENTRIES:
            raise Conflict(_('This reference book is full.'))

    def perform(self, appstruct):
        entry = {k: _plain(v) for k, v in appstruct.items()}
        entry['retired'] = False
        self.context._replace(self.context.entries + (entry,))
        record(self.context, 'book-entry-add', {'entry': entry})
        return entry


class EditEntry(BookAction):
    """``EditEntry(book, request, entry_id)({"title"?, <columns>?, "retired"?,
    "position"?})``: what the body names changes; ``position`` (0-based) moves the entry."""

    def __init__(self, context, request=None, entry_id=None):
        super().__init__(context, request)
        self.entry_id = entry_id

    names = None  # the fields the body names: only they are checked and changed

    def make_schema(self):
        schema = entry_schema(self.context, new=False)
        partial = colander.SchemaNode(colander.Mapping())
        for node in schema.children:
            if self.names is None or node.name in self.names:
                partial.add(node.clone())
        return partial

    def deserialize(self, data):
        if not isinstance(data, dict):
            raise Invalid(_('Send an object.'))
        known = {node.name for node in entry_schema(self.context, new=False).children}
        unknown = [name for name in data if name not in known]
        if unknown:
            raise Invalid(_('Unknown fields.'), {name: _('Unknown field.') for name in unknown})
        self.names = set(data)
        return super().deserialize(data)

    def check(self, appstruct):
        entry = self.context.entry(self.entry_id)
        if entry is None:
            raise NotFound(_('No such entry.'))
        info = self.context.info
        renamed = 'title' in appstruct and appstruct['title'] != entry['title']
        # the records hold the title itself: renamed, they would lose their entry
        if renamed and info is not None and info.key == 'title' and info.in_use is not None \
                and info.in_use(find_root(self.context), entry):
            message = _('book-title-in-use', default='Records hold this title: retire the '
                        'entry and add a new one instead.')
            raise Conflict(message, {'title': message})

    def perform(self, appstruct):
        entries = list(self.context.entries)
        index = next(i for i, e in enumerate(entries) if e['id'] == self.entry_id)
        old = entries[index]
        position = appstruct.pop('position', None)
        new = dict(old, **{k: _plain(v) for k, v in appstruct.items()})
        changes = {k: (old.get(k), v) for k, v in new.items() if old.get(k) != v}
        entries[index] = new
        if position is not None:
            position = max(0, min(position, len(entries) - 1))
            if position != index:
                entries.insert(position, entries.pop(index))
                changes['position'] = (index, position)
        if changes:
            self.context._replace(entries)
            record(self.context, 'book-entry-edit', {
                'entry': self.entry_id,
                'changes': {k: [str(a), str(b)] for k, (a, b) in changes.items()}})
        return new


class RemoveEntry(BookAction):
    """``RemoveEntry(book, request, entry_id)()``: an entry no record uses is deleted, one
    in use is retired; -> 'deleted' or 'retired'."""

    def __init__(self, context, request=None, entry_id=None):
        super().__init__(context, request)
        self.entry_id = entry_id

    def deserialize(self, data):
        return {}

    def check(self, appstruct):
        if self.context.entry(self.entry_id) is None:
            raise NotFound(_('No such entry.'))

    def perform(self, appstruct):
        entry = self.context.entry(self.entry_id)
        info = self.context.info
        used = info is not None and info.in_use is not None and \
            info.in_use(find_root(self.context), entry)
        if used:
            if not entry.get('retired'):
                self.context._replace(dict(e, retired=True) if e['id'] == self.entry_id
                                      else e for e in self.context.entries)
                record(self.context, 'book-entry-retire', {'entry': self.entry_id})
            return 'retired'
        self.context._replace(e for e in self.context.entries if e['id'] != self.entry_id)
        record(self.context, 'book-entry-delete', {'entry': entry})
        return 'deleted'

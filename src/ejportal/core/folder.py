"""Containers: children in an OOBTree with a BTrees.Length counter, so that a folder of
100,000 items stays fast and concurrent adds of different names do not conflict."""
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent.list import PersistentList

from ejportal.core.content import Shareable
from ejportal.core.errors import Conflict, Invalid
from ejportal.core.events import ObjectAdded, ObjectRemoved, notify
from ejportal.core.text import id_problem
from ejportal.i18n import _


class FolderKeyError(KeyError):
    """A child name is taken or not allowed."""


class InvalidName(Invalid, ValueError):
    """A child name that may not be an id (field ``id``). A ValueError too, as names were
    refused before the one id rule."""


def check_name(name):
    """``name`` if it may name a child, else ``InvalidName``. The one id rule
    (``core.text.id_problem``) also keeps out view names ("@@x", "@x"), paths, "..", and
    Python's "__x__"."""
    problem = id_problem(name)
    if problem is not None:
        raise InvalidName(_('Not a valid id.'), {'id': problem})
    return name


class Folder(Shareable):
    """A resource with named children."""

    is_folder = True
    ordered = False

    def __init__(self, **fields):
        super().__init__(**fields)
        self.data = OOBTree()
        self._num = Length()
        if self.ordered:
            self._order = PersistentList()

    def __len__(self):
        return self._num()

    def __bool__(self):
        return True

    def __contains__(self, name):
        return name in self.data

    def __getitem__(self, name):
        return self.data[name]

    def get(self, name, default=None):
        return self.data.get(name, default)

    def keys(self):
        if self.ordered:
            return list(self._order)
        return self.data.keys()

    def __iter__(self):
        return iter(self.keys())

    def values(self):
        if self.ordered:
            return [self.data[k] for k in self._order]
        return self.data.values()

    def items(self):
        if self.ordered:
            return [(k, self.data[k]) for k in self._order]
        return self.data.items()

    def add(self, name, obj, send_events=True):
        """Put ``obj`` here under ``name``; sends ObjectAdded. Returns ``obj``."""
        check_name(name)
        if name in self.data:
            raise FolderKeyError(name)
        obj.__name__ = name
        obj.__parent__ = self
        self.data[name] = obj
        self._num.change(1)
        if self.ordered:
            self._order.append(name)
        if send_events:
            notify(ObjectAdded(obj))
        return obj

    __setitem__ = add

    def remove(self, name, send_events=True):
        obj = self.data.pop(name)
        self._num.change(-1)
        if self.ordered:
            self._order.remove(name)
        if send_events:
            notify(ObjectRemoved(obj, parent=self))
        obj.__parent__ = None
        return obj

    def name_for(self, obj):
        """The name of a new child ``obj`` whose adder gives none."""
        return self.unique_name(obj.type_name.lower())

    def unique_name(self, base):
        """``base``, or ``base-2``, ``base-3``... whichever is free here."""
        name, n = base, 1
        while name in self.data:
            n += 1
            name = '%s-%d' % (base, n)
        return name

    def move(self, name, position):
        """Ordered folders only: put child ``name`` at ``position``."""
        self._order.remove(name)
        self._order.insert(position, name)


class OrderedFolder(Folder):
    ordered = True


def check_delete(obj):
    """Raise ``Conflict`` unless ``obj`` may be removed with everything it holds: every door
    that deletes asks this first (``Folder.remove`` itself does not, so that code may
    rebuild structure). Never removed: the portal's structure (``structural``: the root,
    its sections, the containers the code relies on), a record that must stay
    (``deletable`` false: users, journals, signed documents), or a folder holding such a
    record anywhere below it (structural containers inside go with their owner)."""
    if obj.structural or obj.__parent__ is None:
        raise Conflict(_('content-structural', default='This is part of the portal\'s '
                         'structure: it is never deleted.'))
    if not obj.deletable:
        raise Conflict(_('This cannot be deleted; disable, cancel or archive it instead.'))
    record = _record_below(obj)
    if record is not None:
        raise Conflict(_('content-holds-records', default='This holds records that must stay '
                         '(${name}): archive it instead.', mapping={'name': record.__name__}))


def _record_below(folder):
    """The first non-deletable object below ``folder``, or None."""
    stack = [folder] if folder.is_folder else []
    while stack:
        for child in stack.pop().values():
            if not child.deletable:
                return child
            if child.is_folder:
                stack.append(child)
    return None

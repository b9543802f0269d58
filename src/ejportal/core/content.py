"""The base resource and the content-type registry.

Every content type is declared once with ``@content_type``: its type name (``@type`` in the
API), a translatable title, the colander schema used by its forms and the JSON API, the
permission needed to add it, and the container types it may be added to. Objects are made
through ``create()`` so that after-create hooks always run.
"""
import datetime

from persistent import Persistent
from persistent.mapping import PersistentMapping

from ejportal.core.actor import current_actor


def now():
    return datetime.datetime.now(datetime.timezone.utc)


class Resource(Persistent):
    """A persistent object in the tree. Knows nothing of HTTP."""

    __name__ = None
    __parent__ = None
    type_name = 'Resource'
    is_folder = False
    title = ''
    description = ''
    created = None
    modified = None
    creator = None
    local_roles = None  # PersistentMapping principal -> tuple of role ids, set by sharing

    def __init__(self, **fields):
        for key, value in fields.items():
            setattr(self, key, value)
        self.created = self.modified = now()
        self.creator = current_actor().userid

    # -- local roles (Plone's sharing) ---------------------------------------------
    def get_local_roles(self, principal):
        if not self.local_roles:
            return ()
        return tuple(self.local_roles.get(principal, ()))

    def set_local_roles(self, principal, roles):
        if self.local_roles is None:
            self.local_roles = PersistentMapping()
        roles = tuple(sorted(set(roles)))
        if roles:
            self.local_roles[principal] = roles
        else:
            self.local_roles.pop(principal, None)

    deletable = True  # False where records must stay (users who authored, signed documents)
    structural = False  # True: a section or container the portal relies on, never deleted

    def update(self, values):
        """Set fields and send ObjectModified with old -> new (the audit log's record).
        Types that version their content override this. Returns the changes."""
        from ejportal.core.events import ObjectModified, notify
        changes = {}
        for name, value in values.items():
            if isinstance(value, (set, frozenset, list)):
                value = tuple(sorted(value))
            old = getattr(self, name, None)
            if old != value:
                changes[name] = (old, value)
                setattr(self, name, value)
        if changes:
            self.modified = now()
            notify(ObjectModified(self, changes=changes))
        return changes

    def fields(self):
        """The values named by the type's schema, for the API and versioning."""
        info = TYPES.get(self.type_name)
        if info is None or info.schema is None:
            return {}
        return {node.name: getattr(self, node.name, None) for node in info.schema().children}


class TypeInfo:
    def __init__(self, name, factory, title, schema=None, add_permission=None,
                 addable_to=(), name_from=None):
        self.name = name
        self.factory = factory
        self.title = title
        self.schema = schema
        self.add_permission = add_permission
        self.addable_to = tuple(addable_to)
        self.name_from = name_from


TYPES = {}
_after_create = {}


def content_type(name, title, schema=None, add_permission=None, addable_to=(), name_from=None):
    """Class decorator declaring a content type."""
    def decorate(cls):
        cls.type_name = name
        TYPES[name] = TypeInfo(name, cls, title, schema, add_permission, addable_to, name_from)
        return cls
    return decorate


def after_create(type_name):
    """Register ``hook(obj)`` to run on every new object of ``type_name``."""
    def decorate(hook):
        _after_create.setdefault(type_name, []).append(hook)
        return hook
    return decorate


def create(type_name, **fields):
    obj = TYPES[type_name].factory(**fields)
    for hook in _after_create.get(type_name, ()):
        hook(obj)
    return obj


def type_info(type_name):
    """The ``TypeInfo`` registered for ``type_name``, or None."""
    return TYPES.get(type_name)


def addable_types(container):
    return [info for info in TYPES.values() if container.type_name in info.addable_to]


def lineage(resource):
    while resource is not None:
        yield resource
        resource = resource.__parent__


def find_root(resource):
    for item in lineage(resource):
        root = item
    return root


def serial(obj):
    """The id of the transaction that last wrote ``obj`` (loading a ghost first: its
    serial is unknown until then). Only committed writes move it, which is all a reader
    sees, so serials name cheaply "this has not changed" for ETags."""
    obj._p_activate()
    return obj._p_serial


def item_at(root, path):
    """The resource at ``path`` (e.g. '/journal/2025-2026') below ``root`` by a plain
    item walk, or None: for stored paths of containers, which need no view names and no
    traverser (Pyramid's ``find_resource`` costs several times more on a hot path)."""
    target = root
    for name in path.split('/'):
        if not name:
            continue
        try:
            target = target[name]
        except (KeyError, TypeError):
            return None
    return target


def resource_path(resource):
    names = [r.__name__ for r in lineage(resource) if r.__name__]
    return '/' + '/'.join(reversed(names))

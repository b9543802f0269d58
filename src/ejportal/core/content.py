"""The base resource and the content-type registry.

Every content type is declared once with ``@content_type``: its type name (``@type`` in the
API), a translatable title, the colander schema used by its forms and the JSON API, the
permission needed to add it, and the container types it may be added to; scanning registers
it in the registry (``core.registry``). Objects are made through ``create()`` so that
after-create hooks always run.
"""
import datetime

import venusian
from persistent import Persistent
from persistent.mapping import PersistentMapping

from ejportal.core.actor import current_actor
from ejportal.core.events import ObjectModified, notify
from ejportal.core.registry import portal_registry


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

    def holders_of(self, role):
        """The user ids holding the local ``role`` here, sorted."""
        if not self.local_roles:
            return ()
        return tuple(sorted(principal[len('user:'):]
                            for principal, roles in self.local_roles.items()
                            if principal.startswith('user:') and role in roles))

    deletable = True  # False where records must stay (users who authored, signed documents)
    structural = False  # True: a section or container the portal relies on, never deleted

    def update(self, values):
        """Set fields and send ObjectModified with old -> new (the audit log's record).
        Types that version their content override this. Returns the changes."""
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
        info = type_info(self.type_name)
        if info is None or info.schema is None:
            return {}
        return {node.name: getattr(self, node.name, None) for node in info.schema().children}


class Shareable(Resource):
    """A resource whose local roles are changed on its sharing screen and ``@sharing``:
    every folder, and a single journal (a place one may be given alone)."""


def content_type(name, title, schema=None, add_permission=None, addable_to=(), name_from=None):
    """Class decorator declaring a content type; ``config.scan()`` of the class's module
    registers it (``config.add_content_type``), Substance D's ``@content``."""
    def decorate(cls):
        cls.type_name = name

        def callback(context, _name, ob):
            context.config.add_content_type(
                name, ob, title, schema, add_permission, addable_to, name_from)
        venusian.attach(cls, callback, category='ejportal')
        return cls
    return decorate


def type_info(type_name, registry=None):
    """The ``TypeInfo`` registered for ``type_name``, or None."""
    return portal_registry(registry).types.get(type_name)


def create(type_name, registry=None, **fields):
    """A new object of ``type_name``, its after-create hooks run (workflow state...)."""
    info = portal_registry(registry).types[type_name]
    obj = info.factory(**fields)
    for hook in info.after_create:
        hook(obj)
    return obj


def addable_types(container, registry=None):
    return [info for info in portal_registry(registry).types.values()
            if container.type_name in info.addable_to]


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

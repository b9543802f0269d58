"""Object events. Resources send them; subscribers (audit log, catalog, areas) react,
registered with ``config.add_subscriber`` like any Pyramid event.

Events carry no request: a subscriber that wants to know who acted and from where reads
``ejportal.core.actor.current_actor()``, which the request sets and scripts may set too.
"""
from pyramid.threadlocal import get_current_registry


class ObjectEvent:
    def __init__(self, obj, **info):
        self.object = obj
        self.info = info


class ObjectAdded(ObjectEvent):
    """After ``obj`` was put into its parent."""


class ObjectModified(ObjectEvent):
    """After ``obj`` was changed; ``info['changes']`` maps field -> (old, new) where known."""


class ObjectRemoved(ObjectEvent):
    """After ``obj`` was taken out of ``info['parent']``."""


class ObjectMoved(ObjectEvent):
    """After ``obj`` moved from ``info['old_parent']`` to its new parent."""


def notify(event, registry=None):
    """Send ``event`` to the subscribers registered with ``config.add_subscriber(handler,
    EventClass)`` (for the class and its bases), through the registry of the request or
    script at hand."""
    (registry if registry is not None else get_current_registry()).notify(event)

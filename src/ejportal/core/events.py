"""Object events. Resources send them; subscribers (audit log, catalog) react.

Events carry no request: a subscriber that wants to know who acted and from where reads
``ejportal.core.actor.current_actor()``, which the request sets and scripts may set too.
"""


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


_subscribers = []


def subscribe(event_class, handler):
    """Register ``handler(event)`` for ``event_class`` and its subclasses. Idempotent."""
    if (event_class, handler) not in _subscribers:
        _subscribers.append((event_class, handler))


def notify(event):
    for event_class, handler in list(_subscribers):
        if isinstance(event, event_class):
            handler(event)

"""A ZEO client forgets the object ids it fetched in advance when its server goes away.

``ClientStorage`` fetches new oids from the server 100 at a time and keeps the unused ones
across a reconnection. A server killed and started again (issue 10's crash drill) recovers
its next oid from the last committed transaction, so it hands the same ids out once more
while the client still holds them: two processes then create different objects under one
oid. The second commit overwrites the first object (lost data, ``POSKeyError``), or meets
it in its own cache and fails with "A different object already has the same oid" (a 500).
ZEO 6.2 does not clear the list; this does, on every disconnection and reconnection."""
from ZEO.ClientStorage import ClientStorage

_MARK = '_ejportal_forgets_prefetched_oids'


def _forgetting(notify):
    def notify_and_forget(self, *args):
        del self._oids[:]   # one list operation: atomic against new_oid in another thread
        return notify(self, *args)
    setattr(notify_and_forget, _MARK, True)
    notify_and_forget.__wrapped__ = notify
    return notify_and_forget


def forget_prefetched_oids_on_reconnect():
    for name in ('notify_connected', 'notify_disconnected'):
        notify = getattr(ClientStorage, name)
        if not getattr(notify, _MARK, False):
            setattr(ClientStorage, name, _forgetting(notify))


def includeme(config):
    forget_prefetched_oids_on_reconnect()

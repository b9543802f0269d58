"""Who is acting now, for the audit log: user id, address and user agent.

A request sets it (a tween), a console script sets it for its own run. Thread-local, since
waitress serves each request in one thread.
"""
import threading
from contextlib import contextmanager

_local = threading.local()


class Actor:
    def __init__(self, userid=None, address=None, user_agent=None):
        self.userid = userid
        self.address = address
        self.user_agent = user_agent


SYSTEM = Actor(userid='system', address='local', user_agent='ejportal')


def current_actor():
    return getattr(_local, 'actor', None) or SYSTEM


def set_actor(actor):
    _local.actor = actor


@contextmanager
def acting_as(actor):
    previous = getattr(_local, 'actor', None)
    _local.actor = actor
    try:
        yield actor
    finally:
        _local.actor = previous

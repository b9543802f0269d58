"""Evolve steps of the principals area."""
from BTrees.OOBTree import OOBTree

from ejportal.core.evolve import evolve_step


@evolve_step('people: login failures kept for throttling', generation=1)
def add_login_failures(portal):
    """Databases made before login throttling have no place to count failures."""
    people = portal['people']
    if getattr(people, 'login_failures', None) is None:
        people.login_failures = OOBTree()


@evolve_step('people: an index of each user\'s login sessions', generation=7)
def index_user_sessions(portal):
    """Sessions were found by reading them all; they are now listed per user."""
    people = portal['people']
    people.user_sessions = None
    for key, session in people.login_sessions.items():
        people.session_keys(session.userid, create=True).add(key)

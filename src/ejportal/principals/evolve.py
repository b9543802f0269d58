"""Evolve steps of the principals area."""
from BTrees.OOBTree import OOBTree

from ejportal.core.evolve import evolve_step


@evolve_step(1, 'people: login failures kept for throttling')
def add_login_failures(portal):
    """Databases made before login throttling have no place to count failures."""
    people = portal['people']
    if getattr(people, 'login_failures', None) is None:
        people.login_failures = OOBTree()

"""Schema evolution: ordered, named evolve steps, registered next to the model they change.

The portal root stores ``generation``, the number of the last step applied. A new
database starts at the code's generation; an older one is brought up by
``ejportal-admin evolve`` (each step committed on its own), and the app refuses to serve a
database newer than its code.
"""
import logging

import transaction

log = logging.getLogger(__name__)

STEPS = {}  # generation -> (name, function)


class DatabaseTooNew(Exception):
    pass


class DatabaseTooOld(Exception):
    pass


def evolve_step(generation, name):
    """Register ``function(portal)`` as step ``generation``; steps must be idempotent and
    check the current state before they change anything."""
    def decorate(function):
        if generation in STEPS and STEPS[generation][1] is not function:
            raise ValueError('evolve generation %d is taken by %s' % (generation, STEPS[generation][0]))
        STEPS[generation] = (name, function)
        return function
    return decorate


def code_generation():
    return max(STEPS) if STEPS else 0


def pending_steps(portal):
    current = getattr(portal, 'generation', 0)
    return [(g, STEPS[g][0], STEPS[g][1]) for g in sorted(STEPS) if g > current]


def check(portal):
    """Raise unless the database is at the code's generation."""
    current = getattr(portal, 'generation', 0)
    if current > code_generation():
        raise DatabaseTooNew(
            'The database is at schema generation %d, newer than this code (%d). '
            'Install the newer ejportal or restore a backup made for this version.'
            % (current, code_generation()))
    if current < code_generation():
        raise DatabaseTooOld(
            'The database is at schema generation %d, the code needs %d. '
            'Run: ejportal-admin evolve <ini file>' % (current, code_generation()))


def evolve(portal, tm=None):
    """Apply the pending steps in order, each committed on its own (with ``tm``, the
    transaction manager of the portal's connection); returns the names applied."""
    tm = tm or transaction.manager
    done = []
    for generation, name, function in pending_steps(portal):
        function(portal)
        portal.generation = generation
        tm.get().note('evolve %d: %s' % (generation, name))
        tm.commit()
        log.info('evolve step %d applied: %s', generation, name)
        done.append(name)
    return done

"""Schema evolution: named evolve steps, registered next to the model they change
(Substance D's ``add_evolution_step``).

A step is declared with ``@evolve_step(name, after=(...))`` in an area's ``evolve`` module,
which the area scans. The portal root records the names of the steps done. A new database
has every step of its code done; an older one is brought up by ``ejportal-admin evolve``
(each step committed on its own, in the order their ``after`` names), and the app refuses a
database that has done a step its code does not know (it was made by newer code).

Databases from before steps had names count their steps with an integer ``generation``;
the steps of that sequence keep their number (``generation=N``), and such a database has
the steps up to its number done.
"""
import logging

import transaction
import venusian
from BTrees.OOBTree import OOTreeSet

from ejportal.core.registry import portal_registry

log = logging.getLogger(__name__)


class DatabaseTooNew(Exception):
    pass


class DatabaseTooOld(Exception):
    pass


def evolve_step(name, after=(), generation=None):
    """Declare ``function(portal)`` as the evolve step ``name``, run after the steps named
    in ``after``. Steps must be idempotent and check the current state before they change
    anything."""
    def decorate(function):
        def callback(context, _name, ob):
            context.config.add_evolve_step(name, ob, after=after, generation=generation)
        venusian.attach(function, callback, category='ejportal')
        return function
    return decorate


def ordered_steps(registry=None):
    """Every registered step, each after those it names (then by its old number and its
    name, so the order is stable)."""
    steps = portal_registry(registry).evolve_steps
    for step in steps.values():
        unknown = set(step.after) - set(steps)
        if unknown:
            raise ValueError('evolve step %r runs after unknown steps %s'
                             % (step.name, sorted(unknown)))
    ordered, placed = [], set()
    remaining = sorted(steps.values(), key=lambda s: (s.generation is None,
                                                      s.generation or 0, s.name))
    while remaining:
        ready = [s for s in remaining if set(s.after) <= placed]
        if not ready:
            raise ValueError('evolve steps depend on each other in a circle: %s'
                             % sorted(s.name for s in remaining))
        step = ready[0]
        ordered.append(step)
        placed.add(step.name)
        remaining.remove(step)
    return ordered


def steps_done(portal, registry=None):
    """The names of the steps done on ``portal`` (from its old ``generation`` where the
    database predates named steps; nothing is written here)."""
    done = getattr(portal, 'evolve_done', None)
    if done is not None:
        return set(done)
    generation = getattr(portal, 'generation', 0)
    return {s.name for s in portal_registry(registry).evolve_steps.values()
            if s.generation is not None and s.generation <= generation}


def mark_all_done(portal, registry=None):
    """A new database: its code's steps are all done."""
    portal.evolve_done = OOTreeSet(portal_registry(registry).evolve_steps)


def pending_steps(portal, registry=None):
    done = steps_done(portal, registry)
    return [step for step in ordered_steps(registry) if step.name not in done]


def check(portal, registry=None):
    """Raise unless the database has done exactly the steps of its code."""
    known = set(portal_registry(registry).evolve_steps)
    unknown = steps_done(portal, registry) - known
    legacy_max = max((s.generation or 0 for s in portal_registry(registry).evolve_steps.values()),
                     default=0)
    if unknown or (getattr(portal, 'evolve_done', None) is None
                   and getattr(portal, 'generation', 0) > legacy_max):
        raise DatabaseTooNew(
            'The database was evolved by newer code (steps unknown here: %s). Install the '
            'newer ejportal or restore a backup made for this version.'
            % (', '.join(sorted(unknown)) or 'generation %d' % portal.generation))
    pending = pending_steps(portal, registry)
    if pending:
        raise DatabaseTooOld(
            'The database lacks %d evolve step(s) of this code (%s). '
            'Run: ejportal-admin evolve <ini file>'
            % (len(pending), ', '.join(step.name for step in pending)))


def evolve(portal, tm=None, registry=None):
    """Apply the pending steps in order, each committed on its own (with ``tm``, the
    transaction manager of the portal's connection); returns the names applied."""
    tm = tm or transaction.manager
    if getattr(portal, 'evolve_done', None) is None:
        portal.evolve_done = OOTreeSet(steps_done(portal, registry))
        tm.get().note('evolve: steps recorded by name')
        tm.commit()
    applied = []
    for step in pending_steps(portal, registry):
        step.function(portal)
        portal.evolve_done.add(step.name)
        tm.get().note('evolve: %s' % step.name)
        tm.commit()
        log.info('evolve step applied: %s', step.name)
        applied.append(step.name)
    return applied

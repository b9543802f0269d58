"""Schema evolution: named evolve steps, registered next to the model they change
(Substance D's ``add_evolution_step``).

A step is declared with ``@evolve_step(name, after=(...))`` in an area's ``evolve`` module,
which the area scans. The portal root records the names of the steps done. A new database
has every step of its code done; an older one is brought up by ``ejportal-admin evolve``
(each step committed on its own, in the order their ``after`` names), and the app refuses a
database that has done a step its code does not know (it was made by newer code).

A step that changes every student or every journal of a big school would hold each object it
changed in memory until its commit (a connection's cache can drop only unchanged objects):
such a step is declared ``batched=True`` and walks its objects through ``batches(items)``,
which commits every ``BATCH_SIZE`` of them, so memory stays about what the connection's
cache holds. A step that dies half-way has committed some batches and is not recorded as
done, so the next ``evolve`` runs it again: a batched step must leave an object already
converted alone, each object converted whole within one batch.

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


# how many objects a batched step converts in one transaction: a student's diary index of
# a year (about 280 entries) reads some 10 buckets and makes some 35, so 50 students are
# some 2,000 objects, well within a connection's cache (10,000 by default)
BATCH_SIZE = 50


def evolve_step(name, after=(), generation=None, batched=False):
    """Declare ``function(portal)`` as the evolve step ``name``, run after the steps named
    in ``after``. Steps must be idempotent and check the current state before they change
    anything. ``batched``: ``function(portal, batches)`` commits its work in parts
    (``Batches``)."""
    def decorate(function):
        def callback(context, _name, ob):
            context.config.add_evolve_step(name, ob, after=after, generation=generation,
                                           batched=batched)
        venusian.attach(function, callback, category='ejportal')
        return function
    return decorate


class Batches:
    """What ``evolve`` hands a batched step: ``for item in batches(items)`` yields each
    item and commits (with ``tm``) after every ``size`` of them were handled; the last
    part is committed with the step. Without ``tm`` (a step called by a test, or on a
    portal outside a database) nothing is committed: one transaction, as before."""

    def __init__(self, tm=None, note='', size=None):
        self.tm, self.note, self.size = tm, note, size
        self.committed = 0

    def __call__(self, items):
        size = self.size or BATCH_SIZE
        for done, item in enumerate(items, 1):
            yield item
            if self.tm is not None and done % size == 0:
                self.committed += 1
                self.tm.get().note('%s (batch %d)' % (self.note, self.committed))
                self.tm.commit()


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
    transaction manager of the portal's connection; a batched step also after each of its
    batches); returns the names applied."""
    tm = tm or transaction.manager
    if getattr(portal, 'evolve_done', None) is None:
        portal.evolve_done = OOTreeSet(steps_done(portal, registry))
        tm.get().note('evolve: steps recorded by name')
        tm.commit()
    applied = []
    for step in pending_steps(portal, registry):
        if step.batched:
            step.function(portal, Batches(tm, 'evolve: %s' % step.name))
        else:
            step.function(portal)
        portal.evolve_done.add(step.name)
        tm.get().note('evolve: %s' % step.name)
        tm.commit()
        log.info('evolve step applied: %s', step.name)
        applied.append(step.name)
    return applied

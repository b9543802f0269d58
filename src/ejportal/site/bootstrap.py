"""First start: the portal, and where ``ejportal.demo = true`` a demo school.

Runs once in ``main()`` from one process before any request, so two workers never race to
create the root. Areas add their part of the demo school with ``config.add_demo_builder``.
"""
import logging

import transaction
from pyramid import threadlocal
from pyramid.settings import asbool
from ZODB.POSException import ConflictError

from ejportal.core import evolve, jobs
from ejportal.core.actor import SYSTEM, acting_as
from ejportal.core.registry import portal_registry
from ejportal.site.resources import ZODB_ROOT_KEY, make_portal

log = logging.getLogger(__name__)

def database(registry):
    return registry._zodb_databases['']


def prepare_database(registry):
    """Create the portal if the database is empty, check its schema generation (evolving
    it where ``ejportal.auto_evolve`` allows), and build the demo school where asked."""
    settings = registry.settings
    tm = transaction.TransactionManager()
    conn = database(registry).open(tm)
    # models and demo builders find the registrations in the current registry, as they
    # do in a request
    threadlocal.manager.push({'registry': registry, 'request': None})
    try:
        with acting_as(SYSTEM):
            root = conn.root()
            if ZODB_ROOT_KEY not in root:
                root[ZODB_ROOT_KEY] = make_portal(registry)
                tm.get().note('ejportal: new portal')
                tm.commit()
                log.info('new portal created')
            portal = root[ZODB_ROOT_KEY]
            try:
                evolve.check(portal, registry)
            except evolve.DatabaseTooOld:
                if not asbool(settings.get('ejportal.auto_evolve', False)):
                    raise
                evolve.evolve(portal, tm, registry)
            if asbool(settings.get('ejportal.demo', False)) and build_demo(portal, registry):
                tm.get().note('ejportal: demo school')
                tm.commit()
            if jobs.ensure_jobs(portal, registry):
                try:
                    tm.get().note('ejportal: scheduled jobs')
                    tm.commit()
                except ConflictError:
                    tm.abort()  # another process starting at the same moment made them
    finally:
        threadlocal.manager.pop()
        tm.abort()
        conn.close()


def build_demo(portal, registry):
    """The demo school, once. True if it was built now."""
    if getattr(portal, 'demo_built', False):
        return False
    reg = portal_registry(registry)
    for function in reg.values(reg.demo_builders):
        function(portal)
    portal.demo_built = True
    log.info('demo school created')
    return True

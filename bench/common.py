"""What the benchmarks share: percentiles and the app on a generated school."""
import os
import sys
import time

import transaction
from pyramid import threadlocal

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'tests'))
from conftest import app_settings  # noqa: E402


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def generated_school(directory, size, prepare, **settings):
    """The app on a school made by ``journal.generate`` in ``directory``;
    ``prepare(portal, year)`` picks (and may set up) what to measure and is committed with
    the school. Returns ``(app, prepared, summary, seconds to build)``."""
    from ejportal import main
    from ejportal.core.actor import SYSTEM, acting_as
    from ejportal.journal.generate import generate_school
    # the suite's check of every cache hit would double the work being measured
    settings.setdefault('ejportal.response_cache_verify', 'false')
    app = main({}, **app_settings(directory, **settings))
    conn = app.registry._zodb_databases[''].open()
    started = time.perf_counter()
    # the app's registry current, as ``ejportal-admin generate-school`` has it: objects are
    # made through the registry's content types, and their events reach its subscribers
    threadlocal.manager.push({'registry': app.registry, 'request': None})
    try:
        with acting_as(SYSTEM):
            portal = conn.root()['ejportal']
            summary = generate_school(portal, size=size)
            transaction.commit()
            year = [y for y in portal['journal'].years() if y.__name__.startswith('gen-')][-1]
            prepared = prepare(portal, year)
            transaction.commit()
    finally:
        threadlocal.manager.pop()
    conn.close()
    return app, prepared, summary, time.perf_counter() - started

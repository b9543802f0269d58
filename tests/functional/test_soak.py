"""Soak: two app processes on one storage (ZEO; RelStorage on a private PostgreSQL), over
real HTTP, with the JSON API as the clients' door.

Teachers save marks as fast as the servers answer, each into a journal of their own and
all into one journal; meanwhile staff acknowledge one order at the same moment and the
director's signatures on several orders (one of them twice) arrive at the same moment.
Afterwards the stored marks are exactly the acknowledged writes, every acknowledgement
is on the sheet once, every order is signed once with a number of its own, and no request
was answered 5xx.

``make test`` runs a short variant (10 teachers, 10 s); ``make soak`` (``EJPORTAL_SOAK=1``)
the long one (50 teachers, 60 s, 20 staff, 10 orders)."""
import threading
import time

import pytest

from conftest import app_settings, close_app
from ejportal import main
from servers import PortalProcess
from soak import (
    SOAK, Api, Tally, check_stored, join, portal_of, prepare_orders, prepare_school,
    run_writers, zeo_from_demo)

pytestmark = pytest.mark.soak

TEACHERS, SECONDS, STAFF, ORDERS = (50, 60, 20, 10) if SOAK else (10, 10, 10, 3)


@pytest.fixture
def zeo(tmp_path, demo_template):
    server = zeo_from_demo(tmp_path, demo_template)
    yield server
    server.stop()


def app_processes(request, directory, settings, count=2):
    """``count`` app processes on ``settings``, stopped when the test ends."""
    processes = []
    for _n in range(count):
        process = PortalProcess(directory, settings)
        request.addfinalizer(process.stop)
        processes.append(process.start())
    return processes


def at_once(calls):
    """Run the callables in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    failures = []

    def run(n, call):
        try:
            barrier.wait(timeout=60)
            results[n] = call()
        except BaseException as error:
            failures.append(error)
    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if failures:
        raise failures[0]
    return results


def resend(api, tally, kind, method, path, done, attempts=20):
    """Send a request again while it is answered 409 or 5xx and ``done()`` is not true yet
    (a teacher's browser resending a refused save); returns every status."""
    statuses = []
    for _n in range(attempts):
        status, data = api.request(method, path, {})
        tally.count(kind, status, data if status >= 500 else None)
        statuses.append(status)
        if 200 <= status < 300 or done():
            break
        time.sleep(0.02 * (len(statuses)))
    return statuses


def acknowledge_at_once(staff, path, tally):
    """Every one of ``staff`` (logged-in clients by login) acknowledges the order at
    ``path`` at the same moment; returns each one's statuses."""
    def acknowledge(api):
        return lambda: resend(api, tally, 'acknowledge', 'POST', path + '/@acknowledge',
                              lambda: False)
    return dict(zip(staff, at_once([acknowledge(api) for api in staff.values()])))


def sign_at_once(signers, reader, paths, tally):
    """The director signs every order at the same moment, the first one twice (two
    windows, two processes: ``signers`` has one client more than there are orders);
    returns the statuses of each signing."""
    lock = threading.Lock()

    def signed(path):
        with lock:
            status, data = reader.request('GET', path + '/@workflow')
        return status == 200 and data['state']['id'] == 'signed'

    def sign(api, path):
        return lambda: resend(api, tally, 'sign', 'POST', path + '/@workflow/sign',
                              lambda: signed(path))
    targets = list(paths) + [paths[0]]
    return list(zip(targets, at_once([sign(a, p) for a, p in zip(signers, targets)])))


def soak(request, directory, uri, storage):
    settings = app_settings(directory, **{'zodbconn.uri': uri,
                                          'ejportal.response_cache_verify': 'false'})
    app = main({}, **settings)      # the demo school, unless the storage has it already
    try:
        with portal_of(app) as portal:
            plan = prepare_school(portal, TEACHERS)
            orders = prepare_orders(portal, ORDERS, plan['teachers'][:STAFF])
    finally:
        close_app(app)
    ports = [p.port for p in app_processes(request, directory, settings)]
    tally = Tally()
    # the staff and the director log in first: the soak's time is for the writes
    staff = {login: Api(ports[n % len(ports)]).login(login, tally=tally)
             for n, login in enumerate(plan['teachers'][:STAFF])}
    signers = [Api(ports[n % len(ports)]).login('director', 'demo', tally)
               for n in range(ORDERS + 1)]
    reader = Api(ports[1]).login('director', 'demo', tally)
    stop = threading.Event()
    writers = run_writers(ports, plan, tally, stop=stop)
    started = time.monotonic()
    try:
        time.sleep(min(2, SECONDS / 4))     # the writers under way
        acknowledged = acknowledge_at_once(staff, orders['acknowledge'], tally)
        signatures = sign_at_once(signers, reader, orders['sign'], tally)
        time.sleep(max(0, SECONDS - (time.monotonic() - started)))
    finally:
        stop.set()
        join(writers)
        for api in list(staff.values()) + signers:
            api.close()
    seconds = time.monotonic() - started
    report = '%s; %d cells stored' % (tally.summary(), check_stored(ports[1], plan, tally))
    print('\nsoak on %s: %d teachers, %.0f s: %s' % (storage, TEACHERS, seconds, report))

    # every one of the staff acknowledged once, and the sheet says so
    for login, statuses in acknowledged.items():
        assert statuses.count(201) == 1 and statuses[-1] == 201, (login, statuses)
    status, sheet = reader.request('GET', orders['acknowledge'] + '/@acknowledgements')
    assert status == 200, sheet
    rows = {row['userid']: row['acknowledged'] for row in sheet['items']}
    assert rows == {login: True for login in acknowledged}

    # every order signed by exactly one of the signatures sent, each with its own number
    for path in orders['sign']:
        statuses = [s for p, answers in signatures for s in answers if p == path]
        assert sum(200 <= s < 300 for s in statuses) == 1, (path, statuses)
    numbers = []
    for path in orders['sign']:
        status, data = reader.request('GET', path)
        assert status == 200 and data['review_state'] == 'signed', (path, status, data)
        numbers.append(data['number'])
    reader.close()
    assert len(set(numbers)) == len(numbers) == ORDERS, numbers
    assert sorted(numbers) == list(range(min(numbers), min(numbers) + ORDERS)), numbers

    assert tally.writes >= TEACHERS, report
    # Checked last, so that the figures above are checked whatever this says.
    server_errors = len(tally.server_errors)
    assert server_errors == 0, '%s (their tracebacks: %s/app-*.log)' % (report, directory)


def test_soak_on_zeo(request, tmp_path, zeo):
    soak(request, tmp_path, zeo.uri, 'ZEO')


@pytest.mark.postgres
def test_soak_on_relstorage(request, tmp_path, postgresql):
    uri = postgresql.create_database('ejportal_soak') + \
        '?blob_dir=%s&shared_blob_dir=false&cache_local_mb=10' % (tmp_path / 'rs-blobs')
    soak(request, tmp_path, uri, 'RelStorage')

"""Exactly one process runs a given job (issue 13): two portal processes on one ZEO server,
each with its job runner, wake at the same moment for a job someone asked to run; one runs
it, the other leaves it (the lease written in the database, or the conflict between two
claims), and a runner that saw the job due before the other ran it does not run it again."""
import dataclasses
import threading
import time

import pytest
import transaction

from conftest import app_settings, close_app
from servers import ZEOServer

from ejportal import main
from ejportal.core.jobs import JobRunner, jobs_folder, run_job
from ejportal.core.registry import portal_registry
from ejportal.site.resources import ZODB_ROOT_KEY


@pytest.fixture
def two_processes(tmp_path):
    server = ZEOServer(tmp_path).start()
    apps = []
    try:
        for _ in range(2):
            apps.append(main({}, **app_settings(tmp_path, **{'zodbconn.uri': server.uri})))
        yield apps
    finally:
        for app in apps:
            close_app(app)
        server.stop()


def slow_job(calls):
    def job(portal, log, settings):
        calls.append(threading.get_ident())
        time.sleep(1.0)     # long enough that the other runner tries while this one runs
        log.write('done\n')
        return 'done'
    return job


def portal_of(conn):
    return conn.root().get(ZODB_ROOT_KEY)


def job_of(app):
    db = app.registry._zodb_databases['']
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    return tm, conn, jobs_folder(portal_of(conn))['maintenance']


def test_two_runners_one_run(two_processes):
    calls = []
    for app in two_processes:
        jobs = portal_registry(app.registry).jobs
        jobs['maintenance'] = dataclasses.replace(jobs['maintenance'],
                                                  function=slow_job(calls))
    tm, conn, job = job_of(two_processes[0])
    job.requested, job.requested_by = True, 'admin'
    tm.commit()
    conn.close()

    runners = [JobRunner(app.registry, portal_of) for app in two_processes]
    barrier = threading.Barrier(2)
    errors = []

    def wake(runner):
        try:
            barrier.wait()
            runner.tick()
        except Exception as error:     # shown by the assertion below
            errors.append(error)
    threads = [threading.Thread(target=wake, args=(r,)) for r in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(calls) == 1
    for app in two_processes:           # both processes read the same single run
        tm, conn, job = job_of(app)
        conn.sync()
        assert [run['outcome'] for run in job.runs] == ['ok']
        assert job.requested is False and job.lease_owner is None
        conn.close()

    # a runner that found the job due before the other ran it leaves it
    tm, conn, job = job_of(two_processes[1])
    result = run_job(portal_of(conn), 'maintenance', two_processes[1].registry.settings, tm,
                     'late-runner', 'ejportal-jobs', registry=two_processes[1].registry,
                     only_if_due=True)
    conn.close()
    assert result is None and len(calls) == 1


def test_a_held_lease_keeps_the_other_runner_out(two_processes):
    first, second = two_processes
    tm, conn, job = job_of(first)
    from ejportal.core.jobs import local_now
    assert job.claim('process-one', local_now())
    tm.commit()
    conn.close()
    calls = []
    jobs = portal_registry(second.registry).jobs
    jobs['maintenance'] = dataclasses.replace(jobs['maintenance'], function=slow_job(calls))
    tm, conn, _job = job_of(second)
    result = run_job(portal_of(conn), 'maintenance', second.registry.settings, tm,
                     'process-two', 'ejportal-jobs', registry=second.registry)
    conn.close()
    assert result is None and calls == []

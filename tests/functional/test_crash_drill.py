"""Crash drill: kill -9 in the middle of writes, again and again.

Teachers save marks over real HTTP while the app process (on a FileStorage of its own, or
one of two on ZEO) or the ZEO server is killed with SIGKILL and started again. Writes the
crash cut off are sent again until acknowledged. After each restart every acknowledged
write is stored (and nothing else), and ZODB's own checkers, ``fstest`` (the transaction
records) and ``fsrefs`` (every current object loads and refers only to objects that
exist), find the FileStorage clean.

``make test``: 2 kills per case; ``make soak`` (``EJPORTAL_SOAK=1``): 10."""
import pathlib
import random
import subprocess
import sys
import threading
import time

import pytest

from conftest import app_settings, close_app
from ejportal import main
from servers import PortalProcess, kill_zeo, restart_zeo
from soak import (
    SOAK, Tally, check_stored, join, portal_of, prepare_school, run_writers, zeo_from_demo)

pytestmark = pytest.mark.soak

KILLS = 10 if SOAK else 2
TEACHERS = 10 if SOAK else 5


def check_file_storage(path):
    """``fstest`` and ``fsrefs`` on a FileStorage nobody writes to at the moment: both
    exit 0 and print nothing when the storage is clean."""
    for script in ('fstest', 'fsrefs'):
        done = subprocess.run([sys.executable, '-m', 'ZODB.scripts.' + script, path],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0 and not done.stdout.strip() and not done.stderr.strip(), (
            script, done.returncode, done.stdout[-2000:], done.stderr[-2000:])


def audit_log_intact(settings):
    """The audit log's chain, and its anchor file where there is one, after the drill: the
    entries of the acknowledged writes are all there, linked, none cut off."""
    from ejportal.core.audit import anchor_path, get_audit_log
    app = main({}, **settings)
    try:
        with portal_of(app) as portal:
            ok, broken, message = get_audit_log(portal).verify(anchor_path(app.registry))
            count = len(get_audit_log(portal))
    finally:
        close_app(app)
    assert ok, (broken, message.interpolate())
    return count


class Drill:
    """Writers on the app processes; ``kill()`` is what each case kills and restarts."""

    def __init__(self, request, directory, settings, processes=1):
        self.request, self.directory, self.settings = request, directory, settings
        app = main({}, **settings)
        try:
            with portal_of(app) as portal:
                self.plan = prepare_school(portal, TEACHERS)
        finally:
            close_app(app)
        self.apps = [self.start_app() for _n in range(processes)]
        self.tally = Tally()
        self.stop, self.writing = threading.Event(), threading.Event()
        self.writing.set()
        # cut-off writes and writes refused while a server is down are all sent again
        # until acknowledged, so that what must be stored is known
        self.writers = run_writers([a.port for a in self.apps], self.plan, self.tally,
                                   stop=self.stop, pause=self.writing, attempts=10 ** 6)
        request.addfinalizer(self.finish)

    def start_app(self):
        app = PortalProcess(self.directory, self.settings)
        self.request.addfinalizer(app.stop)
        return app.start()

    def restart_app(self, n):
        """kill -9 app ``n`` and start it again; its writers follow it to its new port."""
        old = self.apps[n]
        old.kill()
        self.apps[n] = self.start_app()
        for writer in self.writers:
            if writer.api.port == old.port:
                writer.api.port = self.apps[n].port

    def between_writes(self):
        """Every writer held between two writes (a cut-off write is first acknowledged)."""
        self.writing.clear()
        for writer in self.writers:
            assert writer.idle.wait(300), '%s still writing' % writer.name
            if writer.failure is not None:
                raise writer.failure

    def run(self, kill, storage_path):
        rng = random.Random(KILLS)
        stored = 0
        for _n in range(KILLS):
            # every writer under way (the first saves after a restart are slow), then more
            written, deadline = self.tally.writes, time.monotonic() + 120
            while self.tally.writes < written + len(self.writers):
                assert time.monotonic() < deadline, 'no saves: ' + self.tally.summary()
                time.sleep(0.05)
            time.sleep(rng.uniform(0.2, 1.2))
            kill()
            time.sleep(rng.uniform(0, 0.5))     # writers keep trying while it is down
            self.between_writes()
            stored = check_stored(self.apps[-1].port, self.plan, self.tally)
            check_file_storage(storage_path)
            self.writing.set()
        self.finish()
        return stored

    def finish(self):
        if not self.stop.is_set():
            self.stop.set()
            self.writing.set()
            join(self.writers)


def test_kill_the_app_on_its_file_storage(request, db_dir):
    drill = Drill(request, db_dir, app_settings(db_dir, **{
        'ejportal.response_cache_verify': 'false'}))
    stored = drill.run(lambda: drill.restart_app(0), str(db_dir / 'Data.fs'))
    drill.apps[0].stop()    # FileStorage: one process at a time
    entries = audit_log_intact(drill.settings)
    print('\ncrash drill, app on FileStorage killed %d times: %s; %d cells stored; audit '
          'log intact (%d entries)' % (KILLS, drill.tally.summary(), stored, entries))


def test_kill_an_app_on_zeo(request, tmp_path, demo_template):
    zeo = zeo_from_demo(tmp_path, demo_template)
    request.addfinalizer(zeo.stop)
    drill = Drill(request, tmp_path, app_settings(tmp_path, **{
        'zodbconn.uri': zeo.uri, 'ejportal.response_cache_verify': 'false'}), processes=2)
    kills = iter(range(KILLS))
    stored = drill.run(lambda: drill.restart_app(next(kills) % 2), zeo.path)
    print('\ncrash drill, one of two apps on ZEO killed %d times: %s; %d cells stored; audit log '
          'intact (%d entries)' % (KILLS, drill.tally.summary(), stored,
                                    audit_log_intact(drill.settings)))


def test_kill_the_zeo_server(request, tmp_path, demo_template):
    zeo = zeo_from_demo(tmp_path, demo_template)
    request.addfinalizer(zeo.stop)
    drill = Drill(request, tmp_path, app_settings(tmp_path, **{
        'zodbconn.uri': zeo.uri, 'ejportal.response_cache_verify': 'false'}), processes=2)

    def kill():
        kill_zeo(zeo)
        restart_zeo(zeo)
    stored = drill.run(kill, zeo.path)
    # While the server is down the answers are 503 (try again); a 500 was, until the ZEO
    # clients forgot the oids fetched from the killed server (core/zeo.py), an object
    # created under an oid the restarted server gave to the other app as well.
    print('\ncrash drill, ZEO server killed %d times: %s; %d cells stored; audit log '
          'intact (%d entries)' % (KILLS, drill.tally.summary(), stored,
                                    audit_log_intact(drill.settings)))
    errors = [(kind, body) for kind, status, body in drill.tally.server_errors
              if status == 500]
    assert not errors, (errors[:5], unhandled_errors(tmp_path))


def unhandled_errors(directory):
    """What the apps' logs say of each request that ended in a 500: its path and the last
    line of its traceback (the whole of it is in ``app-*.log``)."""
    found = []
    for log in sorted(pathlib.Path(directory).glob('app-*.log')):
        serving = None
        for line in log.read_text(errors='replace').splitlines():
            if line.startswith('ERROR:waitress:Exception while serving'):
                serving = line.rsplit(' ', 1)[-1]
            elif serving and line and not line[0].isspace() and \
                    not line.startswith('Traceback'):
                found.append('%s: %s: %s' % (log.name, serving, line))
                serving = None
    return found

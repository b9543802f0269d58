"""Real servers for tests: the app on waitress, a ZEO server, a private PostgreSQL.
Each listens on a free port on 127.0.0.1 and is stopped by the test that started it.
Under CI=true a missing browser or database is a failure, never a silent skip."""
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import pytest

PG_BIN = '/usr/lib/postgresql/15/bin'


def in_ci():
    return os.environ.get('CI', '').lower() == 'true'


def unavailable(reason):
    if in_ci():
        pytest.fail(reason + ' (CI=true: this must be installed, see .ci/run)')
    pytest.skip(reason)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def listening_port(process, timeout=30.0):
    """The TCP port a child process listens on, read from /proc once it listens.

    A server told to bind port 0 gets a port from the kernel that nobody else holds; a port
    chosen by us first (``free_port``) can be taken in between by another program."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError('the server exited with %s before listening' % process.returncode)
        inodes = set()
        fd_dir = '/proc/%d/fd' % process.pid
        for fd in os.listdir(fd_dir):
            try:
                target = os.readlink(os.path.join(fd_dir, fd))
            except OSError:
                continue        # closed while we looked
            if target.startswith('socket:['):
                inodes.add(target[len('socket:['):-1])
        with open('/proc/%d/net/tcp' % process.pid) as table:
            for line in table.readlines()[1:]:
                fields = line.split()
                # local address, state 0A = LISTEN, inode
                if fields[3] == '0A' and fields[9] in inodes:
                    return int(fields[1].split(':')[1], 16)
        time.sleep(0.05)
    raise RuntimeError('the server did not listen within %s s' % timeout)


class LiveServer:
    """The WSGI app on waitress in a thread of this process.

    The socket is bound to port 0 when the server is made, so the kernel picks a free port
    and nobody can take it between choosing and binding. Stopping happens in the serving
    thread itself: closing waitress' sockets from another thread while its loop still polls
    them gave EBADF at teardown."""

    def __init__(self, app):
        from waitress.server import create_server
        self.server = create_server(app, host='127.0.0.1', port=0, threads=4)
        self.port = int(self.server.effective_port)
        self.thread = threading.Thread(target=self.server.run, daemon=True,
                                       name='live-server-%d' % self.port)
        self.url = 'http://127.0.0.1:%d' % self.port

    def start(self):
        self.thread.start()     # the socket listens since it was made
        return self

    def stop(self):
        # The workers finish the requests they hold (their answers are flushed by the loop,
        # still running); then the loop itself closes every socket it polls, between two
        # polls, and with its map empty it returns.
        self.server.task_dispatcher.shutdown()
        self.server.trigger.pull_trigger(self._close_sockets)
        self.thread.join(timeout=10)
        if self.thread.is_alive():
            raise RuntimeError('the live server on port %d did not stop' % self.port)
        # The trigger's pipe is closed last: a worker's own pull may run our thunk before
        # our write reaches the pipe, and that write must not find the pipe closed (or its
        # number already given to another file).
        self.server.trigger.close()

    def _close_sockets(self):
        from waitress import wasyncore
        for dispatcher in list(self.server._map.values()):
            if dispatcher is self.server.trigger:
                dispatcher.del_channel()
            elif dispatcher is self.server:
                wasyncore.dispatcher.close(dispatcher)  # the listening socket only
            else:
                dispatcher.handle_close()


class PostgreSQL:
    """A private cluster in a temporary directory, run as the postgres user when root."""

    def __init__(self):
        # Not under pytest's private tmp (mode 0700): the postgres user must reach it.
        self.directory = tempfile.mkdtemp(prefix='ejportal-pg-')
        os.chmod(self.directory, 0o755)
        self.port = free_port()
        self.datadir = os.path.join(self.directory, 'data')
        self.sockdir = os.path.join(self.directory, 'sock')

    def _run(self, *args):
        command = [os.path.join(PG_BIN, args[0])] + list(args[1:])
        if os.geteuid() == 0:
            command = ['su', 'postgres', '-s', '/bin/sh', '-c',
                       ' '.join(shlex.quote(a) for a in command)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self):
        if not os.path.exists(os.path.join(PG_BIN, 'initdb')):
            unavailable('PostgreSQL server binaries are not installed')
        os.makedirs(self.sockdir)
        if os.geteuid() == 0:
            shutil.chown(self.directory, 'postgres')
            shutil.chown(self.sockdir, 'postgres')
        self._run('initdb', '-D', self.datadir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8',
                  '--locale=C.UTF-8')
        # PostgreSQL cannot be given port 0. Should another program take the port we chose
        # before the server binds it, the server fails to start (pg_ctl waits for its own
        # "ready", so a stranger on the port cannot pass for it): choose again.
        for attempt in range(3):
            try:
                self._run('pg_ctl', '-D', self.datadir, '-o',
                          '-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off' % (
                              self.port, self.sockdir), '-w', '-l',
                          os.path.join(self.directory, 'log'), 'start')
                return self
            except subprocess.CalledProcessError:
                if attempt == 2:
                    raise
                self.port = free_port()

    def create_database(self, name):
        import psycopg2
        conn = psycopg2.connect(host='127.0.0.1', port=self.port, user='postgres',
                                dbname='postgres')
        conn.autocommit = True
        conn.cursor().execute('CREATE DATABASE %s' % name)
        conn.close()
        return 'postgres://postgres@127.0.0.1:%d/%s' % (self.port, name)

    def stop(self):
        try:
            self._run('pg_ctl', '-D', self.datadir, '-m', 'fast', '-w', 'stop')
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.directory, ignore_errors=True)


class ZEOServer:
    def __init__(self, directory):
        self.port = None
        self.path = os.path.join(str(directory), 'zeo.fs')
        self.blobs = os.path.join(str(directory), 'zeo-blobs')
        self.process = None

    def start(self):
        config = self.path + '.conf'
        with open(config, 'w') as f:
            f.write('<zeo>\n  address 127.0.0.1:0\n</zeo>\n<filestorage>\n  path %s\n'
                    '  blob-dir %s\n</filestorage>\n' % (self.path, self.blobs))
        # runzeo of our own venv: the server resolves conflicts with our classes.
        runzeo = os.path.join(os.path.dirname(sys.executable), 'runzeo')
        self.process = subprocess.Popen([runzeo, '-C', config],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self.port = listening_port(self.process)
        except RuntimeError:
            self.stop()
            raise
        return self

    @property
    def uri(self):
        """A ZConfig client with ``server-sync``, as production.ini advises: each
        transaction starts with a round trip, so it sees every write committed before it."""
        config = self.path + '.client.conf'
        with open(config, 'w') as f:
            f.write('%%import ZEO\n<zodb main>\n  <clientstorage>\n    server 127.0.0.1:%d\n'
                    '    server-sync true\n    blob-dir %s\n    shared-blob-dir true\n'
                    '  </clientstorage>\n</zodb>\n' % (self.port, self.blobs))
        return 'zconfig://%s#main' % config

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=10)


# -- the portal deployed as the README says: production.ini, deploy/, pserve processes --------
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def set_defines(path, **values):
    """Set the ``%define NAME value`` lines of a ZConfig file (deploy/*.conf), as the
    administrator does; every name given must be defined there."""
    with open(path) as f:
        lines = f.read().splitlines(True)
    for name, value in values.items():
        found = [i for i, line in enumerate(lines) if line.split()[:2] == ['%define', name]]
        assert found, '%s defines no %s' % (path, name)
        for i in found:
            lines[i] = '%%define %s %s\n' % (name, value)
    with open(path, 'w') as f:
        f.write(''.join(lines))


def production_ini(directory, storage, replace=(), **settings):
    """The repository's production.ini and deploy/ copied into ``directory``, configured as
    the README tells the administrator: the one ``zodbconn.uri`` line whose URI starts with
    ``storage`` (``file://``, ``zconfig://``, ``postgres://``) in use and the others commented
    out, each ``(old, new)`` of ``replace`` applied to that line (a password, a port), then
    the ``[app:main]`` ``settings`` set (dots as in the ini; ``ejportal.secret`` included).
    Returns the ini's path."""
    directory = str(directory)
    shutil.copytree(os.path.join(REPO, 'deploy'), os.path.join(directory, 'deploy'),
                    dirs_exist_ok=True)
    with open(os.path.join(REPO, 'production.ini')) as f:
        lines = f.read().splitlines()
    chosen = 0
    for i, line in enumerate(lines):
        uri = line.lstrip('# ')
        if not uri.startswith('zodbconn.uri ='):
            continue
        if uri.split('=', 1)[1].strip().startswith(storage):
            for old, new in replace:
                assert old in uri, (old, uri)
                uri = uri.replace(old, new)
            lines[i] = uri
            chosen += 1
        else:
            lines[i] = '# ' + uri
    assert chosen == 1, 'production.ini has %d zodbconn.uri lines for %s' % (chosen, storage)
    app = lines.index('[app:main]')
    end = next(i for i in range(app + 1, len(lines)) if lines[i].startswith('['))
    for name, value in settings.items():
        for i in range(app, end):
            if lines[i].lstrip('# ').split('=')[0].strip() == name:
                lines[i] = '%s = %s' % (name, value)
                break
        else:
            lines.insert(end, '%s = %s' % (name, value))
            end += 1
    path = os.path.join(directory, 'production.ini')
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    os.makedirs(os.path.join(directory, 'var'), exist_ok=True)
    return path


class AppProcess:
    """``pserve <ini> http_port=0``: the portal in a process of its own, as production runs
    it, on a port the kernel picks (read from /proc). Its output goes to ``<ini>.<n>.log``."""

    count = 0

    def __init__(self, ini):
        self.ini = str(ini)
        AppProcess.count += 1
        self.log = '%s.%d.log' % (self.ini, AppProcess.count)
        self.process = self.port = self.url = None

    def start(self, timeout=60.0):
        pserve = os.path.join(os.path.dirname(sys.executable), 'pserve')
        with open(self.log, 'wb') as output:
            self.process = subprocess.Popen([pserve, self.ini, 'http_port=0'],
                                            stdout=output, stderr=output)
        try:
            self.port = listening_port(self.process, timeout)
        except RuntimeError as error:
            self.stop()
            raise RuntimeError('%s\n%s' % (error, self.output()[-3000:])) from None
        self.url = 'http://127.0.0.1:%d' % self.port
        return self

    def output(self):
        with open(self.log, errors='replace') as f:
            return f.read()

    def stop(self):
        """SIGTERM (the portal closes its database), SIGKILL after 20 s. The exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait()


def run_zeo(config, timeout=30.0):
    """``runzeo -C <config>`` of our own venv (it resolves conflicts with our classes);
    returns the process and the port it listens on (the config may ask for port 0)."""
    runzeo = os.path.join(os.path.dirname(sys.executable), 'runzeo')
    process = subprocess.Popen([runzeo, '-C', str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return process, listening_port(process, timeout)
    except RuntimeError:
        process.kill()
        process.wait()
        raise

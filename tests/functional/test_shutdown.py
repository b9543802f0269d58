"""The server closes its database on SIGTERM, so the next start finds a current index."""
import os
import re
import signal
import subprocess
import sys
import time

from ZODB.fsIndex import fsIndex


def serving_port(log, process, timeout=60.0):
    """The port waitress chose (the ini asks for port 0, so no other program can take the
    port between our choosing it and the server binding it), read from its log line."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r'Serving on http://127\.0\.0\.1:(\d+)', log.read_text())
        if found:
            return int(found.group(1))
        assert process.poll() is None, log.read_text()[-2000:]
        time.sleep(0.05)
    raise AssertionError('the server did not start: %s' % log.read_text()[-2000:])


def test_sigterm_closes_the_database(tmp_path):
    ini = tmp_path / 'server.ini'
    ini.write_text('\n'.join([
        '[app:main]', 'use = egg:ejportal',
        'zodbconn.uri = file://%s/Data.fs?blobstorage_dir=%s/blobs' % (tmp_path, tmp_path),
        'ejportal.secret = %s' % ('s' * 32), 'ejportal.demo = false',
        'ejportal.close_on_exit = true', 'mail.debug = true',
        'mail.top_level_directory = %s/mail' % tmp_path,
        '[server:main]', 'use = egg:waitress#main', 'listen = 127.0.0.1:0',
        # waitress names the port it got in an INFO line
        '[loggers]', 'keys = root', '[handlers]', 'keys = console',
        '[formatters]', 'keys = plain',
        '[logger_root]', 'level = INFO', 'handlers = console',
        '[handler_console]', 'class = StreamHandler', 'args = (sys.stderr,)',
        'level = INFO', 'formatter = plain',
        '[formatter_plain]', 'format = %(message)s', '']))
    pserve = os.path.join(os.path.dirname(sys.executable), 'pserve')
    log = tmp_path / 'server.log'
    with open(log, 'wb') as output:
        process = subprocess.Popen([pserve, str(ini)], stdout=output, stderr=output)
    try:
        serving_port(log, process)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0, log.read_text()[-2000:]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    # A current index covers the whole file: one saved only at open (when the file was
    # empty) would stop short of the portal written since, and the next start rebuilds it.
    index = fsIndex.load(str(tmp_path / 'Data.fs.index'))
    assert index['pos'] == os.path.getsize(tmp_path / 'Data.fs')
    assert not (tmp_path / 'Data.fs.lock').exists() or _unlocked(tmp_path / 'Data.fs.lock')


def _unlocked(path):
    import zc.lockfile
    lock = zc.lockfile.LockFile(str(path))
    lock.close()
    return True

"""The server closes its database on SIGTERM, so the next start finds a current index."""
import os
import signal
import subprocess
import sys
import time

from servers import free_port, wait_for_port


def test_sigterm_closes_the_database(tmp_path):
    port = free_port()
    ini = tmp_path / 'server.ini'
    ini.write_text('\n'.join([
        '[app:main]', 'use = egg:ejportal',
        'zodbconn.uri = file://%s/Data.fs?blobstorage_dir=%s/blobs' % (tmp_path, tmp_path),
        'ejportal.secret = %s' % ('s' * 32), 'ejportal.demo = false',
        'ejportal.close_on_exit = true', 'mail.debug = true',
        'mail.top_level_directory = %s/mail' % tmp_path,
        '[server:main]', 'use = egg:waitress#main', 'listen = 127.0.0.1:%d' % port, '']))
    pserve = os.path.join(os.path.dirname(sys.executable), 'pserve')
    log = tmp_path / 'server.log'
    with open(log, 'wb') as output:
        process = subprocess.Popen([pserve, str(ini)], stdout=output, stderr=output)
    try:
        wait_for_port(port, timeout=30)
        index = tmp_path / 'Data.fs.index'
        before = index.stat().st_mtime if index.exists() else 0
        time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0, log.read_text()[-2000:]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert index.exists() and index.stat().st_mtime > before
    assert not (tmp_path / 'Data.fs.lock').exists() or _unlocked(tmp_path / 'Data.fs.lock')


def _unlocked(path):
    import zc.lockfile
    lock = zc.lockfile.LockFile(str(path))
    lock.close()
    return True

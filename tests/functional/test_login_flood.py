"""A flood of failed logins neither fills the disk nor the audit log: the attempts the
throttle refuses write nothing but, once a window, an audit entry that counts them."""
import os

from conftest import EnglishClient
from ejportal.core.audit import get_audit_log

JSON = {'Accept': 'application/json'}
ATTEMPTS = 500
BYTES_AT_MOST = 200 * 1024
ENTRIES_AT_MOST = 20


def audit_length(root):
    root._p_jar.sync()
    return len(get_audit_log(root))


def test_five_hundred_failed_logins_grow_the_database_by_little(app, db_dir, root):
    """500 wrong passwords for one account over HTTP, from one address and then from 25:
    Data.fs grows by less than 200 KB, the log by a few entries, and every attempt is
    counted in them."""
    data_fs = os.path.join(str(db_dir), 'Data.fs')
    size, entries = os.path.getsize(data_fs), audit_length(root)
    statuses = []
    for number in range(ATTEMPTS):
        address = '10.9.0.1' if number < ATTEMPTS // 2 else '10.9.1.%d' % (number % 25)
        client = EnglishClient(app, extra_environ={'REMOTE_ADDR': address})
        response = client.post_json('/@login', {'login': 'teacher', 'password': 'guess%d' % number},
                                    headers=JSON, status='*')
        statuses.append(response.status_int)
    assert set(statuses) == {401, 429}
    grown, added = os.path.getsize(data_fs) - size, audit_length(root) - entries
    print('\n%d failed logins: Data.fs +%d bytes, audit log +%d entries' % (
        ATTEMPTS, grown, added))
    assert grown < BYTES_AT_MOST
    assert 0 < added <= ENTRIES_AT_MOST
    log = get_audit_log(root)
    new = list(log.entries())[entries:]
    assert {entry['action'] for entry in new} <= {'login-failed', 'login-throttled'}

"""The audit log's conflict resolution where the storage runs it: a ZEO server resolves
conflicts in its own process (it must import the log's classes), RelStorage in the client
from states it reads from PostgreSQL. Appends and archivings from two clients merge there
as on a FileStorage, and the chain verifies."""
import random

import pytest
import transaction
import ZODB
from ZEO.ClientStorage import ClientStorage

from servers import ZEOServer

from ejportal.core import audit
from ejportal.core.actor import Actor
from ejportal.core.audit import AuditLog

TEACHER = Actor('petrova', '10.0.0.7', 'Firefox')


@pytest.fixture
def zeo_db(tmp_path):
    server = ZEOServer(tmp_path).start()
    storage = ClientStorage(('127.0.0.1', server.port), wait_timeout=30)
    database = ZODB.DB(storage)
    yield database
    database.close()
    server.stop()


@pytest.fixture
def relstorage_db(postgresql, request):
    import zodburi
    name = 'audit_%s' % request.node.name.replace('[', '_').replace(']', '').replace('-', '_')
    uri = postgresql.create_database(name[:60])
    factory, kwargs = zodburi.resolve_uri(uri)
    database = ZODB.DB(factory(), **kwargs)
    yield database
    database.close()


def connect(db):
    tm = transaction.TransactionManager()
    return tm, db.open(tm)


def fill(log, count, start=0):
    for i in range(start, start + count):
        log.append('mark', path='/journal/7a/lesson-%d' % i, type_name='Lesson',
                   details={'n': i}, actor=TEACHER)


def appends_and_archivings_merge(db, monkeypatch):
    monkeypatch.setattr(audit, '_chance', random.Random(0))
    tm, conn = connect(db)
    conn.root()['log'] = AuditLog(2)
    fill(conn.root()['log'], 1)
    tm.commit()
    # append / append
    one, two = connect(db), connect(db)
    fill(one[1].root()['log'], 1, start=10)
    fill(two[1].root()['log'], 1, start=11)
    one[0].commit()
    two[0].commit()
    # the connection whose commit was merged reads the merged tail, not its own copy
    assert [e['path'][-2:] for e in two[1].root()['log'].entries()] == ['-0', '10', '11']
    assert two[1].root()['log'].verify()[:2] == (True, None)
    # archive / append in both orders: one request saw the tail before it filled up
    for archiver_first in (True, False):
        other = connect(db)
        other[1].sync()
        fill(other[1].root()['log'], 1, start=20 + 100 * archiver_first)
        filler = connect(db)
        fill(filler[1].root()['log'], 4, start=30 + 100 * archiver_first)
        filler[0].commit()
        archiver = connect(db)
        fill(archiver[1].root()['log'], 1, start=40 + 100 * archiver_first)
        first, second = (archiver, other) if archiver_first else (other, archiver)
        first[0].commit()
        second[0].commit()
        for tm_, conn_ in (one, two, other, filler, archiver):
            tm_.abort()
    tm, conn = connect(db)
    log = conn.root()['log']
    paths = [e['path'] for e in log.entries()]
    assert len(paths) == 1 + 2 + 2 * 6 == len(set(paths))
    assert len(log._chunks) > 1
    assert log.verify()[:2] == (True, None)
    tm.abort()


def test_appends_and_archivings_merge_on_a_zeo_server(zeo_db, monkeypatch):
    appends_and_archivings_merge(zeo_db, monkeypatch)


@pytest.mark.postgres
def test_appends_and_archivings_merge_on_relstorage(relstorage_db, monkeypatch):
    appends_and_archivings_merge(relstorage_db, monkeypatch)

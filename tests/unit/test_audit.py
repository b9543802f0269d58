"""The audit log: entries and their hash chain, search, tamper evidence, and appends from
concurrent transactions on a real FileStorage merging without conflicts."""
import csv
import datetime
import hashlib
import io
import json
import random
import time

import pytest
import transaction
import ZODB
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError

from ejportal.core import audit
from ejportal.core.actor import Actor, acting_as
from ejportal.core.audit import (
    GENESIS, AuditLog, get_audit_log, json_safe, record, write_csv)
from ejportal.core.events import ObjectModified, ObjectMoved, notify
from ejportal.core.folder import Folder

TEACHER = Actor('petrova', '10.0.0.7', 'Firefox')
HASHED = ('seq', 'time', 'userid', 'address', 'user_agent', 'action', 'path', 'type_name',
          'details')


def expected_hash(entry):
    """The hash as the specification defines it, computed independently of the module."""
    body = json.dumps({k: entry[k] for k in HASHED}, sort_keys=True, ensure_ascii=False,
                      separators=(',', ':'))
    return hashlib.sha256((entry['prev_hash'] + body).encode('utf-8')).hexdigest()


def fill(log, count, action='mark', start=0):
    for i in range(start, start + count):
        log.append(action, path='/journal/7a/lesson-%d' % i, type_name='Lesson',
                   details={'n': i}, actor=TEACHER)


class Lesson(Folder):
    type_name = 'Lesson'


class Root(Folder):
    """Stands for the portal: the root class declares where its audit log lives."""
    type_name = 'Portal'
    audit_log = None


# -- a real database, several connections -------------------------------------------

@pytest.fixture
def db(tmp_path):
    database = ZODB.DB(FileStorage(str(tmp_path / 'Data.fs')))
    yield database
    database.close()


def connect(db):
    """A connection with its own transaction manager, like one request thread."""
    tm = transaction.TransactionManager()
    return tm, db.open(tm)


def make_log(db, chunk_size=None, entries=0):
    tm, conn = connect(db)
    log = conn.root()['log'] = AuditLog(chunk_size)
    fill(log, entries)
    tm.commit()
    conn.close()


def read_log(db):
    tm, conn = connect(db)
    return conn.root()['log']


# -- entries and the chain ------------------------------------------------------------

def test_entry_holds_who_what_where_and_is_chained():
    log = AuditLog()
    first = log.append('create', path='/documents/order-1', type_name='Order',
                       details={'title': 'Приказ "о режиме"\n\\'}, actor=TEACHER)
    assert first['seq'] == 0
    assert first['prev_hash'] == GENESIS
    assert (first['userid'], first['address'], first['user_agent']) == (
        'petrova', '10.0.0.7', 'Firefox')
    assert (first['action'], first['path'], first['type_name']) == (
        'create', '/documents/order-1', 'Order')
    stamped = datetime.datetime.fromisoformat(first['time'])
    assert stamped.utcoffset() == datetime.timedelta(0)
    assert first['hash'] == expected_hash(first)

    anonymous = log.append('login-failed', details={'login': 'ivanov'},
                           actor=Actor(None, '10.0.0.9', None))
    assert anonymous['seq'] == 1
    assert anonymous['prev_hash'] == first['hash']
    assert anonymous['hash'] == expected_hash(anonymous)
    assert list(log.entries()) == [first, anonymous]


def test_hash_matches_the_definition_for_awkward_text():
    log = AuditLog()
    odd = 'кв. "7а"\\ \n\t\x01 😀 </script>'
    log.append(odd, path='/' + odd, type_name=odd, details={odd: [odd, 1.5, -0.0, 10**20]},
               actor=Actor(odd, odd, odd))
    entry = next(log.entries())
    assert entry['userid'] == entry['path'][1:] == odd
    assert entry['hash'] == expected_hash(entry)
    assert log.verify()[:2] == (True, None)


def test_actor_defaults_to_whoever_acts_now():
    log = AuditLog()
    with acting_as(TEACHER):
        entry = log.append('login')
    assert entry['userid'] == 'petrova'
    assert entry['details'] == {}


def test_details_are_stored_as_json_data():
    log = AuditLog()
    when = datetime.datetime(2026, 9, 1, 8, 30, tzinfo=datetime.timezone.utc)
    log.append('edit', details={'changes': {'date': [datetime.date(2026, 9, 1), when],
                                            'classes': {'7b', '7a'}, 'pair': (1, 2)}},
               actor=TEACHER)
    stored = next(log.entries())
    assert stored['details'] == {'changes': {
        'date': ['2026-09-01', '2026-09-01T08:30:00+00:00'],
        'classes': ['7a', '7b'], 'pair': [1, 2]}}
    assert stored['hash'] == expected_hash(stored)


def test_changing_a_returned_entry_changes_nothing_stored():
    log = AuditLog()
    details = {'changes': {'mark': [4, 5]}}
    entry = log.append('mark', details=details, actor=TEACHER)
    entry['details']['changes']['mark'][1] = 2
    details['changes']['mark'][1] = 3
    next(log.entries())['details']['changes']['mark'][1] = 1
    assert next(log.entries())['details'] == {'changes': {'mark': [4, 5]}}
    assert log.verify()[0]


def test_length_order_and_chain_across_chunks():
    log = AuditLog(chunk_size=3)
    assert len(log) == 0 and log and list(log.entries()) == []
    fill(log, 10)
    assert len(log) == 10
    assert len(log._chunks) == 4
    forward = list(log.entries())
    assert [e['seq'] for e in forward] == list(range(10))
    assert list(log.entries(reverse=True)) == forward[::-1]
    for before, after in zip(forward, forward[1:]):
        assert after['prev_hash'] == before['hash']
        assert after['hash'] == expected_hash(after)
    assert log.verify()[:2] == (True, None)


def test_json_safe():
    class Thing:
        def __str__(self):
            return 'a thing'
    assert json_safe({'a': (1, 2.5, None, True), 3: {'x'}}) == {'a': [1, 2.5, None, True],
                                                                '3': ['x']}
    assert json_safe(datetime.date(2026, 5, 25)) == '2026-05-25'
    assert json_safe({datetime.date(2026, 5, 25): 1}) == {'2026-05-25': 1}
    assert json_safe(datetime.time(8, 30)) == '08:30:00'
    assert json_safe(frozenset([3, 1, 2])) == [1, 2, 3]
    assert json_safe({1, 'a'}) in ([1, 'a'], ['a', 1])
    assert json_safe(Thing()) == 'a thing'
    assert json_safe(float('nan')) == 'nan'
    assert json_safe(b'x') == "b'x'"
    assert json.loads(json.dumps(json_safe({'k': [Thing(), {2}]}))) == {'k': ['a thing', [2]]}


# -- search -----------------------------------------------------------------------------

def entry_at(log, when, userid, action, path, details=None):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(audit, 'now', lambda: when)
        return log.append(action, path=path, type_name='Thing', details=details,
                          actor=Actor(userid, '10.0.0.1', 'Browser'))


def test_search_filters():
    log = AuditLog(chunk_size=2)
    day = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=datetime.timezone.utc)
    entry_at(log, day, 'petrova', 'create', '/journal/7a')
    entry_at(log, day + datetime.timedelta(hours=1), 'petrova', 'mark', '/journal/7a/algebra',
             {'student': 'Иванов Пётр'})
    entry_at(log, day + datetime.timedelta(days=1), 'sidorov', 'mark', '/journal/7ab')
    entry_at(log, day + datetime.timedelta(days=2), 'sidorov', 'login', '/')

    def seqs(**filters):
        return [e['seq'] for e in log.search(**filters)]

    assert seqs() == [3, 2, 1, 0]
    assert seqs(reverse=False) == [0, 1, 2, 3]
    assert seqs(userid='petrova') == [1, 0]
    assert seqs(action='mark') == [2, 1]
    assert seqs(action=('login', 'create')) == [3, 0]
    assert seqs(path_prefix='/journal/7a') == [1, 0]
    assert seqs(path_prefix='/journal/7a/') == [1, 0]
    assert seqs(path_prefix='/') == [3, 2, 1, 0]
    assert seqs(since=day + datetime.timedelta(hours=1)) == [3, 2, 1]
    assert seqs(until=datetime.date(2026, 9, 2)) == [1, 0]
    assert seqs(since='2026-09-02', until='2026-09-03T00:00:00+00:00') == [2]
    assert seqs(since=datetime.datetime(2026, 9, 2, 12, 0, tzinfo=datetime.timezone(
        datetime.timedelta(hours=5)))) == [3, 2]  # 07:00 UTC
    assert seqs(text='иванов') == [1]
    assert seqs(text='SIDOROV') == [3, 2]
    assert seqs(limit=3) == [3, 2, 1]
    assert seqs(userid='sidorov', action='mark', limit=1) == [2]
    assert log.search(limit=1)[0] == list(log.entries())[-1]


def test_newest_page_reads_only_the_newest_chunk(db):
    make_log(db, chunk_size=100, entries=10_000)
    log = read_log(db)
    log._p_jar.cacheMinimize()  # as after a restart: nothing loaded yet
    page = log.search(limit=50)
    assert [e['seq'] for e in page] == list(range(9999, 9949, -1))
    loaded = [c for c in log._chunks.values() if c._p_changed is not None]
    assert len(loaded) == 1


# -- tamper evidence ---------------------------------------------------------------------

def rewrite(db, at, **changes):
    """Someone with access to the database file changes a stored entry behind the log."""
    tm, conn = connect(db)
    log = conn.root()['log']
    for chunk in log._chunks.values():
        if chunk.first_seq <= at < chunk.next_seq:
            entry = dict(zip(audit.FIELDS, chunk.entries[at - chunk.first_seq]))
            entry.update(changes)
            chunk.entries[at - chunk.first_seq] = tuple(entry[f] for f in audit.FIELDS)
            chunk._p_changed = True
    tm.commit()
    conn.close()


def test_verify_accepts_an_intact_log(db):
    make_log(db, chunk_size=7, entries=50)
    ok, seq, message = read_log(db).verify()
    assert (ok, seq) == (True, None)
    assert message.interpolate() == 'All 50 entries are intact.'
    assert AuditLog().verify()[:2] == (True, None)


def test_verify_names_an_entry_whose_details_were_rewritten(db):
    make_log(db, chunk_size=7, entries=50)
    rewrite(db, 23, details='{"n":99}')
    ok, seq, message = read_log(db).verify()
    assert (ok, seq) == (False, 23)
    assert '23' in message.interpolate()


def test_verify_names_an_entry_whose_hash_was_recomputed_at_the_next_one(db):
    make_log(db, chunk_size=7, entries=50)
    forged = dict(next(e for e in read_log(db).entries() if e['seq'] == 23),
                  userid='director')
    rewrite(db, 23, userid='director', hash=expected_hash(forged))
    assert read_log(db).verify()[:2] == (False, 24)


@pytest.mark.parametrize('field, value', [('seq', 7), ('prev_hash', GENESIS),
                                          ('time', '2020-01-01T00:00:00.000000+00:00'),
                                          ('details', 'not json')])
def test_verify_names_any_rewritten_field(db, field, value):
    make_log(db, chunk_size=7, entries=20)
    rewrite(db, 12, **{field: value})
    assert read_log(db).verify()[:2] == (False, 12)


def cut(db, change):
    tm, conn = connect(db)
    change(conn.root()['log']._chunks)
    tm.commit()
    conn.close()


def test_verify_names_where_an_entry_was_cut_out(db):
    make_log(db, chunk_size=7, entries=20)
    cut(db, lambda chunks: chunks[1].entries.pop(3))  # seq 10
    assert read_log(db).verify()[:2] == (False, 10)


def test_verify_names_where_a_chunk_was_cut_out(db):
    make_log(db, chunk_size=7, entries=20)
    cut(db, lambda chunks: chunks.pop(1))  # seq 7..13
    assert read_log(db).verify()[:2] == (False, 7)


def test_the_log_offers_no_way_to_remove_entries():
    public = {name for name in dir(AuditLog) if not name.startswith('_')}
    assert public == {'append', 'chunk_size', 'entries', 'entries_in', 'hash_at', 'newest',
                      'newest_chunk', 'search', 'verify'}


# -- concurrent appends --------------------------------------------------------------------

def test_two_transactions_appending_at_once_both_commit(db):
    make_log(db, entries=1)
    tm1, conn1 = connect(db)
    tm2, conn2 = connect(db)
    conn1.root()['log'].append('mark', path='/a', details={'by': 'one'}, actor=TEACHER)
    conn2.root()['log'].append('mark', path='/b', details={'by': 'two'}, actor=TEACHER)
    tm1.commit()
    tm2.commit()  # resolved, not a ConflictError

    log = read_log(db)
    assert len(log) == 3
    assert [(e['seq'], e['path']) for e in log.entries()] == [
        (0, '/journal/7a/lesson-0'), (1, '/a'), (2, '/b')]
    assert log.verify()[:2] == (True, None)
    assert all(e['hash'] == expected_hash(e) for e in log.entries())


def test_the_anchor_names_the_entries_as_committed_after_a_merge(db, tmp_path, config):
    """The second commit's entry was renumbered and re-hashed by conflict resolution: the
    anchor is read from the committed log, not from the transaction's own copy (which would
    name a hash the log does not hold, and so report an intact log as rewritten)."""
    anchor_file = str(tmp_path / 'audit-anchor.json')
    config.registry.settings['ejportal.audit_anchor'] = anchor_file
    make_log(db, entries=1)
    tm1, conn1 = connect(db)
    tm2, conn2 = connect(db)
    conn1.root()['log'].append('mark', path='/a', actor=TEACHER)
    stale = conn2.root()['log'].append('mark', path='/b', actor=TEACHER)
    tm1.commit()
    tm2.commit()
    log = read_log(db)
    assert audit.read_anchor(anchor_file) == log.newest() == (3, log.hash_at(2))
    assert stale['hash'] != log.hash_at(2)
    assert log.verify(anchor_file)[:2] == (True, None)


def test_many_interleaved_appends_merge_without_conflicts(db):
    make_log(db, chunk_size=10_000, entries=1)
    rng = random.Random(7)
    workers = [connect(db) for _ in range(4)]
    written = []
    for round_ in range(40):
        for number, (tm, conn) in enumerate(workers):
            for i in range(rng.randint(1, 3)):
                marker = '%d-%d-%d' % (round_, number, i)
                conn.root()['log'].append('grade', path='/' + marker, actor=TEACHER)
                written.append(marker)
        rng.shuffle(workers)
        for tm, conn in workers:
            tm.commit()

    log = read_log(db)
    assert len(log) == len(written) + 1
    assert sorted(e['path'][1:] for e in log.search(action='grade')) == sorted(written)
    assert log.verify()[:2] == (True, None)


def test_interleaved_appends_over_many_chunks_succeed_with_retries(db, monkeypatch):
    make_log(db, chunk_size=5)
    monkeypatch.setattr(audit, '_chance', random.Random(3))  # which request archives
    rng = random.Random(11)
    workers = [connect(db) for _ in range(3)]
    pending = {id(conn): [] for tm, conn in workers}
    written, conflicts = [], 0
    for round_ in range(60):
        for number, (tm, conn) in enumerate(workers):
            for i in range(rng.randint(1, 2)):
                pending[id(conn)].append('%d-%d-%d' % (round_, number, i))
            for marker in pending[id(conn)]:
                conn.root()['log'].append('mark', path='/' + marker, actor=TEACHER)
        rng.shuffle(workers)
        for tm, conn in workers:
            try:
                tm.commit()
            except ConflictError:  # a chunk was started under it: retried next round
                tm.abort()
                conflicts += 1
            else:
                written.extend(pending[id(conn)])
                pending[id(conn)] = []
    for tm, conn in workers:  # the last retries, one at a time, each seeing the others'
        tm.abort()
        for marker in pending[id(conn)]:
            conn.root()['log'].append('mark', path='/' + marker, actor=TEACHER)
        tm.commit()
        written.extend(pending[id(conn)])

    log = read_log(db)
    assert sorted(e['path'][1:] for e in log.entries()) == sorted(written)
    # a transaction's entries stay in the tail it appended to, and a full tail is archived
    # by one of the requests that find it full: fewer chunks than 180 entries / 5
    assert len(log._chunks) > 15
    assert log.verify()[:2] == (True, None)
    assert conflicts  # starting chunks under one another did conflict, and was retried


def test_an_entry_stays_in_the_chunk_named_after_its_append(db):
    """An object keeps the chunk of its entries (``newest_chunk`` after the append) to
    read its history from those chunks only: merged or retried, each entry is found there."""
    make_log(db, chunk_size=4)
    rng = random.Random(5)
    workers = [connect(db) for _ in range(3)]
    found_in = {}
    for round_ in range(30):
        appended = {}
        for number, (tm, conn) in enumerate(workers):
            log = conn.root()['log']
            marker = '/%d-%d' % (round_, number)
            log.append('mark', path=marker, actor=TEACHER)
            appended[id(conn)] = (marker, log.newest_chunk())
        rng.shuffle(workers)
        for tm, conn in workers:
            try:
                tm.commit()
            except ConflictError:
                tm.abort()   # the app retries the whole request
                log = conn.root()['log']
                marker = appended[id(conn)][0]
                log.append('mark', path=marker, actor=TEACHER)
                appended[id(conn)] = (marker, log.newest_chunk())
                tm.commit()
            found_in.__setitem__(*appended[id(conn)])
    log = read_log(db)
    assert len(log._chunks) > 10
    for marker, chunk in found_in.items():
        assert [e['path'] for e in log.entries_in([chunk], path=marker)] == [marker]
    assert list(log.entries_in([chunk], path='/nowhere')) == []


@pytest.mark.parametrize('archiver_first', [True, False])
def test_archiving_the_tail_merges_with_an_append_on_an_older_view(db, archiver_first,
                                                                    monkeypatch):
    """A request that saw the tail before it filled up appends to it while another request
    archives it (copies its entries into a sealed chunk and empties it): both commit, in
    either order, and the chain holds. (Sealing a chunk used to conflict with any such
    append, and with chunks small enough for cheap appends, that happened all the time.)"""
    monkeypatch.setattr(audit, '_chance', random.Random(0))  # which request archives
    make_log(db, chunk_size=2, entries=1)
    other = connect(db)  # sees the tail with one entry
    other_log = other[1].root()['log']
    fill(other_log, 1, start=10)
    named = other_log.newest_chunk()
    tm, conn = connect(db)  # a third fills the tail past full and commits
    fill(conn.root()['log'], 4, start=20)
    tm.commit()
    archiver = connect(db)  # finds it far past full: archives it, then appends
    fill(archiver[1].root()['log'], 1, start=30)
    first, second = (archiver, other) if archiver_first else (other, archiver)
    first[0].commit()
    second[0].commit()

    log = read_log(db)
    assert len(log) == 7
    assert len(log._chunks) == 2
    assert log._chunks[0].sealed and len(log._chunks[0].entries) == 5
    assert log.verify()[:2] == (True, None)
    path = '/journal/7a/lesson-10'
    assert [e['path'] for e in log.entries_in([named], path=path)] == [path]


def test_a_transaction_of_many_entries_merges_with_concurrent_appends(db):
    """A lesson's column of cells appends 25 entries in one transaction: they stay in the
    chunk it found, however full, so a concurrent save's append merges with them instead
    of conflicting with chunks sealed under it."""
    make_log(db, chunk_size=8, entries=3)
    (tm1, c1), (tm2, c2) = connect(db), connect(db)
    fill(c1.root()['log'], 25)
    fill(c2.root()['log'], 1)
    tm2.commit()
    tm1.commit()
    log = read_log(db)
    assert len(log) == 29
    assert len(log._chunks) == 1
    assert log.verify()[:2] == (True, None)


def test_appending_100000_entries_in_one_transaction_is_fast(db):
    tm, conn = connect(db)
    log = conn.root()['log'] = AuditLog()
    details = {'changes': {'mark': [None, '5']}, 'student': 'ivanov-petr'}
    # This process's CPU time, not the wall clock: other programs on a shared machine slow
    # the wall clock down several times, while a quadratic append would still cost minutes.
    started = time.process_time()
    for i in range(100_000):
        log.append('mark', path='/journal/7a/algebra/lesson-%d' % i, type_name='Lesson',
                   details=details, actor=TEACHER)
    tm.commit()
    elapsed = time.process_time() - started
    assert len(log) == 100_000
    assert elapsed < 10, elapsed  # about 2.5 s on an idle 2-core test machine


# -- the portal: root, record(), subscribers -------------------------------------------

@pytest.fixture
def portal(config):
    root = Root()
    root.add('journal', Folder())
    return root


def test_get_audit_log_makes_it_once(portal):
    assert portal.audit_log is None
    log = get_audit_log(portal)
    assert isinstance(log, AuditLog)
    assert get_audit_log(portal) is log is portal.audit_log


def test_record_logs_the_context_by_path_and_type(portal):
    lesson = portal['journal'].add('lesson-1', Lesson())
    with acting_as(TEACHER):
        entry = record(lesson, 'workflow', {'transition': 'publish'})
    assert (entry['path'], entry['type_name'], entry['userid'], entry['details']) == (
        '/journal/lesson-1', 'Lesson', 'petrova', {'transition': 'publish'})
    assert list(portal.audit_log.entries()) == [entry]


def test_record_outside_the_portal_logs_nothing_and_adds_no_log():
    loose = Folder()
    assert record(loose, 'edit') is None
    assert 'audit_log' not in loose.__dict__


def test_subscribers_log_create_edit_move_and_delete(portal, config):
    config.include('ejportal.core.audit')
    config.include('ejportal.core.audit')  # a second include must not log twice
    journal = portal['journal']
    with acting_as(TEACHER):
        lesson = journal.add('lesson-1', Lesson())
        notify(ObjectModified(lesson, changes={
            'date': (datetime.date(2026, 9, 1), datetime.date(2026, 9, 2)),
            'classes': (None, {'7a'}), 'teacher': (None, Actor())}))
        other = portal.add('archive', Folder())
        journal.remove('lesson-1')
        other.add('lesson-1', lesson, send_events=False)
        notify(ObjectMoved(lesson, old_parent=journal))
        other.remove('lesson-1')

    log = portal.audit_log
    assert [(e['action'], e['path'], e['type_name']) for e in log.entries()] == [
        ('create', '/journal/lesson-1', 'Lesson'),
        ('edit', '/journal/lesson-1', 'Lesson'),
        ('create', '/archive', 'Resource'),
        ('delete', '/journal/lesson-1', 'Lesson'),
        ('move', '/archive/lesson-1', 'Lesson'),
        ('delete', '/archive/lesson-1', 'Lesson'),
    ]
    edit = log.search(action='edit')[0]
    assert edit['details']['changes']['date'] == ['2026-09-01', '2026-09-02']
    assert edit['details']['changes']['classes'] == [None, ['7a']]
    assert edit['details']['changes']['teacher'][1].startswith('<ejportal.core.actor.Actor')
    assert log.search(action='move')[0]['details'] == {'from': '/journal/lesson-1'}
    assert {e['userid'] for e in log.entries()} == {'petrova'}
    assert log.verify()[:2] == (True, None)


def test_objects_filled_before_they_join_the_portal_are_logged_when_added(portal, config):
    config.include('ejportal.core.audit')
    folder = Folder()
    folder.add('inner', Folder())
    assert 'audit_log' not in folder.__dict__
    portal.add('new', folder)
    assert [e['path'] for e in portal.audit_log.entries()] == ['/new']


# -- export -----------------------------------------------------------------------------------

def test_write_csv():
    log = AuditLog()
    log.append('login-failed', details={'login': 'Иванов'},
               actor=Actor('=HYPERLINK("http://x")', '10.0.0.1', '-cmd'))
    out = io.StringIO()
    write_csv(log.entries(), out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ['seq', 'time', 'userid', 'address', 'user_agent', 'action', 'path',
                       'type_name', 'details', 'hash']
    entry = next(log.entries())
    assert rows[1] == ['0', entry['time'], '\'=HYPERLINK("http://x")', '10.0.0.1', "'-cmd",
                       'login-failed', '', '', '{"login": "Иванов"}', entry['hash']]
    assert len(rows) == 2


def test_a_log_made_before_small_buckets_moves_its_chunks_and_keeps_its_chain(db):
    """Issue 10: archiving the tail rewrote a 120-chunk IOBTree bucket (1.2 KB) every few
    mark saves; the evolve step moves an old log's chunks into a ChunkTree."""
    from BTrees.IOBTree import IOBTree
    make_log(db, chunk_size=2, entries=41)
    tm, conn = connect(db)
    log = conn.root()['log']
    log._chunks = IOBTree(log._chunks)  # as a log made before ChunkTree
    tm.commit()
    before = [entry['hash'] for entry in log.entries()]
    assert audit.use_small_buckets(log) is True
    assert audit.use_small_buckets(log) is False
    tm.commit()
    log = read_log(db)
    assert isinstance(log._chunks, audit.ChunkTree)
    assert [entry['hash'] for entry in log.entries()] == before
    assert log.verify()[0] is True
    log.append('after')
    assert len(log) == 42


# -- the tail's records (issue 10: what an append writes) --------------------------------

BROWSER = Actor('petrova', '10.0.0.7',
                'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) '
                'Chrome/131.0.0.0 Safari/537.36')


def test_an_append_writes_its_own_entry_not_those_before_it(db, tmp_path):
    """The tail held its entries: every append re-wrote all of them (about 200 bytes each,
    16 entries 3 KB). Now it holds references to records: an append writes its record and
    the list of references."""
    make_log(db, chunk_size=1000)
    sizes = []
    for n in range(40):
        before = (tmp_path / 'Data.fs').stat().st_size
        tm, conn = connect(db)
        conn.root()['log'].append('cell', path='/journal/2026-2027/classes/7a/journals/math',
                                  type_name='Journal', actor=BROWSER,
                                  details={'lesson': '2026-11-30-%d' % n, 'student': 's0012',
                                           'new': {'marks': ['5']}, 'old': {}})
        tm.commit()
        conn.close()
        sizes.append((tmp_path / 'Data.fs').stat().st_size - before)
    assert max(sizes) < 1600, sizes  # entries before cost a reference each:
    assert (sizes[-1] - sizes[1]) / 38 < 20, sizes  # 200 bytes each before
    log = read_log(db)
    assert len(log) == 40 and log.verify()[:2] == (True, None)
    assert all(e['hash'] == expected_hash(e) for e in log.entries())


def test_a_record_rewritten_in_the_tail_is_named(db):
    make_log(db, chunk_size=100, entries=5)
    tm, conn = connect(db)
    record = conn.root()['log']._chunks[0].records[3]
    record.values = record.values[:1] + ('director',) + record.values[2:]
    record._p_changed = True
    tm.commit()
    ok, seq, message = read_log(db).verify()
    assert (ok, seq) == (False, 3)
    assert message.interpolate() == 'Entry 3 was changed after it was written.'


def test_a_tail_of_the_older_format_is_archived_by_the_next_append(db):
    """A tail written before records held its entries as tuples: the first append copies
    them into a sealed chunk, so that tails merge records only."""
    make_log(db, chunk_size=2, entries=5)
    tm, conn = connect(db)
    log = conn.root()['log']
    tail = log._chunks[log._chunks.maxKey()]
    tail.entries = list(tail.chained())  # its record as the tuple an older tail held
    tail.records = ()
    tm.commit()
    before = [e['hash'] for e in log.entries()]
    log.append('after', path='/x', actor=TEACHER)
    tm.commit()
    log = read_log(db)
    assert [e['hash'] for e in log.entries()][:5] == before
    newest = log._chunks[log._chunks.maxKey()]
    assert newest.entries == () and len(newest.records) == 1
    assert log._chunks[log._chunks.maxKey() - 1].sealed
    assert len(log) == 6 and log.verify()[:2] == (True, None)


def test_a_sealed_chunk_stores_its_entries_packed_and_reads_an_older_list(db):
    """Archiving wrote 16 entries' pickle (3.4 KB); their compressed JSON is a third."""
    make_log(db, chunk_size=16, entries=40)
    log = read_log(db)
    sealed = log._chunks[0]
    state = sealed.__getstate__()
    assert 'entries' not in state and len(state['packed']) < 16 * 120
    entries = list(sealed.entries)
    assert len(entries) == 16 and all(isinstance(e, tuple) for e in entries)
    older = audit.AuditChunk(0, GENESIS)
    older.__setstate__({'first_seq': 0, 'prev_hash': GENESIS, 'entries': entries,
                        'sealed': True})   # as a chunk written before packing
    assert older.entries == entries
    assert log.verify()[:2] == (True, None)


def test_a_transaction_of_many_entries_with_savepoints_merges_with_concurrent_appends(
        db, monkeypatch):
    """As the school generator and the imports do: entries, a savepoint, more entries. A
    savepoint makes the tail look unchanged by this transaction, so it archived its own
    entries under a concurrent append, which then conflicted."""
    make_log(db, chunk_size=8, entries=3)
    (tm1, c1), (tm2, c2) = connect(db), connect(db)
    for start in range(0, 25, 5):
        fill(c1.root()['log'], 5, start=100 + start)
        tm1.savepoint()
    fill(c2.root()['log'], 1)
    tm2.commit()
    tm1.commit()
    log = read_log(db)
    assert len(log) == 29
    assert log.verify()[:2] == (True, None)

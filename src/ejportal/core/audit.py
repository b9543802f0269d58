"""The portal's audit log: append-only, tamper-evident, and free of write conflicts.

Who did what, where and when, for the whole portal. Event subscribers fill it (create, edit,
delete, move); areas add their own entries through ``record()`` (workflow, login, sharing,
marks...). No method removes or rewrites an entry, so no screen can purge the log.

Tamper evidence: every entry carries the hash of the entry before it, and its own hash over
that and its content, so rewriting an entry in the database breaks the chain at that entry
and ``verify()`` names it. A chain alone cannot reveal entries cut off its end, or a forger
who recomputes every later hash: so after every commit that appended, the newest entry's
number and hash are written to the anchor file (``ejportal.audit_anchor``, by default
``audit-anchor.json`` beside a FileStorage's ``Data.fs``), outside the database, and
``verify()`` compares the log with it.

Concurrency: every teacher saving marks appends here, so a single tail object would turn
concurrent saves into ConflictErrors. Entries live in chunks; the newest, the tail, holds
its entries as references to records of their own (``AuditRecord``), whose numbers and
hashes follow from their places, so a chunk resolves a conflict between two transactions
that both appended to it by putting the records of the later one after those of the
earlier one (``AuditChunk._p_resolveConflict``). An entry's ``seq`` and hashes are
therefore final only once its transaction has committed. Once every ``chunk_size`` appends
the tail is archived (its entries copied, numbered and chained, into a sealed chunk); an
append that meets an archiving merges too, so only two transactions archiving at once
conflict (the app retries). An append costs its record and the tail's list of references:
the entries before it are not written again (issue 10).

Entries are stored as tuples of primitives, ``details`` as its canonical JSON text: conflict
resolution works on unpickled state without loading any other object, nothing a caller does
to an entry dict can change the stored entry, and hashing always sees exactly what is stored.
"""
import collections.abc
import datetime
import hashlib
import json
import logging
import math
import os
import random
import threading
import zlib
from json.encoder import encode_basestring

import transaction
from BTrees.IOBTree import IOBTree
from persistent import Persistent
from pyramid.threadlocal import get_current_registry
from ZODB.POSException import ConflictError
from ZODB.utils import z64

from ejportal.core.actor import current_actor
from ejportal.core.content import find_root, now, resource_path
from ejportal.core.events import (
    ObjectAdded, ObjectModified, ObjectMoved, ObjectRemoved)
from ejportal.core.exports import csv_writer
from ejportal.i18n import _

FIELDS = ('seq', 'time', 'userid', 'address', 'user_agent', 'action', 'path', 'type_name',
          'details', 'prev_hash', 'hash')
SEQ, TIME, USERID, ADDRESS, USER_AGENT, ACTION, PATH, TYPE_NAME, DETAILS, PREV_HASH, HASH = (
    range(len(FIELDS)))
GENESIS = '0' * 64  # the "previous hash" of the first entry
CSV_FIELDS = ('seq', 'time', 'userid', 'address', 'user_agent', 'action', 'path', 'type_name',
              'details', 'hash')

ANCHOR_SETTING = 'ejportal.audit_anchor'
ANCHOR_NAME = 'audit-anchor.json'

logger = logging.getLogger(__name__)

_canonical = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(',', ':')).encode


def json_safe(value):
    """``value`` as plain JSON data: dates and times as ISO strings, sets and tuples as lists,
    mapping keys as strings, anything else as ``str(value)``: whatever an event carries can be
    logged, and the action it records does not fail on an odd value."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return value  # the usual case first: subscribers call this on every change
    if kind is dict or isinstance(value, collections.abc.Mapping):
        return {k if type(k) is str else _json_key(k): json_safe(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [json_safe(v) for v in value]
    if isinstance(value, str):
        return str(value)  # str subclasses (translation strings) as plain text
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else str(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, collections.abc.Set):
        items = [json_safe(v) for v in value]
        try:
            return sorted(items)  # a stable order, so equal sets log equal text
        except TypeError:
            return items
    if isinstance(value, collections.abc.Sequence) and not isinstance(
            value, (bytes, bytearray)):
        return [json_safe(v) for v in value]
    return str(value)


def _json_key(key):
    key = json_safe(key)
    return key if isinstance(key, str) else str(key)


def _text(value):
    """Entry fields other than seq and details are text or None (the hash format relies on
    it)."""
    return None if value is None else str(value)


def _iso_utc(value):
    """A datetime, date or ISO string as the fixed-width UTC ISO text entries are stamped
    with, so that times compare correctly as strings."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc).isoformat(timespec='microseconds')


# The canonical JSON of an entry's hashed fields, i.e. json.dumps of them as a dict with
# sort_keys=True, ensure_ascii=False, separators=(',', ':'), written out so that the details
# are used as the canonical JSON text they are stored as, without parsing them again.
_BODY = ('{"action":%s,"address":%s,"details":%s,"path":%s,"seq":%d,"time":%s,'
         '"type_name":%s,"user_agent":%s,"userid":%s}')


def _json_text(value):
    return 'null' if value is None else encode_basestring(value)


def _digest(prev_hash, values):
    """sha256 of ``prev_hash`` + the canonical JSON of the hashed field ``values``."""
    seq, time, userid, address, user_agent, action, path, type_name, details = values
    text = prev_hash + _BODY % (
        _json_text(action), _json_text(address), details, _json_text(path), seq,
        _json_text(time), _json_text(type_name), _json_text(user_agent), _json_text(userid))
    return hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()


def _chained(values, prev_hash):
    """The stored entry tuple for the hashed ``values`` following ``prev_hash``."""
    return (*values, prev_hash, _digest(prev_hash, values))


def _matches(entry, prev_hash):
    """Whether the stored ``entry`` hashes to its own hash (a rewritten one may not even
    hold values of the right types)."""
    try:
        return entry[HASH] == _digest(prev_hash, entry[:PREV_HASH])
    except (ValueError, TypeError):
        return False


def _as_dict(entry):
    result = dict(zip(FIELDS, entry))
    result['details'] = json.loads(entry[DETAILS])
    return result


def _record_digest(values):
    """The first 16 bytes of the sha256 of an unnumbered entry's hashed ``values`` (as
    ``_digest`` writes them, numbered -1, following nothing)."""
    return bytes.fromhex(_digest('', (-1, *values)))[:16]


class AuditRecord(Persistent):
    """An entry of the tail as an object of its own: its hashed fields but the number
    (time, user, address, user agent, action, path, type, details) and a digest of them.
    Its number and its chain's hashes follow from its place in the tail
    (``AuditChunk.chained``), so two transactions' records merge by their place alone;
    the digest shows a record rewritten behind the log (``AuditLog.verify``)."""

    def __init__(self, values):
        self.values = tuple(values)
        self.digest = _record_digest(self.values)

    def __getstate__(self):
        return self.values, self.digest

    def __setstate__(self, state):
        self.values, self.digest = state

    def intact(self):
        try:
            return self.digest == _record_digest(self.values)
        except (ValueError, TypeError):
            return False


class AuditChunk(Persistent):
    """A run of consecutive entries. The newest chunk, the tail, takes appends as
    ``records`` (``AuditRecord``: an append writes its record and the tail's list of
    references, not the entries before it); once full it is archived: its entries are
    copied, numbered and chained, into a sealed chunk's ``entries`` that takes its number,
    and the tail, emptied, moves on to the next number (``AuditLog._archive``). A tail
    written before records holds ``entries`` too: the first append archives them.

    ``entries`` are stored packed (``packed``: their JSON, compressed), a third of their
    pickle's size: archiving writes about 1.3 KB for 16 entries, not 3.4 KB. A chunk
    written before holds them as a list, read as it is."""

    sealed = False
    entries = ()  # stored tuples: a sealed chunk's, or an older tail's
    records = ()  # the tail's AuditRecords, after its ``entries``

    def __init__(self, first_seq, prev_hash):
        self.first_seq = first_seq
        self.prev_hash = prev_hash  # the hash the first entry follows

    def __getstate__(self):
        state = super().__getstate__()
        entries = state.pop('entries', None)
        if entries:
            state['packed'] = _pack(entries)
        return state

    def __setstate__(self, state):
        packed = state.get('packed')
        if packed is not None:
            state = dict(state, entries=_unpack(packed))
            del state['packed']
        super().__setstate__(state)

    @property
    def next_seq(self):
        return self.first_seq + len(self.entries) + len(self.records)

    @property
    def last_hash(self):
        chained = self.chained()
        return chained[-1][HASH] if chained else self.prev_hash

    def chained(self):
        """Every entry as a stored tuple, numbered and chained: the stored ``entries`` as
        they are, the records' computed (once per state of the tail: cached)."""
        if not self.records:
            return self.entries
        key = (self.first_seq, self.prev_hash, len(self.entries), len(self.records))
        cached = self._v_chained if hasattr(self, '_v_chained') else None
        if cached is not None and cached[0] == key:
            return cached[1]
        chained = list(self.entries)
        seq, prev_hash = self.first_seq + len(chained), self.prev_hash
        if chained:
            prev_hash = chained[-1][HASH]
        for record in self.records:
            entry = _chained((seq, *record.values), prev_hash)
            chained.append(entry)
            seq, prev_hash = seq + 1, entry[HASH]
        self._v_chained = (key, chained)
        return chained

    def append(self, values):
        """Store the hashed field ``values`` (their seq is ignored) as a record; returns
        the entry as numbered and chained now."""
        chained = list(self.chained())
        record = AuditRecord(values[TIME:])
        entry = _chained((self.next_seq, *record.values), self.last_hash)
        self.records = self.records + (record,)
        chained.append(entry)
        self._v_chained = ((self.first_seq, self.prev_hash, len(self.entries),
                            len(self.records)), chained)
        return entry

    def _p_resolveConflict(self, old, committed, new):
        """Two transactions changed the tail: each appended, or one of them archived the
        entries it found (``first_seq`` moved on past them) and maybe appended. The
        records ``new`` appended go after those ``committed`` holds (their numbers and
        hashes follow from their places). Two archivings, an archiving of records ``new``
        itself appended while others appended too, a tail of the older format, or a sealed
        chunk do not merge."""
        states = (old, committed, new)
        if any(state.get('sealed') for state in states):
            raise ConflictError('audit chunk sealed by a concurrent transaction')
        if any(state.get('entries') or state.get('packed') for state in states):
            raise ConflictError('audit tail of the format before records')
        first, kept = old['first_seq'], tuple(old.get('records', ()))
        theirs, mine = tuple(committed.get('records', ())), tuple(new.get('records', ()))
        by_committed = committed['first_seq'] - first
        by_new = new['first_seq'] - first
        if by_committed < 0 or by_new < 0 or (by_committed and by_new):
            raise ConflictError('audit tail archived by both transactions')
        if not (_continues(theirs, kept, by_committed) and _continues(mine, kept, by_new)):
            raise ConflictError('audit tail rewritten')
        if by_new == 0:
            return dict(committed, records=theirs + mine[len(kept):])
        # ``new`` archived what it found; what ``committed`` appended stays in the tail
        appended_by_committed = theirs[len(kept):]
        if by_new > len(kept):
            if appended_by_committed:  # they would follow entries archived after them
                raise ConflictError('audit tail archived under a concurrent append')
            return new
        return dict(new, records=(kept[by_new:] + appended_by_committed
                                  + mine[len(kept) - by_new:]))


def _pack(entries):
    return zlib.compress(json.dumps(list(entries), ensure_ascii=False,
                                    separators=(',', ':')).encode('utf-8', 'surrogatepass'))


def _unpack(packed):
    return [tuple(entry) for entry in
            json.loads(zlib.decompress(packed).decode('utf-8', 'surrogatepass'))]


def _continues(records, kept, archived):
    """Whether the tail's ``records``, after ``archived`` of the ``kept`` ones were
    archived, still begin with the rest of them (references compare by oid only)."""
    rest = kept[archived:]
    return _oids(records[:len(rest)]) == _oids(rest)


def _oids(references):
    return [getattr(reference, 'oid', reference) for reference in references]


# Which request archives a full tail (``AuditLog._full``).
_chance = random.Random()
ARCHIVE_SPREAD = 4
# How many entries a transaction appends to the tail before it archives it (``_full``).
BATCH_SIZE = 256
# A request's entries land in the chunk ``newest_chunk`` named or, if the tail was archived
# under it, one of the next few (the tail moves on once every ``chunk_size`` appends, and a
# request lasts a few of them at most).
LATE = 3


class ChunkTree(IOBTree):
    """``AuditLog._chunks``. Archiving the tail rewrites the bucket of its number: with
    IOBTree's 120 keys a bucket that was 1.2 KB on every few mark saves, with 16 about
    200 bytes."""
    max_leaf_size = 16


class AuditLog(Persistent):
    """The whole portal's log: chunks in a ChunkTree keyed by chunk number (0, 1, 2...).

    Appending writes only the newest chunk, never this object, so concurrent appends meet in
    the chunk, where they merge.

    Every commit that appends re-writes the tail, so ``chunk_size`` bounds what an append
    costs. Measured on FileStorage, an entry of a mark save (user agent of a browser): 200
    entries a chunk wrote 51 KB per append, 16 wrote 4.8 KB; sharing texts, 200 wrote 29 KB,
    16 wrote 3.1 KB, 8 wrote 2.1 KB; 4 wrote 1.2-1.4 KB. With records (Nov 2026, issue 10):
    about 300 bytes the record and 16 a reference, so 16 a chunk (the tail about 370 bytes
    on average, an archiving every 16 to 19 appends) cost 0.85-0.9 KB an append, archiving
    included; 8 and 32 about the same on average, 32 with rarer but larger archivings.
    """

    chunk_size = 16

    def __init__(self, chunk_size=None):
        self._chunks = ChunkTree()
        if chunk_size is not None:
            self.chunk_size = chunk_size

    def __bool__(self):
        return True  # an empty log is still the log

    def __len__(self):
        if not self._chunks:
            return 0
        return self._chunks[self._chunks.maxKey()].next_seq

    def append(self, action, path='', type_name='', details=None, actor=None):
        """Add an entry by ``actor`` (default: whoever acts now); returns it as a dict.
        Its seq and hashes may still change if a concurrent append commits first; its
        chunk does not (see ``newest_chunk``)."""
        actor = actor or current_actor()
        details = json_safe(details if details is not None else {})
        values = (None, now().isoformat(timespec='microseconds'), _text(actor.userid),
                  _text(actor.address), _text(actor.user_agent), _text(action), _text(path),
                  _text(type_name), _canonical(details))
        tail = self._tail()
        entry = tail.append(values)
        if self._p_jar is not None:
            # ``_full``: a savepoint makes the tail look unchanged by this transaction
            tail._v_appended_in = self._p_jar.transaction_manager.get()
        self._anchor_after_commit()
        return dict(zip(FIELDS, entry), details=details)

    def _anchor_after_commit(self):
        """Once per transaction: write the anchor after it commits. (A log not stored yet,
        as while a new portal is made, is anchored by the next commit that appends.)"""
        path = anchor_path()
        jar = self._p_jar
        if not path or jar is None:
            return
        txn = jar.transaction_manager.get()
        try:
            txn.data(self)
            return
        except KeyError:
            txn.set_data(self, path)
        txn.addAfterCommitHook(_write_anchor_after_commit, (jar.db(), self._p_oid, path))

    def newest(self):
        """``(count, hash)``: how many entries there are and the newest one's hash."""
        if not self._chunks:
            return 0, GENESIS
        chunk = self._chunks[self._chunks.maxKey()]
        return chunk.next_seq, chunk.last_hash

    def hash_at(self, seq):
        """The hash of entry ``seq`` (GENESIS before the first), or None if there is no
        such entry. Looks from the newest chunk back: anchors name recent entries."""
        if seq < 0:
            return GENESIS
        for chunk in self._chunks_in_order(reverse=True):
            if chunk.first_seq <= seq < chunk.next_seq:
                return chunk.chained()[seq - chunk.first_seq][HASH]
            if chunk.first_seq <= seq:
                return None
        return None

    def _tail(self):
        """The chunk that takes the next entry: the newest one, archived first if it is full
        (see ``_full``)."""
        if not self._chunks:
            chunk = self._chunks[0] = AuditChunk(0, GENESIS)
            return chunk
        number = self._chunks.maxKey()
        tail = self._chunks[number]
        if tail.sealed:  # (no log makes one, but a sealed chunk takes no entry)
            tail = self._chunks[number + 1] = AuditChunk(tail.next_seq, tail.last_hash)
        elif self._full(tail):
            self._archive(number, tail)
        return tail

    def _full(self, tail):
        """Whether to archive the tail before the next append.

        A tail made in this transaction, or in a log not stored yet, has no concurrent
        appends: once it holds ``chunk_size`` entries. A tail this transaction appended to
        takes up to ``BATCH_SIZE``: a transaction of many entries (a lesson's column of
        cells) then merges with concurrent appends instead of archiving entries under them
        (which does not merge, see ``AuditChunk._p_resolveConflict``).

        Otherwise every request that finds the tail full would archive it, and two
        archivings at once conflict: so a request archives a tail of ``chunk_size + k``
        entries with the chance (k + 1) / ``ARCHIVE_SPREAD``: of three requests finding a
        full tail at once, two archive it about once in six (the others merge), and one
        request after another archive it at 8 to 11 entries.
        """
        if tail.entries:  # a tail of the format before records
            return True
        count = len(tail.records)
        if self._p_jar is None or tail._p_serial == z64:
            return count >= self.chunk_size
        if tail._p_changed or getattr(tail, '_v_appended_in', None) is (
                self._p_jar.transaction_manager.get()):
            return count >= max(self.chunk_size, BATCH_SIZE)
        over = count - self.chunk_size + 1
        return over > 0 and _chance.random() * ARCHIVE_SPREAD < over

    def _archive(self, number, tail):
        """The tail's entries into a new sealed chunk numbered ``number``; the tail, empty,
        becomes chunk ``number + 1``. Only the archiving transaction writes the chunks'
        tree; a concurrent append to the tail merges (``AuditChunk._p_resolveConflict``)
        and lands in the tail's new number or, if the tail moved on again before it
        committed, a later one (``entries_in`` looks there)."""
        archived = AuditChunk(tail.first_seq, tail.prev_hash)
        archived.entries = list(tail.chained())
        archived.sealed = True
        tail.first_seq, tail.prev_hash = tail.next_seq, tail.last_hash
        if tail.entries:
            tail.entries = ()
        tail.records = ()
        self._chunks[number] = archived
        self._chunks[number + 1] = tail

    def newest_chunk(self):
        """The number of the chunk that holds the newest entry (None while the log is
        empty). Read right after an append, it names where that entry stays, or the first
        of the chunks it may be in if a concurrent archiving of the tail committed first
        (``entries_in`` reads them)."""
        return self._chunks.maxKey() if self._chunks else None

    def entries_in(self, chunks, path=None, action=None):
        """The entries of the chunks numbered ``chunks`` (each with the ``LATE`` chunks after
        it), oldest first, of ``path`` and ``action`` when given: the history of one object
        that keeps the chunk numbers of its entries (``newest_chunk``), read without
        searching the whole log."""
        numbers = sorted({n + late for n in set(chunks) for late in range(LATE + 1)})
        for number in numbers:
            chunk = self._chunks.get(number)
            for entry in chunk.chained() if chunk is not None else ():
                if (path is None or entry[PATH] == path) and (
                        action is None or entry[ACTION] == action):
                    yield _as_dict(entry)

    def _chunks_in_order(self, reverse=False):
        """BTrees iterate forwards only: backwards, step down with ``maxKey``."""
        if not reverse:
            yield from self._chunks.values()
            return
        if not self._chunks:
            return
        first, number = self._chunks.minKey(), self._chunks.maxKey()
        while True:
            yield self._chunks[number]
            if number <= first:
                return
            number = self._chunks.maxKey(number - 1)

    def _raw_entries(self, reverse=False):
        for chunk in self._chunks_in_order(reverse):
            chained = chunk.chained()
            yield from (reversed(chained) if reverse else chained)

    def _checked_entries(self):
        """``(entry, intact)`` oldest first, ``intact(entry, prev_hash)`` telling whether
        the entry is as written: a stored one by its own hash, a record by its digest
        (its hashes are computed from it)."""
        for chunk in self._chunks_in_order():
            for entry in chunk.entries:
                yield entry, _matches
            for record, entry in zip(chunk.records, chunk.chained()[len(chunk.entries):]):
                yield entry, lambda entry, prev_hash, record=record: record.intact()

    def entries(self, reverse=False):
        """Every entry as a dict, oldest first (newest first with ``reverse``)."""
        for entry in self._raw_entries(reverse):
            yield _as_dict(entry)

    def search(self, userid=None, action=None, path_prefix=None, since=None, until=None,
               text=None, limit=None, reverse=True):
        """Entries matching every given filter, newest first unless ``reverse`` is false.

        ``action`` is one action or a collection of them; ``path_prefix`` matches that path
        and everything below it; ``since`` (inclusive) and ``until`` (exclusive) are
        datetimes, dates or ISO strings, naive ones taken as UTC; ``text`` is looked for,
        ignoring case, in the user, address, action, path, type and details. Stops reading
        once ``limit`` entries are found, so the newest page costs the same at any size.
        """
        actions = {action} if isinstance(action, str) else action
        if path_prefix is not None:
            path_prefix = path_prefix.rstrip('/')
            below = path_prefix + '/'
        since = _iso_utc(since) if since is not None else None
        until = _iso_utc(until) if until is not None else None
        needle = text.casefold() if text else None
        found = []
        for entry in self._raw_entries(reverse):
            if userid is not None and entry[USERID] != userid:
                continue
            if actions is not None and entry[ACTION] not in actions:
                continue
            if path_prefix is not None and not (
                    entry[PATH] == path_prefix or entry[PATH].startswith(below)):
                continue
            if since is not None and entry[TIME] < since:
                continue
            if until is not None and entry[TIME] >= until:
                continue
            if needle is not None and needle not in '\n'.join(
                    str(entry[i] or '') for i in (USERID, ADDRESS, ACTION, PATH, TYPE_NAME,
                                                  DETAILS)).casefold():
                continue
            found.append(_as_dict(entry))
            if limit is not None and len(found) >= limit:
                break
        return found

    def verify(self, anchor_file=None):
        """Recompute the chain and compare it with the anchor file, if one is given:
        ``(True, None, message)``, or ``(False, seq, message)`` naming the first entry whose
        number, link or content does not match, or the first one missing (``seq`` is None
        when the anchor file cannot be read)."""
        anchor = None
        if anchor_file:
            try:
                anchor = read_anchor(anchor_file)
            except (OSError, ValueError, KeyError, TypeError):
                return False, None, _(
                    'audit-verify-anchor-unreadable', mapping={'path': anchor_file},
                    default='The anchor file ${path} cannot be read.')
        anchored_hash = None
        seq, prev_hash = 0, GENESIS
        for entry, intact in self._checked_entries():
            if entry[SEQ] != seq:
                return False, seq, _('audit-verify-missing', mapping={'seq': seq},
                                     default='Entry ${seq} is missing or out of place.')
            if entry[PREV_HASH] != prev_hash:
                return False, seq, _('audit-verify-unlinked', mapping={'seq': seq},
                                     default='Entry ${seq} does not follow the one before.')
            if not intact(entry, prev_hash):
                return False, seq, _('audit-verify-changed', mapping={'seq': seq},
                                     default='Entry ${seq} was changed after it was written.')
            if anchor is not None and seq == anchor[0] - 1:
                anchored_hash = entry[HASH]
            seq, prev_hash = seq + 1, entry[HASH]
        if anchor is not None and anchor[0] > 0 and anchored_hash != anchor[1]:
            return False, min(seq, anchor[0] - 1), _(
                'audit-verify-shortened', mapping={'anchored': anchor[0], 'found': seq},
                default='Audit log shortened or rewritten: anchored ${anchored} entries, '
                        'found ${found}.')
        if anchor_file and anchor is None:
            return True, None, _(
                'audit-verify-ok-unanchored', mapping={'count': seq, 'path': anchor_file},
                default='All ${count} entries are intact; there is no anchor file '
                        '${path} yet, so a shortened log could not be noticed.')
        return True, None, _('audit-verify-ok', mapping={'count': seq},
                             default='All ${count} entries are intact.')


def default_anchor_path(uri):
    """Where the anchor goes unless set: beside a FileStorage's ``Data.fs`` (for ZEO and
    RelStorage there is no such place, and ``ejportal.audit_anchor`` names one)."""
    if not uri or not uri.startswith('file://'):
        return None
    return os.path.join(os.path.dirname(uri[len('file://'):].split('?')[0]), ANCHOR_NAME)


def anchor_path(registry=None):
    """The anchor file of the running portal's settings, or None."""
    registry = registry if registry is not None else get_current_registry()
    return ((getattr(registry, 'settings', None) or {}).get(ANCHOR_SETTING) or None)


def read_anchor(path):
    """``(count, hash)`` from the anchor file at ``path``, or None if there is none yet."""
    try:
        with open(path, encoding='utf-8') as anchor:
            data = json.load(anchor)
    except FileNotFoundError:
        return None
    count, last_hash = data['count'], data['hash']
    if type(count) is not int or count < 0 or not isinstance(last_hash, str):
        raise ValueError('not an audit anchor: %s' % path)
    return count, last_hash


_anchor_lock = threading.Lock()


def _anchor_file(path, count, last_hash):
    """Replace the anchor file in one step: a crash leaves the old one or the new one."""
    temporary = '%s.%d.tmp' % (path, os.getpid())
    with open(temporary, 'w', encoding='utf-8') as anchor:
        json.dump({'count': count, 'seq': count - 1, 'hash': last_hash,
                   'time': now().isoformat(timespec='seconds')}, anchor)
        anchor.flush()
        os.fsync(anchor.fileno())
    os.replace(temporary, path)


def anchor_log(log, path):
    """Write ``log``'s newest entry to the anchor file, unless the log no longer holds the
    entry anchored before: then it was cut or rewritten, and the old anchor is kept as the
    evidence (a new one would hide the cut once enough entries followed it). An anchor
    ahead of ``log`` (another thread's later commit got there first) is kept too."""
    with _anchor_lock:
        try:
            current = read_anchor(path)
        except (OSError, ValueError, KeyError, TypeError):
            current = None  # unreadable: verify() says so until it is replaced
        count, last_hash = log.newest()
        if current is not None:
            if current[0] > count:
                return False
            if log.hash_at(current[0] - 1) != current[1]:
                logger.error('audit log shortened or rewritten: anchored %d entries, found %d;'
                             ' the anchor %s is kept', current[0], count, path)
                return False
        _anchor_file(path, count, last_hash)
        return True


def _write_anchor_after_commit(committed, db, oid, path):
    """Read the log as committed, in a connection of its own: conflict resolution may have
    renumbered this transaction's entries after a concurrent append, so the entries this
    transaction holds in memory are not necessarily the stored ones."""
    if not committed:
        return
    try:
        conn = db.open(transaction_manager=transaction.TransactionManager())
        try:
            anchor_log(conn.get(oid), path)
        finally:
            conn.close()
    except Exception:
        logger.exception('the audit anchor %s was not written', path)


def use_small_buckets(log):
    """Move the chunks of a log made before ``ChunkTree`` into one (an evolve step: run while
    nothing appends). Returns whether it moved them."""
    if isinstance(log._chunks, ChunkTree):
        return False
    log._chunks = ChunkTree(log._chunks)
    return True


def get_audit_log(root):
    """The portal's audit log, made on first use."""
    log = getattr(root, 'audit_log', None)
    if log is None:
        log = root.audit_log = AuditLog()
    return log


def _log_of(resource):
    """The audit log of the portal ``resource`` is in, or None while it is in no portal
    (e.g. a folder being filled before it is added): such objects get their entry when
    they are added, and must not grow a log of their own."""
    root = find_root(resource)
    if not hasattr(root, 'audit_log'):
        return None
    return get_audit_log(root)


def record(context, action, details=None):
    """Log ``action`` on ``context`` by the current actor. Returns the entry, or None if
    ``context`` is not in the portal."""
    log = _log_of(context)
    if log is None:
        return None
    return log.append(action, path=resource_path(context),
                      type_name=getattr(context, 'type_name', ''), details=details)


def _join(parent, name):
    return resource_path(parent).rstrip('/') + '/' + (name or '')


def _on_added(event):
    record(event.object, 'create')


def _on_modified(event):
    if event.info.get('audited'):
        return  # the sender wrote a more telling entry itself (e.g. 'sharing')
    record(event.object, 'edit', {'changes': json_safe(event.info.get('changes') or {})})


def _on_removed(event):
    obj, parent = event.object, event.info['parent']
    log = _log_of(parent)
    if log is not None:
        log.append('delete', path=_join(parent, event.info.get('name', obj.__name__)),
                   type_name=getattr(obj, 'type_name', ''))


def _on_moved(event):
    obj, old_parent = event.object, event.info.get('old_parent')
    details = {}
    if old_parent is not None:
        details['from'] = _join(old_parent, event.info.get('old_name', obj.__name__))
    record(obj, 'move', details)


def includeme(config):
    """The audit log follows object events, in the app and in scripts alike."""
    config.add_subscriber(_on_added, ObjectAdded)
    config.add_subscriber(_on_modified, ObjectModified)
    config.add_subscriber(_on_removed, ObjectRemoved)
    config.add_subscriber(_on_moved, ObjectMoved)


def write_csv(entries, fileobj):
    """Write entry dicts to the text file ``fileobj`` as CSV, details as JSON."""
    # user agents and names in the log come from outside: no cell may run as a formula
    writer = csv_writer(fileobj)
    writer.writerow(CSV_FIELDS)
    for entry in entries:
        row = dict(entry, details=json.dumps(entry['details'], ensure_ascii=False,
                                             sort_keys=True))
        writer.writerow([row[name] for name in CSV_FIELDS])

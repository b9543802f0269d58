"""The values a journal writes on every mark: a cell, a student's diary entry and a period
mark, stored as immutable records in BTrees whose buckets are small.

Why records and not dicts: when two teachers save different cells of one journal at once,
ZODB asks the BTree bucket both changed to merge the two versions, and a bucket decides
"unchanged" by comparing values with ``<`` and ``==``; a dict has no ``<``, so every merge
failed and one save became a ConflictError (issue 10). A record is a tuple, which compares,
so the bucket merges changes to different keys. A record is replaced, never changed.

Each record reads like the dict it replaces (``cell['marks']``, ``cell.get('log')``), so
code that read dicts reads records; ``as_dict()`` gives a plain dict. ``Cell.of(value)``
also takes the dict of a database not yet evolved (``journal.evolve``).

Why small buckets: a save rewrites the whole bucket its key is in; 30 cells or diary
entries a bucket (the BTree's default) made a mark cost about 6 KB before its audit entry.
For the same reason the records are lean: a cell keeps its time as an int (``stamp``), a
diary entry its journal as a short reference and no titles (``DiaryCells``).
"""
import datetime
from collections import namedtuple

from BTrees.OOBTree import OOBTree


class _Record:
    """Dict-style reads of a namedtuple's fields (``__slots__``: nothing but the tuple is
    stored)."""
    __slots__ = ()

    def __getitem__(self, key):
        if key.__class__ is str:
            if key in self._fields:
                return getattr(self, key)
            raise KeyError(key)
        return tuple.__getitem__(self, key)

    def get(self, key, default=None):
        return getattr(self, key) if key in self._fields else default

    def keys(self):
        return self._fields

    def as_dict(self):
        return {name: getattr(self, name) for name in self._fields}

    @classmethod
    def of(cls, value):
        """``value`` as this record: a record as it is, a dict of an older database
        converted, None as None."""
        if value is None or isinstance(value, cls):
            return value
        return cls._from_dict(value)

    @classmethod
    def _from_dict(cls, value):
        return cls(**{k: v for k, v in value.items() if k in cls._fields})


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def stamp(moment):
    """An aware datetime as the int a record stores (microseconds since 1970 UTC): 9 bytes
    pickled against about 24 of the datetime with its time zone, in every cell."""
    if isinstance(moment, datetime.datetime):
        return (moment - _EPOCH) // datetime.timedelta(microseconds=1)
    return moment


def moment(value):
    """The aware datetime (UTC) of a stored ``stamp``; a datetime (a record written before
    times were stamps) or None as it is."""
    if value.__class__ is int:
        return _EPOCH + datetime.timedelta(microseconds=value)
    return value


# ``revision`` first: a changed cell always differs from its old value in its first field,
# an int, so the bucket's comparison never reaches a field that may hold None.
class Cell(_Record, namedtuple('Cell', (
        'revision', 'marks', 'attendance', 'reason', 'comment', 'time', 'userid', 'logged',
        'log', 'history', 'correction'),
        defaults=(0, (), '', '', '', None, None, False, (), (), None))):
    """One student in one lesson: marks ((value, kind, weight), ...), attendance code,
    absence reason, comment, when and by whom; ``revision``: how many values it had before;
    ``logged``: the audit log holds this value, in the chunks numbered ``log``;
    ``history``: older values the log does not hold (time, userid, marks, attendance,
    comment); ``correction``: the correction request that wrote it. ``time`` reads as an
    aware datetime whether the record holds a ``stamp`` (as ``Journal.set_cell`` writes
    it) or, written earlier, the datetime; so do the times of ``history`` read through
    ``history_rows``."""
    __slots__ = ()

    @property
    def time(self):
        return moment(tuple.__getitem__(self, 5))

    def history_rows(self):
        """The kept older values as (time, userid, marks, attendance, comment), the time an
        aware datetime."""
        return [(moment(h[0]),) + tuple(h[1:]) for h in self.history]

    @classmethod
    def _from_dict(cls, value):
        fields = {k: v for k, v in value.items() if k in cls._fields}
        fields.setdefault('revision', len(value.get('history', ())))
        fields['marks'] = tuple(fields.get('marks', ()))
        fields['logged'] = bool(fields.get('logged'))
        return cls(**fields)


class DiaryEntry(_Record, namedtuple('DiaryEntry', (
        'subject', 'title', 'number', 'marks', 'attendance', 'comment'),
        defaults=('', '', 0, (), '', ''))):
    """A cell as the student's diary showed it, as a ``DiaryIndex`` of an older database
    holds it (``journal.evolve`` makes them ``DiaryCell``s)."""
    __slots__ = ()

    @classmethod
    def _from_dict(cls, value):
        fields = {k: v for k, v in value.items() if k in cls._fields}
        fields.setdefault('title', value.get('subject', ''))
        fields['marks'] = tuple(fields.get('marks', ()))
        return cls(**fields)


class DiaryCell(_Record, namedtuple('DiaryCell', ('marks', 'attendance', 'comment'),
                                    defaults=((), '', ''))):
    """A cell as the student's diary shows it, kept in ``Student.index`` (``DiaryCells``):
    the subject, its title and the lesson's number are the journal's and the key's."""
    __slots__ = ()


class PeriodMark(_Record, namedtuple('PeriodMark', ('value', 'history', 'time', 'userid'),
                                     defaults=('', (), None, None))):
    """A journal's period (or year) mark: value, earlier (time, userid, value)s, when and
    by whom."""
    __slots__ = ()


class CellTree(OOBTree):
    """``Journal.cells`` and ``period_marks``: about 100 bytes a cell, so a save writes a
    bucket of at most 16 (about 1.2 KB on average). Fewer would split buckets more often,
    and two saves that split one bucket at once do conflict (then one is retried): with 8,
    two tabs saving half a lesson's column each did. A parent node holds 16 keys of about
    30 bytes: a split rewrites it."""
    max_leaf_size = 16
    max_internal_size = 16


class DiaryIndex(OOBTree):
    """``Student.index`` of an older database: (date, journal path, lesson id) ->
    DiaryEntry (``journal.evolve`` makes it a ``DiaryCells``)."""
    max_leaf_size = 8
    max_internal_size = 8


class DiaryCells(OOBTree):
    """``Student.index``: (date ISO, journal reference, lesson number) -> DiaryCell. The
    reference is the journal's 'class/journal' within the school year the date is in
    (``/journal/2025-2026/classes/5a/journals/math`` is '5a/math' on a date of 2025-2026),
    the full path of a journal of another year: the entries of one day are of different
    journals, so the path's 50 bytes were written for nearly every entry of a bucket.
    Keys are still long beside the values, so 8 a bucket."""
    max_leaf_size = 8
    max_internal_size = 8


def put(tree, key, record, around=()):
    """``tree[key] = record``, with each text of both that equals one in the items
    ``around`` it (those likely in its bucket) replaced by that very string: a bucket is one
    pickle, and a pickle writes an object it has written before as a reference of a few
    bytes, so the student id, journal path, subject, teacher and mark kinds that a record
    shares with its neighbours are written once a bucket. (Unpickled, the bucket's equal
    texts stay one object, so it stays so.)"""
    pool = {}
    for item in around:
        _collect(item, pool)
    tree[_reuse(key, pool)] = _reuse(record, pool)


def _collect(value, pool):
    if type(value) is str:
        pool.setdefault(value, value)
    elif isinstance(value, tuple):
        for item in value:
            _collect(item, pool)


def _reuse(value, pool):
    kind = type(value)
    if kind is str:
        return pool.get(value, value)
    if kind is tuple:
        return tuple(_reuse(item, pool) for item in value)
    if isinstance(value, _Record):
        return kind(*(_reuse(item, pool) for item in value))
    return value

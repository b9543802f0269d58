"""Throttling of failed logins, per account and per address.

After a few failures each further attempt must wait twice as long as the one before; after
many, the account (or address) is locked for a while. A whole computer class shares one
address, so the address limits are far looser than the account's.

Failed logins on one account come in bursts from many threads at once, and each adds one
to the same record. A record is a small persistent object that merges two concurrent
additions (as BTrees.Length does), so such a burst never ends in a ConflictError; only two
first failures of one key at the same moment collide in the BTree, and the retry finds the
record made. Records of older databases (plain ``(count, last)`` tuples) are read as they
are and replaced by such an object at their next failure.
"""
import datetime

from persistent import Persistent

from ejportal.core.content import now

ACCOUNT = dict(free=3, lock_after=10, lock_minutes=15)
ADDRESS = dict(free=30, lock_after=200, lock_minutes=15)
FORGET_AFTER = datetime.timedelta(hours=1)
MAX_DELAY = 300


class FailureCount(Persistent):
    """Failures of one login or address: how many, and when the last came."""

    def __init__(self, count, last):
        self.count = count
        self.last = last

    def _p_resolveConflict(self, old, committed, new):
        # Each side added its own failures since ``old``; both count. A side that started
        # again from zero (the record had been forgotten) leaves the larger of the two.
        added = [state['count'] - old['count'] for state in (committed, new)]
        merged = dict(new, last=max(committed['last'], new['last']))
        if min(added) >= 0:
            merged['count'] = old['count'] + sum(added)
        else:
            merged['count'] = max(committed['count'], new['count'])
        return merged


def _read(record):
    """(count, last) of a record, old tuple or FailureCount."""
    return record if isinstance(record, tuple) else (record.count, record.last)


def count(failures, key):
    record = failures.get(key)
    return 0 if record is None else _read(record)[0]


def _keys(login, address):
    return (('login:' + login.lower(), ACCOUNT), ('addr:' + (address or '?'), ADDRESS))


def wait_seconds(failures, login, address, moment=None):
    """Seconds until another attempt is accepted (0: go ahead)."""
    moment = moment or now()
    longest = 0
    for key, limits in _keys(login, address):
        record = failures.get(key)
        if record is None:
            continue
        failed, last = _read(record)
        if moment - last > FORGET_AFTER:
            continue
        if failed >= limits['lock_after']:
            until = last + datetime.timedelta(minutes=limits['lock_minutes'])
        elif failed >= limits['free']:
            delay = min(2 ** (failed - limits['free']), MAX_DELAY)
            until = last + datetime.timedelta(seconds=delay)
        else:
            continue
        longest = max(longest, (until - moment).total_seconds())
    return int(longest + 0.999) if longest > 0 else 0


def record_failure(failures, login, address, moment=None):
    moment = moment or now()
    for key, _limits in _keys(login, address):
        record = failures.get(key)
        if not isinstance(record, FailureCount):
            failed, last = _read(record) if record is not None else (0, moment)
            if moment - last > FORGET_AFTER:
                failed = 0
            failures[key] = FailureCount(failed + 1, moment)
            continue
        if moment - record.last > FORGET_AFTER:
            record.count = 0
        record.count += 1
        record.last = max(record.last, moment)


def record_success(failures, login, address):
    key = _keys(login, address)[0][0]
    if key in failures:
        del failures[key]


def forget_stale(failures, moment=None):
    """Delete the records no check looks at any more; returns how many."""
    moment = moment or now()
    stale = [key for key, record in failures.items()
             if moment - _read(record)[1] > FORGET_AFTER]
    for key in stale:
        del failures[key]
    return len(stale)

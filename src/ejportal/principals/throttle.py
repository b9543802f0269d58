"""Throttling of failed logins, and their audit without a flood.

The limits (README, *Security*): after a few failures each further attempt must wait twice
as long as the one before; after many, the key is locked for a while. Three keys count:

- one account from one place (``ACCOUNT``): the tight limit a mistyping owner meets;
- one account from everywhere that is not a known device (``STRANGERS``): what bounds an
  attacker who changes addresses, at most ``hourly_evaluations()`` checked passwords or codes
  an hour;
- one address over all accounts (``ADDRESS``): a computer class shares one address, so it is
  loose. An IPv6 address counts by its /64, which one subscriber gets whole.

A browser that has logged in to the account before (its device cookie is among the user's
known devices) is counted as a place of its own and by nothing else: an attack from
elsewhere locks out strangers, never the owner's own browser.

The throttle reads the time through this module's ``now`` (tests set a clock there).

Failed logins on one account come in bursts from many threads at once, and each adds one
to the same record. A record is a small persistent object that merges two concurrent
additions (as BTrees.Length does), so such a burst never ends in a ConflictError; only two
first failures of one key at the same moment collide in the BTree, and the retry finds the
record made. Records of older databases (plain ``(count, last)`` tuples) are read as they
are and replaced by such an object at their next failure.

Audit: an attempt gets an entry of its own only while each of its audit keys (the
account's and the address's, or the known device's) has had fewer than
``AUDITED_PER_WINDOW`` entries in its window of ``AUDIT_WINDOW``; the others only count, and
the next entry says how many there were (``further``). A refused attempt that was never
evaluated (throttled) writes nothing at all outside such an entry: it is counted in the
process's memory (``Refusals``) until that entry, so a flood costs the database a few
entries a window, not one per request.
"""
import collections
import datetime
import hashlib
import ipaddress
import threading

from persistent import Persistent

from ejportal.core.content import now

ACCOUNT = dict(free=3, lock_after=10, lock_minutes=15)
STRANGERS = dict(free=10, lock_after=40, lock_minutes=15)
ADDRESS = dict(free=30, lock_after=200, lock_minutes=15)
FORGET_AFTER = datetime.timedelta(hours=1)
MAX_DELAY = 300
AUDIT_WINDOW = datetime.timedelta(minutes=15)
AUDITED_PER_WINDOW = 5


class FailureCount(Persistent):
    """Failures of one key: how many count for the throttle and when the last came; and for
    the audit, how many were refused in all, how many of those an entry has told, and the
    current audit window (its start, its entries)."""

    refused = 0
    audited = 0
    window_start = None
    window_entries = 0

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
        refused = [state.get('refused', 0) for state in (old, committed, new)]
        merged['refused'] = refused[1] + refused[2] - refused[0]
        merged['audited'] = max(committed.get('audited', 0), new.get('audited', 0))
        windows = [state.get('window_start') for state in (old, committed, new)]
        entries = [state.get('window_entries', 0) for state in (old, committed, new)]
        if windows[1] == windows[2] == windows[0]:
            merged['window_entries'] = entries[1] + entries[2] - entries[0]
        elif windows[1] == windows[2]:
            merged['window_entries'] = max(entries[1], entries[2])
        else:  # one side opened a new window: the later window stands
            later = 1 if windows[2] is None or (windows[1] is not None and
                                                 windows[1] > windows[2]) else 2
            merged['window_start'] = windows[later]
            merged['window_entries'] = entries[later]
        return merged


def _read(record):
    """(count, last) of a record, old tuple or FailureCount."""
    return record if isinstance(record, tuple) else (record.count, record.last)


def count(failures, key):
    record = failures.get(key)
    return 0 if record is None else _read(record)[0]


def address_key(address):
    """The address as the throttle counts it: an IPv6 address by its /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or '?'
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network('%s/64' % ip, strict=False))
    return str(ip)


def _device_key(device):
    return 'dev:' + hashlib.sha256(device.encode('utf-8', 'replace')).hexdigest()[:24]


def _keys(login, address, device=None):
    """The throttle's keys of an attempt, with their limits."""
    login = 'login:' + login.lower()
    if device:
        return ((login + '|' + _device_key(device), ACCOUNT),)
    address = 'addr:' + address_key(address)
    return ((login + '|' + address, ACCOUNT), (login, STRANGERS), (address, ADDRESS))


def audit_keys(login, address, device=None):
    """The keys whose audit windows an attempt counts in: the account and the address (or
    the known device)."""
    keys = [key for key, _limits in _keys(login, address, device)]
    return keys if device else keys[1:]


def hourly_evaluations(limits=STRANGERS):
    """How many attempts a key lets through in its first hour at most (the locks after it
    let fewer): the free ones, then one a delay."""
    evaluated, elapsed = limits['free'], 0
    for failed in range(limits['free'], limits['lock_after']):
        elapsed += min(2 ** (failed - limits['free']), MAX_DELAY)
        if elapsed > 3600:
            break
        evaluated += 1
    return evaluated


def wait_seconds(failures, login, address, moment=None, device=None):
    """Seconds until another attempt is accepted (0: go ahead)."""
    moment = moment or now()
    longest = 0
    for key, limits in _keys(login, address, device):
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


def _record(failures, key, moment):
    """The key's FailureCount, made (or made of an old tuple) if need be."""
    record = failures.get(key)
    if isinstance(record, FailureCount):
        return record
    failed, last = _read(record) if record is not None else (0, moment)
    if moment - last > FORGET_AFTER:
        failed = 0
    record = failures[key] = FailureCount(failed, last)
    return record


def record_failure(failures, login, address, moment=None, device=None):
    moment = moment or now()
    for key, _limits in _keys(login, address, device):
        record = _record(failures, key, moment)
        if moment - record.last > FORGET_AFTER:
            record.count = 0
        record.count += 1
        record.refused += 1
        record.last = max(record.last, moment)


def record_success(failures, login, address, device=None):
    """The place's own count starts again; the account's count of strangers does not, or
    each login of the owner would give an attacker new free guesses."""
    key = _keys(login, address, device)[0][0]
    if key in failures:
        del failures[key]


def audit_entry(failures, keys, refusals, manager, moment=None, counted=True):
    """None if this refused attempt is only counted (its keys' windows had their entries);
    else it gets an entry, and this returns what that entry tells of the attempts before it
    that had none: ``{key: how many}`` (the process's throttled ones are taken from
    ``refusals`` once the transaction of ``manager`` commits). ``counted``: the attempt is
    in its records' ``refused`` already (a failure); a throttled one is not, and no record
    changes for it unless it gets the entry."""
    moment = moment or now()
    records = [failures.get(key) for key in keys]
    for record in records:
        if isinstance(record, FailureCount) and record.window_start is not None and \
                moment - record.window_start < AUDIT_WINDOW and \
                record.window_entries >= AUDITED_PER_WINDOW:
            if not counted:
                refusals.add(keys)
            return None
    further = {}
    for key in keys:
        record = _record(failures, key, moment)
        # this attempt is told by its own entry, the others by ``further``
        further[key] = record.refused - (1 if counted else 0) - record.audited + \
            refusals.get(key)
        record.audited = record.refused
        if record.window_start is None or moment - record.window_start >= AUDIT_WINDOW:
            record.window_start = moment
            record.window_entries = 0
        record.window_entries += 1
    refusals.take_after_commit({key: refusals.get(key) for key in keys}, manager)
    return further


def forget_stale(failures, moment=None, untold=None):
    """Delete the records no check looks at any more; returns how many. ``untold(key,
    count, last)`` is called first for each whose refused attempts no entry has told."""
    moment = moment or now()
    stale = [key for key, record in failures.items()
             if moment - _read(record)[1] > FORGET_AFTER]
    for key in stale:
        record = failures[key]
        # a place's count of an account is told with the account's, never on its own
        if untold is not None and isinstance(record, FailureCount) and \
                '|addr:' not in key and record.refused > record.audited:
            untold(key, record.refused - record.audited, record.last)
        del failures[key]
    return len(stale)


class Refusals:
    """Throttled attempts counted in this process's memory until an audit entry tells them:
    a refusal that evaluated nothing must not write to the database. (Another process has
    its own; a count not told when the process ends is lost, its attempts were not.)"""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts = collections.Counter()

    def add(self, keys):
        with self._lock:
            for key in keys:
                self._counts[key] += 1

    def get(self, key):
        with self._lock:
            return self._counts.get(key, 0)

    def take(self, counts):
        with self._lock:
            for key, taken in counts.items():
                left = self._counts.get(key, 0) - taken
                if left > 0:
                    self._counts[key] = left
                else:
                    self._counts.pop(key, None)

    def take_after_commit(self, counts, manager):
        """Take ``counts`` once the transaction of ``manager`` commits (an aborted entry
        told nothing, and its retry tells them again)."""
        counts = {key: taken for key, taken in counts.items() if taken}
        if counts:
            manager.get().addAfterCommitHook(lambda committed: committed and self.take(counts))

"""Throttling of failed logins, per account and per address.

After a few failures each further attempt must wait twice as long as the one before; after
many, the account (or address) is locked for a while. A whole computer class shares one
address, so the address limits are far looser than the account's.
"""
import datetime

from ejportal.core.content import now

ACCOUNT = dict(free=3, lock_after=10, lock_minutes=15)
ADDRESS = dict(free=30, lock_after=200, lock_minutes=15)
FORGET_AFTER = datetime.timedelta(hours=1)
MAX_DELAY = 300


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
        count, last = record
        if moment - last > FORGET_AFTER:
            continue
        if count >= limits['lock_after']:
            until = last + datetime.timedelta(minutes=limits['lock_minutes'])
        elif count >= limits['free']:
            delay = min(2 ** (count - limits['free']), MAX_DELAY)
            until = last + datetime.timedelta(seconds=delay)
        else:
            continue
        longest = max(longest, (until - moment).total_seconds())
    return int(longest + 0.999) if longest > 0 else 0


def record_failure(failures, login, address, moment=None):
    moment = moment or now()
    for key, _limits in _keys(login, address):
        count, last = failures.get(key, (0, moment))
        if moment - last > FORGET_AFTER:
            count = 0
        failures[key] = (count + 1, moment)


def record_success(failures, login, address):
    key = _keys(login, address)[0][0]
    if key in failures:
        del failures[key]


def forget_stale(failures, moment=None):
    """Delete the records no check looks at any more; returns how many."""
    moment = moment or now()
    stale = [key for key, (_count, last) in failures.items() if moment - last > FORGET_AFTER]
    for key in stale:
        del failures[key]
    return len(stale)

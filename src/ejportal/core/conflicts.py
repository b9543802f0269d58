"""A save that meets a concurrent save of the same object: pyramid_retry runs the request
again (``retry.attempts``), after a random pause that doubles with each attempt, so that
requests which collided once do not collide again in step; if every attempt met a
conflict, the answer is 409 "not saved, please retry" (the one exception view renders it:
JSON ``{"error": {"type": "Conflict", ...}}`` or a page), never a 500.

``ejportal.retry_backoff`` (seconds, default 0.05): the longest pause before the second
attempt; before attempt n+1 the pause is uniform in [0, backoff × 2^(n-1)].
"""
import logging
import random
import sys
import time

from pyramid.response import Response
from pyramid.tweens import MAIN
from pyramid_retry import (
    IBeforeRetry, IRetryableError, is_last_attempt, mark_error_retryable)
from transaction.interfaces import TransientError
from ZEO.Exceptions import ClientDisconnected
from ZODB.POSException import ConflictError

BACKOFF_SETTING = 'ejportal.retry_backoff'
DEFAULT_BACKOFF = 0.05

log = logging.getLogger(__name__)


def is_conflict(exc):
    """A ConflictError (ZODB, ZEO, RelStorage's lock errors) or any error pyramid_tm's data
    managers call retryable."""
    return isinstance(exc, TransientError) or IRetryableError.providedBy(exc)


def backoff(registry):
    try:
        return max(0.0, float(registry.settings.get(BACKOFF_SETTING, DEFAULT_BACKOFF)))
    except (TypeError, ValueError):
        return DEFAULT_BACKOFF


def pause_before_retry(event):
    """Subscriber of pyramid_retry's ``IBeforeRetry``: a jittered, growing pause."""
    attempt = event.environ.get('retry.attempt', 0)
    longest = backoff(event.request.registry) * 2 ** attempt
    if longest > 0:
        time.sleep(random.uniform(0, longest))


def conflict_tween_factory(handler, registry):
    """Above pyramid_tm, where a conflict at commit arrives: on the last attempt it becomes
    the exception view's 409 instead of leaving the app as a 500; before, it goes up to
    pyramid_retry, which retries."""
    def conflict_tween(request):
        try:
            return handler(request)
        except Exception as exc:
            if not is_conflict(exc) or not is_last_attempt(request):
                raise
            if isinstance(exc, ClientDisconnected):
                # the storage server is gone, not busy: its own view answers 503 (and
                # needs no transaction: there is no database to read)
                return request.invoke_exception_view(sys.exc_info())
            log.warning('not saved after %s attempts: %s %s: %r',
                        request.environ.get('retry.attempts', 1), request.method,
                        request.path_info, exc)
            return conflict_response(request, sys.exc_info())
    return conflict_tween


def conflict_response(request, exc_info):
    """The exception view's answer to the conflict, in a transaction of its own (the
    failed one is over; the page reads the portal for its layout), aborted afterwards."""
    if not isinstance(exc_info[1], TransientError):
        # another error marked retryable: answered as the conflict it stands for
        try:
            raise ConflictError(repr(exc_info[1])) from exc_info[1]
        except ConflictError:
            exc_info = sys.exc_info()
    manager = request.tm
    try:
        manager.begin()
        try:
            return request.invoke_exception_view(exc_info)
        finally:
            manager.abort()
    except Exception:
        log.exception('the conflict page failed; a plain 409 instead')
        return Response('Not saved: please retry.', status=409, content_type='text/plain')


def includeme(config):
    try:
        from relstorage.adapters.interfaces import UnableToAcquireCommitLockError
    except ImportError:  # pragma: no cover (RelStorage is a dependency, but optional here)
        pass
    else:
        # the commit lock not got in time (many processes committing at once) is no
        # ConflictError, yet the save failed only because of the others: retry it too
        mark_error_retryable(UnableToAcquireCommitLockError)
    config.add_subscriber(pause_before_retry, IBeforeRetry)
    # (a configuration without pyramid_tm, as some tests make, puts it just above the view)
    config.add_tween('ejportal.core.conflicts.conflict_tween_factory',
                     over=('pyramid_tm.tm_tween_factory', MAIN))

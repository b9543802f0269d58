"""Scheduled jobs that the running portal runs itself: backups, the parents' reports, the
regional export, housekeeping, reminders.

Areas declare a job with ``config.add_job(name, function, title, schedule)``; its state
lives in the database as a ``Job`` under *Settings → Jobs* (made on start for every
declared job): its schedule, whether someone pressed "run now", its last runs with outcome,
duration and log. So the schedule is data the administrator changes on a screen, and the
record of what ran is kept with the school's other records.

``JobRunner`` is a thread of the app's process (``ejportal.jobs = true``) that wakes every
``ejportal.jobs_interval`` seconds and runs what is due, one job at a time; on each wake it
first merges the catalog's pending documents if they are many or have waited a day
(``catalog.merge_on_wake``: the nightly ``catalog-merge`` job merges them otherwise). With
several
processes on ZEO or RelStorage each has a runner, and exactly one of them runs a given job:
a runner first claims the job by writing a lease on it and committing; two claims of one
job conflict in the database, and the loser leaves it. A lease expires (a process killed
mid-job does not hold its job forever). ``run_job`` is also what the console's ``run-job``
calls, so a job runs the same way from every door.
"""
import datetime
import logging
import os
import threading
import traceback
import uuid

import colander
import transaction
from persistent.list import PersistentList
from ZODB.POSException import ConflictError

from ejportal.core.actor import Actor, acting_as
from ejportal.core.audit import record
from ejportal.core.catalog import merge_on_wake
from ejportal.core.content import Resource, content_type, create
from ejportal.core.folder import Folder
from ejportal.core.registry import portal_registry
from ejportal.i18n import _

log = logging.getLogger(__name__)

KINDS = ('daily', 'weekly', 'monthly', 'off')
LEASE = datetime.timedelta(hours=6)      # longer than any job; a dead runner's lease ends
MISSED_AFTER = datetime.timedelta(hours=2)
KEEP_RUNS = 50
LOG_LIMIT = 20000                        # characters of a run's log kept
JOBS_ACTOR = Actor(userid='ejportal-jobs', address='server', user_agent='ejportal jobs')


def local_now():
    """The school's clock: the server's local time, which schedules are written in."""
    return datetime.datetime.now().astimezone()


def _time_of_day(value):
    try:
        hours, minutes = value.split(':')
        return datetime.time(int(hours), int(minutes))
    except (AttributeError, ValueError):
        raise colander.Invalid(None, _('job-time-invalid', default='A time such as 03:30.'))


def time_validator(node, value):
    try:
        _time_of_day(value)
    except colander.Invalid as error:
        raise colander.Invalid(node, error.msg)


class JobScheduleSchema(colander.MappingSchema):
    kind = colander.SchemaNode(
        colander.String(), title=_('Runs'), validator=colander.OneOf(KINDS),
        description=_('daily, weekly (on the weekday), monthly (on the day) or off'))
    at = colander.SchemaNode(colander.String(), title=_('At (HH:MM, server time)'),
                             validator=time_validator)
    weekday = colander.SchemaNode(colander.Integer(), title=_('Weekday (1 Monday … 7 Sunday)'),
                                  validator=colander.Range(1, 7), missing=1)
    day = colander.SchemaNode(colander.Integer(), title=_('Day of the month (1–28)'),
                              validator=colander.Range(1, 28), missing=1)


@content_type('Jobs', _('type-Jobs', default='Scheduled jobs'))
class Jobs(Folder):
    title = _('Scheduled jobs')
    structural = True


@content_type('Job', _('type-Job', default='Scheduled job'), schema=JobScheduleSchema)
class Job(Resource):
    """One declared job's state. ``runs``: PersistentList of dicts {start, end, outcome
    ('ok', 'failed'), seconds, log, by}, newest last."""
    deletable = False
    kind = 'daily'
    at = '03:00'
    weekday = 1
    day = 1
    requested = False        # "run now" was pressed
    requested_by = None
    lease_owner = None
    lease_until = None
    running_since = None
    runs = None

    def __init__(self, **fields):
        super().__init__(**fields)
        self.runs = PersistentList()

    @property
    def last_run(self):
        return self.runs[-1] if self.runs else None

    def occurrence(self, now):
        """The newest time at or before ``now`` the schedule names (None: off)."""
        if self.kind == 'off':
            return None
        at = _time_of_day(self.at)
        day = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        if self.kind == 'daily':
            return day if day <= now else day - datetime.timedelta(days=1)
        if self.kind == 'weekly':
            back = (day.isoweekday() - self.weekday) % 7
            found = day - datetime.timedelta(days=back)
            return found if found <= now else found - datetime.timedelta(days=7)
        found = day.replace(day=self.day)
        if found > now:
            month = found.month - 1 or 12
            found = found.replace(year=found.year - (month == 12), month=month)
        return found

    def next_time(self, now):
        if self.kind == 'off':
            return None
        step = {'daily': 1, 'weekly': 7}.get(self.kind)
        if step:
            return self.occurrence(now) + datetime.timedelta(days=step)
        last = self.occurrence(now)
        month = last.month % 12 + 1
        return last.replace(year=last.year + (month == 1), month=month)

    def due(self, now):
        """Whether the schedule's newest time has passed since the job last started (or
        since it was set up, for a job that never ran: a new portal does not run a night's
        jobs at once) — or someone asked for a run."""
        if self.requested:
            return True
        when = self.occurrence(now)
        if when is None:
            return False
        since = self.last_run['start'] if self.runs else self.created
        return since < when

    def missed(self, now):
        """Due for longer than ``MISSED_AFTER``: no runner has run it (is the server running
        with ``ejportal.jobs``?)."""
        when = self.occurrence(now)
        return bool(when is not None and self.due(now) and not self.requested and
                    now - when > MISSED_AFTER and self.running_since is None)

    def failed(self):
        return bool(self.runs) and self.runs[-1]['outcome'] == 'failed'

    def state(self, now):
        """What the screens and the API say of the job at ``now``."""
        last = self.last_run
        return {'running': self.running_since is not None, 'requested': self.requested,
                'failed': self.failed(), 'missed': self.missed(now),
                'next': self.next_time(now),
                'last': {k: last[k] for k in ('start', 'end', 'outcome', 'seconds', 'by')}
                if last else None}

    def api_extra(self):
        return self.state(local_now())

    def claim(self, owner, now):
        """Take the lease for a run (True), unless another runner holds it."""
        if self.lease_owner not in (None, owner) and self.lease_until and \
                self.lease_until > now:
            return False
        self.lease_owner, self.lease_until = owner, now + LEASE
        self.running_since = now
        return True

    def finish(self, start, end, outcome, text, by):
        self.runs.append({'start': start, 'end': end, 'outcome': outcome,
                          'seconds': round((end - start).total_seconds(), 3),
                          'log': text[-LOG_LIMIT:], 'by': by})
        del self.runs[:-KEEP_RUNS]
        self.lease_owner = self.lease_until = self.running_since = None
        self.requested, self.requested_by = False, None


class JobFailed(Exception):
    """A job that failed but whose records of the attempt must stay (an export that could
    not be delivered keeps its package): raised with ``keep_changes=True``, the job's
    changes commit and its outcome is 'failed'."""

    def __init__(self, message, keep_changes=False):
        super().__init__(message)
        self.keep_changes = keep_changes


class JobLog:
    """What a job writes about itself (``log.write(text)``), kept with its run."""

    def __init__(self, echo=None):
        self.parts = []
        self.echo = echo

    def write(self, text):
        self.parts.append(text)
        if self.echo is not None:
            self.echo.write(text)

    @property
    def text(self):
        return ''.join(self.parts)


def jobs_folder(portal):
    return portal['settings'].get('jobs')


def ensure_jobs(portal, registry=None):
    """The ``Job`` of every declared job (and their folder), made where missing, with the
    declared default schedule. True if anything was made."""
    settings = portal['settings']
    made = False
    folder = settings.get('jobs')
    if folder is None:
        folder = settings.add('jobs', create('Jobs', registry=registry), send_events=False)
        made = True
    for name, info in portal_registry(registry).jobs.items():
        if name not in folder:
            folder.add(name, create('Job', registry=registry, title=info.title,
                                    **info.schedule), send_events=False)
            made = True
    return made


def run_job(portal, name, settings, tm, owner, by, echo=None, registry=None,
            only_if_due=False):
    """Run the job ``name`` now (claiming its lease first) in ``tm``'s transactions on
    ``portal``: -> (outcome, last line, log text), or None when another runner holds it
    (or, with ``only_if_due``, when it is no longer due: another runner ran it since this
    one looked). The job's own changes commit with it; its record commits after."""
    info = portal_registry(registry).jobs[name]
    job = jobs_folder(portal)[name]
    now = local_now()
    try:
        # the due check and the claim in one transaction: a runner that saw the job due
        # before another ran and finished it must not run it a second time
        if (only_if_due and not job.due(now)) or not job.claim(owner, now):
            tm.abort()
            return None
        tm.get().note('ejportal job %s: claimed' % name)
        tm.commit()
    except ConflictError:
        tm.abort()
        return None                     # another runner claimed it first
    job_log = JobLog(echo)
    started = local_now()
    outcome, last = 'ok', ''
    try:
        with acting_as(JOBS_ACTOR if by == JOBS_ACTOR.userid else Actor(
                userid=by, address='server', user_agent='ejportal job ' + name)):
            last = info.function(portal, job_log, settings) or ''
            tm.get().note('ejportal job %s' % name)
            tm.commit()
    except JobFailed as failure:
        if failure.keep_changes:
            tm.get().note('ejportal job %s (failed)' % name)
            tm.commit()
        else:
            tm.abort()
        outcome, last = 'failed', str(failure)
        job_log.write('%s\n' % failure)
    except Exception as error:         # a job's failure is its outcome, shown to the admin
        tm.abort()
        outcome, last = 'failed', '%s: %s' % (type(error).__name__, error)
        job_log.write(traceback.format_exc())
        log.exception('job %s failed', name)
    ended = local_now()
    for attempt in range(5):
        try:
            job = jobs_folder(portal)[name]
            job.finish(started, ended, outcome, job_log.text, by)
            with acting_as(JOBS_ACTOR):
                record(job, 'job-run', {'job': name, 'outcome': outcome, 'by': by,
                                        'seconds': round((ended - started).total_seconds(), 1),
                                        'result': str(last)[:500]})
            tm.commit()
            break
        except ConflictError:
            tm.abort()
    return outcome, str(last), job_log.text


class JobRunner(threading.Thread):
    """Runs the due jobs of the app's database, one at a time, every ``interval`` s."""

    def __init__(self, registry, portal_of, interval=60.0):
        super().__init__(name='ejportal-jobs', daemon=True)
        self.registry = registry
        self.portal_of = portal_of      # connection -> the portal, or None
        self.interval = interval
        self.owner = '%s:%d:%s' % (os.uname().nodename, os.getpid(), uuid.uuid4().hex[:8])
        self.stopping = threading.Event()

    def stop(self, timeout=None):
        self.stopping.set()
        if self.is_alive():
            self.join(timeout)

    def run(self):
        while not self.stopping.wait(self.interval):
            try:
                self.tick()
            except Exception:          # the runner outlives one bad tick
                log.exception('job runner tick failed')

    def tick(self):
        from pyramid import threadlocal
        db = self.registry._zodb_databases['']
        tm = transaction.TransactionManager()
        conn = db.open(tm)
        threadlocal.manager.push({'registry': self.registry, 'request': None})
        try:
            portal = self.portal_of(conn)
            if portal is not None:
                merge_on_wake(portal, tm, self.registry.settings)
            folder = jobs_folder(portal) if portal is not None else None
            if folder is None:
                return
            now = local_now()
            due = [name for name, job in folder.items()
                   if name in portal_registry(self.registry).jobs and job.due(now)]
            tm.abort()
            for name in due:
                if self.stopping.is_set():
                    break
                job = folder[name]
                by = job.requested_by or JOBS_ACTOR.userid
                run_job(portal, name, self.registry.settings, tm, self.owner, by,
                        registry=self.registry, only_if_due=True)
        finally:
            tm.abort()
            threadlocal.manager.pop()
            conn.close()

"""The regional export as a scheduled job (``rid-export``): a package of what changed since
the last delivered one, delivered to the destination of *Settings* — a folder, or an HTTPS
endpoint that receives a POST of the ZIP with its SHA-256 and an HMAC of it under a shared
key — with retries and backoff; each run kept (counts, checksum, the destination's answer,
the outcome, the package itself) under *Settings → Regional export*.

Delivery is at most once per package: a package is sent again only after a failed attempt
(no answer, or an answer that is not 2xx), and it carries its id (``X-Package-Id``) so a
receiver can recognise a repeat of an attempt whose answer was lost.
"""
import datetime
import hashlib
import hmac
import os
import time
import urllib.error
import urllib.request

from persistent.mapping import PersistentMapping
from ZODB.blob import Blob

from ejportal.core.content import Resource, content_type, create
from ejportal.core.folder import Folder
from ejportal.core.jobs import JobFailed
from ejportal.i18n import _
from ejportal.rid import package

RETRIES = (1, 2, 4, 8)    # seconds before each repeated attempt


@content_type('RidExports', _('type-RidExports', default='Regional export'))
class RidExports(Folder):
    """The runs, named ``run-<n>``."""
    title = _('Regional export')
    structural = True
    last_delivered_until = None   # the ``until`` of the newest delivered package


@content_type('RidRun', _('type-RidRun', default='Regional export run'))
class RidRun(Resource):
    deletable = False
    package_id = ''
    since = None
    until = None
    counts = None
    sha256 = ''
    size = 0
    destination = ''
    answer = ''
    attempts = 0
    outcome = ''      # 'delivered', 'failed'
    blob = None

    def zip_bytes(self):
        with self.blob.open('r') as f:
            return f.read()

    def api_extra(self):
        return {'package_id': self.package_id, 'since': self.since, 'until': self.until,
                'counts': dict(self.counts or {}), 'sha256': self.sha256, 'size': self.size,
                'destination': self.destination, 'answer': self.answer,
                'attempts': self.attempts, 'outcome': self.outcome}


def exports_folder(portal, create_missing=False):
    settings = portal['settings']
    folder = settings.get('rid-exports')
    if folder is None and create_missing:
        folder = settings.add('rid-exports', create('RidExports'), send_events=False)
    return folder


def deliver_to_folder(directory, name, body, digest):
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, name + '.zip')
    with open(path + '.partial', 'wb') as f:
        f.write(body)
    with open(path + '.sha256', 'w') as f:
        f.write('%s  %s\n' % (digest, name + '.zip'))
    os.replace(path + '.partial', path)
    return 'written %s' % path


def deliver_to_url(url, key, package_id, body, digest, timeout=60):
    """POST the package; returns the answer's status and first bytes, raises on failure."""
    request = urllib.request.Request(url, data=body, method='POST', headers={
        'Content-Type': 'application/zip', 'X-Package-Id': package_id,
        'X-Package-SHA256': digest,
        'X-Package-HMAC': hmac.new(key.encode('utf-8'), body, hashlib.sha256).hexdigest()})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return '%d %s' % (response.status, response.read(200).decode('utf-8', 'replace'))


def deliver(settings, package_id, body, digest, log, sleep=time.sleep, retries=RETRIES):
    """Deliver with retries: -> (delivered?, answer, attempts)."""
    destination = (settings.rid_destination or '').strip()
    answer, attempts = '', 0
    for pause in (0,) + tuple(retries):
        if pause:
            log.write('retrying in %s s\n' % pause)
            sleep(pause)
        attempts += 1
        try:
            if destination.startswith(('https://', 'http://')):
                answer = deliver_to_url(destination, settings.rid_key or '', package_id,
                                        body, digest)
            else:
                answer = deliver_to_folder(destination, package_id, body, digest)
            log.write('attempt %d: %s\n' % (attempts, answer))
            return True, answer, attempts
        except urllib.error.HTTPError as error:
            answer = '%d %s' % (error.code, error.read(200).decode('utf-8', 'replace'))
        except (OSError, ValueError) as error:
            answer = str(error)
        log.write('attempt %d failed: %s\n' % (attempts, answer))
    return False, answer, attempts


def retries_of(settings):
    """``ejportal.rid_retries``: the pauses before repeated attempts, in seconds."""
    text = settings.get('ejportal.rid_retries')
    return tuple(float(p) for p in text.split(',')) if text else RETRIES


def export_job(portal, log, settings, now=None, sleep=time.sleep):
    """The scheduled job ``rid-export``."""
    config = portal['settings']
    if not (config.rid_destination or '').strip():
        raise ValueError('no destination for the regional export is set (Settings)')
    folder = exports_folder(portal, create_missing=True)
    until = now or datetime.datetime.now(datetime.timezone.utc)
    since = folder.last_delivered_until
    data = package.build(portal, since, until)
    body = package.to_zip(data)
    digest = hashlib.sha256(body).hexdigest()
    counts = package.counts(data)
    log.write('package %s: %s, since %s\n' % (data['package_id'], ', '.join(
        '%s %d' % item for item in counts.items()), since.isoformat() if since else 'the start'))
    delivered, answer, attempts = deliver(
        config, data['package_id'], body, digest, log, sleep=sleep,
        retries=retries_of(settings))
    blob = Blob()
    with blob.open('w') as f:
        f.write(body)
    run = create('RidRun', package_id=data['package_id'], since=since, until=until,
                 counts=PersistentMapping(counts), sha256=digest, size=len(body),
                 destination=config.rid_destination, answer=answer[:500],
                 attempts=attempts, outcome='delivered' if delivered else 'failed',
                 blob=blob, title=data['package_id'])
    folder.add('run-%d' % (len(folder) + 1), run, send_events=False)
    if not delivered:
        # the failed run's record and package stay (the next run sends what it held again)
        raise JobFailed('not delivered after %d attempts: %s' % (attempts, answer),
                        keep_changes=True)
    folder.last_delivered_until = until
    return 'delivered %s (%s)' % (data['package_id'], digest)

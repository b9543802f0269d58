"""Backups on several media (the order: "архивирование базы данных и сохранение ее на
нескольких электронных носителях"), with verified restores.

A backup of an embedded FileStorage is made with ZODB's ``repozo`` (full, or incremental on
the chain since the last full) from the live ``Data.fs``, its blobs copied by their names
after it (blob files never change once written, so every blob the backed-up transactions
name is there: the file and the blobs are of one moment), and the audit anchor copied just
before it (so it names no entry the backup lacks).

The backup is then written to every destination of *Settings* (directories: other disks,
mounted media) as a directory of its own, ``<destination>/<name>/``, that holds everything
needed to restore it — the repozo chain, the blobs, the anchor — and ``manifest.json``
with the SHA-256 of each file. A file the destination's previous backup holds unchanged is
hard-linked, not copied again. Each destination keeps its backups by a retention policy (so
many daily, weekly, monthly); any backup directory can be removed without harming another.
"""
import datetime
import hashlib
import json
import os
import shutil
import tempfile
from urllib.parse import parse_qs

from ZODB.scripts import repozo

from ejportal.core.audit import get_audit_log
from ejportal.core.errors import Invalid
from ejportal.i18n import _
from ejportal.site.resources import ZODB_ROOT_KEY

MANIFEST = 'manifest.json'
VERIFIED = 'verified.json'
ANCHOR = 'audit-anchor.json'
NAME_FORMAT = '%Y-%m-%d-%H%M%S'


def storage_files(settings):
    """(Data.fs path, blob directory) of an embedded FileStorage, else None."""
    uri = settings.get('zodbconn.uri') or ''
    if not uri.startswith('file://'):
        return None
    path, _sep, query = uri[len('file://'):].partition('?')
    blobs = parse_qs(query).get('blobstorage_dir', [None])[0]
    return path, blobs


def work_directory(settings):
    """The working repozo repository (the chain since the last full), beside Data.fs."""
    files = storage_files(settings)
    return os.path.join(os.path.dirname(files[0]), 'backup-work') if files else None


def destinations(settings_object):
    return [line.strip() for line in (settings_object.backup_destinations or '').splitlines()
            if line.strip()]


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(backup_dir):
    with open(os.path.join(backup_dir, MANIFEST)) as f:
        return json.load(f)


def backups_in(destination):
    """The backups of a destination, oldest first: [(name, directory, manifest)]."""
    found = []
    try:
        names = sorted(os.listdir(destination))
    except OSError:
        return found
    for name in names:
        directory = os.path.join(destination, name)
        try:
            found.append((name, directory, read_manifest(directory)))
        except (OSError, ValueError):
            continue            # not a backup (or one being written)
    return found


def _files_under(root):
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            yield os.path.relpath(path, root), path


def _place(source, target, previous, previous_manifest, relpath):
    """``source`` to ``target``: a hard link of the previous backup's equal file, or a
    copy. Returns its (size, sha256)."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    size = os.path.getsize(source)
    known = previous_manifest.get(relpath) if previous_manifest else None
    if known and known[0] == size and relpath.startswith('blobs/'):
        try:                    # blob files are immutable: same name and size, same blob
            os.link(os.path.join(previous, relpath), target)
            return known[0], known[1]
        except OSError:
            pass
    shutil.copy2(source, target)
    return size, sha256_of(target)


def write_backup(staging, destination, name, info):
    """Copy the staged backup into ``destination/name`` with its manifest."""
    os.makedirs(destination, exist_ok=True)
    previous = backups_in(destination)
    previous_dir, previous_files = (previous[-1][1], previous[-1][2]['files']) if previous \
        else (None, None)
    target = os.path.join(destination, name)
    partial = target + '.partial'
    shutil.rmtree(partial, ignore_errors=True)
    files = {}
    for relpath, source in sorted(_files_under(staging)):
        files[relpath] = _place(source, os.path.join(partial, relpath), previous_dir,
                                previous_files, relpath)
    manifest = dict(info, name=name, files=files,
                    size=sum(size for size, _digest in files.values()))
    with open(os.path.join(partial, MANIFEST), 'w') as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    os.replace(partial, target)     # a backup directory is complete or absent
    return target


def keep(names, daily=7, weekly=4, monthly=12, now=None):
    """The backup names a retention policy keeps: every one of the last 24 hours, and the
    newest of each of the last ``daily`` days, ``weekly`` ISO weeks and ``monthly`` months
    that have backups."""
    def newest_by(key, count):
        chosen = {}
        for name in sorted(names):
            chosen[key(name)] = name
        return set(chosen[k] for k in sorted(chosen)[-count:]) if count else set()
    when = lambda n: datetime.datetime.strptime(n, NAME_FORMAT)  # noqa: E731
    now = (now or datetime.datetime.now(datetime.timezone.utc)).replace(tzinfo=None)
    recent = {n for n in names if now - when(n) < datetime.timedelta(days=1)}
    return (recent | newest_by(lambda n: when(n).date(), daily) |
            newest_by(lambda n: when(n).isocalendar()[:2], weekly) |
            newest_by(lambda n: (when(n).year, when(n).month), monthly))


def prune(destination, daily, weekly, monthly):
    names = [name for name, _d, _m in backups_in(destination)]
    kept = keep(names, daily, weekly, monthly)
    removed = [n for n in names if n not in kept]
    for name in removed:
        shutil.rmtree(os.path.join(destination, name), ignore_errors=True)
    return removed


def make_backup(portal, settings, log, full=False, now=None):
    """Back up the running portal's FileStorage to every destination; returns the name."""
    files = storage_files(settings)
    if files is None:
        raise Invalid(_('backup-not-file', default='Backups from the portal are made for its '
                        'embedded FileStorage; for ZEO back up the ZEO server\'s file the same '
                        'way, for RelStorage use pg_dump (see the README).'))
    config = portal['settings']
    targets = destinations(config)
    if not targets:
        raise Invalid(_('backup-no-destination', default='No backup destination is set '
                        '(Settings).'))
    data_fs, blob_dir = files
    work = work_directory(settings)
    os.makedirs(work, exist_ok=True)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    name = now.strftime(NAME_FORMAT)
    last_full = _last_full(work)
    kind = 'full' if (full or last_full is None or now - last_full >= datetime.timedelta(
        days=config.backup_full_every_days)) else 'incremental'
    with tempfile.TemporaryDirectory(prefix='ejportal-backup-') as staging:
        anchor = os.path.join(os.path.dirname(data_fs), ANCHOR)
        if os.path.exists(anchor):      # before the file: it names no entry the copy lacks
            shutil.copy2(anchor, os.path.join(staging, ANCHOR))
        argv = ['-B', '-z', '-r', work, '-f', data_fs] + (['-F', '-k'] if kind == 'full'
                                                           else [])
        repozo.main(argv)
        shutil.copytree(work, os.path.join(staging, 'repozo'))
        if blob_dir and os.path.isdir(blob_dir):
            shutil.copytree(blob_dir, os.path.join(staging, 'blobs'),
                            ignore=shutil.ignore_patterns('*.lock', 'tmp'))
        info = {'kind': kind, 'created': now.isoformat(), 'storage': 'file',
                'data_fs_size': os.path.getsize(data_fs)}
        written = []
        for destination in targets:
            try:
                written.append(write_backup(staging, destination, name, info))
                log.write('%s: %s backup %s written\n' % (destination, kind, name))
                removed = prune(destination, config.backup_keep_daily,
                                config.backup_keep_weekly, config.backup_keep_monthly)
                for old in removed:
                    log.write('%s: %s removed (retention)\n' % (destination, old))
            except OSError as error:
                log.write('%s: NOT WRITTEN: %s\n' % (destination, error))
        if not written:
            raise OSError('no destination could be written')
        if len(written) < len(targets):
            raise OSError('written to %d of %d destinations (see the log above)'
                          % (len(written), len(targets)))
    return name


def _last_full(work):
    fulls = sorted(n for n in os.listdir(work) if n.endswith(('.fs', '.fsz')))
    if not fulls:
        return None
    stamp = fulls[-1].split('.')[0]
    return datetime.datetime.strptime(stamp, '%Y-%m-%d-%H-%M-%S').replace(
        tzinfo=datetime.timezone.utc)


def find_backup(settings_object, name_or_path):
    """A backup directory by its path, or by its name in the first destination holding it."""
    if os.path.isdir(name_or_path) and os.path.exists(os.path.join(name_or_path, MANIFEST)):
        return name_or_path
    for destination in destinations(settings_object):
        candidate = os.path.join(destination, name_or_path)
        if os.path.exists(os.path.join(candidate, MANIFEST)):
            return candidate
    raise Invalid(_('backup-unknown', mapping={'name': name_or_path},
                    default='No backup "${name}" in any destination.'))


def check_manifest(backup_dir):
    """The files whose size or SHA-256 differ from the manifest, or that are missing."""
    manifest = read_manifest(backup_dir)
    bad = []
    for relpath, (size, digest) in sorted(manifest['files'].items()):
        path = os.path.join(backup_dir, relpath)
        if not os.path.exists(path) or os.path.getsize(path) != size or \
                sha256_of(path) != digest:
            bad.append(relpath)
    return bad


def restore(backup_dir, target):
    """A new FileStorage (``Data.fs``, ``blobs/``, the anchor) in ``target`` from a backup;
    refuses to write over an existing database."""
    os.makedirs(target, exist_ok=True)
    data_fs = os.path.join(target, 'Data.fs')
    if os.path.exists(data_fs):
        raise Invalid(_('restore-exists', default='There is a database in that directory '
                        'already: restore into a new one.'))
    repozo.main(['-R', '-r', os.path.join(backup_dir, 'repozo'), '-o', data_fs])
    blobs = os.path.join(backup_dir, 'blobs')
    if os.path.isdir(blobs):
        shutil.copytree(blobs, os.path.join(target, 'blobs'))
    else:
        os.makedirs(os.path.join(target, 'blobs'))
    if os.path.exists(os.path.join(backup_dir, ANCHOR)):
        shutil.copy2(os.path.join(backup_dir, ANCHOR), os.path.join(target, ANCHOR))
    return data_fs


def count_objects(data_fs, blob_dir):
    """Objects per class in a FileStorage (its current records)."""
    from ZODB.FileStorage import FileStorage
    from ZODB.utils import get_pickle_metadata
    storage = FileStorage(data_fs, blob_dir=blob_dir, read_only=True)
    try:
        counts = {}
        for oid in storage._index.keys():
            data, _serial = storage.load(oid)
            module, klass = get_pickle_metadata(data)
            key = '%s.%s' % (module, klass)
            counts[key] = counts.get(key, 0) + 1
        return counts
    finally:
        storage.close()


def verify_audit(data_fs, blob_dir, anchor):
    """``audit-verify`` on a restored database, against the anchor saved with it."""
    import ZODB
    from ZODB.FileStorage import FileStorage
    db = ZODB.DB(FileStorage(data_fs, blob_dir=blob_dir, read_only=True))
    try:
        conn = db.open()
        portal = conn.root().get(ZODB_ROOT_KEY)
        if portal is None:
            return False, 'no portal in the restored database'
        ok, _seq, message = get_audit_log(portal).verify(
            anchor if os.path.exists(anchor) else None)
        conn.close()
        return ok, message.interpolate() if hasattr(message, 'interpolate') else str(message)
    finally:
        db.close()


def verify_backup(backup_dir, log):
    """Check the manifest, restore into a scratch directory, count the objects per type and
    verify the audit chain against the backup's anchor. Writes ``verified.json`` into the
    backup. -> (ok, summary)."""
    bad = check_manifest(backup_dir)
    if bad:
        summary = 'manifest: %d files differ or are missing: %s' % (len(bad), ', '.join(bad[:5]))
        log.write(summary + '\n')
        return False, summary
    log.write('manifest: all %d files match\n' % len(read_manifest(backup_dir)['files']))
    with tempfile.TemporaryDirectory(prefix='ejportal-verify-') as scratch:
        data_fs = restore(backup_dir, os.path.join(scratch, 'restored'))
        blob_dir = os.path.join(os.path.dirname(data_fs), 'blobs')
        counts = count_objects(data_fs, blob_dir)
        for key in sorted(counts):
            if key.startswith('ejportal.'):
                log.write('  %6d %s\n' % (counts[key], key))
        ok, message = verify_audit(data_fs, blob_dir, os.path.join(
            os.path.dirname(data_fs), ANCHOR))
        log.write('audit: %s\n' % message)
    summary = '%s: %d objects, audit log %s' % (
        'verified' if ok else 'FAILED', sum(counts.values()), 'intact' if ok else 'broken')
    with open(os.path.join(backup_dir, VERIFIED), 'w') as f:
        json.dump({'time': datetime.datetime.now(datetime.timezone.utc).isoformat(),
                   'ok': ok, 'summary': summary, 'objects': sum(counts.values())}, f)
    return ok, summary



# -- the jobs ----------------------------------------------------------------------------
def backup_job(portal, log, settings):
    """The scheduled job ``backup``: its last line is the backup's name."""
    return make_backup(portal, settings, log,
                       full=str(settings.get('ejportal.backup_full', '')).lower() == 'true')


def verify_job(portal, log, settings):
    """The scheduled job ``backup-verify``: restores the newest backup of each destination
    into a scratch place and verifies it."""
    results = []
    for destination in destinations(portal['settings']):
        found = backups_in(destination)
        if not found:
            log.write('%s: no backup\n' % destination)
            results.append(False)
            continue
        name, directory, _manifest = found[-1]
        log.write('%s: verifying %s\n' % (destination, name))
        ok, summary = verify_backup(directory, log)
        results.append(ok)
    if not results or not all(results):
        raise RuntimeError('a backup did not verify (see the log)')
    return 'verified: %d destinations' % len(results)


def destination_report(destination, now=None):
    """What *Settings → Backups* shows of a destination."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    found = []
    for name, directory, manifest in reversed(backups_in(destination)):
        verified = None
        try:
            with open(os.path.join(directory, VERIFIED)) as f:
                verified = json.load(f)
        except (OSError, ValueError):
            pass
        found.append({'name': name, 'kind': manifest.get('kind'), 'size': manifest.get('size'),
                      'created': manifest.get('created'), 'verified': verified})
    newest = datetime.datetime.fromisoformat(found[0]['created']) if found else None
    exists = os.path.isdir(destination)
    return {'destination': destination, 'exists': exists,
            'writable': exists and os.access(destination, os.W_OK | os.X_OK),
            'stale': newest is None or now - newest > datetime.timedelta(days=2),
            'last_verified': next((b for b in found if b['verified'] and
                                   b['verified'].get('ok')), None),
            'backups': found}

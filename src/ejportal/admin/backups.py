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

On ZEO and on RelStorage the portal backs up the storage it is running on, through the
database connection it already has (so the backup also works from a process on another
machine than the storage's server):

- **RelStorage** (PostgreSQL): ``pg_dump -Fc`` of the portal's database (a dump is one
  snapshot of the database; blobs kept in the database are in it). Blobs in a shared
  blob directory (``shared_blob_dir = true``) are copied after the dump, by their names, as
  for a FileStorage. Restored with ``pg_restore`` into a new database.
- **ZEO**: a copy of the ZEO server's storage into a fresh FileStorage with its blobs, made
  with ZODB's ``copyTransactionsFrom`` over the ZEO protocol up to the last transaction
  committed when the backup began (see ``stage_zeo`` for why not repozo on the server's file).
"""
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import uuid
from urllib.parse import parse_qs, urlsplit

from ZODB.scripts import repozo

from ejportal.core.audit import ANCHOR_SETTING, default_anchor_path, get_audit_log
from ejportal.core.errors import Invalid
from ejportal.i18n import _
from ejportal.site.resources import ZODB_ROOT_KEY

MANIFEST = 'manifest.json'
VERIFIED = 'verified.json'
ANCHOR = 'audit-anchor.json'
NAME_FORMAT = '%Y-%m-%d-%H%M%S'
DUMP = 'database.dump'           # RelStorage: pg_dump's custom format
SCRATCH_SETTING = 'ejportal.backup_scratch_postgres'


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


def storage_kind(portal, settings):
    """What the portal runs on: 'file' (a FileStorage of a ``file://`` URI: repozo), 'zeo',
    'relstorage' (on PostgreSQL: pg_dump), or 'copy' (any other storage that iterates its
    transactions, such as a FileStorage named by zconfig: copied as ZEO's is)."""
    if storage_files(settings) is not None:
        return 'file'
    storage = portal._p_jar.db().storage
    from ZEO.ClientStorage import ClientStorage
    from relstorage.storage import RelStorage
    if isinstance(storage, RelStorage) and \
            type(storage._adapter).__module__.startswith('relstorage.adapters.postgresql'):
        return 'relstorage'
    if isinstance(storage, ClientStorage):
        return 'zeo'
    # another storage (a FileStorage by zconfig) is copied like ZEO's
    if not isinstance(storage, RelStorage) and hasattr(storage, 'iterator'):
        return 'copy'
    raise Invalid(_('backup-unknown-storage', default='Backups from the portal are made for '
                    'a FileStorage, ZEO and RelStorage on PostgreSQL; this storage is none of '
                    'them.'))


def anchor_file(settings):
    return settings.get(ANCHOR_SETTING) or default_anchor_path(settings.get('zodbconn.uri'))


def make_backup(portal, settings, log, full=False, now=None):
    """Back up the running portal's storage to every destination; returns the name."""
    kind_of_storage = storage_kind(portal, settings)
    config = portal['settings']
    targets = destinations(config)
    if not targets:
        raise Invalid(_('backup-no-destination', default='No backup destination is set '
                        '(Settings).'))
    now = now or datetime.datetime.now(datetime.timezone.utc)
    name = now.strftime(NAME_FORMAT)
    with tempfile.TemporaryDirectory(prefix='ejportal-backup-') as staging:
        anchor = anchor_file(settings)
        if anchor and os.path.exists(anchor):   # before the data: it names no entry it lacks
            shutil.copy2(anchor, os.path.join(staging, ANCHOR))
        if kind_of_storage == 'file':
            info = stage_file(settings, staging, config, full, now)
        elif kind_of_storage in ('zeo', 'copy'):
            info = stage_zeo(portal._p_jar.db().storage, staging, log, kind_of_storage)
        else:
            info = stage_relstorage(portal._p_jar.db().storage, staging, settings, log)
        info['created'] = now.isoformat()
        kind = info['kind']
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


def stage_file(settings, staging, config, full, now):
    """An embedded FileStorage: repozo (full or incremental), then the blobs."""
    data_fs, blob_dir = storage_files(settings)
    work = work_directory(settings)
    os.makedirs(work, exist_ok=True)
    last_full = _last_full(work)
    kind = 'full' if (full or last_full is None or now - last_full >= datetime.timedelta(
        days=config.backup_full_every_days)) else 'incremental'
    argv = ['-B', '-z', '-r', work, '-f', data_fs] + (['-F', '-k'] if kind == 'full' else [])
    repozo.main(argv)
    shutil.copytree(work, os.path.join(staging, 'repozo'))
    if blob_dir and os.path.isdir(blob_dir):
        shutil.copytree(blob_dir, os.path.join(staging, 'blobs'),
                        ignore=shutil.ignore_patterns('*.lock', 'tmp'))
    return {'kind': kind, 'storage': 'file', 'data_fs_size': os.path.getsize(data_fs)}


class _UpTo:
    """A source storage whose iterator stops at one transaction: the copy is of one moment
    even while the portal keeps committing."""

    def __init__(self, storage, last):
        self.storage, self.last = storage, last

    def iterator(self):
        return self.storage.iterator(None, self.last)

    def loadBlob(self, oid, serial):
        return self.storage.loadBlob(oid, serial)


def stage_zeo(storage, staging, log, kind_of_storage='zeo'):
    """A copy of the ZEO server's storage: every transaction up to the last one committed
    now, with its blobs, into a fresh FileStorage (``Data.fs``, ``blobs/``).

    Why this and not repozo on the ZEO server's ``Data.fs``: the portal's processes need not
    share a disk with the ZEO server (nor know where its file is: that is in the server's
    own zeo.conf), whereas the ZEO protocol reaches the storage from wherever the portal
    runs; the server hands out committed transactions only, and stopping at the tid read
    first makes the copy one consistent moment; the blobs come with their records (loadBlob)
    whether the blob directory is shared or not. The result is a plain FileStorage, which
    ``restore`` puts in place and ``verify`` opens without a server. The price is a full
    copy every time (no incrementals): for a school's database (hundreds of MB) that is
    minutes at night, and the destination hard-links the blobs its previous backup holds."""
    from ZODB.blob import copyTransactionsFromTo
    from ZODB.FileStorage import FileStorage
    from ZODB.utils import tid_repr
    last = storage.lastTransaction()
    data_fs = os.path.join(staging, 'Data.fs')
    target = FileStorage(data_fs, blob_dir=os.path.join(staging, 'blobs'), create=True)
    try:
        copyTransactionsFromTo(_UpTo(storage, last), target)
    finally:
        target.close()
    for leftover in ('Data.fs.lock', 'Data.fs.tmp'):
        if os.path.exists(os.path.join(staging, leftover)):
            os.remove(os.path.join(staging, leftover))
    shutil.rmtree(os.path.join(staging, 'blobs', 'tmp'), ignore_errors=True)
    log.write('%s: copied up to transaction %s\n' % (kind_of_storage, tid_repr(last)))
    return {'kind': 'full', 'storage': kind_of_storage, 'data_fs_size': os.path.getsize(data_fs),
            'last_transaction': tid_repr(last)}


def pg_program(settings, name):
    """``pg_dump``/``pg_restore``: beside ``ejportal.pg_bin`` if set, else on the PATH."""
    directory = (settings or {}).get('ejportal.pg_bin')
    found = os.path.join(directory, name) if directory else shutil.which(name)
    if not found or not os.path.exists(found):
        raise OSError('%s is not installed (or set ejportal.pg_bin)' % name)
    return found


def pg_environment(dsn):
    """The libpq environment for a connection string: the password goes in the environment,
    never on a command line that ``ps`` shows."""
    from psycopg2.extensions import parse_dsn
    parts = parse_dsn(dsn)
    env = dict(os.environ)
    for key, variable in (('host', 'PGHOST'), ('port', 'PGPORT'), ('user', 'PGUSER'),
                          ('password', 'PGPASSWORD'), ('dbname', 'PGDATABASE'),
                          ('sslmode', 'PGSSLMODE')):
        if parts.get(key):
            env[variable] = str(parts[key])
    return env


def run_pg(program, arguments, dsn):
    done = subprocess.run([program] + arguments, env=pg_environment(dsn),
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise OSError('%s failed: %s' % (os.path.basename(program),
                                         done.stderr.strip()[-1000:]))
    return done


def stage_relstorage(storage, staging, settings, log):
    """RelStorage on PostgreSQL: ``pg_dump -Fc`` (one snapshot of the database, its blobs
    included when they are kept in it), then a shared blob directory by its names."""
    options = storage._options
    dsn = storage._adapter._dsn
    dump = os.path.join(staging, DUMP)
    run_pg(pg_program(settings, 'pg_dump'), ['-Fc', '--no-owner', '--no-acl', '-f', dump], dsn)
    shared = bool(options.shared_blob_dir and options.blob_dir)
    if shared and os.path.isdir(options.blob_dir):
        shutil.copytree(options.blob_dir, os.path.join(staging, 'blobs'),
                        ignore=shutil.ignore_patterns('*.lock', 'tmp'))
    log.write('PostgreSQL: pg_dump of %s (%d bytes)%s\n' % (
        pg_environment(dsn).get('PGDATABASE', ''), os.path.getsize(dump),
        ', blobs from the shared blob directory' if shared else ''))
    return {'kind': 'full', 'storage': 'relstorage', 'dump_size': os.path.getsize(dump),
            'history_preserving': bool(options.keep_history), 'shared_blobs': shared}


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


def restore(backup_dir, target, settings=None):
    """A backup into a new place; refuses to write over an existing database. A FileStorage
    or ZEO backup becomes ``Data.fs``, ``blobs/`` and the anchor in the directory
    ``target``; a RelStorage backup is restored into the PostgreSQL database that the
    ``postgres://`` URI ``target`` names (made if missing, refused if it holds tables).
    -> where it went."""
    storage = read_manifest(backup_dir).get('storage', 'file')
    if storage == 'relstorage':
        return restore_relstorage(backup_dir, target, settings)
    if target.startswith('postgres://'):
        raise Invalid(_('restore-not-postgres', default='This is a backup of a FileStorage '
                        'or of a ZEO server: restore it into a directory.'))
    os.makedirs(target, exist_ok=True)
    data_fs = os.path.join(target, 'Data.fs')
    if os.path.exists(data_fs):
        raise Invalid(_('restore-exists', default='There is a database in that directory '
                        'already: restore into a new one.'))
    if storage in ('zeo', 'copy'):
        shutil.copy2(os.path.join(backup_dir, 'Data.fs'), data_fs)
    else:
        repozo.main(['-R', '-r', os.path.join(backup_dir, 'repozo'), '-o', data_fs])
    blobs = os.path.join(backup_dir, 'blobs')
    if os.path.isdir(blobs):
        shutil.copytree(blobs, os.path.join(target, 'blobs'))
    else:
        os.makedirs(os.path.join(target, 'blobs'))
    if os.path.exists(os.path.join(backup_dir, ANCHOR)):
        shutil.copy2(os.path.join(backup_dir, ANCHOR), os.path.join(target, ANCHOR))
    return data_fs


def postgres_target(uri):
    """(connection string of the database, of the server's ``postgres`` database, the
    database's name, the blob directory or None) from a ``postgres://`` URI."""
    parsed = urlsplit(uri.replace('postgres://', 'http://', 1))
    query = parse_qs(parsed.query)
    name = parsed.path.lstrip('/')
    if not uri.startswith('postgres://') or not name:
        raise Invalid(_('restore-needs-postgres', default='A RelStorage backup is restored '
                        'into a PostgreSQL database: give --to postgres://user:password@host:'
                        'port/new_database (with ?blob_dir=... for a shared blob directory).'))
    parts = [('user', parsed.username), ('password', parsed.password),
             ('host', parsed.hostname), ('port', parsed.port)]
    server = ' '.join("%s='%s'" % (k, v) for k, v in parts if v)
    return ("dbname='%s' %s" % (name, server), "dbname='postgres' %s" % server, name,
            query.get('blob_dir', [None])[0])


def _connect(dsn):
    import psycopg2
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    return conn


def restore_relstorage(backup_dir, uri, settings=None):
    from psycopg2 import sql
    dsn, server_dsn, name, blob_dir = postgres_target(uri)
    has_blobs = os.path.isdir(os.path.join(backup_dir, 'blobs'))
    if has_blobs and not blob_dir:
        raise Invalid(_('restore-needs-blob-dir', default='This backup holds a shared blob '
                        'directory: give the new one as ?blob_dir=... in the --to URI.'))
    if has_blobs and os.path.isdir(blob_dir) and os.listdir(blob_dir):
        raise Invalid(_('restore-blobs-exist', default='The blob directory is not empty: '
                        'restore into a new one.'))
    conn = _connect(server_dsn)
    try:
        cursor = conn.cursor()
        cursor.execute('SELECT 1 FROM pg_database WHERE datname = %s', (name,))
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL('CREATE DATABASE {}').format(sql.Identifier(name)))
    finally:
        conn.close()
    conn = _connect(dsn)
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT count(*) FROM information_schema.tables "
                       "WHERE table_schema = 'public'")
        if cursor.fetchone()[0]:
            raise Invalid(_('restore-database-exists', default='That database holds tables '
                            'already: restore into a new one.'))
    finally:
        conn.close()
    run_pg(pg_program(settings, 'pg_restore'), ['--no-owner', '--no-acl', '--exit-on-error',
                                                '--dbname', name, os.path.join(backup_dir,
                                                                               DUMP)], dsn)
    if has_blobs:
        os.makedirs(os.path.dirname(os.path.abspath(blob_dir)), exist_ok=True)
        shutil.copytree(os.path.join(backup_dir, 'blobs'), blob_dir, dirs_exist_ok=True)
    return 'PostgreSQL database %s' % name


def drop_database(uri):
    from psycopg2 import sql
    _dsn, server_dsn, name, _blobs = postgres_target(uri)
    conn = _connect(server_dsn)
    try:
        conn.cursor().execute(sql.SQL('DROP DATABASE IF EXISTS {} WITH (FORCE)').format(
            sql.Identifier(name)))
    finally:
        conn.close()


def open_restored(storage, place, shared_blobs=False):
    """A read-only ``ZODB.DB`` of a restored copy: a directory holding ``Data.fs`` and
    ``blobs/``, or a ``postgres://`` URI."""
    import ZODB
    if storage == 'relstorage':
        from zodburi import resolve_uri
        factory, _dbkw = resolve_uri(place)
        return ZODB.DB(factory())
    from ZODB.FileStorage import FileStorage
    return ZODB.DB(FileStorage(os.path.join(place, 'Data.fs'),
                               blob_dir=os.path.join(place, 'blobs'), read_only=True))


def count_objects(db):
    """Objects per class reachable from the root of ``db`` (any storage): what the copy
    holds, and proof that every reference in it can be loaded (a missing one is counted as
    ``<missing>``)."""
    from ZODB.POSException import POSKeyError
    from ZODB.serialize import referencesf
    from ZODB.utils import get_pickle_metadata, z64
    conn = db.open()
    try:
        storage = conn._storage
        seen, todo, counts = {z64}, [z64], {}
        while todo:
            oid = todo.pop()
            try:
                data, _serial = storage.load(oid)
            except POSKeyError:
                counts['<missing>'] = counts.get('<missing>', 0) + 1
                continue
            key = '%s.%s' % get_pickle_metadata(data)
            counts[key] = counts.get(key, 0) + 1
            for ref in referencesf(data):
                if ref not in seen:
                    seen.add(ref)
                    todo.append(ref)
        return counts
    finally:
        conn.close()


def verify_audit(db, anchor):
    """``audit-verify`` on a restored database, against the anchor saved with it."""
    conn = db.open()
    try:
        portal = conn.root().get(ZODB_ROOT_KEY)
        if portal is None:
            return False, 'no portal in the restored database'
        ok, _seq, message = get_audit_log(portal).verify(
            anchor if os.path.exists(anchor) else None)
        return ok, message.interpolate() if hasattr(message, 'interpolate') else str(message)
    finally:
        conn.close()


def scratch_postgres(settings):
    """A new database's URI for verifying a RelStorage backup: on the server of
    ``ejportal.backup_scratch_postgres`` (a URI of a user who may create databases), else on
    the portal's own server as the portal's user."""
    base = (settings or {}).get(SCRATCH_SETTING) or (settings or {}).get('zodbconn.uri') or ''
    if not base.startswith('postgres://'):
        raise Invalid(_('verify-needs-postgres', default='Verifying a RelStorage backup '
                        'restores it into a scratch PostgreSQL database: set '
                        'ejportal.backup_scratch_postgres.'))
    parsed = urlsplit(base)
    return '%s://%s/ejportal_verify_%s' % (parsed.scheme, parsed.netloc, uuid.uuid4().hex[:12])


def verify_backup(backup_dir, log, settings=None):
    """Check the manifest, restore into a scratch place (a directory, or a scratch
    PostgreSQL database dropped afterwards), count the objects per type and verify the
    audit chain against the backup's anchor. Writes ``verified.json`` into the backup.
    -> (ok, summary)."""
    bad = check_manifest(backup_dir)
    if bad:
        summary = 'manifest: %d files differ or are missing: %s' % (len(bad), ', '.join(bad[:5]))
        log.write(summary + '\n')
        return False, summary
    manifest = read_manifest(backup_dir)
    storage = manifest.get('storage', 'file')
    log.write('manifest: all %d files match\n' % len(manifest['files']))
    with tempfile.TemporaryDirectory(prefix='ejportal-verify-') as scratch:
        if storage == 'relstorage':
            place = scratch_postgres(settings) + '?blob_dir=%s&shared_blob_dir=%s' % (
                os.path.join(scratch, 'blobs'),
                'true' if manifest.get('shared_blobs') else 'false')
            anchor = os.path.join(backup_dir, ANCHOR)
        else:
            place = os.path.join(scratch, 'restored')
            anchor = os.path.join(place, ANCHOR)
        try:
            log.write('restored into %s\n' % restore(backup_dir, place, settings))
            db = open_restored(storage, place)
            try:
                counts = count_objects(db)
                for key in sorted(counts):
                    if key.startswith(('ejportal.', '<')):
                        log.write('  %6d %s\n' % (counts[key], key))
                ok, message = verify_audit(db, anchor)
            finally:
                db.close()
        finally:
            if storage == 'relstorage':
                drop_database(place)
        log.write('audit: %s\n' % message)
    audit_ok, ok = ok, ok and '<missing>' not in counts
    summary = '%s: %d objects, audit log %s%s' % (
        'verified' if ok else 'FAILED', sum(counts.values()),
        'intact' if audit_ok else 'broken', ', %d references missing' % counts['<missing>']
        if '<missing>' in counts else '')
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
        ok, summary = verify_backup(directory, log, settings)
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
                      'storage': manifest.get('storage', 'file'),
                      'created': manifest.get('created'), 'verified': verified})
    newest = datetime.datetime.fromisoformat(found[0]['created']) if found else None
    exists = os.path.isdir(destination)
    return {'destination': destination, 'exists': exists,
            'writable': exists and os.access(destination, os.W_OK | os.X_OK),
            'stale': newest is None or now - newest > datetime.timedelta(days=2),
            'last_verified': next((b for b in found if b['verified'] and
                                   b['verified'].get('ok')), None),
            'backups': found}

"""Backups of a portal on ZEO and on RelStorage (issue 13), made by the portal itself
(``ejportal-admin backup``, the ``backup`` job) against a real ZEO server and a private
PostgreSQL on free ports: populate, back up, change, back up again, damage the storage,
verify the backup, restore it into a new place, and compare every document with its
versions, every mark, user and the audit chain with what was backed up: equal.
Under CI=true a missing PostgreSQL is a failure (``servers.unavailable``)."""
import json
import time

import pytest
import transaction
import ZODB
from webtest import TestApp
from ZODB.blob import Blob
from zodburi import resolve_uri

from conftest import api_token, app_settings, close_app
from servers import PostgreSQL, ZEOServer
from test_backups import JSON, MATH, fingerprint, more_changes, read_portal
from test_evolve import write_ini

from ejportal import main
from ejportal.admin.backups import destination_report
from ejportal.scripts.admin import main as admin_main

SHEET = b'%PDF-1.4 homework sheet'


def read_uri(uri, check):
    factory, _dbkw = resolve_uri(uri)
    db = ZODB.DB(factory())
    try:
        conn = db.open()
        result = check(conn.root()['ejportal'])
        conn.close()
        return result
    finally:
        db.close()


def lesson_of(portal):
    journal = portal
    for part in MATH.strip('/').split('/'):
        journal = journal[part]
    return next(iter(journal.lessons.values()))


def homework(portal):
    with lesson_of(portal).files[0]['blob'].open('r') as f:
        return f.read()


def populate(settings, destinations):
    """The demo school, two backup destinations and a homework file (a blob)."""
    app = main({}, **settings)
    try:
        client = TestApp(app, extra_environ={'REMOTE_ADDR': '10.0.0.1'})
        admin = {'Authorization': 'Bearer ' + api_token(client, 'admin'), **JSON}
        client.patch_json('/settings', {'backup_destinations': '\n'.join(
            str(d) for d in destinations)}, headers=admin, status=204)
        conn = app.registry._zodb_databases[''].open()
        blob = Blob()
        with blob.open('w') as f:
            f.write(SHEET)
        lesson_of(conn.root()['ejportal']).files = (
            {'name': 'sheet.pdf', 'kind': 'pdf', 'size': len(SHEET), 'blob': blob},)
        transaction.commit()
        conn.close()
    finally:
        close_app(app)


def change(settings):
    """A mark, a new version of a draft act and a new user."""
    app = main({}, **settings)
    try:
        more_changes(app)
    finally:
        close_app(app)


def backup(ini, capsys):
    assert admin_main([ini, 'backup']) == 0, capsys.readouterr()
    return capsys.readouterr().out.strip().splitlines()[-1]


def round_trip(tmp_path, capsys, settings, damage, restore_to, read_restored):
    """Back up twice around a change, damage, verify, restore; -> the second backup."""
    dest1, dest2 = tmp_path / 'disk1', tmp_path / 'usb'
    populate(settings, (dest1, dest2))
    ini = write_ini(tmp_path, **settings)
    first = backup(ini, capsys)
    change(settings)
    time.sleep(1.1)             # backups are named by the second
    second = backup(ini, capsys)
    assert second != first
    for destination in (dest1, dest2):
        manifest = json.loads((destination / second / 'manifest.json').read_text())
        assert manifest['kind'] == 'full' and all(len(d) == 64 for _s, d in
                                                  manifest['files'].values())
    # Settings → Backups lists both, newest first, with the storage they are of
    report = destination_report(str(dest2))
    assert [b['name'] for b in report['backups']] == [second, first]
    assert report['backups'][0]['storage'] == manifest['storage'] and not report['stale']
    before = read_uri(settings['zodbconn.uri'], fingerprint)
    assert before['audit_ok'] and 'novikova' in before['users']
    # the weekly job (after the fingerprint: its run is audited) restores the newest
    # backup of each destination and verifies it itself
    assert admin_main([ini, 'run-job', 'backup-verify']) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == 'verified: 2 destinations'
    for destination in (dest1, dest2):
        assert json.loads((destination / second / 'verified.json').read_text())['ok']
    damage()

    assert admin_main([ini, 'verify-backup', str(dest2 / second)]) == 0
    out = capsys.readouterr().out
    assert 'verified' in out and 'ejportal.journal.resources.Student' in out
    assert json.loads((dest2 / second / 'verified.json').read_text())['ok'] is True
    assert admin_main([ini, 'restore', str(dest1 / second), '--to', restore_to]) == 0
    capsys.readouterr()
    assert read_restored(fingerprint) == before
    assert read_restored(homework) == SHEET
    # never over a database
    assert admin_main([ini, 'restore', str(dest1 / second), '--to', restore_to]) == 1
    assert 'restore into a new one' in capsys.readouterr().err
    # a damaged copy does not verify
    dump = max((p for p in (dest1 / second).rglob('*') if p.is_file() and
                p.name != 'manifest.json'), key=lambda p: p.stat().st_size)
    data = dump.read_bytes()
    middle = len(data) // 2         # one byte flipped (not set: it may hold that value)
    dump.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
    assert admin_main([ini, 'verify-backup', str(dest1 / second)]) == 1
    assert 'differ or are missing' in capsys.readouterr().err
    return second


def test_zeo_backup_damage_restore(tmp_path, capsys):
    server = ZEOServer(tmp_path).start()
    try:
        settings = app_settings(tmp_path, **{
            'zodbconn.uri': server.uri,
            'ejportal.audit_anchor': str(tmp_path / 'audit-anchor.json')})

        def damage():
            server.stop()
            with open(server.path, 'r+b') as f:
                f.seek(4096)
                f.write(b'\0' * 65536)
        restored = tmp_path / 'restored'
        name = round_trip(tmp_path, capsys, settings, damage, str(restored),
                          lambda check: read_portal(str(restored / 'Data.fs'),
                                                    str(restored / 'blobs'), check))
        manifest = json.loads((tmp_path / 'usb' / name / 'manifest.json').read_text())
        assert manifest['storage'] == 'zeo' and 'Data.fs' in manifest['files']
        assert any(f.startswith('blobs/') for f in manifest['files'])
        assert 'audit-anchor.json' in manifest['files']
    finally:
        server.stop()


@pytest.fixture
def postgresql():
    server = PostgreSQL().start()
    yield server
    server.stop()


@pytest.mark.postgres
@pytest.mark.parametrize('shared', [False, True], ids=['blobs-in-db', 'shared-blob-dir'])
def test_relstorage_backup_damage_restore(tmp_path, capsys, postgresql, shared):
    import psycopg2
    uri = postgresql.create_database('ejportal_school') + \
        '?blob_dir=%s&shared_blob_dir=%s&cache_local_mb=0' % (
            tmp_path / 'rs-blobs', 'true' if shared else 'false')
    settings = app_settings(tmp_path, **{
        'zodbconn.uri': uri, 'ejportal.audit_anchor': str(tmp_path / 'audit-anchor.json')})

    def damage():
        conn = psycopg2.connect(host='127.0.0.1', port=postgresql.port, user='postgres',
                                dbname='ejportal_school')
        conn.autocommit = True
        conn.cursor().execute('DROP SCHEMA public CASCADE')
        conn.close()
    restored = 'postgres://postgres@127.0.0.1:%d/ejportal_restored?blob_dir=%s' \
        '&shared_blob_dir=%s' % (postgresql.port, tmp_path / 'restored-blobs',
                                 'true' if shared else 'false')
    name = round_trip(tmp_path, capsys, settings, damage, restored,
                      lambda check: read_uri(restored, check))
    manifest = json.loads((tmp_path / 'usb' / name / 'manifest.json').read_text())
    assert manifest['storage'] == 'relstorage' and 'database.dump' in manifest['files']
    assert any(f.startswith('blobs/') for f in manifest['files']) is shared
    # the scratch databases of the verifications are gone
    conn = psycopg2.connect(host='127.0.0.1', port=postgresql.port, user='postgres',
                            dbname='postgres')
    cursor = conn.cursor()
    cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'ejportal_verify_%'")
    assert cursor.fetchall() == []
    conn.close()


def test_relstorage_restore_needs_a_database_uri(tmp_path):
    from ejportal.admin.backups import postgres_target
    from ejportal.core.errors import Invalid
    with pytest.raises(Invalid):
        postgres_target(str(tmp_path / 'a-directory'))
    dsn, server, name, blobs = postgres_target(
        'postgres://u:secret@db.school:5433/restored?blob_dir=/srv/blobs')
    assert name == 'restored' and blobs == '/srv/blobs'
    assert "dbname='postgres'" in server and "port='5433'" in server


def test_a_filestorage_named_by_zconfig_is_copied(tmp_path, capsys):
    """No repozo without the file's path from a file:// URI: the storage is copied as ZEO's."""
    conf = tmp_path / 'storage.conf'
    conf.write_text('<zodb main>\n  <filestorage>\n    path %s\n    blob-dir %s\n'
                    '  </filestorage>\n</zodb>\n' % (tmp_path / 'zc.fs', tmp_path / 'zc-blobs'))
    settings = app_settings(tmp_path, **{
        'zodbconn.uri': 'zconfig://%s#main' % conf,
        'ejportal.audit_anchor': str(tmp_path / 'audit-anchor.json')})

    def damage():
        with open(tmp_path / 'zc.fs', 'r+b') as f:
            f.seek(4096)
            f.write(b'\0' * 65536)
    restored = tmp_path / 'restored'
    name = round_trip(tmp_path, capsys, settings, damage, str(restored),
                      lambda check: read_portal(str(restored / 'Data.fs'),
                                                str(restored / 'blobs'), check))
    manifest = json.loads((tmp_path / 'usb' / name / 'manifest.json').read_text())
    assert manifest['storage'] == 'copy'

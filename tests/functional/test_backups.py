"""Backups on several media (issue 13): the round trip. A database is populated, backed up
(full, then incremental after more changes) to two destinations through the console (the
``backup`` job), the original is damaged, a backup is restored into a new place, and every
document with its versions, every mark, every user and the audit chain are equal to what
was backed up. A damaged copy fails its verification."""
import datetime
import os
import time

import ZODB
from webtest import TestApp
from ZODB.blob import Blob
from ZODB.FileStorage import FileStorage

from conftest import api_token, app_settings, close_app
from test_evolve import write_ini

from ejportal import main
from ejportal.journal.resources import school_year_start
from ejportal.scripts.admin import main as admin_main

START = school_year_start(datetime.date.today())
MATH = '/journal/%d-%d/classes/5a/journals/math' % (START, START + 1)
JSON = {'Accept': 'application/json'}


def fingerprint(portal):
    """What a restore must bring back, read from a portal."""
    def walk(folder, found):
        for name, child in folder.items():
            versions = getattr(child, 'versions', None)
            if versions:
                found[name] = [(v.number, v.sha256, v.author) for v in versions]
            if getattr(child, 'is_folder', False):
                walk(child, found)
        return found
    marks = {}
    year = portal['journal']['%d-%d' % (START, START + 1)]
    for school_class in year['classes'].values():
        for journal in school_class['journals'].values():
            marks[journal.__name__ + '@' + school_class.__name__] = sorted(
                (key, repr(value)) for key, value in journal.cells.items())
    users = {login: (u.fullname, tuple(u.roles), u.password_hash)
             for login, u in portal['people']['users'].items()}
    log = portal.audit_log
    count, newest = log.newest()
    last = list(log.entries(reverse=True))[0]
    return {'documents': walk(portal['documents'], {}), 'marks': marks, 'users': users,
            'audit_ok': log.verify()[0],
            # the backup cannot hold the record of its own run, written after it: compare
            # the log up to that record
            'audit': (count - 1, log.hash_at(count - 2)) if last['action'] == 'job-run'
            else (count, newest)}


def read_portal(data_fs, blob_dir, check):
    db = ZODB.DB(FileStorage(data_fs, blob_dir=blob_dir, read_only=True))
    try:
        conn = db.open()
        result = check(conn.root()['ejportal'])
        conn.close()
        return result
    finally:
        db.close()


def test_backup_damage_restore_round_trip(app, db_dir, tmp_path, capsys):
    dest1, dest2 = tmp_path / 'disk1', tmp_path / 'usb'
    testapp_headers = None
    client = TestApp(app, extra_environ={'REMOTE_ADDR': '10.0.0.1'})
    admin = {'Authorization': 'Bearer ' + api_token(client, 'admin'), **JSON}
    client.patch_json('/settings', {'backup_destinations': '%s\n%s' % (dest1, dest2)},
                      headers=admin, status=204)
    # a blob, so the blobs go with the file
    conn = app.registry._zodb_databases[''].open()
    journal = conn.root()['ejportal']
    for part in MATH.strip('/').split('/'):
        journal = journal[part]
    lesson = next(iter(journal.lessons.values()))
    blob = Blob()
    with blob.open('w') as f:
        f.write(b'%PDF-1.4 homework sheet')
    lesson.files = ({'name': 'sheet.pdf', 'kind': 'pdf', 'size': 23, 'blob': blob},)
    import transaction
    transaction.commit()
    conn.close()
    close_app(app)
    ini = write_ini(db_dir)

    assert admin_main([ini, 'backup']) == 0
    first = capsys.readouterr().out.strip().splitlines()[-1]
    for destination in (dest1, dest2):
        manifest = (destination / first / 'manifest.json').read_text()
        assert '"kind": "full"' in manifest and 'blobs/' in manifest

    # more changes: a mark, a new version of a draft act, a new user
    application = main({}, **app_settings(db_dir))
    try:
        more_changes(application)
    finally:
        close_app(application)
    time.sleep(1.1)   # repozo names its files by the second
    assert admin_main([ini, 'backup']) == 0
    second = capsys.readouterr().out.strip().splitlines()[-1]
    assert second != first
    assert '"kind": "incremental"' in (dest2 / second / 'manifest.json').read_text()
    # the unchanged blob is linked to the earlier backup's, not copied again
    blob_files = [os.path.join(d, f) for d, _s, fs in os.walk(dest2 / second / 'blobs')
                  for f in fs if f.endswith('.blob')]
    assert blob_files and all(os.stat(f).st_nlink >= 2 for f in blob_files)

    data_fs, blob_dir = str(db_dir / 'Data.fs'), str(db_dir / 'blobs')
    before = read_portal(data_fs, blob_dir, fingerprint)
    assert before['audit_ok'] and 'novikova' in before['users']

    # the disk fails: the file is garbage
    with open(data_fs, 'r+b') as f:
        f.seek(4096)
        f.write(os.urandom(65536))

    assert admin_main([ini, 'verify-backup', str(dest2 / second)]) == 0
    assert 'verified' in capsys.readouterr().out
    restored = tmp_path / 'restored'
    assert admin_main([ini, 'restore', str(dest1 / second), '--to', str(restored)]) == 0
    after = read_portal(str(restored / 'Data.fs'), str(restored / 'blobs'), fingerprint)
    assert after == before
    # the blob came back too
    def homework(portal):
        journal = portal
        for part in MATH.strip('/').split('/'):
            journal = journal[part]
        with next(iter(journal.lessons.values())).files[0]['blob'].open('r') as f:
            return f.read()
    assert read_portal(str(restored / 'Data.fs'), str(restored / 'blobs'),
                       homework) == b'%PDF-1.4 homework sheet'
    # restoring over a database is refused
    assert admin_main([ini, 'restore', str(dest1 / second), '--to', str(restored)]) == 1
    # a damaged copy does not verify
    victim = sorted(p for p in (dest1 / second / 'repozo').iterdir())[0]
    victim.write_bytes(victim.read_bytes()[:-10] + b'0123456789')
    assert admin_main([ini, 'verify-backup', str(dest1 / second)]) == 1
    assert 'differ or are missing' in capsys.readouterr().err
    assert testapp_headers is None


def test_retention_keeps_the_newest_of_days_weeks_and_months():
    from ejportal.admin.backups import keep
    names = ['2026-%02d-%02d-010000' % (m, d) for m in (9, 10, 11) for d in range(1, 29)]
    kept = keep(names, daily=7, weekly=2, monthly=2, now=datetime.datetime(2026, 12, 5))
    assert {'2026-11-%02d-010000' % d for d in range(22, 29)} <= kept
    assert '2026-10-28-010000' in kept          # newest of October
    assert '2026-09-28-010000' not in kept      # September is the third month back
    assert len(kept) == 8
    # everything of the last day stays (a second backup today does not push out the first)
    today = ['2026-12-05-010000', '2026-12-05-020000']
    assert set(today) <= keep(names + today, 1, 0, 0, now=datetime.datetime(2026, 12, 5, 3))


def test_the_backups_screen_warns_of_a_missing_destination(testapp, as_user, tmp_path):
    admin = {'Authorization': 'Bearer ' + api_token(testapp, 'admin'), **JSON}
    testapp.patch_json('/settings', {'backup_destinations': str(tmp_path / 'unplugged')},
                       headers=admin, status=204)
    report = testapp.get('/settings/@backups', headers=admin).json['items']
    assert report[0]['exists'] is False and report[0]['stale'] is True
    testapp.get('/settings/@backups', headers={
        'Authorization': 'Bearer ' + api_token(testapp, 'director'), **JSON}, status=(403, 404))
    as_user('admin')
    page = testapp.get('/settings/backups')
    assert 'does not exist' in page.text and 'No backup in the last two days' in page.text


def more_changes(application):
    """Through the API of ``application``: a mark, a new version of a draft act, a new
    user (what a backup taken before must not hold and one taken after must)."""
    client = TestApp(application, extra_environ={'REMOTE_ADDR': '10.0.0.1'})
    teacher = {'Authorization': 'Bearer ' + api_token(client, 'teacher'), **JSON}
    grid = client.get(MATH + '?period=q1', headers=teacher).json
    client.post_json(MATH + '/@cell', {'student': grid['students'][1]['id'],
                                       'lesson': grid['lessons'][2]['id'], 'text': '4 5'},
                     headers=teacher)
    director = {'Authorization': 'Bearer ' + api_token(client, 'director'), **JSON}
    client.patch_json('/documents/regulation-4', {'title': 'Положение о локальной сети'},
                      headers=director, status=204)
    admin = {'Authorization': 'Bearer ' + api_token(client, 'admin'), **JSON}
    client.post_json('/people/users', {'@type': 'User', 'id': 'novikova',
                                       'surname': 'Новикова', 'first_name': 'Ольга',
                                       'roles': ['teacher']}, headers=admin, status=201)

"""Two things an attacker could count on, taken away (issue 10).

A known secret: every ``ejportal.secret`` the repository ships is public, so a portal that
is not a demo refuses to start with one, or with a short or missing one.

A cut-off audit log: the hash chain alone cannot show entries removed from its end, so each
commit that appends anchors the newest entry outside the database, and ``audit-verify``
compares the log with the anchor.
"""
import configparser
import copy
import json
from pathlib import Path

import pytest
import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

from conftest import EnglishClient, SECRET, app_settings, close_app, login
from test_evolve import write_ini

from ejportal import (
    MIN_SECRET_LENGTH, SHIPPED_SECRETS, InsecureSecret, checked_secret, main)
from ejportal.core.audit import ANCHOR_NAME, AuditLog, anchor_log, read_anchor
from ejportal.scripts.admin import main as admin_main

REPOSITORY = Path(__file__).resolve().parents[2]
SKIPPED = {'.git', '.venv', 'node_modules', 'var', '__pycache__'}


def shipped_ini_files():
    return [path for path in REPOSITORY.rglob('*.ini')
            if not SKIPPED & set(path.relative_to(REPOSITORY).parts)]


def ini_settings(path):
    parser = configparser.ConfigParser(defaults={'here': str(path.parent)},
                                       interpolation=None)
    parser.read(path, encoding='utf-8')
    return dict(parser['app:main']) if parser.has_section('app:main') else {}


# -- the secret --------------------------------------------------------------------------
def test_every_secret_shipped_in_an_ini_file_is_refused():
    files = shipped_ini_files()
    assert {'development.ini', 'production.ini'} <= {path.name for path in files}
    for path in files:
        secret = ini_settings(path).get('ejportal.secret', '').strip()
        assert not secret or secret in SHIPPED_SECRETS, (
            '%s ships ejportal.secret = %r: add it to ejportal.SHIPPED_SECRETS'
            % (path.relative_to(REPOSITORY), secret))


def test_production_ini_ships_no_usable_secret():
    settings = ini_settings(REPOSITORY / 'production.ini')
    assert settings['ejportal.demo'] == 'false'
    with pytest.raises(InsecureSecret, match='secrets.token_urlsafe'):
        checked_secret(settings)


def test_development_ini_still_starts_its_demo():
    """``make run`` is unchanged: a demo portal (every password 'demo') takes its secret."""
    settings = ini_settings(REPOSITORY / 'development.ini')
    assert settings['ejportal.demo'] == 'true'
    assert checked_secret(settings) == settings['ejportal.secret']


@pytest.mark.parametrize('secret', [
    None, '', '   ', 'short', 'x' * (MIN_SECRET_LENGTH - 1), *sorted(SHIPPED_SECRETS)])
def test_a_real_portal_refuses_a_missing_short_or_shipped_secret(tmp_path, secret):
    settings = app_settings(tmp_path, **{'ejportal.demo': 'false'})
    if secret is None:
        del settings['ejportal.secret']
    else:
        settings['ejportal.secret'] = secret
    with pytest.raises(InsecureSecret) as refused:
        main({}, **settings)
    message = str(refused.value)
    assert 'ejportal.secret' in message and 'at least 32 characters' in message
    assert "python -c 'import secrets; print(secrets.token_urlsafe(48))'" in message
    assert not (tmp_path / 'Data.fs').exists(), 'refused only after opening the database'


def test_a_real_portal_starts_with_a_long_random_secret(tmp_path):
    assert len(SECRET) >= MIN_SECRET_LENGTH  # the suite's own, used by test_upgrade too
    app = main({}, **app_settings(tmp_path, **{'ejportal.demo': 'false'}))
    close_app(app)


def test_the_console_refuses_a_shipped_secret_with_the_message(tmp_path):
    ini = write_ini(tmp_path, **{'ejportal.demo': 'false', 'ejportal.secret': 'CHANGE-ME'})
    with pytest.raises(SystemExit) as refused:
        admin_main([ini, 'list-users'])
    assert 'secrets.token_urlsafe(48)' in str(refused.value.code)


# -- the audit anchor --------------------------------------------------------------------
def client(app):
    return EnglishClient(app, extra_environ={'REMOTE_ADDR': '10.0.0.1', 'HTTP_HOST': 'localhost'})


def audited_requests(app, count=3):
    """Requests that each append to the audit log and commit (failed logins)."""
    browser = client(app)
    for _ in range(count):
        login(browser, 'teacher', 'wrong')


def stored_log(db_dir):
    """(db, conn, log) of the FileStorage itself, the app closed: what someone with the
    file in hand can change."""
    db = DB(FileStorage(str(db_dir / 'Data.fs')))
    conn = db.open()
    return db, conn, conn.root()['ejportal'].audit_log


def cut_tail(db_dir, how):
    """Remove the newest entries, or the newest chunk, directly in the database; returns
    (entries before, entries after)."""
    db, conn, log = stored_log(db_dir)
    try:
        before = len(log)
        chunks = log._chunks
        if how == 'chunk':
            assert len(chunks) > 1
            del chunks[chunks.maxKey()]
            chunks[chunks.maxKey()].sealed = False
        else:
            newest = chunks[chunks.maxKey()]
            newest.records = newest.records[:-2]
        transaction.commit()
        return before, len(log)
    finally:
        transaction.abort()
        conn.close()
        db.close()


def verify(ini, capsys):
    capsys.readouterr()
    code = admin_main([ini, 'audit-verify'])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_each_audited_commit_anchors_the_newest_entry(app, db_dir):
    anchor_file = db_dir / ANCHOR_NAME
    assert app.registry.settings['ejportal.audit_anchor'] == str(anchor_file)
    audited_requests(app)
    db = app.registry._zodb_databases['']
    with db.transaction() as conn:
        log = conn.root()['ejportal'].audit_log
        assert read_anchor(str(anchor_file)) == log.newest()
        assert log.newest()[0] == len(log) and log.search(action='login-failed', limit=1)
    assert json.loads(anchor_file.read_text())['seq'] == len(log) - 1


def test_an_intact_log_passes(app, db_dir, capsys):
    audited_requests(app)
    close_app(app)
    code, out = verify(write_ini(db_dir), capsys)
    assert code == 0 and 'audit log intact' in out, out


@pytest.mark.parametrize('how', ['entries', 'chunk'])
def test_a_shortened_log_is_reported(app, db_dir, capsys, how):
    if how == 'chunk':  # the requests' entries go to a chunk of their own
        with app.registry._zodb_databases[''].transaction() as conn:
            log = conn.root()['ejportal'].audit_log
            log.chunk_size = len(log)
    audited_requests(app)
    close_app(app)
    before, after = cut_tail(db_dir, how)
    assert after < before
    code, out = verify(write_ini(db_dir), capsys)
    assert code == 1, out
    assert ('audit log shortened or rewritten: anchored %d entries, found %d'
            % (before, after)) in out.lower()


def test_a_rewritten_tail_is_reported(app, db_dir, capsys):
    """The newest entry replaced by a forger who recomputed its hash: the chain holds,
    the anchor does not."""
    audited_requests(app)
    close_app(app)
    db, conn, log = stored_log(db_dir)
    newest = log._chunks[log._chunks.maxKey()]
    forged = newest.chained()[-1]
    newest.records = newest.records[:-1]
    newest.append((None, forged[1], 'director', *forged[3:9]))
    count = len(log)
    transaction.commit()
    conn.close()
    db.close()
    code, out = verify(write_ini(db_dir), capsys)
    assert code == 1
    assert ('anchored %d entries, found %d' % (count, count)) in out


def test_later_entries_do_not_hide_a_cut(app, db_dir, capsys):
    """Appends after the cut would outnumber the anchor: it is kept as the evidence."""
    audited_requests(app)
    close_app(app)
    before, after = cut_tail(db_dir, 'entries')
    app = main({}, **app_settings(db_dir))
    audited_requests(app, count=5)
    browser = client(app)
    login(browser, 'admin')
    page = browser.get('/settings/@@audit-verify')
    assert 'shortened or rewritten: anchored %d entries' % before in page.text
    close_app(app)
    code, out = verify(write_ini(db_dir), capsys)
    assert code == 1 and 'anchored %d entries' % before in out, out


def test_an_unreadable_anchor_is_reported(app, db_dir, capsys):
    audited_requests(app)
    close_app(app)
    (db_dir / ANCHOR_NAME).write_text('{"count": "many"}')
    code, out = verify(write_ini(db_dir), capsys)
    assert code == 1 and 'cannot be read' in out, out


def test_without_an_anchor_yet_the_console_says_so(app, db_dir, capsys):
    """A database from before the anchor (or a copied one) verifies, and is told that a
    shortened log could not be noticed."""
    close_app(app)
    assert not (db_dir / ANCHOR_NAME).exists()
    code, out = verify(write_ini(db_dir), capsys)
    assert code == 0 and 'audit log intact' in out and 'no anchor file' in out, out


def test_an_anchor_ahead_of_the_log_is_not_moved_back(tmp_path, config):
    """Two threads' hooks may run out of order; the one that read less keeps its hands off."""
    path = str(tmp_path / ANCHOR_NAME)
    log = AuditLog()
    for n in range(3):
        log.append('entry-%d' % n)
    assert anchor_log(log, path) and read_anchor(path) == log.newest() == (3, log.hash_at(2))
    stale = copy.deepcopy(log)
    log.append('entry-3')
    assert anchor_log(log, path) and read_anchor(path)[0] == 4
    assert not anchor_log(stale, path) and read_anchor(path) == log.newest()

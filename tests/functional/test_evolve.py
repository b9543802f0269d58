"""Schema generations: an older database is evolved, a newer one refused."""
import contextlib

import pytest
import transaction
from pyramid import threadlocal

from conftest import app_settings, close_app
from ejportal import main
from ejportal.core import evolve
from ejportal.scripts.admin import main as admin_main


def write_ini(directory, **overrides):
    settings = app_settings(directory, **overrides)
    lines = ['[app:main]', 'use = egg:ejportal'] + ['%s = %s' % kv for kv in settings.items()]
    path = directory / 'test.ini'
    path.write_text('\n'.join(lines) + '\n')
    return str(path)


@contextlib.contextmanager
def pushed(registry):
    """``registry`` current, as a console script has it, so changes send their events."""
    threadlocal.manager.push({'registry': registry, 'request': None})
    try:
        yield registry
    finally:
        threadlocal.manager.pop()


def as_legacy(portal, generation):
    """Make ``portal`` look like a database of the integer-numbered steps, at ``generation``."""
    del portal.evolve_done
    portal.generation = generation


def all_steps_done(application, portal):
    return set(portal.evolve_done) == set(application.registry.portal.evolve_steps)


def age_database(app):
    """Make the database look like one from before generation 1."""
    db = app.registry._zodb_databases['']
    with db.transaction() as conn:
        portal = conn.root()['ejportal']
        as_legacy(portal, 0)
        del portal['people'].login_failures
    close_app(app)


def test_old_database_is_refused_without_auto_evolve_then_evolved_by_the_command(app, db_dir, capsys):
    age_database(app)
    with pytest.raises(evolve.DatabaseTooOld, match='ejportal-admin evolve'):
        main({}, **app_settings(db_dir, **{'ejportal.auto_evolve': 'false'}))
    ini = write_ini(db_dir, **{'ejportal.auto_evolve': 'false'})
    assert admin_main([ini, 'evolve']) == 0
    assert 'login failures' in capsys.readouterr().out
    application = main({}, **app_settings(db_dir, **{'ejportal.auto_evolve': 'false'}))
    with application.registry._zodb_databases[''].transaction() as conn:
        portal = conn.root()['ejportal']
        assert all_steps_done(application, portal)
        assert len(portal['people'].login_failures) == 0
    close_app(application)


def test_auto_evolve_brings_an_old_database_up(app, db_dir):
    age_database(app)
    application = main({}, **app_settings(db_dir))
    with application.registry._zodb_databases[''].transaction() as conn:
        assert all_steps_done(application, conn.root()['ejportal'])
    close_app(application)


def test_a_named_step_not_done_is_run_by_name(app, db_dir, capsys):
    step = 'people: login failures kept for throttling'
    db = app.registry._zodb_databases['']
    with db.transaction() as conn:
        portal = conn.root()['ejportal']
        portal.evolve_done.remove(step)
        del portal['people'].login_failures
    close_app(app)
    with pytest.raises(evolve.DatabaseTooOld, match=step):
        main({}, **app_settings(db_dir, **{'ejportal.auto_evolve': 'false'}))
    ini = write_ini(db_dir, **{'ejportal.auto_evolve': 'false'})
    assert admin_main([ini, 'evolve', '--dry-run']) == 0
    assert capsys.readouterr().out.strip() == 'pending: ' + step
    assert admin_main([ini, 'evolve']) == 0
    assert 'applied: ' + step in capsys.readouterr().out
    application = main({}, **app_settings(db_dir, **{'ejportal.auto_evolve': 'false'}))
    close_app(application)


def test_newer_database_is_refused(app, db_dir):
    db = app.registry._zodb_databases['']
    with db.transaction() as conn:
        conn.root()['ejportal'].evolve_done.add('journal: a step of a later version')
    close_app(app)
    with pytest.raises(evolve.DatabaseTooNew, match='a step of a later version'):
        main({}, **app_settings(db_dir))
    transaction.abort()
    ini = write_ini(db_dir)
    assert admin_main([ini, 'evolve']) == 1


def test_a_legacy_database_newer_than_the_numbered_steps_is_refused(app, db_dir):
    db = app.registry._zodb_databases['']
    with db.transaction() as conn:
        as_legacy(conn.root()['ejportal'], 99)
    close_app(app)
    with pytest.raises(evolve.DatabaseTooNew, match='generation 99'):
        main({}, **app_settings(db_dir))
    transaction.abort()


def test_admin_script_users_and_audit(app, db_dir, capsys):
    close_app(app)
    ini = write_ini(db_dir)
    assert admin_main([ini, 'create-user', 'novikova', '--role', 'teacher',
                       '--surname', 'Новикова']) == 0
    out = capsys.readouterr().out
    assert 'one-time password' in out
    assert admin_main([ini, 'create-user', 'x', '--role', 'wizard']) == 1
    assert admin_main([ini, 'list-users']) == 0
    assert 'novikova' in capsys.readouterr().out
    assert admin_main([ini, 'audit-verify']) == 0
    assert 'audit log intact' in capsys.readouterr().out


def test_admin_script_sends_reports_once(app, db_dir, capsys):
    close_app(app)
    ini = write_ini(db_dir)
    assert admin_main([ini, 'send-reports']) == 0
    first = capsys.readouterr().out
    assert 'reports sent:' in first
    assert admin_main([ini, 'send-reports']) == 0
    assert 'reports sent: 0' in capsys.readouterr().out


def test_admin_script_generates_a_small_school(app, db_dir, capsys):
    close_app(app)
    ini = write_ini(db_dir)
    assert admin_main([ini, 'generate-school', '--size', 'small']) == 0
    assert capsys.readouterr().out.strip()


def test_pending_acknowledgements_are_rebuilt_for_an_old_database(app, db_dir):
    db = app.registry._zodb_databases['']
    with db.transaction() as conn:
        portal = conn.root()['ejportal']
        assert 'teacher' in portal['documents'].pending_acknowledgements
        portal['documents'].pending_acknowledgements = None
        as_legacy(portal, 5)
    close_app(app)
    application = main({}, **app_settings(db_dir))  # auto_evolve
    with application.registry._zodb_databases[''].transaction() as conn:
        from ejportal.documents.acknowledgement import to_acknowledge
        orders = to_acknowledge(conn.root()['ejportal'], 'teacher')
        assert [o.number for o in orders] == [181]
    close_app(application)


def test_admin_script_maintains(app, db_dir, capsys):
    import datetime
    db = app.registry._zodb_databases['']
    with db.transaction() as conn:
        people = conn.root()['ejportal']['people']
        old = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
        people.login_failures['login:ghost'] = (2, old)
        people.login_failures['addr:10.1.1.1'] = (1, datetime.datetime.now(datetime.timezone.utc))
    close_app(app)
    ini = write_ini(db_dir)
    assert admin_main([ini, 'maintain']) == 0
    assert 'login failure records forgotten: 1' in capsys.readouterr().out
    application = main({}, **app_settings(db_dir))
    with application.registry._zodb_databases[''].transaction() as conn:
        failures = conn.root()['ejportal']['people'].login_failures
        assert 'login:ghost' not in failures and 'addr:10.1.1.1' in failures
    close_app(application)


def test_students_get_their_records_counter_in_an_old_database(app, db_dir):
    db = app.registry._zodb_databases['']
    with db.transaction() as conn:
        portal = conn.root()['ejportal']
        for student in portal['journal']['students'].values():
            del student.records_version        # as made before generation 8
        as_legacy(portal, 7)
    close_app(app)
    application = main({}, **app_settings(db_dir))  # auto_evolve
    with application.registry._zodb_databases[''].transaction() as conn:
        students = list(conn.root()['ejportal']['journal']['students'].values())
        assert students and all(s.records_version() == 0 for s in students)
    close_app(application)


def test_lessons_get_their_journal_and_counter_in_an_old_database(app, db_dir):
    from ejportal.journal.resources import Journal
    db = app.registry._zodb_databases['']
    with db.transaction() as conn:
        portal = conn.root()['ejportal']
        journals = [j for y in portal['journal'].years() for c in y['classes'].values()
                    for j in c['journals'].values()]
        for journal in journals:       # as made before generation 9
            del journal.lessons_version
            for lesson in journal.lessons.values():
                del lesson.__parent__
        as_legacy(portal, 8)
    close_app(app)
    application = main({}, **app_settings(db_dir))  # auto_evolve
    with application.registry._zodb_databases[''].transaction() as conn:
        portal = conn.root()['ejportal']
        journal = [j for y in portal['journal'].years() for c in y['classes'].values()
                   for j in c['journals'].values()][0]
        assert isinstance(journal, Journal) and journal.lessons_version() == 0
        lesson = next(iter(journal.lessons.values()))
        assert lesson.__parent__ is journal
        with pushed(application.registry):
            journal.edit_lesson(lesson, {'topic': 'changed'})
        assert journal.lessons_version() == 1
    close_app(application)


def test_admin_script_ends_login_sessions(app, db_dir, as_user, capsys):
    import re
    as_user('teacher')
    close_app(app)
    ini = write_ini(db_dir)
    assert admin_main([ini, 'end-sessions']) == 1            # neither a login nor --all
    assert admin_main([ini, 'end-sessions', 'nobody']) == 1
    capsys.readouterr()
    assert admin_main([ini, 'end-sessions', '--all']) == 0
    assert int(re.search(r'sessions ended: (\d+)', capsys.readouterr().out).group(1)) >= 1
    application = main({}, **app_settings(db_dir))
    with application.registry._zodb_databases[''].transaction() as conn:
        from ejportal.core.audit import get_audit_log
        from ejportal.principals.sessions import sessions_of
        portal = conn.root()['ejportal']
        assert sessions_of(portal['people'], 'teacher') == []
        assert list(get_audit_log(portal).search(action='sessions-ended', limit=1))
    close_app(application)


def _first_journal(portal):
    return next(j for y in portal['journal'].years() for c in y['classes'].values()
                for j in c['journals'].values() if j.students() and j.lessons)


def test_correction_requests_become_workflow_content_in_an_old_database(app, db_dir):
    """Correction requests stored when they kept their own state are evolved into the
    workflow: state, requester and decision as the workflow keeps them; the pending one is
    then decided through the workflow, the decided one cannot be decided again."""
    import datetime
    from ejportal.core.workflow import WorkflowError
    from ejportal.journal import grading
    step = 'journal: correction requests on the workflow engine'
    asked = datetime.datetime(2025, 10, 1, 9, tzinfo=datetime.timezone.utc)
    decided = asked + datetime.timedelta(days=1)
    db = app.registry._zodb_databases['']
    with db.transaction() as conn, pushed(app.registry):
        portal = conn.root()['ejportal']
        journal = _first_journal(portal)
        student = journal.students()[0].__name__
        lesson = next(iter(journal.lessons))
        for number, reason in ((1, 'ошибка ввода'), (2, 'не тот ученик')):
            request = journal.request_correction(student, lesson, grading.make_marks(['4']),
                                                 '', '', reason)
            for name in ('review_state', 'workflow_history', 'creator', 'created',
                         '__parent__', '__name__'):
                delattr(request, name)
            vars(request).update(requested_by='teacher', requested_at=asked)   # as before
            if number == 2:
                vars(request).update(state='rejected', decided_by='deputy',
                                     decided_at=decided, decision_note='нет оснований')
            request._p_changed = True
        portal.evolve_done.remove(step)
        path = journal.__parent__.__parent__.__name__, journal.__name__
    close_app(app)
    application = main({}, **app_settings(db_dir))  # auto_evolve
    with application.registry._zodb_databases[''].transaction() as conn, \
            pushed(application.registry):
        portal = conn.root()['ejportal']
        assert step in portal.evolve_done
        journal = _first_journal(portal)
        assert (journal.__parent__.__parent__.__name__, journal.__name__) == path
        pending, rejected = journal.corrections[1], journal.corrections[2]
        assert (pending.review_state, pending.requested_by, pending.requested_at) == (
            'pending', 'teacher', asked)
        assert (rejected.state, rejected.decided_by, rejected.decided_at,
                rejected.decision_note) == ('rejected', 'deputy', decided, 'нет оснований')
        assert [h['to'] for h in rejected.workflow_history] == ['pending', 'rejected']
        assert (pending.__parent__, pending.__name__) == (journal, '1')
        assert journal.pending_corrections() == [pending]
        with pytest.raises(WorkflowError):
            journal.decide_correction(2, approve=True)
        journal.decide_correction(1, approve=True)
        assert journal.cell(pending.student, pending.lesson)['correction'] == 1
    close_app(application)


def test_student_files_get_their_student_in_an_old_database(app, db_dir):
    """A remark written after the upgrade moves the student's change counter (which the
    diary's week reads) through the file's new ``__parent__``."""
    import datetime
    step = 'diary: student files know their student'
    db = app.registry._zodb_databases['']
    with db.transaction() as conn:
        portal = conn.root()['ejportal']
        files = [s.diary for s in portal['journal']['students'].values() if s.diary]
        assert files
        for file in files:
            del file.__parent__
        portal.evolve_done.remove(step)
    close_app(app)
    application = main({}, **app_settings(db_dir))  # auto_evolve
    with application.registry._zodb_databases[''].transaction() as conn, \
            pushed(application.registry):
        student = next(s for s in conn.root()['ejportal']['journal']['students'].values()
                       if s.diary)
        assert student.diary.__parent__ is student
        before = student.records_version()
        student.diary.add_remark(datetime.date.today(), 'Молодец', 'praise')
        assert student.records_version() == before + 1
    close_app(application)

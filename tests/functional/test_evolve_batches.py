"""The evolve steps that convert every journal's cells and every student's diary index
commit in batches (so a big school's evolve fits in bounded memory), and a run stopped
after some batches leaves a database the next ``evolve`` finishes right."""
import contextlib
import datetime

import pytest
import transaction
from BTrees.OOBTree import OOBTree
from ZODB import DB
from ZODB.FileStorage import FileStorage

from conftest import app_settings, close_app
from ejportal import main
from ejportal.core import evolve as evolution
from ejportal.core.content import resource_path
from ejportal.journal.books import journals
from ejportal.journal.records import CellTree, DiaryCells
from ejportal.journal.resources import DiaryRefs
from ejportal.scripts.admin import main as admin_main
from test_evolve import pushed, write_ini

RECORDS = 'journal: cells, diary entries and period marks as mergeable records'
SHORT_KEYS = ("journal: students' diary entries keyed by the journal within its year, "
              "without titles")
EVER = datetime.date(1, 1, 1), datetime.date(9999, 12, 31)


def old_form(portal, commit=lambda: None, every=50):
    """Turn the journals' and students' records back into an older database's dicts and
    keys (``commit`` after every ``every`` journals or students) and mark the two steps
    not done; returns (journals, cells, students, diary entries). The bench of the evolve
    (``bench/bench_evolve.py``) makes its big school old with it."""
    counts = [0, 0, 0, 0]
    subjects = {}   # journal path -> (subject, its title)
    for n, journal in enumerate(list(journals(portal)), 1):
        subjects[resource_path(journal)] = (journal.subject, journal.subject_title)
        for name in ('cells', 'period_marks'):
            tree = OOBTree()
            tree.update({key: value.as_dict() for key, value in getattr(journal, name).items()})
            setattr(journal, name, tree)
        counts[0] += 1
        counts[1] += len(journal.cells)
        if n % every == 0:
            commit()
    school = portal['journal']
    refs = DiaryRefs(school)
    for n, name in enumerate(list(school['students'].keys()), 1):
        student = school['students'][name]
        if student.index is not None:
            index = OOBTree()
            for (iso, path, lesson_id), entry in student.entries(*EVER, refs):
                subject, title = subjects.get(path, ('', ''))
                index[(iso, path, lesson_id)] = {
                    'subject': subject, 'title': title,
                    'number': int(lesson_id[len(iso) + 1:]), 'marks': list(entry.marks),
                    'attendance': entry.attendance, 'comment': entry.comment}
            student.index = index
            counts[2] += 1
            counts[3] += len(index)
        if n % every == 0:
            commit()
    for step in (RECORDS, SHORT_KEYS):
        portal.evolve_done.remove(step)
    commit()
    return counts


def contents(portal):
    """What the journals and diaries hold, as they read it."""
    school = portal['journal']
    return ({resource_path(j): ({k: v.as_dict() for k, v in j.cells.items()},
                                {k: v.as_dict() for k, v in j.period_marks.items()})
             for j in journals(portal)},
            {name: [(key, tuple(entry)) for key, entry in s.entries(*EVER)]
             for name, s in school['students'].items() if s.index is not None})


def converted(portal):
    """(journals converted, of all), (students' indexes converted, of all)."""
    trees = [isinstance(j.cells, CellTree) and isinstance(j.period_marks, CellTree)
             for j in journals(portal)]
    students = portal['journal']['students'].values()
    indexes = [isinstance(s.index, DiaryCells) for s in students if s.index is not None]
    return (sum(trees), len(trees)), (sum(indexes), len(indexes))


class Died(Exception):
    """The process stopped (killed, out of memory, the machine down) mid-step."""


def dying_in(step, after_batches, monkeypatch):
    """Batches that stop ``step`` once ``after_batches`` of its batches are committed."""
    whole = evolution.Batches.__call__

    def call(self, items):
        for item in whole(self, items):
            if self.note.endswith(step) and self.committed >= after_batches:
                raise Died()
            yield item
    monkeypatch.setattr(evolution.Batches, '__call__', call)


def evolve_dying(ini, step, after_batches, monkeypatch):
    with monkeypatch.context() as patch:
        dying_in(step, after_batches, patch)
        with pytest.raises(Died):
            admin_main([ini, 'evolve'])
    transaction.abort()   # what a dead process never committed


@pytest.fixture
def old_database(app, db_dir):
    """The demo school's database in the old form, and what its journals and diaries
    held."""
    db = app.registry._zodb_databases['']
    with pushed(app.registry), db.transaction() as conn:
        portal = conn.root()['ejportal']
        before = contents(portal)
        old_form(portal)
    close_app(app)
    return db_dir, before


def opened(db_dir):
    """The app on the database: refused unless every step is done."""
    application = main({}, **app_settings(db_dir, **{'ejportal.auto_evolve': 'false'}))
    return application, application.registry._zodb_databases['']


@contextlib.contextmanager
def stored_portal(db_dir):
    """The portal as stored, read without the app (which refuses a database not up to
    date)."""
    db = DB(FileStorage(str(db_dir / 'Data.fs'), read_only=True))
    try:
        with db.transaction() as conn:
            yield conn.root()['ejportal']
    finally:
        db.close()


def test_a_step_stopped_after_some_batches_goes_on_where_it_stopped(
        old_database, monkeypatch, capsys):
    db_dir, before = old_database
    monkeypatch.setattr(evolution, 'BATCH_SIZE', 2)
    ini = write_ini(db_dir, **{'ejportal.auto_evolve': 'false'})

    evolve_dying(ini, RECORDS, 2, monkeypatch)
    with pytest.raises(evolution.DatabaseTooOld, match='mergeable records'):
        main({}, **app_settings(db_dir, **{'ejportal.auto_evolve': 'false'}))
    with stored_portal(db_dir) as portal:
        (journals_done, journals_all), (indexes_done, _all) = converted(portal)
        assert journals_done == 4 and journals_all > 4  # two batches of two committed
        assert indexes_done == 0
        assert RECORDS not in portal.evolve_done

    # the next run finishes the first step, then stops in the second one
    evolve_dying(ini, SHORT_KEYS, 1, monkeypatch)
    with stored_portal(db_dir) as portal:
        (journals_done, journals_all), (indexes_done, indexes_all) = converted(portal)
        assert journals_done == journals_all
        assert indexes_done == 2 and indexes_all > 2
        assert RECORDS in portal.evolve_done and SHORT_KEYS not in portal.evolve_done

    capsys.readouterr()
    assert admin_main([ini, 'evolve']) == 0
    assert 'applied: ' + SHORT_KEYS in capsys.readouterr().out
    application, db = opened(db_dir)   # refused unless every step is done
    with pushed(application.registry), db.transaction() as conn:
        portal = conn.root()['ejportal']
        assert converted(portal)[1][0] == converted(portal)[1][1]
        assert contents(portal) == before
        notes = [t.description.decode() for t in db.storage.iterator()
                 if ('evolve: ' + SHORT_KEYS).encode() in t.description]
    close_app(application)
    # each batch a transaction of its own, and the rest with the step
    assert any('(batch ' in note for note in notes)

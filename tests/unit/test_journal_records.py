"""A journal's cells, a student's diary entries and period marks are immutable records in
BTrees of small buckets (issue 10): they merge concurrent changes, read like the dicts they
were, and an older database's dicts are converted by an evolve step."""
import datetime
import pickle

import pytest
from BTrees.OOBTree import OOBTree

from ejportal.diary import model
from ejportal.journal import grading
from ejportal.journal.evolve import cells_as_records, short_diary_keys
from ejportal.journal.records import (
    Cell, CellTree, DiaryCell, DiaryCells, DiaryEntry, DiaryIndex, PeriodMark, moment, put,
    stamp)
from ejportal.journal.resources import (
    Student, Subject, add_class, add_journal, default_year, enrol)
from ejportal.site.resources import make_portal

D = datetime.date
NOW = datetime.datetime(2025, 9, 1, 9, tzinfo=datetime.timezone.utc)

pytestmark = pytest.mark.usefixtures('portal_registry')


def test_a_cell_reads_like_the_dict_it_was():
    cell = Cell(revision=1, marks=(('5', 'answer', 1),), attendance='оп', time=NOW,
                userid='teacher')
    assert cell['marks'] == (('5', 'answer', 1),) and cell['attendance'] == 'оп'
    assert cell.get('log') == () and cell.get('nothing', 'x') == 'x'
    assert cell.as_dict()['userid'] == 'teacher'
    assert grading.cell_text(cell) == 'оп 5'
    with pytest.raises(KeyError):
        cell['nothing']
    assert pickle.loads(pickle.dumps(cell, 3)) == cell


def test_an_older_dict_becomes_a_record():
    old = {'marks': [('4', 'answer', 1)], 'attendance': '', 'reason': '', 'comment': 'ok',
           'history': ((NOW, 'teacher', (('3', 'answer', 1),), '', ''),),
           'time': NOW, 'userid': 'teacher', 'logged': 1, 'log': (0,), 'unknown': 1}
    cell = Cell.of(old)
    assert cell.revision == 1  # as many as its history holds
    assert cell.marks == (('4', 'answer', 1),) and cell.logged is True
    assert Cell.of(cell) is cell and Cell.of(None) is None
    entry = DiaryEntry.of({'subject': 'math', 'marks': [], 'attendance': 'н', 'comment': ''})
    assert entry.title == 'math' and entry.marks == ()


def test_records_compare_so_a_bucket_can_merge_them():
    """A bucket merging two transactions compares the values with < and ==: dicts have no
    <, records do (a change always differs in the first field, an int)."""
    old = Cell(revision=0, marks=(('5', 'answer', 1),), time=NOW)
    new = Cell(revision=1, marks=(('4', 'answer', 1),), time=None)
    assert old < new and not old < Cell(*old) and old == Cell(*old)
    with pytest.raises(TypeError):
        {'marks': ()} < {'marks': ()}


def test_put_writes_the_texts_a_record_shares_with_its_neighbours_once():
    def bucket_size(tree):
        return len(pickle.dumps(tree.__getstate__(), 3))
    plain, shared = CellTree(), CellTree()
    for n in range(10):
        def fresh(text):
            return ''.join(list(text))  # a new string object each time, as from a request
        key = (fresh('s0001'), '2025-09-%02d-1' % (n + 1))
        cell = Cell(marks=((fresh('5'), fresh('answer'), 1),), userid=fresh('teacher'))
        plain[key] = cell
        put(shared, key, cell, shared.items())
    assert list(shared.items()) == list(plain.items())
    assert bucket_size(shared) < bucket_size(plain) - 150


@pytest.fixture
def old_school():
    """A school as an older database holds it: dicts in plain OOBTrees."""
    portal = make_portal()
    school = portal['journal']
    school['subjects'].add('math', Subject(title='Математика'))
    year = school.add('2025-2026', default_year(2025))
    a = add_class(year, 5, 'а')
    student = school['students'].add('s1', Student(surname='Яковлев'))
    enrol(student, a, year.start)
    journal = add_journal(a, school['subjects']['math'], 'teacher')
    journal.add_lesson(D(2025, 9, 1), 1)
    journal.cells, journal.period_marks, student.index = OOBTree(), OOBTree(), OOBTree()
    journal.cells[('s1', '2025-09-01-1')] = {
        'marks': (('5', 'answer', 1),), 'attendance': '', 'reason': '', 'comment': '',
        'time': NOW, 'userid': 'teacher'}
    journal.period_marks[('s1', 'q1')] = {'value': '5', 'history': (), 'time': NOW,
                                          'userid': 'teacher'}
    student.index[('2025-09-01', '/journal/2025-2026/classes/5a/journals/math',
                   '2025-09-01-1')] = {'subject': 'math', 'title': 'Математика',
                                       'number': 1, 'marks': (('5', 'answer', 1),),
                                       'attendance': '', 'comment': ''}
    return portal, journal, student


def test_the_evolve_step_converts_an_older_database_and_is_idempotent(old_school):
    portal, journal, student = old_school
    cells_as_records(portal)
    assert isinstance(journal.cells, CellTree) and isinstance(student.index, DiaryIndex)
    assert isinstance(journal.period_marks, CellTree)
    cell = journal.cells[('s1', '2025-09-01-1')]
    assert isinstance(cell, Cell) and cell.marks == (('5', 'answer', 1),)
    assert isinstance(journal.period_marks[('s1', 'q1')], PeriodMark)
    assert journal.period_mark('s1', 'q1') == '5'
    [entry] = student.index.values()
    assert isinstance(entry, DiaryEntry) and entry['title'] == 'Математика'
    trees = journal.cells, journal.period_marks, student.index
    cells_as_records(portal)
    assert (journal.cells, journal.period_marks, student.index) == trees  # left alone
    short_diary_keys(portal)
    journal.set_cell('s1', '2025-09-01-1', grading.make_marks(['4']))
    assert journal.cell('s1', '2025-09-01-1')['revision'] == 1


def test_a_cell_stores_its_time_as_an_int_and_reads_the_datetime():
    """A datetime with its time zone pickles to about 24 bytes, an int to 9: every cell of
    the bucket a mark save rewrites holds one (issue 10)."""
    cell = Cell(marks=(('5', 'answer', 1),), time=stamp(NOW), userid='teacher',
                history=((stamp(NOW), 'teacher', (), 'н', ''),))
    assert cell.time == NOW and cell['time'] == NOW and cell.get('time') == NOW
    assert cell.time.tzinfo is not None and cell.as_dict()['time'] == NOW
    assert cell.history_rows()[0][0] == NOW
    assert moment(stamp(NOW)) == NOW and moment(None) is None and stamp(None) is None
    micro = NOW.replace(microsecond=123456)
    assert moment(stamp(micro)) == micro
    written = Cell(marks=(('5', 'answer', 1),), time=NOW, userid='teacher',
                   history=((NOW, 'teacher', (), 'н', ''),))  # as older records hold it
    assert written.time == NOW and written.history_rows() == cell.history_rows()
    assert len(pickle.dumps(cell, 3)) < len(pickle.dumps(written, 3)) - 25
    assert pickle.loads(pickle.dumps(cell, 3)).time == NOW


def test_set_cell_writes_stamps_and_short_diary_keys(old_school):
    portal, journal, student = old_school
    cells_as_records(portal)
    short_diary_keys(portal)
    journal.set_cell('s1', '2025-09-01-1', grading.make_marks(['4']))
    cell = journal.cell('s1', '2025-09-01-1')
    assert type(tuple.__getitem__(cell, 5)) is int and cell.time.tzinfo is not None
    history = journal.history('s1', '2025-09-01-1')
    assert [h['time'] for h in history][0] == NOW  # the old value's, kept in the cell
    assert list(student.index.keys()) == [('2025-09-01', '5a/math', 1)]
    [(key, entry)] = list(student.entries(D(2025, 9, 1), D(2025, 9, 1)))
    assert key == ('2025-09-01', '/journal/2025-2026/classes/5a/journals/math',
                   '2025-09-01-1')
    assert entry == DiaryCell(grading.make_marks(['4']), '', '')
    assert student.entry(journal, journal.lessons['2025-09-01-1']) == entry


def test_the_diary_keys_evolve_to_short_ones_and_read_as_before(old_school):
    """An index keyed by the journal's full path, its entries repeating the subject, its
    title and the lesson's number, becomes one keyed by 'class/journal' within the date's
    year (a journal of another year by its path) with entries of marks, attendance and
    comment only; the diary reads the same (date, path, lesson id) and entries."""
    portal, journal, student = old_school
    cells_as_records(portal)
    old_key = ('2025-09-01', '/journal/2025-2026/classes/5a/journals/math', '2025-09-01-1')
    # a cell of a journal dated outside its year, and one of a journal no longer there
    student.index[('2026-09-02', old_key[1], '2026-09-02-3')] = DiaryEntry(
        'math', 'Математика', 3, (), 'н', '')
    student.index[('2025-09-03', '/journal/2025-2026/classes/5b/journals/art',
                   '2025-09-03-2')] = DiaryEntry('art', 'ИЗО', 2, (('4', 'answer', 1),))
    before = [(key, (e.marks, e.attendance, e.comment))
              for key, e in sorted(student.index.items())]
    short_diary_keys(portal)
    assert isinstance(student.index, DiaryCells)
    assert sorted(student.index.keys()) == [
        ('2025-09-01', '5a/math', 1),
        ('2025-09-03', '/journal/2025-2026/classes/5b/journals/art', 2),
        ('2026-09-02', '/journal/2025-2026/classes/5a/journals/math', 3)]
    assert all(type(e) is DiaryCell for e in student.index.values())
    after = [(key, tuple(e)) for key, e in student.entries(D(2025, 1, 1), D(2027, 1, 1))]
    assert after == before
    index = student.index
    short_diary_keys(portal)
    assert student.index is index  # left alone
    assert student.entry(journal, journal.lessons['2025-09-01-1']).marks == (
        ('5', 'answer', 1),)


def test_the_diary_shows_an_evolved_index(old_school):
    portal, journal, student = old_school
    cells_as_records(portal)
    short_diary_keys(portal)
    week = model.week(student, D(2025, 9, 1))
    [lesson] = [l for day in week['days'] for l in day['lessons']]
    assert (lesson['subject'], lesson['subject_title'], lesson['number']) == (
        'math', 'Математика', 1)
    assert [m['value'] for m in lesson['marks']] == ['5']
    summary = model.summary(student, D(2025, 9, 1), D(2025, 9, 30))
    assert [(s['subject_title'], [m['value'] for m in s['marks']])
            for s in summary['subjects']] == [('Математика', ['5'])]


def test_the_week_shows_a_cell_of_a_journal_not_the_students_own_by_its_title(old_school):
    """A cell of a journal the student does not (or no longer) belong to, e.g. after a
    subgroup changed, comes from the index alone: its subject and title from the journal
    its key names, its number from the key."""
    portal, journal, student = old_school
    cells_as_records(portal)
    short_diary_keys(portal)
    school = portal['journal']
    school['subjects'].add('art', Subject(title='ИЗО'))
    other = add_journal(add_class(school['2025-2026'], 5, 'б'), school['subjects']['art'],
                        'teacher')
    other.add_lesson(D(2025, 9, 2), 4)
    other.set_cell('s1', '2025-09-02-4', grading.make_marks(['3']))
    assert ('2025-09-02', '5b/art', 4) in student.index
    week = model.week(student, D(2025, 9, 1))
    [lesson] = [l for day in week['days'] for l in day['lessons'] if l['lesson'] ==
                '2025-09-02-4']
    assert (lesson['subject'], lesson['subject_title'], lesson['number'], lesson['journal']) == (
        'art', 'ИЗО', 4, '/journal/2025-2026/classes/5b/journals/art')
    assert [m['value'] for m in lesson['marks']] == ['3']

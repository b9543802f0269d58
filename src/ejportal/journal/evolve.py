"""Evolve steps of the journal area."""
import logging

from BTrees.Length import Length
from persistent.list import PersistentList

from ejportal.core.content import item_at
from ejportal.core.evolve import Batches, evolve_step
from ejportal.journal.records import (
    Cell, CellTree, DiaryCell, DiaryCells, DiaryEntry, DiaryIndex, PeriodMark)
from ejportal.journal.books import journals
from ejportal.journal.resources import DiaryRefs, Journal, SchoolYear

log = logging.getLogger(__name__)


@evolve_step('journal: subjects and students folders', generation=2)
def add_reference_folders(portal):
    """Databases made before the school kept its subjects and students in folders of
    their own get them (``School.ensure_structure`` adds only what is missing)."""
    school = portal.get('journal') if hasattr(portal, 'get') else None
    if school is not None and hasattr(school, 'ensure_structure'):
        school.ensure_structure()


@evolve_step("journal: a counter of each student's records", generation=8,
             after=('journal: subjects and students folders',))
def add_records_counters(portal):
    """Students made before ``Student.records_version`` get the counter that the diary's
    tags read (made here, not on the first mark, so two first marks do not conflict on
    the student)."""
    school = portal.get('journal') if hasattr(portal, 'get') else None
    if school is None or 'students' not in school:
        return
    for student in school['students'].values():
        if getattr(student, 'records_version', None) is None:
            student.records_version = Length()


@evolve_step("journal: lessons know their journal, which counts their changes",
             generation=9)
def add_lesson_counters(portal):
    """Journals made before ``Journal.lessons_version`` get the counter, and their lessons
    a ``__parent__``."""
    for journal in _journals(portal):
        if getattr(journal, 'lessons_version', None) is None:
            journal.lessons_version = Length()
        for lesson in journal.lessons.values():
            if lesson.__parent__ is None:
                lesson.__parent__ = journal


_journals = journals   # every journal of every year (``journal.books``)


@evolve_step('journal: teachers are local roles only', after=(
    "journal: lessons know their journal, which counts their changes",))
def teachers_as_local_roles(portal):
    """A journal's teacher and a class's class teacher were also kept in a field beside the
    local role that grants them the journal; the local role is now the one fact. A field
    whose user lacks the role gets it (the field was what the screens showed); the field
    goes."""
    school = portal.get('journal') if hasattr(portal, 'get') else None
    if school is None:
        return
    for year in [y for y in school.values() if isinstance(y, SchoolYear)]:
        for school_class in year['classes'].values():
            _field_to_role(school_class, 'class_teacher')
            for journal in school_class['journals'].values():
                if isinstance(journal, Journal):
                    _field_to_role(journal, 'teacher')


def _field_to_role(resource, role):
    resource._p_activate()  # a ghost's __dict__ is empty
    login = resource.__dict__.get(role)
    if login is None:
        return
    del resource.__dict__[role]
    resource._p_changed = True
    if login and login not in resource.holders_of(role):
        resource.set_local_roles('user:' + login,
                                 set(resource.get_local_roles('user:' + login)) | {role})


# what a correction request held before it was workflow content
_OLD_CORRECTION_FIELDS = ('state', 'requested_by', 'requested_at', 'decided_by',
                          'decided_at', 'decision_note')


@evolve_step('journal: correction requests on the workflow engine',
             after=("journal: lessons know their journal, which counts their changes",))
def corrections_to_workflow(portal):
    """Correction requests made when they kept their own state (pending, approved,
    rejected) and who requested and decided when become workflow content: the state
    becomes ``review_state``, the request and the decision the ``workflow_history`` (as
    ``initialize`` and the transition would have written them), the requester the
    ``creator``; each request learns its journal and name. Requests already in the
    workflow are left alone."""
    for journal in _journals(portal):
        for number, correction in (journal.corrections or {}).items():
            correction._p_activate()
            old = vars(correction)
            if correction.review_state is not None:
                continue
            values = {name: old.pop(name) for name in _OLD_CORRECTION_FIELDS if name in old}
            state = values.get('state', 'pending')
            history = PersistentList([{
                'transition': None, 'from': None, 'to': 'pending',
                'userid': values.get('requested_by'), 'time': values.get('requested_at'),
                'comment': ''}])
            if state != 'pending':
                history.append({
                    'transition': 'approve' if state == 'approved' else 'reject',
                    'from': 'pending', 'to': state, 'userid': values.get('decided_by'),
                    'time': values.get('decided_at'),
                    'comment': values.get('decision_note') or ''})
            correction.review_state = state
            correction.workflow_history = history
            correction.creator = values.get('requested_by')
            correction.created = values.get('requested_at')
            correction.__parent__, correction.__name__ = journal, str(number)


@evolve_step('journal: cells, diary entries and period marks as mergeable records',
             after=("journal: a counter of each student's records",
                    "journal: lessons know their journal, which counts their changes"),
             batched=True)
def cells_as_records(portal, batches=Batches()):
    """Cells, students' diary entries and journals' period marks were dicts in BTrees of
    30-item buckets: two saves of different cells in one bucket could not merge (a dict
    does not compare), and each save rewrote a large bucket. Each tree is copied into a
    tree of small buckets holding immutable records (``journal.records``); a tree already
    of the new kind is left alone, so a run stopped after some batches goes on where it
    stopped (a journal's two trees change in one batch)."""
    for journal in batches(list(_journals(portal))):
        if not isinstance(journal.cells, CellTree):
            journal.cells = _copied(journal.cells, CellTree, Cell)
        if not isinstance(journal.period_marks, CellTree):
            journal.period_marks = _copied(journal.period_marks, CellTree, PeriodMark)
    school = portal.get('journal') if hasattr(portal, 'get') else None
    if school is None or 'students' not in school:
        return
    students = school['students']
    for name in batches(list(students.keys())):
        student = students[name]
        if student.index is not None and not isinstance(student.index,
                                                        (DiaryIndex, DiaryCells)):
            student.index = _copied(student.index, DiaryIndex, DiaryEntry)


def _copied(tree, kind, record):
    new = kind()
    new.update({key: record.of(value) for key, value in tree.items()})
    return new


@evolve_step("journal: students' diary entries keyed by the journal within its year, "
             "without titles",
             after=('journal: cells, diary entries and period marks as mergeable records',),
             batched=True)
def short_diary_keys(portal, batches=Batches()):
    """A student's index was keyed (date, journal path, lesson id), each entry repeating
    the subject, its title and the lesson's number: about 80 bytes an entry, and a mark
    save rewrites a bucket of up to 8. Each index becomes a ``DiaryCells`` keyed (date,
    'class/journal' within the date's year, lesson number) of ``DiaryCell``s (marks,
    attendance, comment), which ``Student.entries`` reads back as before; an index already
    of that kind is left alone (so a run stopped after some batches goes on where it
    stopped)."""
    school = portal.get('journal') if hasattr(portal, 'get') else None
    if school is None or 'students' not in school:
        return
    converted, refs, students = 0, DiaryRefs(school), school['students']
    journals = {}   # path -> the journal there (or None): a school has a few hundred
    for name in batches(list(students.keys())):
        student = students[name]
        if student.index is None or isinstance(student.index, DiaryCells):
            continue
        index = DiaryCells()
        for (iso, path, lesson_id), entry in student.index.items():
            entry = DiaryEntry.of(entry)
            if path not in journals:
                journals[path] = item_at(portal, path)
            journal = journals[path]
            ref = refs.ref(journal, iso) if isinstance(journal, Journal) else path
            number = lesson_id[len(iso) + 1:]
            number = int(number) if number.isdigit() else entry.number
            index[(iso, ref, number)] = DiaryCell(entry.marks, entry.attendance,
                                                  entry.comment)
        student.index = index
        converted += 1
    log.info('journal: %d diary indexes rekeyed', converted)

"""The school (``/journal``): subjects, students, school years with their periods, classes,
subgroups, journals (one per class × subject × subgroup), lessons and marks.

The tree::

    /journal                                School
      subjects/<id>                         Subject (reference book)
      students/<id>                         Student (family, enrolments, per-student index)
      <2025-2026>/                          SchoolYear (periods, holidays, bells, closed periods)
        classes/<5a>/                       SchoolClass (class teacher: local 'class_teacher')
          journals/<math>, <english-1>      Journal (teacher: local 'teacher')

so a class teacher's local role on the class reaches every journal of the class (read), and
a teacher's local role on a journal lets them edit that journal only.

Hot writes are spread: a journal keeps its cells in its own BTree keyed (student, lesson),
lessons are separate persistent objects, and each student has a BTree index of their own
cells (for the diary), keyed by date, so teachers of different classes never write the same
object; the values are immutable records (``journal.records``), so BTree conflict
resolution merges concurrent writes to different keys of one journal or one student.
"""
import datetime
from collections import namedtuple

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.mapping import PersistentMapping
from pyramid.authorization import Allow, Deny, Everyone

from ejportal.core.actor import current_actor
from ejportal.core.audit import get_audit_log, record
from ejportal.core.content import (
    Resource, Shareable, content_type, create, find_root, item_at, now, resource_path)
from ejportal.core.errors import Conflict
from ejportal.core.events import ObjectEvent, notify
from ejportal.core.folder import Folder, OrderedFolder
from ejportal.core.workflow import WorkflowAware, do_transition
from ejportal.i18n import _
from ejportal.journal import grading
from ejportal.journal.records import (
    Cell, CellTree, DiaryCell, DiaryCells, PeriodMark, put, stamp)
from ejportal.security import SCHOOL_WIDE_DIARY_READERS, VIEW, VIEW_DIARY, set_local_roles
from ejportal.site.books import book_entries, book_serial


class PeriodClosed(Conflict):
    """A change to a closed period: its cells change through a correction request, its
    lessons and period marks not at all. ``period`` is the closed period."""
    error_type = 'PeriodClosed'

    def __init__(self, period, message=None, fields=None):
        super().__init__(message or _(
            'period-closed', mapping={'period': period.title},
            default='${period} is closed: ask for a correction instead.'), fields)
        self.period = period


class FutureLesson(Conflict):
    """Marks for a lesson dated after today: a mark is given for work done, so a lesson
    that has not taken place yet takes none (its topic and homework may be planned)."""
    error_type = 'FutureLesson'

    def __init__(self, day, message=None, fields=None):
        super().__init__(message or _(
            'future-lesson', mapping={'date': day.strftime('%d.%m.%Y')},
            default='The lesson of ${date} has not taken place yet: it takes no marks.'),
            fields)
        self.day = day


def check_not_future(day, marks, old_marks=(), today=None):
    """Refuse new or changed marks for a lesson on ``day`` after ``today``; marks a cell
    already held (data from before the rule) may stay or be cleared."""
    today = today or datetime.date.today()
    if marks and tuple(marks) != tuple(old_marks) and day > today:
        raise FutureLesson(day)


Period = namedtuple('Period', 'id title start end')


@content_type('School', _('type-School', default='School'))
class School(Folder):
    title = _('section-journal', default='Journal')
    structural = True

    # -- the reference books (``journal.books``, kept under the settings) ---------------
    # What is offered for new records leaves the retired entries out; what reads old
    # records (titles, weights, the scale's values) keeps them.
    @property
    def mark_kinds(self):
        """(id, title, weight) of the kinds offered."""
        return tuple((e['id'], e['title'], e['weight'])
                     for e in book_entries(self, 'mark-kinds'))

    def kind_weights(self):
        """kind -> its weight now, retired kinds included: what the averages count."""
        return {e['id']: e['weight'] for e in book_entries(self, 'mark-kinds', retired=True)}

    @property
    def grading_scale(self):
        """value -> numeric value or None, for the marks offered."""
        return {e['title']: e.get('numeric') for e in book_entries(self, 'grading-scale')}

    def scale_values(self):
        """value -> numeric value or None, retired values included: what averages count."""
        return {e['title']: e.get('numeric')
                for e in book_entries(self, 'grading-scale', retired=True)}

    @property
    def lesson_types(self):
        return tuple((e['id'], e['title']) for e in book_entries(self, 'lesson-types'))

    @property
    def ict_means(self):
        return tuple((e['id'], e['title']) for e in book_entries(self, 'ict-means'))

    def offered(self, name, keep=()):
        """(id, title) of the book ``name``'s entries in use, and of the retired ones a
        record at hand holds (``keep``: their ids), so that it shows as it is."""
        return tuple((e['id'], e['title']) for e in book_entries(self, name, retired=True)
                     if not e.get('retired') or e['id'] in keep)

    def known_ids(self, name):
        """Every id of the book ``name``, retired ones included: valid on a record."""
        return {e['id'] for e in book_entries(self, name, retired=True)}

    @property
    def absence_reasons(self):
        return tuple(e['title'] for e in book_entries(self, 'absence-reasons'))

    def average(self, marks):
        """The weighted average of ``marks`` with the books' current weights and scale."""
        return grading.weighted_average(marks, self.kind_weights(), self.scale_values())

    def books_stamp(self):
        """What changes whenever a book the journal reads does (for cached pages)."""
        return tuple(book_serial(self, name) for name in (
            'mark-kinds', 'grading-scale', 'lesson-types', 'ict-means', 'absence-reasons'))

    def __init__(self, **fields):
        super().__init__(**fields)
        self.ensure_structure()

    def ensure_structure(self):
        """The reference folders; idempotent (databases made before them get them here)."""
        if 'subjects' not in self:
            self.add('subjects', Subjects(), send_events=False)
        if 'students' not in self:
            self.add('students', Students(), send_events=False)

    def years(self):
        return sorted((y for y in self.values() if isinstance(y, SchoolYear)),
                      key=lambda y: y.start)

    def year_of(self, day):
        for year in self.years():
            if year.start <= day <= year.end:
                return year
        return None

    def current_year(self, today=None):
        today = today or datetime.date.today()
        years = self.years()
        return self.year_of(today) or (years[-1] if years else None)

    def kind_title(self, kind):
        for entry in book_entries(self, 'mark-kinds', retired=True):
            if entry['id'] == kind:
                return entry['title']
        return kind


@content_type('Subjects', _('type-Subjects', default='Subjects'))
class Subjects(OrderedFolder):
    title = _('Subjects')
    structural = True


@content_type('Subject', _('type-Subject', default='Subject'))
class Subject(Resource):
    short_title = ''
    archived = False   # no longer taught: hidden from current lists, its journals kept
    deletable = False  # archived instead


@content_type('Students', _('type-Students', default='Students'))
class Students(Folder):
    title = _('Students')
    structural = True


@content_type('Student', _('type-Student', default='Student'))
class Student(Resource):
    """A student's record: name, birth date, family (the student's own login and the
    parents' logins), enrolment history, and the index of their cells for the diary.

    ``enrolments``: tuple of (year name, class name, start date, end date or None).
    ``index``: DiaryCells (date ISO, journal reference, lesson number) -> DiaryCell (marks,
    attendance, comment), written in step with the journal's cell (``set_entry``) and read
    as (date ISO, journal path, lesson id) -> entry (``entries``, ``entry``);
    ``period_marks``: OOBTree
    (journal path, period id) -> value.
    """
    deletable = False
    # the family sees its own children (their diary), staff every record
    # (``security.may_see``)
    seeing_permissions = (VIEW, VIEW_DIARY)
    surname = ''
    first_name = ''
    patronymic = ''
    personal_file = ''    # the number of the student's personal file (№ личного дела)
    birth_date = None
    login = ''            # the student's own user
    parents = ()          # parents' / legal representatives' logins
    enrolments = ()
    class_path = ''       # the current class, e.g. /journal/2025-2026/classes/5a
    index = None
    # a Length counting the changes of what the diary shows of the student (their index,
    # period marks, remarks, absences), moved by the subscriber of ``RecordsChanged``
    # (``journal.counters``): a diary names a week cheaply, and concurrent saves do not
    # conflict on it
    records_version = None
    period_marks = None
    diary = None          # the diary's file of this student (ejportal.diary.resources)

    def __init__(self, **fields):
        super().__init__(**fields)
        self.index = DiaryCells()
        self.period_marks = OOBTree()
        self.records_version = Length()

    @property
    def fullname(self):
        return ' '.join(p for p in (self.surname, self.first_name, self.patronymic) if p)

    @property
    def short_name(self):
        initials = ''.join('%s.' % p[0] for p in (self.first_name, self.patronymic) if p)
        return '%s %s' % (self.surname, initials) if initials else self.surname

    @property
    def title(self):
        return self.fullname

    @property
    def family(self):
        return tuple(l for l in (self.login,) + tuple(self.parents) if l)

    def current_class(self):
        if not self.class_path:
            return None
        return item_at(find_root(self), self.class_path)

    @property
    def __acl__(self):
        """The family reads the diary; the school's leaders and the class teacher of the
        current class too; no one else, whatever their global role."""
        acl = [(Allow, 'user:' + login, VIEW_DIARY) for login in self.family]
        acl.extend((Allow, 'role:' + role, VIEW_DIARY) for role in SCHOOL_WIDE_DIARY_READERS)
        school_class = self.current_class()
        if school_class is not None and school_class.class_teacher:
            acl.append((Allow, 'user:' + school_class.class_teacher, VIEW_DIARY))
        acl.append((Deny, Everyone, VIEW_DIARY))
        return acl

    def entries(self, start, end, refs=None, besides=()):
        """The indexed cells from ``start`` to ``end`` (dates, inclusive), in date order:
        (date ISO, journal path, lesson id), DiaryCell; but those of the keys ``besides``
        (as ``entries_of`` gives them). ``refs``: a DiaryRefs of the reading, if it has
        one."""
        year = (refs or DiaryRefs(self.__parent__.__parent__))._year
        for key, entry in self.index.items(min=(start.isoformat(),),
                                           max=(end.isoformat(), '\uffff')):
            if key not in besides:
                iso, ref, number = key
                if ref[0] != '/':   # 'class/journal' (``DiaryRefs.path``, inlined: hot)
                    school_class, _slash, name = ref.partition('/')
                    ref = (year(iso)[1] or '/') + school_class + '/journals/' + name
                yield (iso, ref, iso + '-' + str(number)), entry

    def entry(self, journal, lesson):
        """The DiaryCell of ``lesson`` of ``journal``, or None."""
        return self.entries_of(journal, (lesson,))[0][1]

    def entries_of(self, journal, lessons, refs=None):
        """(key, DiaryCell or None) of each of ``lessons`` of ``journal``, in their order;
        the key is the index's own."""
        refs = refs or DiaryRefs(self.__parent__.__parent__)
        get = self.index.get
        return [(key, get(key)) for key in refs.keys(journal, lessons)]

    def set_entry(self, journal, lesson, entry):
        """Index ``entry`` (a DiaryCell; None: nothing to show) as the student's cell of
        ``lesson``; True if the index changed."""
        [key] = DiaryRefs(journal.school).keys(journal, (lesson,))
        if entry is None:
            if key not in self.index:
                return False
            del self.index[key]
            return True
        week = datetime.timedelta(days=7)
        put(self.index, key, entry, self.index.items(
            min=((lesson.date - week).isoformat(),), max=((lesson.date + week).isoformat(),)))
        return True

    def enrolled_in(self, year_name, class_name):
        """(start, end) spans of this student's enrolment in that class."""
        return [(s, e) for y, c, s, e in self.enrolments if y == year_name and c == class_name]


class DiaryRefs:
    """How students' indexes name journals (``records.DiaryCells``), for one reading of
    ``school``: a journal of the school year its day is in (``School.year_of``) as
    'class/journal', any other by its path. Each day's year is looked up once."""

    def __init__(self, school):
        self.school = school
        self._years = None
        self._days = {}    # date ISO -> (year, its classes folder's path + '/' or None)
        self._journals = {}  # journal -> (its year, 'class/journal')

    def _year(self, iso):
        found = self._days.get(iso)
        if found is None:
            if self._years is None:
                # ISO dates compare as the dates do
                self._years = [(y.start.isoformat(), y.end.isoformat(), y,
                                resource_path(y) + '/classes/') for y in self.school.years()]
            found = self._days[iso] = next(((year, prefix) for start, end, year, prefix
                                            in self._years if start <= iso <= end),
                                           (None, None))
        return found

    def ref(self, journal, iso):
        """The reference of ``journal`` in a key of the day ``iso``."""
        known = self._journals.get(journal)
        if known is None:
            school_class = journal.school_class
            known = self._journals[journal] = (
                school_class.year, '%s/%s' % (school_class.__name__, journal.__name__))
        if self._year(iso)[0] is known[0]:
            return known[1]
        return resource_path(journal)

    def keys(self, journal, lessons):
        """The keys of ``lessons`` of ``journal`` in a student's index."""
        keys = []
        for lesson in lessons:
            iso = lesson.date.isoformat()
            keys.append((iso, self.ref(journal, iso), lesson.number))
        return keys

    def path(self, iso, ref):
        """The path of the journal ``ref`` names on the day ``iso``."""
        if ref[:1] == '/':
            return ref
        school_class, _slash, name = ref.partition('/')
        return (self._year(iso)[1] or '/') + school_class + '/journals/' + name


@content_type('SchoolYear', _('type-SchoolYear', default='School year'))
class SchoolYear(Folder):
    """1 September to 31 August. ``periods``: tuple of Period; ``holidays``: tuple of
    (start, end, title); ``bells``: tuple of (number, 'HH:MM', 'HH:MM')."""
    start = None
    end = None
    period_kind = 'quarters'
    periods = ()
    grade_periods = None   # {grade: (period kind, tuple of Period)}: grades with their own
    holidays = ()
    bells = ()
    closed_periods = None  # PersistentMapping period id -> {'time', 'userid'}

    def __init__(self, **fields):
        super().__init__(**fields)
        self.closed_periods = PersistentMapping()
        self.add('classes', Classes(), send_events=False)

    def periods_for(self, grade=None):
        """The periods of ``grade`` (its own, e.g. halves for grades 10-11, or the year's)."""
        if grade is not None and self.grade_periods and grade in self.grade_periods:
            return self.grade_periods[grade][1]
        return self.periods

    def all_periods(self):
        """Every period of the year once, the year's own first."""
        found = list(self.periods)
        for _kind, periods in sorted((self.grade_periods or {}).values()):
            found.extend(p for p in periods if p not in found)
        return found

    def period(self, period_id, grade=None):
        for period in self.periods_for(grade):
            if period.id == period_id:
                return period
        return None

    def period_of(self, day, grade=None):
        for period in self.periods_for(grade):
            if period.start <= day <= period.end:
                return period
        return None

    def current_period(self, today=None, grade=None):
        today = today or datetime.date.today()
        found = self.period_of(today, grade)
        if found:
            return found
        periods = self.periods_for(grade)
        past = [p for p in periods if p.start <= today]
        return past[-1] if past else (periods[0] if periods else None)

    def is_closed(self, period_id):
        return period_id in self.closed_periods

    def closed_period_of(self, day, grade=None):
        period = self.period_of(day, grade)
        return period if period is not None and self.is_closed(period.id) else None

    def close_period(self, period_id):
        if period_id not in self.closed_periods:
            actor = current_actor()
            self.closed_periods[period_id] = {'time': now(), 'userid': actor.userid}
            record(self, 'period-close', {'period': period_id})

    def reopen_period(self, period_id):
        if self.closed_periods.pop(period_id, None) is not None:
            record(self, 'period-reopen', {'period': period_id})

    def is_holiday(self, day):
        return any(s <= day <= e for s, e, _t in self.holidays)

    def school_days(self, grade=None, start=None, end=None, weekdays=5):
        """Days with lessons (Monday to Friday, or to Saturday with ``weekdays=6``) inside
        the periods of ``grade``, outside holidays, from ``start`` to ``end``."""
        periods = self.periods_for(grade)
        day = max(start or self.start, self.start)
        last = periods[-1].end if periods else self.end
        if end is not None:
            last = min(last, end)
        while day <= last:
            if day.weekday() < weekdays and not self.is_holiday(day) and \
                    self.period_of(day, grade):
                yield day
            day += datetime.timedelta(days=1)


PERIOD_KINDS = (
    ('quarters', _('period-kind-quarters', default='Quarters')),
    ('trimesters', _('period-kind-trimesters', default='Trimesters')),
    ('halves', _('period-kind-halves', default='Halves')),
)


def template_periods(kind, start_year):
    """The usual dates of the periods of ``kind`` in the year starting ``start_year``."""
    d = datetime.date
    y, n = start_year, start_year + 1
    if kind == 'halves':
        return (Period('h1', 'I полугодие', d(y, 9, 1), d(y, 12, 28)),
                Period('h2', 'II полугодие', d(n, 1, 9), d(n, 5, 26)))
    if kind == 'trimesters':
        return (Period('t1', 'I триместр', d(y, 9, 1), d(y, 11, 30)),
                Period('t2', 'II триместр', d(y, 12, 1), d(n, 2, 28)),
                Period('t3', 'III триместр', d(n, 3, 1), d(n, 5, 26)))
    return (Period('q1', 'I четверть', d(y, 9, 1), d(y, 10, 26)),
            Period('q2', 'II четверть', d(y, 11, 5), d(y, 12, 28)),
            Period('q3', 'III четверть', d(n, 1, 9), d(n, 3, 21)),
            Period('q4', 'IV четверть', d(n, 3, 31), d(n, 5, 26)))


def default_year(start_year, period_kind='quarters'):
    """A year of four quarters (or ``period_kind``) with the usual holidays (grades 2-9)."""
    d = datetime.date
    y, n = start_year, start_year + 1
    periods = template_periods(period_kind, start_year)
    holidays = ((d(y, 10, 27), d(y, 11, 4), 'осенние каникулы'),
                (d(y, 12, 29), d(n, 1, 8), 'зимние каникулы'),
                (d(n, 2, 16), d(n, 2, 22), 'дополнительные каникулы (1 класс)'),
                (d(n, 3, 22), d(n, 3, 30), 'весенние каникулы'))
    bells = ((1, '08:30', '09:15'), (2, '09:25', '10:10'), (3, '10:30', '11:15'),
             (4, '11:35', '12:20'), (5, '12:30', '13:15'), (6, '13:25', '14:10'),
             (7, '14:20', '15:05'))
    return SchoolYear(title='%d/%d учебный год' % (y, n), start=d(y, 9, 1), end=d(n, 8, 31),
                      period_kind=period_kind, periods=periods, holidays=holidays,
                      bells=bells)


def school_year_start(today):
    return today.year if today.month >= 9 else today.year - 1


@content_type('Classes', _('type-Classes', default='Classes'))
class Classes(Folder):
    title = _('Classes')
    structural = True

    def sorted(self):
        return sorted(self.values(), key=lambda c: (c.grade, c.letter))

    def current(self):
        """The classes not archived, by grade and letter."""
        return [c for c in self.sorted() if not c.archived]


@content_type('SchoolClass', _('type-SchoolClass', default='Class'))
class SchoolClass(Folder):
    """A class of one year: grade + letter. ``members``: OOBTree student id -> tuple of
    (start, end or None) spans; ``subgroups``: subject id -> {group: tuple of student ids}."""
    grade = 0
    letter = ''
    members = None
    subgroups = None
    placed_by_default = None  # {subject: student ids put into the first group on joining}
    archived = False   # hidden from current lists, kept with its journals
    deletable = False  # archived instead

    @property
    def class_teacher(self):
        """The user holding the local role 'class_teacher' here: one fact, which the
        sharing screen and ``assign_class_teacher`` both change."""
        holders = self.holders_of('class_teacher')
        return holders[0] if holders else ''

    def __init__(self, **fields):
        super().__init__(**fields)
        self.members = OOBTree()
        self.subgroups = PersistentMapping()
        self.add('journals', Journals(), send_events=False)

    @property
    def title(self):
        return '%d %s' % (self.grade, self.letter.upper())

    @property
    def year(self):
        return self.__parent__.__parent__

    def students_folder(self):
        return find_root(self)['journal']['students']

    def member_ids(self, start=None, end=None):
        """Students enrolled at some time between ``start`` and ``end`` (or ever)."""
        result = []
        for sid, spans in self.members.items():
            for s, e in spans:
                if (end is None or s <= end) and (start is None or e is None or e >= start):
                    result.append(sid)
                    break
        return result

    def students(self, start=None, end=None):
        folder = self.students_folder()
        found = [folder[sid] for sid in self.member_ids(start, end) if sid in folder]
        return sorted(found, key=lambda s: (s.surname, s.first_name, s.patronymic))

    def current_students(self, day=None):
        """Students in the class on ``day`` (default today)."""
        day = day or datetime.date.today()
        return self.students(day, day)

    def group_of(self, subject, student_id):
        for group, ids in (self.subgroups.get(subject) or {}).items():
            if student_id in ids:
                return group
        return None

    def journals(self):
        return list(self['journals'].values())


def set_archived(obj, archived):
    """Archive (or bring back) a class or a subject: it leaves the current lists, and
    nothing it holds is removed. Audited; returns True if it changed."""
    archived = bool(archived)
    if bool(obj.archived) == archived:
        return False
    obj.archived = archived
    record(obj, 'archive' if archived else 'restore', {'title': obj.title})
    return True


@content_type('Journals', _('type-Journals', default='Journals'))
class Journals(Folder):
    title = _('Journals')
    structural = True


@content_type('Lesson', _('type-Lesson', default='Lesson'))
class Lesson(Persistent):
    """One lesson of a journal; ``id`` is 'YYYY-MM-DD-N' (date and number in the day), so
    the lessons' BTree is in date order. ``__parent__`` is its journal. Its fields change
    through the journal (``add_lesson``, ``edit_lesson``, ``set_lesson_files``,
    ``remove_lesson``), which sends the events the journal's change counter follows."""
    __parent__ = None
    topic = ''
    lesson_type = 'lesson'
    ict = ()
    homework = ''
    homework_due = None
    note = ''
    planned = None  # number of the planned lesson (КТП) it took its topic from
    files = ()      # homework files: tuple of {'name', 'kind', 'size', 'blob'}
    # when and by whom the topic was first entered (the control of timeliness reads them);
    # None for lessons made before they were kept: their timeliness is unknown
    topic_time = None
    topic_userid = None

    def __init__(self, date, number, **fields):
        self.date = date
        self.number = number
        self.id = lesson_id(date, number)
        for key, value in fields.items():
            setattr(self, key, value)

    FIELDS = ('topic', 'lesson_type', 'ict', 'homework', 'homework_due', 'note', 'planned')

    def as_dict(self):
        return {'id': self.id, 'date': self.date, 'number': self.number,
                **{f: getattr(self, f) for f in self.FIELDS}}


class LessonAdded(ObjectEvent):
    """After a lesson was added to ``info['journal']`` (the diary marks the absences its
    class teachers recorded for that day)."""


class LessonModified(ObjectEvent):
    """After fields of a lesson of ``info['journal']`` changed: ``info['changes']`` maps
    field -> (old, new)."""


class LessonRemoved(ObjectEvent):
    """After a lesson was taken out of ``info['journal']``."""


class RecordsChanged(ObjectEvent):
    """After something a student's diary shows of ``obj`` (a Student) changed: a cell of
    their index, a period mark, a remark, an absence."""


def _topic_entered(lesson):
    """Note the first entry of the lesson's topic."""
    if lesson.topic_time is None and (lesson.topic or '').strip():
        lesson.topic_time = now()
        lesson.topic_userid = current_actor().userid


def lesson_id(date, number):
    return '%s-%d' % (date.isoformat(), number)


@content_type('CorrectionRequest',
              _('type-CorrectionRequest', default='Correction request'))
class CorrectionRequest(WorkflowAware, Persistent):
    """A change to a cell of a closed period, waiting for a deputy: workflow content
    (``journal.corrections.CORRECTION_WORKFLOW``: pending, then approved or rejected, each
    decision a transition needing APPROVE_CORRECTION, recorded in ``workflow_history``).
    Kept in its journal's ``corrections`` under its number ``id``; ``__name__`` is the
    number as text. Not a traversable resource (no URL of its own, like a lesson): the
    journal's screens and ``@correction`` reach it."""
    __name__ = None
    __parent__ = None
    id = None
    student = ''
    lesson = ''
    marks = ()
    attendance = ''
    comment = ''
    reason = ''
    created = None
    creator = None

    def __init__(self, **fields):
        for key, value in fields.items():
            setattr(self, key, value)
        self.created = now()
        self.creator = current_actor().userid

    @property
    def state(self):
        return self.review_state

    @property
    def requested_by(self):
        return self.creator

    @property
    def requested_at(self):
        return self.created

    def _decision(self):
        history = self.workflow_history or ()
        return history[-1] if len(history) > 1 else {}

    @property
    def decided_by(self):
        return self._decision().get('userid')

    @property
    def decided_at(self):
        return self._decision().get('time')

    @property
    def decision_note(self):
        return self._decision().get('comment', '')


@content_type('Journal', _('type-Journal', default='Journal'))
class Journal(Shareable):
    """The journal of one class × subject (× subgroup). ``cells``: CellTree (student id,
    lesson id) -> Cell; ``period_marks``: CellTree (student id, period id) -> PeriodMark;
    ``lessons``: OOBTree lesson id -> Lesson."""
    subject = ''
    subject_title = ''
    main_teacher = ''   # the one ``assign_teacher`` named (others may teach here too)
    subgroup = ''
    deletable = False  # its marks are records: the class or subject is archived instead
    plan = ()  # the КТП: tuple of {'number', 'topic', 'hours', 'section'}
    comments = ()  # remarks of the deputy or director: tuple of {'time', 'userid', 'text'}
    lessons = None
    lessons_version = None  # Length: counts the changes of its lessons (``journal.counters``)
    cells = None
    period_marks = None
    corrections = None

    def __init__(self, **fields):
        super().__init__(**fields)
        self.lessons = OOBTree()
        self.lessons_version = Length()
        self.cells = CellTree()
        self.period_marks = CellTree()
        self.corrections = OOBTree()

    @property
    def teacher(self):
        """The user holding the local role 'teacher' here: one fact, which the sharing
        screen and ``assign_teacher`` both change. Where Sharing gave the role to more than
        one (see ``teachers``), the one ``assign_teacher`` named, while they hold it."""
        holders = self.holders_of('teacher')
        if self.main_teacher in holders:
            return self.main_teacher
        return holders[0] if holders else ''

    @property
    def teachers(self):
        """Everyone who teaches here (holds the local role 'teacher'): a second teacher of
        a subgroup or a substitute given the role on the sharing screen keeps the journal
        as the first does."""
        return self.holders_of('teacher')

    @property
    def title(self):
        if self.subgroup:
            return '%s (%s)' % (self.subject_title, self.subgroup)
        return self.subject_title

    @property
    def school_class(self):
        return self.__parent__.__parent__

    @property
    def year(self):
        return self.school_class.year

    @property
    def school(self):
        return self.year.__parent__

    @property
    def grade(self):
        return self.school_class.grade

    @property
    def periods(self):
        """The periods of this journal's grade."""
        return self.year.periods_for(self.grade)

    def period(self, period_id):
        return self.year.period(period_id, self.grade)

    def period_of(self, day):
        return self.year.period_of(day, self.grade)

    def fields(self):
        return {'subject': self.subject, 'subgroup': self.subgroup, 'teacher': self.teacher}

    # -- students and lessons -------------------------------------------------------------
    def students(self, start=None, end=None):
        students = self.school_class.students(start, end)
        if self.subgroup:
            ids = set((self.school_class.subgroups.get(self.subject) or {}).get(
                self.subgroup, ()))
            students = [s for s in students if s.__name__ in ids]
        return students

    def lessons_between(self, start, end):
        return list(self.lessons.values(min=start.isoformat(), max=end.isoformat() + '~'))

    def lessons_of(self, period):
        return self.lessons_between(period.start, period.end)

    def add_lesson(self, date, number, audit=True, **fields):
        lesson = create('Lesson', date=date, number=number, **fields)
        if lesson.id in self.lessons:
            raise ValueError(lesson.id)
        _topic_entered(lesson)
        lesson.__parent__ = self
        self.lessons[lesson.id] = lesson
        if audit:
            record(self, 'lesson-add', {'lesson': lesson.id, 'new': lesson.as_dict()})
        notify(LessonAdded(lesson, journal=self))
        return lesson

    def edit_lesson(self, lesson, values, audit=True):
        """Set the lesson's ``values`` (of ``Lesson.FIELDS``); audited unless the caller
        writes an entry of its own (the plan's renumbering). Returns the changes."""
        changes = {}
        for key, value in values.items():
            if key in Lesson.FIELDS and getattr(lesson, key) != value:
                changes[key] = (getattr(lesson, key), value)
                setattr(lesson, key, value)
        if 'topic' in changes:
            _topic_entered(lesson)
        if changes:
            notify(LessonModified(lesson, journal=self, changes=changes))
            if audit:
                record(self, 'lesson-edit', {'lesson': lesson.id, 'changes': changes})
        return changes

    def set_lesson_files(self, lesson, files):
        """Replace the homework files of ``lesson`` (tuple of dicts with a ``blob``);
        audited by name."""
        old = {f['name'] for f in lesson.files}
        new = {f['name'] for f in files}
        if tuple(files) != tuple(lesson.files):
            changes = {'files': (lesson.files, tuple(files))}
            lesson.files = tuple(files)
            notify(LessonModified(lesson, journal=self, changes=changes))
            record(self, 'lesson-files', {'lesson': lesson.id, 'added': sorted(new - old),
                                          'removed': sorted(old - new)})

    def add_comment(self, text):
        """A remark of the deputy or director on this journal (audited)."""
        text = (text or '').strip()[:2000]
        if not text:
            raise grading.GradingError('text', _('Write the remark.'))
        entry = {'time': now(), 'userid': current_actor().userid, 'text': text}
        self.comments = tuple(self.comments) + (entry,)
        record(self, 'journal-comment', {'text': text})
        return entry

    def lesson_has_entries(self, lesson_id):
        """True if any student's cell of the lesson holds a mark, an attendance code or a
        comment, or a correction of it is pending."""
        for student in self.students():
            cell = self.cells.get((student.__name__, lesson_id))
            if cell and (cell['marks'] or cell['attendance'] or cell['comment']):
                return True
        return any(c.lesson == lesson_id for c in self.pending_corrections())

    def remove_lesson(self, lesson_id):
        """Remove a lesson without marks, attendance or comments (ValueError otherwise);
        audited with its old values."""
        lesson = self.lessons[lesson_id]
        if self.lesson_has_entries(lesson_id):
            raise ValueError('lesson has marks')
        for student in self.students():
            self.cells.pop((student.__name__, lesson_id), None)
        del self.lessons[lesson_id]
        notify(LessonRemoved(lesson, journal=self))
        record(self, 'lesson-remove', {'lesson': lesson_id, 'old': lesson.as_dict()})

    def plan_item(self, number):
        for item in self.plan:
            if item['number'] == number:
                return item
        return None

    def free_plan_items(self):
        """The planned lessons not yet given to lessons, in the plan's order: an item of
        ``hours`` hours is given to that many lessons."""
        taken = {}
        for lesson in self.lessons.values():
            if lesson.planned is not None:
                taken[lesson.planned] = taken.get(lesson.planned, 0) + 1
        for item in self.plan:
            for _hour in range(max(int(item.get('hours') or 1), 1) - taken.get(
                    item['number'], 0)):
                yield item

    def next_planned_topic(self):
        """The first planned topic not yet taken by its hours of lessons (the КТП in
        order)."""
        return next(self.free_plan_items(), None)

    # -- cells --------------------------------------------------------------------------
    def cell(self, student_id, lesson_id):
        """The Cell, or None."""
        return Cell.of(self.cells.get((student_id, lesson_id)))

    def default_kind(self, lesson):
        """The kind a lesson's marks get unless the teacher says otherwise: the lesson
        type's, while the book offers it, else the first kind offered."""
        offered = [kind for kind, _title, _weight in self.school.mark_kinds]
        for kind in (grading.LESSON_TYPE_KIND.get(lesson.lesson_type), grading.DEFAULT_KIND):
            if kind in offered:
                return kind
        return offered[0] if offered else grading.DEFAULT_KIND

    def check_open(self, lesson):
        closed = self.year.closed_period_of(lesson.date, self.grade)
        if closed is not None:
            raise PeriodClosed(closed)

    def set_cell(self, student_id, lesson_id, marks, attendance='', comment='', reason='',
                 audit=True, check_closed=True, correction=None):
        """Store one cell (``marks`` already normalized: tuple of (value, kind, weight)),
        update the student's index and audit it: the audit log holds the cell's history
        (see ``history``). Raises KeyError for an unknown student or lesson, PeriodClosed
        for a closed period, FutureLesson for new marks of a lesson after today. Returns
        the stored cell."""
        lesson = self.lessons[lesson_id]
        student = self.school_class.students_folder()[student_id]
        if check_closed:
            self.check_open(lesson)
        attendance = grading.normalize_attendance(attendance)
        comment = (comment or '').strip()[:500]
        key = (student_id, lesson_id)
        old = Cell.of(self.cells.get(key))
        if check_closed:
            # the same switch: the rules of when a cell may change, which an approved
            # correction, the demo and test fixtures step past
            check_not_future(lesson.date, marks, old.marks if old is not None else ())
        if old is not None and (old.marks, old.attendance, old.comment, old.reason) == (
                tuple(marks), attendance, comment, reason):
            return old
        if old is None and not (marks or attendance or comment or reason):
            return Cell()
        kept, chunks, number = (), (), 0
        if old is not None:
            kept, chunks, number = old.history, old.log, revision(old) + 1
            if not old.logged:
                # a value the audit log does not hold (written without an audit entry, or
                # before the log held the cells' history) stays in the cell
                kept = kept + ((stamp(old.time), old.userid, old.marks, old.attendance,
                                old.comment),)
        cell = Cell(revision=number, marks=tuple(marks), attendance=attendance, reason=reason,
                    comment=comment, time=stamp(now()), userid=current_actor().userid,
                    history=kept, correction=correction)
        if audit:
            entry = record(self, 'cell', {
                'student': student_id, 'lesson': lesson_id,
                'old': cell_summary(old or grading.EMPTY_CELL), 'new': cell_summary(cell),
                **({'correction': correction} if correction is not None else {})})
            if entry is not None:
                chunk = get_audit_log(find_root(self)).newest_chunk()
                if chunk not in chunks:
                    chunks = chunks + (chunk,)
                cell = cell._replace(logged=True)
        if chunks:
            cell = cell._replace(log=chunks)
        near = datetime.timedelta(days=21)  # the cells likely in its bucket
        put(self.cells, key, cell, self.cells.items(
            min=(student_id, (lesson.date - near).isoformat()),
            max=(student_id, (lesson.date + near).isoformat() + '~')))
        self._index(student, lesson, cell)
        return self.cells[key]

    def _index(self, student, lesson, cell):
        entry = None
        if cell['marks'] or cell['attendance'] or cell['comment']:
            entry = DiaryCell(cell['marks'], cell['attendance'], cell['comment'])
        if student.set_entry(self, lesson, entry):
            notify(RecordsChanged(student, journal=self))

    def history(self, student_id, lesson_id):
        """The cell's values, oldest first, the current one last, each {time, userid,
        marks, attendance, comment}: the cell's entries in the audit log (``cell['log']``
        names the chunks they are in, so the log is not searched), and the values the log
        does not hold, kept in the cell. Marks are (value, kind, ...)."""
        cell = Cell.of(self.cells.get((student_id, lesson_id)))
        if not cell:
            return []
        rows = [dict(zip(HISTORY_FIELDS, h)) for h in cell.history_rows()]
        if cell.get('log'):
            log = get_audit_log(find_root(self))
            for entry in log.entries_in(cell['log'], resource_path(self), 'cell'):
                details = entry['details']
                if (details.get('student'), details.get('lesson')) == (student_id, lesson_id):
                    rows.append({'time': datetime.datetime.fromisoformat(entry['time']),
                                 'userid': entry['userid'], **summary_values(details['new'])})
        if not cell.get('logged'):
            rows.append(dict(zip(HISTORY_FIELDS, (
                cell.get('time'), cell.get('userid'), cell['marks'], cell['attendance'],
                cell['comment']))))
        # values kept in the cell and values in the log interleave only if writes with and
        # without audit entries alternated; in time order either way
        rows.sort(key=lambda row: row['time'] or _BEGINNING)
        return rows

    # -- averages and period marks ------------------------------------------------------
    def marks_of(self, student_id, lessons):
        marks = []
        for lesson in lessons:
            cell = self.cells.get((student_id, lesson.id))
            if cell:
                marks.extend(cell['marks'])
        return marks

    def average(self, student_id, lessons):
        return self.school.average(self.marks_of(student_id, lessons))

    def period_mark(self, student_id, period_id):
        entry = self.period_marks.get((student_id, period_id))
        return entry['value'] if entry else ''

    def set_period_mark(self, student_id, period_id, value, audit=True, check_closed=True):
        period = self.period(period_id)
        if period is None and period_id != 'year':
            raise KeyError(period_id)
        if check_closed and self.year.is_closed(period_id):
            # the year's own marks close with the year (its paper journal is frozen then)
            raise PeriodClosed(period or Period(period_id, self.year.title, self.year.start,
                                                self.year.end))
        student = self.school_class.students_folder()[student_id]
        value = grading.normalize_period_mark(value, self.school.grading_scale)
        key = (student_id, period_id)
        old = PeriodMark.of(self.period_marks.get(key))
        old_value = old.value if old else ''
        if old_value == value:
            return old
        history = (tuple(old.history) + ((old.time, old.userid, old_value),)) if old else ()
        entry = PeriodMark(value, history, now(), current_actor().userid)
        self.period_marks[key] = entry
        pkey = (resource_path(self), period_id)
        if value:
            student.period_marks[pkey] = value
        elif pkey in student.period_marks:
            del student.period_marks[pkey]
        notify(RecordsChanged(student, journal=self))
        if audit:
            record(self, 'period-mark', {'student': student_id, 'period': period_id,
                                         'old': old_value, 'new': value})
        return entry

    # -- corrections ----------------------------------------------------------------------
    def request_correction(self, student_id, lesson_id, marks, attendance, comment, reason):
        """A correction request for a cell of a closed period, pending a deputy's decision
        (``decide_correction``). Audited; returns the request."""
        if not (reason or '').strip():
            raise grading.GradingError('reason', _('Say why the closed period needs a change.'))
        self.lessons[lesson_id]
        self.school_class.students_folder()[student_id]
        number = (self.corrections.maxKey() + 1) if self.corrections else 1
        correction = create(
            'CorrectionRequest', id=number, student=student_id, lesson=lesson_id,
            marks=tuple(marks), attendance=grading.normalize_attendance(attendance),
            comment=(comment or '').strip(), reason=reason.strip())
        correction.__parent__, correction.__name__ = self, str(number)
        self.corrections[number] = correction
        record(self, 'correction-request', {
            'id': number, 'student': student_id, 'lesson': lesson_id,
            'new': {'marks': [m[0] for m in marks], 'attendance': correction.attendance,
                    'comment': correction.comment}, 'reason': correction.reason})
        return correction

    def decide_correction(self, number, approve, note='', request=None):
        """Approve or reject the pending request ``number``: its workflow's transition
        (the permission checked against ``request`` when given); the subscriber of the
        transition audits it and applies an approved change (``journal.corrections``).
        Raises WorkflowError if it was decided already."""
        correction = self.corrections[number]
        do_transition(correction, 'approve' if approve else 'reject', request,
                      comment=note)
        return correction

    def pending_corrections(self):
        return [c for c in self.corrections.values() if c.review_state == 'pending']


def cell_summary(cell):
    """A cell's value as its audit entry holds it: marks as 'value' or 'value:kind'; empty
    fields left out, since every mark save writes one (``summary_values`` reads them back)."""
    summary = {'marks': [m[0] + ('' if m[1] == grading.DEFAULT_KIND else ':' + m[1])
                         for m in cell['marks']],
               'attendance': cell['attendance'], 'comment': cell['comment']}
    return {key: value for key, value in summary.items() if value}


def summary_values(summary):
    """The inverse of ``cell_summary``: marks as (value, kind) pairs."""
    marks = tuple(tuple(m.split(':', 1)) if ':' in m else (m, grading.DEFAULT_KIND)
                  for m in summary.get('marks', ()))
    return {'marks': marks, 'attendance': summary.get('attendance', ''),
            'comment': summary.get('comment', '')}


def revision(cell):
    """How many values the cell had before its current one (0: never changed)."""
    return cell.get('revision', len(cell.get('history', ())))


HISTORY_FIELDS = ('time', 'userid', 'marks', 'attendance', 'comment')
_BEGINNING = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)


# -- structure changes (admin, class teacher): each audited ------------------------------

def enrol(student, school_class, start, end=None):
    """Put ``student`` into ``school_class`` from ``start``; if they are in another class of
    the same year, their enrolment there ends the day before (marks stay in both)."""
    year = school_class.year
    if student.class_path and student.class_path != resource_path(school_class):
        old = student.current_class()
        if old is not None and old.year is year:
            leave(student, old, start - datetime.timedelta(days=1))
    spans = tuple(school_class.members.get(student.__name__, ()))
    school_class.members[student.__name__] = spans + ((start, end),)
    student.enrolments = tuple(student.enrolments) + (
        (year.__name__, school_class.__name__, start, end),)
    student.class_path = resource_path(school_class)
    record(student, 'enrol', {'class': resource_path(school_class), 'start': start})
    place_in_subgroups(student, school_class)


def place_in_subgroups(student, school_class):
    """Put a student who joins ``school_class`` into the first group of each subject the
    class is split for (unless they are in one of its groups already), and tell the class
    teacher, who may choose another group on the split screen. Returns {subject: group}."""
    sid, placed = student.__name__, {}
    for subject, groups in sorted(school_class.subgroups.items()):
        if not groups or any(sid in ids for ids in groups.values()):
            continue
        first = sorted(groups)[0]
        new = dict(groups)
        new[first] = tuple(sorted(set(groups[first]) | {sid}))
        school_class.subgroups[subject] = new
        record(school_class, 'subgroups', {'subject': subject, 'old': dict(groups),
                                           'new': new, 'placed': sid})
        placed[subject] = first
    if placed:
        marks = dict(school_class.placed_by_default or {})
        for subject in placed:
            marks[subject] = tuple(sorted(set(marks.get(subject, ())) | {sid}))
        school_class.placed_by_default = marks
        notify_class_teacher(school_class, student, placed)
    return placed


def notify_class_teacher(school_class, student, placed):
    users = find_root(school_class)['people']['users']
    user = users.get(school_class.class_teacher) if school_class.class_teacher else None
    if user is None:
        return
    subjects = find_root(school_class)['journal']['subjects']
    names = ', '.join('%s — %s' % (getattr(subjects.get(s), 'title', s), g)
                      for s, g in sorted(placed.items()))
    user.add_notice(_('subgroup-placed', mapping={
        'student': student.fullname, 'class': school_class.title, 'groups': names},
        default='${student} joined ${class} and was put into the first group: ${groups}. '
                'Choose another group on the class\'s subgroups screen if needed.'),
        kind='subgroups')


def leave(student, school_class, last_day):
    spans = [(s, e if e is not None else last_day) for s, e in
             school_class.members.get(student.__name__, ())]
    school_class.members[student.__name__] = tuple(spans)
    year_name = school_class.year.__name__
    student.enrolments = tuple(
        (y, c, s, last_day if (y, c) == (year_name, school_class.__name__) and e is None else e)
        for y, c, s, e in student.enrolments)
    record(student, 'leave', {'class': resource_path(school_class), 'last_day': last_day})


def split_subgroups(school_class, subject, groups):
    """``groups``: {group name: student ids}; every member at most in one group."""
    seen = set()
    for ids in groups.values():
        if seen & set(ids):
            raise ValueError('a student in two groups')
        seen |= set(ids)
    old = dict(school_class.subgroups.get(subject) or {})
    new = {name: tuple(sorted(ids)) for name, ids in groups.items()}
    if old != new:
        school_class.subgroups[subject] = new
        record(school_class, 'subgroups', {'subject': subject, 'old': old, 'new': new})
    if school_class.placed_by_default and subject in school_class.placed_by_default:
        # the split was looked at and saved: the default placements are decided
        marks = dict(school_class.placed_by_default)
        del marks[subject]
        school_class.placed_by_default = marks


def add_subgroup(school_class, subject, name):
    """A new, empty group of ``subject`` (e.g. "3") with its journal (no teacher yet: the
    administrator assigns one). Raises ValueError if the group exists."""
    groups = dict(school_class.subgroups.get(subject.__name__) or {})
    for journal in school_class.journals():
        if journal.subject == subject.__name__ and journal.subgroup:
            groups.setdefault(journal.subgroup, ())
    journal_name = subject.__name__ + '-' + name
    if name in groups or journal_name in school_class['journals']:
        raise ValueError('group exists')
    groups[name] = ()
    school_class.subgroups[subject.__name__] = groups
    record(school_class, 'subgroup-add', {'subject': subject.__name__, 'group': name})
    return add_journal(school_class, subject, '', name)


def assign_teacher(journal, login):
    """Make ``login`` the journal's teacher (local role 'teacher'), taking it from the
    previous teacher; audited as the sharing screen does."""
    for holder in journal.holders_of('teacher'):
        if holder != login:
            roles = set(journal.get_local_roles('user:' + holder)) - {'teacher'}
            set_local_roles(journal, 'user:' + holder, roles)
    if login:
        roles = set(journal.get_local_roles('user:' + login)) | {'teacher'}
        set_local_roles(journal, 'user:' + login, roles)
    journal.main_teacher = login


def assign_class_teacher(school_class, login):
    for holder in school_class.holders_of('class_teacher'):
        if holder != login:
            roles = set(school_class.get_local_roles('user:' + holder))
            set_local_roles(school_class, 'user:' + holder, roles - {'class_teacher'})
    if login:
        roles = set(school_class.get_local_roles('user:' + login)) | {'class_teacher'}
        set_local_roles(school_class, 'user:' + login, roles)


def add_journal(school_class, subject, teacher='', subgroup=''):
    name = subject.__name__ + ('-' + subgroup if subgroup else '')
    journal = create('Journal', subject=subject.__name__, subject_title=subject.title,
                     subgroup=subgroup)
    school_class['journals'].add(name, journal)
    if teacher:
        assign_teacher(journal, teacher)
    return journal


def add_class(year, grade, letter, class_teacher=''):
    name = '%d%s' % (grade, letter_name(letter))
    school_class = year['classes'].add(name, create('SchoolClass', grade=grade, letter=letter))
    if class_teacher:
        assign_class_teacher(school_class, class_teacher)
    return school_class


_LATIN = dict(zip('абвгдежзиклмн', 'abvgdezhziklmn'))


def letter_name(letter):
    return ''.join(_LATIN.get(ch, ch) for ch in letter.lower())

"""Colander schemas of the school structure screens, shared by the forms and the JSON API.

A few fields are lists typed one item a line in the form (periods, holidays, bells) or as
"weekday number" pairs (a weekly schedule); the same fields accept JSON lists in the API.
Their types parse both and name the line of a mistake."""
import datetime
import re

import colander
import deform

from ejportal.core.content import find_root
from ejportal.core.forms import CSRFSchema
from ejportal.i18n import _
from ejportal.journal.resources import PERIOD_KINDS, Period
from ejportal.site.resources import get_portal

TEXTAREA = deform.widget.TextAreaWidget(rows=5)
WEEKDAYS = {'пн': 0, 'вт': 1, 'ср': 2, 'чт': 3, 'пт': 4, 'сб': 5,
            'mon': 0, 'tue': 1, 'wed': 2, 'thu': 3, 'fri': 4, 'sat': 5,
            '1': 0, '2': 1, '3': 2, '4': 3, '5': 4, '6': 5}
WEEKDAY_NAMES = ('пн', 'вт', 'ср', 'чт', 'пт', 'сб')


def parse_date(text):
    """'2026-09-01' or '01.09.2026'."""
    text = str(text).strip()
    for fmt in ('%Y-%m-%d', '%d.%m.%Y'):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(text)


def parse_time(text):
    text = str(text).strip()
    if not re.match(r'^\d{1,2}:\d{2}$', text):
        raise ValueError(text)
    hours, minutes = map(int, text.split(':'))
    if hours > 23 or minutes > 59:
        raise ValueError(text)
    return '%02d:%02d' % (hours, minutes)


class Lines(colander.SchemaType):
    """A list of rows: text, one row a line with ``|`` between the parts (the form), or a
    JSON list of lists or objects (the API). ``parse_row(parts)`` returns the stored row or
    raises ValueError; ``format_row(row)`` gives the parts back."""

    keys = ()
    message = _('Not valid.')

    def serialize(self, node, appstruct):
        if appstruct is colander.null or appstruct is None:
            return colander.null
        return '\n'.join(' | '.join(str(p) for p in self.format_row(row)) for row in appstruct)

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or cstruct in ('', None):
            return colander.null
        if isinstance(cstruct, str):
            rows = [[p.strip() for p in line.split('|')]
                    for line in cstruct.splitlines() if line.strip()]
        elif isinstance(cstruct, (list, tuple)):
            rows = [[item.get(k, '') for k in self.keys] if isinstance(item, dict) else item
                    for item in cstruct]
        else:
            raise colander.Invalid(node, _('A list is expected.'))
        result = []
        for number, parts in enumerate(rows, 1):
            try:
                if not isinstance(parts, (list, tuple)):
                    raise ValueError(parts)
                result.append(self.parse_row(list(parts)))
            except (ValueError, TypeError):
                raise colander.Invalid(node, _('line-error', mapping={
                    'line': number, 'message': self.message},
                    default='Line ${line}: ${message}'))
        return tuple(result)


class PeriodLines(Lines):
    keys = ('id', 'title', 'start', 'end')
    message = _('Write: id | title | first day | last day, e.g. q1 | I четверть | 01.09.2026 | '
                '26.10.2026.')

    def parse_row(self, parts):
        if len(parts) != 4 or not re.match(r'^[a-z0-9]{1,8}$', str(parts[0])) or not parts[1]:
            raise ValueError(parts)
        start, end = parse_date(parts[2]), parse_date(parts[3])
        if end < start:
            raise ValueError(parts)
        return Period(str(parts[0]), str(parts[1])[:60], start, end)

    def format_row(self, row):
        return (row.id, row.title, row.start.strftime('%d.%m.%Y'), row.end.strftime('%d.%m.%Y'))


class HolidayLines(Lines):
    keys = ('start', 'end', 'title')
    message = _('Write: first day | last day | title, e.g. 27.10.2026 | 04.11.2026 | осенние '
                'каникулы.')

    def parse_row(self, parts):
        if len(parts) not in (2, 3):
            raise ValueError(parts)
        start, end = parse_date(parts[0]), parse_date(parts[1])
        if end < start:
            raise ValueError(parts)
        return (start, end, str(parts[2])[:100] if len(parts) == 3 else '')

    def format_row(self, row):
        return (row[0].strftime('%d.%m.%Y'), row[1].strftime('%d.%m.%Y'), row[2])


class BellLines(Lines):
    keys = ('number', 'start', 'end')
    message = _('Write: lesson number | start | end, e.g. 1 | 08:30 | 09:15.')

    def parse_row(self, parts):
        if len(parts) != 3:
            raise ValueError(parts)
        number = int(parts[0])
        start, end = parse_time(parts[1]), parse_time(parts[2])
        if not 0 <= number <= 12 or end <= start:
            raise ValueError(parts)
        return (number, start, end)

    def format_row(self, row):
        return row


class Slots(colander.SchemaType):
    """A weekly schedule: "пн 2, ср 3" (weekday and lesson number pairs; mon/1 also do) in
    the form, ``[[weekday 0-5, number], ...]`` in the API -> tuple of (weekday, number)."""

    def serialize(self, node, appstruct):
        if not appstruct:
            return colander.null
        return ', '.join('%s %d' % (WEEKDAY_NAMES[d], n) for d, n in appstruct)

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or cstruct in ('', None):
            return ()
        try:
            if isinstance(cstruct, str):
                pairs = []
                for item in re.split(r'[,;]', cstruct):
                    if not item.strip():
                        continue
                    day, number = item.split()
                    pairs.append((WEEKDAYS[day.strip('.').lower()], int(number)))
            elif isinstance(cstruct, (list, tuple)):
                pairs = [(int(d), int(n)) for d, n in cstruct]
            else:
                raise ValueError(cstruct)
            if any(not (0 <= d <= 5 and 1 <= n <= 12) for d, n in pairs):
                raise ValueError(cstruct)
        except (ValueError, KeyError, TypeError):
            raise colander.Invalid(node, _('Write weekday and lesson number pairs, e.g. '
                                           '"пн 2, ср 3".'))
        return tuple(sorted(set(pairs)))


def portal_users(kw):
    """The users folder, found from the request or, for the console's actions (no
    request), from the context."""
    if kw.get('request') is not None:
        return get_portal(kw['request'])['people']['users']
    return find_root(kw['context'])['people']['users']


@colander.deferred
def deferred_staff_widget(node, kw):
    users = portal_users(kw)
    staff = sorted((u for u in users.values() if u.is_staff() and u.enabled),
                   key=lambda u: u.fullname)
    return deform.widget.SelectWidget(values=[('', '—')] + [(u.__name__, u.fullname)
                                                             for u in staff])


@colander.deferred
def deferred_staff_validator(node, kw):
    users = portal_users(kw)

    def validate(node, value):
        if value and (value not in users or not users[value].is_staff()):
            raise colander.Invalid(node, _('No such member of staff.'))
    return validate


def staff_node(title):
    return colander.SchemaNode(colander.String(), title=title, missing='',
                               widget=deferred_staff_widget,
                               validator=deferred_staff_validator)


KIND_WIDGET = deform.widget.SelectWidget(values=list(PERIOD_KINDS))
KIND_VALIDATOR = colander.OneOf([k for k, _t in PERIOD_KINDS])


class AddYearSchema(CSRFSchema):
    start_year = colander.SchemaNode(colander.Int(), title=_('First calendar year'),
                                     validator=colander.Range(2000, 2100))
    period_kind = colander.SchemaNode(colander.String(), title=_('Periods'),
                                      widget=KIND_WIDGET, validator=KIND_VALIDATOR,
                                      default='quarters')


class GradesType(colander.String):
    """Grade numbers, "10 11" or "10, 11" (a list in the API)."""

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, (list, tuple)):
            cstruct = ' '.join(str(c) for c in cstruct)
        text = super().deserialize(node, cstruct)
        if text is colander.null:
            return ()
        try:
            grades = tuple(sorted({int(g) for g in re.split(r'[\s,;]+', text) if g}))
        except ValueError:
            raise colander.Invalid(node, _('Grade numbers from 1 to 11, e.g. "10 11".'))
        if any(not 1 <= g <= 11 for g in grades):
            raise colander.Invalid(node, _('Grade numbers from 1 to 11, e.g. "10 11".'))
        return grades

    def serialize(self, node, appstruct):
        if not appstruct:
            return colander.null
        return ' '.join(str(g) for g in appstruct)


class YearSchema(CSRFSchema):
    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(1, 100))
    period_kind = colander.SchemaNode(colander.String(), title=_('Periods'),
                                      widget=KIND_WIDGET, validator=KIND_VALIDATOR)
    periods = colander.SchemaNode(
        PeriodLines(), title=_('Period dates'), missing=(), widget=TEXTAREA,
        description=_('One a line: id | title | first day | last day. Leave empty for the '
                      'usual dates of the kind chosen above.'))
    other_grades = colander.SchemaNode(
        GradesType(), title=_('Grades with other periods'), missing=(),
        description=_('E.g. "10 11" for senior grades that study in halves.'))
    other_kind = colander.SchemaNode(colander.String(), title=_('Their periods'),
                                     widget=KIND_WIDGET, validator=KIND_VALIDATOR,
                                     missing='halves')
    holidays = colander.SchemaNode(
        HolidayLines(), title=_('Holidays'), missing=(), widget=TEXTAREA,
        description=_('One a line: first day | last day | title.'))
    bells = colander.SchemaNode(
        BellLines(), title=_('Bell schedule'), missing=(), widget=TEXTAREA,
        description=_('One a line: lesson number | start | end.'))


class SubjectSchema(CSRFSchema):
    name = colander.SchemaNode(
        colander.String(), title=_('Id'),
        validator=colander.Regex(r'^[a-z][a-z0-9-]{1,30}$', _(
            'Latin lower-case letters, digits and dashes, e.g. "english".')))
    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(1, 100))
    short_title = colander.SchemaNode(colander.String(), title=_('Short title'), missing='',
                                      validator=colander.Length(0, 20))


class EditSubjectSchema(SubjectSchema):
    def after_bind(self, node, kw):
        del node['name']


class AddClassFields(colander.MappingSchema):
    """A new class of a year (``actions.AddClass``; the form adds the CSRF token)."""
    grade = colander.SchemaNode(colander.Int(), title=_('Grade'),
                                validator=colander.Range(1, 11))
    letter = colander.SchemaNode(
        colander.String(), title=_('Letter'),
        validator=colander.Regex(r'^[А-Яа-яЁёA-Za-z]{1,2}$', _('One or two letters.')))
    class_teacher = staff_node(_('Class teacher'))


class AddClassSchema(CSRFSchema, AddClassFields):
    pass


class ClassTeacherSchema(CSRFSchema):
    class_teacher = staff_node(_('Class teacher'))


@colander.deferred
def deferred_free_students(node, kw):
    """Students not in a class of this year now (a new student is typed below)."""
    school_class = kw['context']
    year = school_class.year
    students = school_class.students_folder()
    taken = set()
    for other in year['classes'].values():
        taken.update(other.member_ids(datetime.date.today(), datetime.date.today()))
    free = sorted((s for s in students.values() if s.__name__ not in taken),
                  key=lambda s: (s.surname, s.first_name))
    return deform.widget.SelectWidget(values=[('', _('— a new student —'))] + [
        (s.__name__, s.fullname) for s in free])


@colander.deferred
def deferred_today_in_year(node, kw):
    year = kw['context'].year
    today = datetime.date.today()
    return min(max(today, year.start), year.end)


class EnrolSchema(CSRFSchema):
    student = colander.SchemaNode(colander.String(), title=_('Student'), missing='',
                                  widget=deferred_free_students)
    surname = colander.SchemaNode(colander.String(), title=_('Surname'), missing='',
                                  validator=colander.Length(0, 100))
    first_name = colander.SchemaNode(colander.String(), title=_('Name'), missing='',
                                     validator=colander.Length(0, 100))
    patronymic = colander.SchemaNode(colander.String(), title=_('Patronymic'), missing='',
                                     validator=colander.Length(0, 100))
    personal_file = colander.SchemaNode(colander.String(), title=_('Personal file number'),
                                        missing='', validator=colander.Length(0, 30))
    birth_date = colander.SchemaNode(colander.Date(), title=_('Birth date'), missing=None)
    start = colander.SchemaNode(colander.Date(), title=_('In the class from'),
                                default=deferred_today_in_year)


@colander.deferred
def deferred_members(node, kw):
    school_class = kw['context']
    return deform.widget.SelectWidget(values=[(s.__name__, s.fullname)
                                              for s in school_class.current_students()])


@colander.deferred
def deferred_other_classes(node, kw):
    school_class = kw['context']
    return deform.widget.SelectWidget(values=[
        (c.__name__, c.title) for c in school_class.year['classes'].current()
        if c is not school_class])


class MoveSchema(CSRFSchema):
    student = colander.SchemaNode(colander.String(), title=_('Student'),
                                  widget=deferred_members)
    target = colander.SchemaNode(colander.String(), title=_('To the class'),
                                 widget=deferred_other_classes)
    start = colander.SchemaNode(colander.Date(), title=_('In the new class from'),
                                default=deferred_today_in_year)


@colander.deferred
def deferred_subjects_widget(node, kw):
    school_class = kw['context']
    subjects = school_class.year.__parent__['subjects']
    return deform.widget.SelectWidget(values=[(s.__name__, s.title) for s in subjects.values()
                                              if not s.archived])


class AssignmentSchema(CSRFSchema):
    subject = colander.SchemaNode(colander.String(), title=_('Subject'),
                                  widget=deferred_subjects_widget)
    subgroup = colander.SchemaNode(
        colander.String(), title=_('Subgroup'), missing='',
        validator=colander.Regex(r'^[0-9A-Za-zА-Яа-яЁё]{0,10}$', _(
            'Letters and digits, e.g. "1" or "2"; empty for the whole class.')),
        description=_('Empty for the whole class; "1", "2" for groups.'))
    teacher = staff_node(_('Teacher'))


@colander.deferred
def deferred_first_school_day(node, kw):
    year = kw['context'].year
    return max(datetime.date.today(), year.start)


@colander.deferred
def deferred_last_school_day(node, kw):
    year = kw['context'].year
    return year.all_periods()[-1].end if year.all_periods() else year.end


class ScheduleSchema(CSRFSchema):
    """Built per class: one ``slots-<journal>`` node per journal (see the view)."""
    start = colander.SchemaNode(colander.Date(), title=_('From'),
                                default=deferred_first_school_day)
    end = colander.SchemaNode(colander.Date(), title=_('To'),
                              default=deferred_last_school_day)
    saturday = colander.SchemaNode(colander.Boolean(), title=_('Six-day week'),
                                   missing=False)


# -- values as both doors send them -----------------------------------------------------
class Text(colander.String):
    """Text, stripped; anything but a string (an object, a number from JSON) is refused
    rather than stored, since every page that prints it expects text."""

    def deserialize(self, node, cstruct):
        if cstruct is None:
            cstruct = colander.null
        if cstruct is not colander.null and not isinstance(cstruct, str):
            raise colander.Invalid(node, _('Text is expected here.'))
        value = super().deserialize(node, cstruct)
        return value.strip() if isinstance(value, str) else value


class WholeNumber(colander.SchemaType):
    """A whole number as JSON sends it (``3``) or as a form or a spreadsheet cell does
    (``"3"``, ``"3.0"``); anything else is refused with ``message``."""

    def __init__(self, message):
        self.message = message

    def serialize(self, node, appstruct):
        return colander.null if appstruct in (colander.null, None) else str(appstruct)

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ''):
            return colander.null
        if isinstance(cstruct, int) and not isinstance(cstruct, bool):
            return cstruct
        if isinstance(cstruct, (str, float)) and not isinstance(cstruct, bool):
            try:
                value = float(cstruct)
            except ValueError:
                value = None
            if value is not None and value.is_integer():
                return int(value)
        raise colander.Invalid(node, self.message)


class Day(colander.SchemaType):
    """A day as a date input and JSON send it: ``2026-09-01``."""

    def serialize(self, node, appstruct):
        return colander.null if appstruct in (colander.null, None) else appstruct.isoformat()

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ''):
            return colander.null
        try:
            return datetime.date.fromisoformat(cstruct.strip())
        except (AttributeError, ValueError):
            raise colander.Invalid(node, _('Write the date as YYYY-MM-DD.'))


class Optional(colander.SchemaType):
    """A value that may be cleared: absent -> not changed, ``null`` or "" -> None, else the
    wrapped type's value."""

    def __init__(self, typ):
        self.typ = typ

    def serialize(self, node, appstruct):
        return colander.null if appstruct is None else self.typ.serialize(node, appstruct)

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        if cstruct is None or cstruct == '':
            return None
        return self.typ.deserialize(node, cstruct)


class Fixed(colander.SchemaType):
    """A lesson's date and number on an edit: they are its id and do not change (delete an
    empty lesson and add it anew)."""

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        raise colander.Invalid(node, _('The date and number of a lesson do not change.'))


# -- a lesson: the column form, @lessons and @lesson ----------------------------------------
LESSON_NUMBER = _('A lesson number from 1 to 12.')
NOT_IN_PLAN = _('No such lesson in the plan.')


@colander.deferred
def deferred_lesson_type(node, kw):
    # a retired type stays valid on the lessons that have it; only the screen's choice
    # leaves it out
    types = kw['context'].school.known_ids('lesson-types')

    def validate(node, value):
        if value not in types:
            raise colander.Invalid(node, _('Choose a lesson type.'))
    return validate


@colander.deferred
def deferred_ict(node, kw):
    means = kw['context'].school.known_ids('ict-means')

    def validate(node, value):
        if any(v not in means for v in value):
            raise colander.Invalid(node, _('Choose from the list.'))
    return validate


@colander.deferred
def deferred_plan_number(node, kw):
    numbers = {item['number'] for item in kw['context'].plan}

    def validate(node, value):
        if value is not None and value not in numbers:
            raise colander.Invalid(node, NOT_IN_PLAN)
    return validate


class IctList(colander.SequenceSchema):
    item = colander.SchemaNode(Text())


class LessonSchema(colander.MappingSchema):
    """One lesson's fields, the one schema of the column form and of ``@lessons`` and
    ``@lesson``. Bound with ``context`` (the journal) and ``lesson``: None for a new
    lesson, which needs its date and number; an existing lesson's date and number are its
    id and are refused. The other fields are optional: absent, they stay as they are (a
    new lesson: empty, the topic from the plan)."""

    date = colander.SchemaNode(Day(), missing_msg=_('Enter the date.'))
    number = colander.SchemaNode(
        WholeNumber(LESSON_NUMBER), missing_msg=LESSON_NUMBER,
        validator=colander.Range(1, 12, min_err=LESSON_NUMBER, max_err=LESSON_NUMBER))
    topic = colander.SchemaNode(
        Text(allow_empty=True), missing=colander.drop,
        validator=colander.Length(0, 500, max_err=_('At most 500 characters.')))
    lesson_type = colander.SchemaNode(Text(), missing=colander.drop,
                                      validator=deferred_lesson_type)
    ict = IctList(missing=colander.drop, validator=deferred_ict, preparer=tuple)
    homework = colander.SchemaNode(
        Text(allow_empty=True), missing=colander.drop,
        validator=colander.Length(0, 2000, max_err=_('At most 2000 characters.')))
    homework_due = colander.SchemaNode(Optional(Day()), missing=colander.drop)
    note = colander.SchemaNode(
        Text(allow_empty=True), missing=colander.drop,
        validator=colander.Length(0, 1000, max_err=_('At most 1000 characters.')))
    planned = colander.SchemaNode(Optional(WholeNumber(NOT_IN_PLAN)), missing=colander.drop,
                                  validator=deferred_plan_number)

    def after_bind(self, node, kw):
        if kw.get('lesson') is not None:
            for name in ('date', 'number'):
                node[name] = colander.SchemaNode(Fixed(), missing=colander.drop)


# -- the lesson plan (КТП) imported: each row as the preview reads it and the save stores it -
PLAN_NUMBER = _('The lesson number is not a number.')
PLAN_HOURS = _('Hours must be a whole number from 1 to 10.')
PLAN_TOPIC = _('The topic is empty.')
PLAN_MAX_ROWS = 2000


class PlannedLesson(colander.MappingSchema):
    number = colander.SchemaNode(
        WholeNumber(PLAN_NUMBER), missing_msg=PLAN_NUMBER,
        validator=colander.Range(1, 9999, min_err=_('A lesson number from 1 to 9999.'),
                                 max_err=_('A lesson number from 1 to 9999.')))
    topic = colander.SchemaNode(
        Text(), missing_msg=PLAN_TOPIC,
        validator=colander.Length(1, 500, min_err=PLAN_TOPIC,
                                  max_err=_('At most 500 characters.')))
    hours = colander.SchemaNode(
        WholeNumber(PLAN_HOURS), missing=1,
        validator=colander.Range(1, 10, min_err=PLAN_HOURS, max_err=PLAN_HOURS))
    section = colander.SchemaNode(
        Text(), missing='', validator=colander.Length(0, 200, max_err=_(
            'At most 200 characters.')))


def unique_numbers(node, rows):
    """Each lesson number once; the error names the row that repeats one."""
    error, seen = None, set()
    for index, row in enumerate(rows):
        if row['number'] in seen:
            error = error or colander.Invalid(node)
            row_error = colander.Invalid(node.children[0])
            row_error['number'] = _('This lesson number is used twice.')
            error.add(row_error, index)
        seen.add(row['number'])
    if error is not None:
        raise error


class RowList(colander.Sequence):
    """A list of rows; a string (which colander would read as a list of characters) or an
    object is refused."""

    def deserialize(self, node, cstruct, accept_scalar=None):
        if isinstance(cstruct, (str, bytes, dict)):
            raise colander.Invalid(node, _('A list of rows is expected.'))
        return super().deserialize(node, cstruct, accept_scalar)


class PlannedLessons(colander.SequenceSchema):
    schema_type = RowList
    row = PlannedLesson()
    validator = colander.All(
        colander.Length(1, PLAN_MAX_ROWS, min_err=_('The plan has no rows.'),
                        max_err=_('Too many rows (at most 2000).')),
        unique_numbers)


class PlanImportSchema(colander.MappingSchema):
    """The import's save step: the rows the preview showed, each checked again."""
    rows = PlannedLessons()


# -- subgroups: a class's split for one subject --------------------------------------------
class GroupsType(colander.SchemaType):
    """``{"1": [student ids], "2": [...]}`` -> {group name: tuple of student ids}."""

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        if not isinstance(cstruct, dict) or not all(
                isinstance(name, str) and isinstance(ids, (list, tuple)) and
                all(isinstance(i, str) for i in ids) for name, ids in cstruct.items()):
            raise colander.Invalid(node, _('Groups: {"1": [student ids], "2": [...]}.'))
        return {name: tuple(ids) for name, ids in cstruct.items()}


class SubgroupsSchema(colander.MappingSchema):
    """``subject`` (default: the journal's own, or the class screen's), ``create`` (a new
    group: "3" or "3 группа") and/or ``groups`` (the whole split)."""
    subject = colander.SchemaNode(Text(), missing='')
    create = colander.SchemaNode(Text(allow_empty=True), missing=colander.drop)
    groups = colander.SchemaNode(GroupsType(), missing=colander.drop)


# -- the lesson plan (КТП) edited in the browser -------------------------------------------
class PlanRow(colander.MappingSchema):
    key = colander.SchemaNode(colander.Int(), widget=deform.widget.HiddenWidget(),
                              missing=None)
    section = colander.SchemaNode(colander.String(), title=_('Section'), missing='',
                                  validator=colander.Length(0, 200))
    topic = colander.SchemaNode(colander.String(), title=_('Topic'),
                                validator=colander.Length(1, 500))
    hours = colander.SchemaNode(colander.Int(), title=_('Hours'), default=1,
                                validator=colander.Range(1, 10))


class PlanRows(colander.SequenceSchema):
    row = PlanRow(title=_('Planned lesson'))


def unique_keys(node, value):
    keys = [r['key'] for r in value.get('rows') or () if r.get('key') is not None]
    if len(keys) != len(set(keys)):
        exc = colander.Invalid(node)
        exc['rows'] = _('Each row once.')
        raise exc


class PlanEditSchema(CSRFSchema):
    validator = staticmethod(unique_keys)
    rows = PlanRows(title=_('Planned lessons, in order'), missing=(),
                    validator=colander.Length(0, 2000),
                    widget=deform.widget.SequenceWidget(orderable=True))


class ArchiveSchema(CSRFSchema):
    archived = colander.SchemaNode(
        colander.Boolean(), title=_('Archived'), missing=False,
        description=_('An archived class or subject leaves the current lists; its journals, '
                      'marks and history are kept, and it can be brought back.'))

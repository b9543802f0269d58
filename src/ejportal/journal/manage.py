"""The school's structure, kept by the administrator (and, for subgroups, the class teacher
and the subject teacher): years with their periods, holidays and bells; classes and class
teachers; the subjects reference book; enrolment and moves between classes; teaching
assignments; subgroup splits; lessons from a weekly schedule.

Each screen ``<name>`` is a listing and a form (GET renders, POST validates and changes,
then 303). The same change is the JSON API's ``POST <context>/@<name>`` with the same
schema and the same rules, and ``GET <context>/@<name>`` answers the listing as JSON.
Every change is audited: by the object events (create, edit), the sharing record of a
local role, or an entry of its own (enrol, leave, subgroups, lessons-schedule)."""
import datetime

import colander
import deform
from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther

from ejportal.core.audit import record
from ejportal.core.content import resource_path
from ejportal.core.errors import Invalid, UserError
from ejportal.core.forms import FormError, FormView, without_csrf
from ejportal.core.actions import invalid_fields, named_action
from ejportal.core.jsonapi import json_body, json_error
from ejportal.core.request import may_view
from ejportal.i18n import _
from ejportal.journal import schemas
from ejportal.journal.actions import (
    AddClass, SplitSubgroups, default_subject, group_names, subjects_with_journals)
from ejportal.journal.api import respond
from ejportal.journal.resources import (
    PERIOD_KINDS, Journal, School, SchoolClass, SchoolYear, Subject, Subjects,
    add_journal, assign_class_teacher, assign_teacher, default_year, enrol, leave, lesson_id,
    set_archived, template_periods)
from ejportal.paths import template
from ejportal.security import EDIT_JOURNAL, MANAGE_SCHOOL, SPLIT_SUBGROUPS
from ejportal.site.names import person_name

MANAGE = template('journal/manage.pt')
KIND_TITLES = dict(PERIOD_KINDS)


def fmt(day):
    return day.strftime('%d.%m.%Y') if day else ''


def user_name(request, login):
    return person_name(request, login)


class ManageView(FormView):
    """A structure screen. Subclasses give ``schema``, ``perform(appstruct)`` (checks every
    rule first, raising FormError, then changes and returns what it changed),
    ``listing()`` (template values) and ``json_listing()`` / ``json_result(result)``."""

    buttons = (deform.Button('save', _('Save')),)
    form_title = ''
    success_message = _('Saved.')

    def listing(self):
        return {}

    def json_listing(self):
        return {}

    def json_result(self, result):
        return {'ok': True}

    def json_cstruct(self, body):
        return body

    def perform(self, appstruct):
        raise NotImplementedError

    def next_url(self, result):
        return self.request.path_url + ('?' + self.request.query_string
                                        if self.request.query_string else '')

    def save_success(self, appstruct):
        result = self.perform(appstruct)
        self.request.session.flash(self.message(result), 'success')
        return HTTPSeeOther(self.next_url(result))

    def message(self, result):
        return self.success_message

    def render(self, form_html):
        values = super().render(form_html)
        values.update({'headers': (), 'rows': (), 'links': (), 'form_title': self.form_title,
                       'intro': ''})
        values.update(self.listing())
        return values


def json_post(cls, status=200):
    """The JSON API's POST of a structure screen: the same schema, rules and change."""
    def view(context, request):
        action = cls(context, request)
        body = json_body(request)
        schema = action.schema_instance().bind(**action.bind_kw())
        try:
            appstruct = without_csrf(schema.deserialize(action.json_cstruct(body)))
        except colander.Invalid as invalid:
            raise Invalid(_('Check the fields.'),
                          invalid_fields(invalid, request.localizer.translate))
        # a refusal of the screen's rules (a FormError) is rendered by the one exception view
        result = action.perform(appstruct)
        return respond(action.json_result(result), status=status)
    return view


def json_get(cls):
    def view(context, request):
        return respond(cls(context, request).json_listing())
    return view


# -- years --------------------------------------------------------------------------------
class YearsView(ManageView):
    schema = schemas.AddYearSchema
    title = _('School years')
    form_title = _('New school year')
    buttons = (deform.Button('save', _('Add')),)

    def listing(self):
        url = self.request.resource_url
        return {'headers': (_('School year'), _('Periods'), _('Classes'), ''),
                'rows': [((y.title, url(y, 'settings')),
                          (KIND_TITLES.get(y.period_kind, y.period_kind), None),
                          (str(len(y['classes'])), url(y, '@@classes')),
                          (_('Periods'), url(y, 'periods'))
                          if may_view(self.request, y, 'periods') else ('', None))
                         for y in self.context.years()],
                'links': ((url(self.context['subjects'], 'manage'), _('Subjects')),)}

    def json_listing(self):
        return {'items': [year_json(self.request, y) for y in self.context.years()]}

    def perform(self, appstruct):
        start = appstruct['start_year']
        name = '%d-%d' % (start, start + 1)
        if name in self.context:
            raise FormError('start_year', _('This school year exists.'))
        year = default_year(start, appstruct['period_kind'])
        return self.context.add(name, year)

    def next_url(self, year):
        return self.request.resource_url(year, 'settings')

    def json_result(self, year):
        return year_json(self.request, year)


def period_json(p):
    return {'id': p.id, 'title': p.title, 'start': p.start.isoformat(), 'end': p.end.isoformat()}


def year_json(request, year):
    return {'@id': request.resource_url(year).rstrip('/'), 'id': year.__name__,
            'title': year.title, 'start': year.start.isoformat(), 'end': year.end.isoformat(),
            'period_kind': year.period_kind,
            'periods': [period_json(p) for p in year.periods],
            'grade_periods': {str(g): {'kind': kind, 'periods': [period_json(p) for p in ps]}
                              for g, (kind, ps) in sorted((year.grade_periods or {}).items())},
            'holidays': [{'start': s.isoformat(), 'end': e.isoformat(), 'title': t}
                         for s, e, t in year.holidays],
            'bells': [{'number': n, 'start': s, 'end': e} for n, s, e in year.bells],
            'closed_periods': sorted(year.closed_periods)}


class YearSettingsView(ManageView):
    schema = schemas.YearSchema
    title = _('School year settings')

    def listing(self):
        url = self.request.resource_url
        links = [(url(self.context.__parent__, 'years'), _('School years')),
                 (url(self.context, '@@classes'), _('Classes'))]
        if may_view(self.request, self.context, 'periods'):
            links.append((url(self.context, 'periods'), _('Close periods')))
        return {'links': links}

    def appstruct(self):
        year = self.context
        grade_periods = year.grade_periods or {}
        kinds = {kind for kind, _p in grade_periods.values()}
        return {'title': year.title, 'period_kind': year.period_kind, 'periods': year.periods,
                'other_grades': tuple(sorted(grade_periods)),
                'other_kind': kinds.pop() if len(kinds) == 1 else 'halves',
                'holidays': year.holidays, 'bells': year.bells}

    def json_listing(self):
        return year_json(self.request, self.context)

    def json_result(self, result):
        return year_json(self.request, self.context)

    def perform(self, appstruct):
        year = self.context
        first = year.start.year
        kind = appstruct['period_kind']
        periods = appstruct['periods']
        if not periods or (kind != year.period_kind and periods == year.periods):
            periods = template_periods(kind, first)  # a new kind: its usual dates
        self.check_periods('periods', periods)
        for start, end, _t in appstruct['holidays']:
            if start < year.start or end > year.end:
                raise FormError('holidays', _('Holidays must be inside the school year.'))
        numbers = [n for n, _s, _e in appstruct['bells']]
        if len(set(numbers)) != len(numbers):
            raise FormError('bells', _('Each lesson number once.'))
        other = template_periods(appstruct['other_kind'], first)
        grade_periods = {g: (appstruct['other_kind'], other) for g in appstruct['other_grades']}
        return year.update({'title': appstruct['title'], 'period_kind': kind,
                            'periods': periods, 'grade_periods': grade_periods,
                            'holidays': tuple(sorted(appstruct['holidays'])),
                            'bells': tuple(sorted(appstruct['bells']))})

    def check_periods(self, field, periods):
        year = self.context
        ids = [p.id for p in periods]
        if len(set(ids)) != len(ids):
            raise FormError(field, _('Each period id once.'))
        for before, after in zip(periods, periods[1:]):
            if after.start <= before.end:
                raise FormError(field, _('Periods must follow one another without overlap.'))
        if periods[0].start < year.start or periods[-1].end > year.end:
            raise FormError(field, _('Periods must be inside the school year.'))


# -- subjects -----------------------------------------------------------------------------
class SubjectsView(ManageView):
    schema = schemas.SubjectSchema
    title = _('Subjects')
    form_title = _('New subject')
    buttons = (deform.Button('save', _('Add')),)

    def listing(self):
        url = self.request.resource_url
        return {'headers': (_('Id'), _('Title'), _('Short title')),
                'rows': [((s.__name__, None), (s.title, url(s, 'edit')), (s.short_title, None))
                         for s in self.context.values() if not s.archived] + [
                         ((s.__name__, None), (s.title, url(s, 'archive')), (ARCHIVED, None))
                         for s in self.context.values() if s.archived]}

    def json_listing(self):
        archived = self.request.params.get('archived') == '1'
        return {'items': [subject_json(s) for s in self.context.values()
                          if archived or not s.archived]}

    def perform(self, appstruct):
        if appstruct['name'] in self.context:
            raise FormError('name', _('This id is taken.'))
        return self.context.add(appstruct['name'], Subject(
            title=appstruct['title'], short_title=appstruct['short_title']))

    def json_result(self, subject):
        return subject_json(subject)


def subject_json(subject):
    return {'id': subject.__name__, 'title': subject.title, 'short_title': subject.short_title,
            'archived': bool(subject.archived)}


class SubjectEditView(ManageView):
    schema = schemas.EditSubjectSchema
    title = _('Subject')

    def listing(self):
        return {'links': ((self.request.resource_url(self.context.__parent__, 'manage'),
                           _('Subjects')),
                          (self.request.resource_url(self.context, 'archive'), _('Archive')))}

    def appstruct(self):
        return {'title': self.context.title, 'short_title': self.context.short_title}

    def json_listing(self):
        return subject_json(self.context)

    def json_result(self, result):
        return subject_json(self.context)

    def perform(self, appstruct):
        changes = self.context.update(appstruct)
        if 'title' in changes:
            # journals show the subject's title: keep the current and later years' in step
            school = self.context.__parent__.__parent__
            today = datetime.date.today()
            for year in school.years():
                if year.end < today:
                    continue
                for school_class in year['classes'].values():
                    for journal in school_class['journals'].values():
                        if journal.subject == self.context.__name__:
                            journal.subject_title = appstruct['title']
        return changes

    def next_url(self, result):
        return self.request.resource_url(self.context.__parent__, 'manage')


# -- classes ------------------------------------------------------------------------------
class ClassesView(ManageView):
    schema = schemas.AddClassSchema
    title = _('Classes')
    form_title = _('New class')
    buttons = (deform.Button('save', _('Add')),)

    def listing(self):
        url = self.request.resource_url
        return {'intro': self.context.title,
                'headers': (_('Class'), _('Class teacher'), _('Students'), _('Journals')),
                'rows': [((c.title, url(c, 'manage')),
                          (user_name(self.request, c.class_teacher), None),
                          (str(len(c.current_students())), url(c, 'enrol')),
                          (str(len(c['journals'])), url(c, 'assignments')))
                         for c in self.context['classes'].current()] + [
                         ((c.title, url(c, 'archive')), (ARCHIVED, None),
                          (str(len(c.students())), None),
                          (str(len(c['journals'])), url(c)))
                         for c in self.context['classes'].sorted() if c.archived],
                'links': ((url(self.context, 'settings'), _('School year settings')),)}

    def json_listing(self):
        archived = self.request.params.get('archived') == '1'
        return {'items': [class_json(self.request, c)
                          for c in self.context['classes'].sorted()
                          if archived or not c.archived]}

    def perform(self, appstruct):
        return AddClass(self.context, self.request).run(appstruct)

    def json_result(self, school_class):
        return class_json(self.request, school_class)


def class_json(request, school_class):
    return {'@id': request.resource_url(school_class).rstrip('/'),
            'id': school_class.__name__, 'title': school_class.title,
            'grade': school_class.grade, 'letter': school_class.letter,
            'archived': bool(school_class.archived),
            'class_teacher': school_class.class_teacher or None,
            'students': [{'id': s.__name__, 'name': s.fullname,
                          'enrolled': [{'start': fmt_iso(a), 'end': fmt_iso(b)}
                                       for a, b in school_class.members.get(s.__name__, ())]}
                         for s in school_class.students()],
            'journals': [{'id': j.__name__, 'subject': j.subject, 'subgroup': j.subgroup or None,
                          'teacher': j.teacher or None} for j in school_class.journals()],
            'subgroups': {subject: {g: list(ids) for g, ids in groups.items()}
                          for subject, groups in school_class.subgroups.items()}}


def fmt_iso(day):
    return day.isoformat() if day else None


def class_links(request, school_class):
    url = request.resource_url
    return ((url(school_class.year, '@@classes'), _('Classes')),
            (url(school_class, 'manage'), _('Class teacher')),
            (url(school_class, 'enrol'), _('Enrol a student')),
            (url(school_class, 'move'), _('Move to another class')),
            (url(school_class, 'assignments'), _('Teaching assignments')),
            (url(school_class, 'subgroups'), _('Subgroups')),
            (url(school_class, 'schedule'), _('Lessons from a weekly schedule')),
            (url(school_class, 'archive'), _('Archive')))


def student_rows(school_class):
    rows = []
    for student in school_class.students():
        spans = school_class.members.get(student.__name__, ())
        rows.append(((student.fullname, None), (', '.join(
            '%s — %s' % (fmt(s), fmt(e) if e else '…') for s, e in spans), None)))
    return rows


class ClassManageView(ManageView):
    schema = schemas.ClassTeacherSchema
    form_title = _('Class teacher')

    @property
    def title(self):
        return self.context.title

    def listing(self):
        return {'links': class_links(self.request, self.context),
                'headers': (_('Student'), _('In the class')),
                'rows': student_rows(self.context)}

    def appstruct(self):
        return {'class_teacher': self.context.class_teacher}

    def json_listing(self):
        return class_json(self.request, self.context)

    def json_result(self, result):
        return class_json(self.request, self.context)

    def perform(self, appstruct):
        assign_class_teacher(self.context, appstruct['class_teacher'])


class EnrolView(ManageView):
    schema = schemas.EnrolSchema
    title = _('Enrol a student')
    success_message = _('The student is enrolled.')

    def listing(self):
        return {'links': class_links(self.request, self.context),
                'headers': (_('Student'), _('In the class')),
                'rows': student_rows(self.context), 'intro': self.context.title}

    def json_listing(self):
        return class_json(self.request, self.context)

    def perform(self, appstruct):
        school_class, start = self.context, appstruct['start']
        year = school_class.year
        if school_class.archived:
            raise FormError('start', _('The class is archived.'), status=409)
        if not year.start <= start <= year.end:
            raise FormError('start', _('The date must be inside the school year.'))
        students = school_class.students_folder()
        if appstruct['student']:
            student = students.get(appstruct['student'])
            if student is None:
                raise FormError('student', _('No such student.'))
            if any(e is None or e >= start
                   for _s, e in school_class.members.get(student.__name__, ())):
                raise FormError('student', _('The student is in this class already.'))
            current = student.current_class()
            if current is not None and current.year is year and current is not school_class:
                spans = current.members.get(student.__name__, ())
                if any(s >= start for s, _e in spans):
                    raise FormError('start', _(
                        'The student joined another class on or after this date.'))
        else:
            if not appstruct['surname'] or not appstruct['first_name']:
                raise FormError('surname', _('Choose a student or type the new student\'s '
                                             'surname and name.'))
            # the class teacher's desk's and the import's action: the same checks (a
            # personal file number names one student), ids and records
            return named_action('add-student', school_class, self.request).run({
                'surname': appstruct['surname'].strip(),
                'first_name': appstruct['first_name'].strip(),
                'patronymic': appstruct['patronymic'].strip(),
                'personal_file': appstruct['personal_file'].strip(),
                'birth_date': appstruct['birth_date'], 'start': start})
        enrol(student, school_class, start)
        return student

    def json_result(self, student):
        return {'student': student.__name__, 'name': student.fullname,
                'class': resource_path(self.context),
                'enrolments': [{'year': y, 'class': c, 'start': fmt_iso(s), 'end': fmt_iso(e)}
                               for y, c, s, e in student.enrolments]}


class MoveView(EnrolView):
    schema = schemas.MoveSchema
    title = _('Move to another class')
    success_message = _('The student is moved; their marks stay in each class for its dates.')

    def perform(self, appstruct):
        school_class, start = self.context, appstruct['start']
        year = school_class.year
        student = school_class.students_folder().get(appstruct['student'])
        spans = school_class.members.get(appstruct['student'], ())
        open_spans = [s for s, e in spans if e is None or e >= start]
        if student is None or not open_spans:
            raise FormError('student', _('The student is not in this class on that date.'))
        target = year['classes'].get(appstruct['target'])
        if target is None or target is school_class or target.archived:
            raise FormError('target', _('Choose another class of this year.'))
        if not year.start <= start <= year.end:
            raise FormError('start', _('The date must be inside the school year.'))
        if start <= max(open_spans):
            raise FormError('start', _('The date must be after the student joined this class.'))
        if student.class_path != resource_path(school_class):
            leave(student, school_class, start - datetime.timedelta(days=1))
        enrol(student, target, start)  # ends the enrolment here the day before
        return student


# -- archive: classes and subjects leave the current lists, nothing is deleted ---------
ARCHIVED = _('archived')


class ArchiveView(ManageView):
    """Archive a class or a subject, or bring it back (``{"archived": true|false}``)."""

    schema = schemas.ArchiveSchema
    success_message = _('Saved: archived classes and subjects are listed apart.')

    @property
    def title(self):
        return _('archive-title', mapping={'title': self.context.title},
                 default='Archive: ${title}')

    def listing(self):
        url = self.request.resource_url
        if isinstance(self.context, SchoolClass):
            links = class_links(self.request, self.context)
            intro = _('A class is archived once its students have left it (e.g. after the '
                      'school year); its journals stay readable by their address.')
        else:
            links = ((url(self.context.__parent__, 'manage'), _('Subjects')),)
            intro = _('An archived subject is no longer offered for new assignments; the '
                      'journals of it stay.')
        return {'links': links, 'intro': intro}

    def appstruct(self):
        return {'archived': bool(self.context.archived)}

    def perform(self, appstruct):
        obj = self.context
        if appstruct['archived'] and isinstance(obj, SchoolClass):
            year, today = obj.year, datetime.date.today()
            if year.start <= today <= year.end and obj.current_students(today):
                raise FormError('archived', _('The class has students: move them to other '
                                              'classes first.'), status=409)
        return set_archived(obj, appstruct['archived'])

    def next_url(self, changed):
        if isinstance(self.context, SchoolClass):
            return self.request.resource_url(self.context.year, '@@classes')
        return self.request.resource_url(self.context.__parent__, 'manage')

    def json_listing(self):
        return {'id': self.context.__name__, 'title': self.context.title,
                'archived': bool(self.context.archived)}

    def json_result(self, changed):
        return dict(self.json_listing(), changed=changed)


# -- teaching assignments ---------------------------------------------------------------
class AssignmentsView(ManageView):
    schema = schemas.AssignmentSchema
    title = _('Teaching assignments')
    form_title = _('Assign a teacher')
    intro = _('A teacher assigned to a subject (or a subgroup) keeps that journal.')

    def listing(self):
        url = self.request.resource_url
        return {'links': class_links(self.request, self.context), 'intro': self.intro,
                'headers': (_('Journal'), _('Subgroup'), _('Teacher')),
                'rows': [((j.subject_title, url(j)), (j.subgroup, None),
                          (user_name(self.request, j.teacher), None))
                         for j in self.context.journals()]}

    def json_listing(self):
        return {'items': [assignment_json(self.request, j) for j in self.context.journals()]}

    def perform(self, appstruct):
        subjects = self.context.year.__parent__['subjects']
        subject = subjects.get(appstruct['subject'])
        if subject is None or subject.archived:
            raise FormError('subject', _('No such subject.'))
        name = subject.__name__ + ('-' + appstruct['subgroup'] if appstruct['subgroup'] else '')
        journal = self.context['journals'].get(name)
        if journal is None:
            return add_journal(self.context, subject, appstruct['teacher'],
                               appstruct['subgroup'])
        assign_teacher(journal, appstruct['teacher'])
        return journal

    def json_result(self, journal):
        return assignment_json(self.request, journal)


def assignment_json(request, journal):
    return {'@id': request.resource_url(journal).rstrip('/'), 'id': journal.__name__,
            'subject': journal.subject, 'subgroup': journal.subgroup or None,
            'teacher': journal.teacher or None}


# -- lessons from a weekly schedule -----------------------------------------------------
class ScheduleView(ManageView):
    """Lessons for every journal of the class from weekly slots, skipping holidays, days
    outside the periods, and lessons that exist already."""

    title = _('Lessons from a weekly schedule')
    buttons = (deform.Button('save', _('Create lessons')),)

    def schema_instance(self):
        schema = schemas.ScheduleSchema()
        for journal in self.context.journals():
            schema.add(colander.SchemaNode(
                schemas.Slots(), name='slots-' + journal.__name__, missing=(),
                title=journal.title + (' — ' + ', '.join(
                    user_name(self.request, login) for login in journal.teachers)
                    if journal.teachers else ''),
                description=_('Weekday and lesson number, e.g. "пн 2, ср 3".')))
        return schema

    def listing(self):
        return {'links': class_links(self.request, self.context), 'intro': _(
            'Existing lessons are kept; holidays and days outside the periods are skipped.')}

    def json_cstruct(self, body):
        slots = body.get('slots') if isinstance(body.get('slots'), dict) else {}
        result = {k: v for k, v in body.items() if k != 'slots'}
        result.update({'slots-' + str(name): value for name, value in slots.items()})
        return result

    def perform(self, appstruct):
        school_class, year = self.context, self.context.year
        start, end = appstruct['start'], appstruct['end']
        if end < start or start < year.start or end > year.end:
            raise FormError('end', _('The dates must be inside the school year, in order.'))
        journals = {j.__name__: j for j in school_class.journals()}
        taken = {}
        for name, journal in journals.items():
            for slot in appstruct.get('slots-' + name, ()):
                other = taken.get(slot)
                if other is not None and other.subject != journal.subject:
                    raise FormError('slots-' + name, _(
                        'slot-taken', mapping={'subject': other.subject_title},
                        default='This slot is taken by ${subject}.'))
                taken[slot] = journal
        weekdays = 6 if appstruct['saturday'] else 5
        added = {}
        for name, journal in journals.items():
            slots = appstruct.get('slots-' + name, ())
            if slots:
                added[name] = lessons_from_schedule(journal, slots, start, end, weekdays)
        return added

    def message(self, added):
        return _('lessons-created', mapping={'count': sum(added.values())},
                 default='Lessons created: ${count}.')

    def json_result(self, added):
        return {'created': added, 'total': sum(added.values())}


def lessons_from_schedule(journal, slots, start, end, weekdays=5):
    """Add the lessons of the weekly ``slots`` [(weekday, number)] from ``start`` to
    ``end``, skipping holidays, days outside the periods, closed periods and lessons that
    exist; topics from the plan (КТП) in order, each planned lesson for its hours. One
    audit entry for the lot."""
    by_day = {}
    for day, number in slots:
        by_day.setdefault(day, []).append(number)
    plan = journal.free_plan_items()
    year, count = journal.year, 0
    for day in year.school_days(journal.grade, start, end, weekdays):
        if year.closed_period_of(day, journal.grade) is not None:
            continue
        for number in sorted(by_day.get(day.weekday(), ())):
            if lesson_id(day, number) in journal.lessons:
                continue
            item = next(plan, None)
            journal.add_lesson(day, number, audit=False,
                               topic=item['topic'] if item else '',
                               planned=item['number'] if item else None)
            count += 1
    if count:
        record(journal, 'lessons-schedule', {'slots': list(slots), 'start': start, 'end': end,
                                             'added': count})
    return count


class JournalScheduleView(ManageView):
    """The teacher's own journal: its lessons from weekly slots, by the same rules as the
    class's schedule screen (``lessons_from_schedule``)."""

    title = _('Lessons from a weekly schedule')
    buttons = (deform.Button('save', _('Create lessons')),)

    def schema_instance(self):
        schema = schemas.ScheduleSchema()
        schema.add(colander.SchemaNode(
            schemas.Slots(), name='slots', title=_('Weekly lessons'),
            description=_('Weekday and lesson number, e.g. "пн 2, ср 3".')))
        return schema

    def listing(self):
        journal = self.context
        url = self.request.resource_url
        return {'intro': _('schedule-intro-journal', mapping={
                    'journal': '%s — %s' % (journal.school_class.title, journal.title)},
                    default='${journal}: existing lessons are kept; holidays, days outside '
                            'the periods and closed periods are skipped; topics come from '
                            'the lesson plan in order.'),
                'links': ((url(journal), _('Journal')), (url(journal, 'plan'),
                                                         _('Lesson plan')))}

    def perform(self, appstruct):
        journal, year = self.context, self.context.year
        start, end, slots = appstruct['start'], appstruct['end'], appstruct['slots']
        if end < start or start < year.start or end > year.end:
            raise FormError('end', _('The dates must be inside the school year, in order.'))
        if not slots:
            raise FormError('slots', _('Write weekday and lesson number pairs, e.g. '
                                       '"пн 2, ср 3".'))
        other = slot_clash(journal, slots, start, end)
        if other is not None:
            raise FormError('slots', _(
                'slot-taken', mapping={'subject': other.subject_title},
                default='This slot is taken by ${subject}.'))
        weekdays = 6 if appstruct['saturday'] else 5
        return lessons_from_schedule(journal, slots, start, end, weekdays)

    def next_url(self, count):
        return self.request.resource_url(self.context)

    def message(self, count):
        return _('lessons-created', mapping={'count': count},
                 default='Lessons created: ${count}.')

    def json_listing(self):
        journal = self.context
        slots = sorted({(l.date.weekday(), l.number) for l in journal.lessons.values()})
        return {'journal': journal.__name__, 'slots': [list(s) for s in slots],
                'lessons': len(journal.lessons)}

    def json_result(self, count):
        return {'created': count, 'lessons': len(self.context.lessons)}


def slot_clash(journal, slots, start, end):
    """Another journal of the class holding a lesson on one of ``slots`` between ``start``
    and ``end`` where the two share students (a different subject, one of them for the
    whole class), or None."""
    wanted = set(slots)
    for other in journal.school_class.journals():
        if other is journal or other.subject == journal.subject or (
                other.subgroup and journal.subgroup):
            continue
        for lesson in other.lessons_between(start, end):
            if (lesson.date.weekday(), lesson.number) in wanted:
                return other
    return None


# -- subgroups: a table of students and groups, one POST (``actions.SplitSubgroups``) --
def subgroups_view(context, request):
    """The split screen of a class (``?subject=``) or of a journal (its own subject): add
    a group, or place every student and save once."""
    is_journal = isinstance(context, Journal)
    school_class = context.school_class if is_journal else context
    subjects = subjects_with_journals(school_class)
    subject = context.subject if is_journal else (
        request.params.get('subject') or default_subject(school_class))
    if subject not in dict(subjects):
        raise HTTPBadRequest()
    groups = group_names(school_class, subject)
    students = school_class.current_students()
    group_error = split_error = None
    if request.method == 'POST':
        if 'add_group' in request.POST:
            data = {'subject': subject, 'create': request.POST.get('new_group', '')}
        else:
            data = {'subject': subject, 'groups': chosen_groups(request.POST, students)}
        try:
            _class, _subject, created = SplitSubgroups(context, request)(data)
        except UserError as error:
            request.response.status = error.status
            if 'create' in data:
                group_error = error.fields.get('create') or error.message
            else:
                split_error = error.fields.get('groups') or error.message
        else:
            request.session.flash(_('group-added', mapping={'group': created},
                                    default='Group ${group} is added with its journal; the '
                                            'administrator assigns its teacher.')
                                  if created else _('Subgroups saved.'), 'success')
            return HTTPSeeOther(request.url)
    placed = set((school_class.placed_by_default or {}).get(subject, ()))
    rows = [{'id': s.__name__, 'name': s.fullname, 'placed': s.__name__ in placed,
             'group': school_class.group_of(subject, s.__name__) or ''} for s in students]
    return {'title': _('Subgroups'), 'school_class': school_class, 'subject': subject,
            'subjects': subjects, 'groups': groups, 'rows': rows,
            'group_error': group_error, 'split_error': split_error,
            'new_group': request.POST.get('new_group', ''),
            'counts': {g: sum(1 for r in rows if r['group'] == g) for g in groups},
            'action': request.url, 'is_journal': is_journal}


def chosen_groups(post, students):
    """{group: [student ids]} from the screen's radio buttons (one ``group-<id>`` a
    student; empty: in no group)."""
    chosen = {}
    for student in students:
        value = post.get('group-' + student.__name__, '')
        if value:
            chosen.setdefault(value, []).append(student.__name__)
    return chosen


def subgroups_json(context, request):
    """``GET``: the split of the journal's subject (of a class: ``?subject=``). ``POST
    {"subject"?, "create"?, "groups"?}``: the split screen's action -> the split (201 when
    only a group was added)."""
    if request.method == 'POST':
        body = json_body(request)
        school_class, subject, _created = SplitSubgroups(context, request)(body)
        status = 201 if 'create' in body and 'groups' not in body else 200
        return respond(split_json(school_class, subject), status=status)
    is_journal = isinstance(context, Journal)
    school_class = context.school_class if is_journal else context
    subject = context.subject if is_journal else (
        request.params.get('subject') or default_subject(school_class))
    if subject not in dict(subjects_with_journals(school_class)):
        return json_error(request, 400, 'BadRequest', _('No journal of this subject in the '
                                                        'class.'))
    return respond(split_json(school_class, subject))


def split_json(school_class, subject):
    return {'class': school_class.__name__, 'subject': subject,
            'groups': {g: list((school_class.subgroups.get(subject) or {}).get(g, ()))
                       for g in group_names(school_class, subject)},
            'placed_by_default': list((school_class.placed_by_default or {}).get(
                subject, ()))}


SCREENS = (
    # (context, name, view class, permission)
    (School, 'years', YearsView, MANAGE_SCHOOL),
    (SchoolYear, 'settings', YearSettingsView, MANAGE_SCHOOL),
    (SchoolYear, 'classes', ClassesView, MANAGE_SCHOOL),
    (Subjects, 'manage', SubjectsView, MANAGE_SCHOOL),
    (Subject, 'edit', SubjectEditView, MANAGE_SCHOOL),
    (SchoolClass, 'manage', ClassManageView, MANAGE_SCHOOL),
    (SchoolClass, 'enrol', EnrolView, MANAGE_SCHOOL),
    (SchoolClass, 'move', MoveView, MANAGE_SCHOOL),
    (SchoolClass, 'assignments', AssignmentsView, MANAGE_SCHOOL),
    (SchoolClass, 'schedule', ScheduleView, MANAGE_SCHOOL),
    (Journal, 'schedule', JournalScheduleView, EDIT_JOURNAL),
    (SchoolClass, 'archive', ArchiveView, MANAGE_SCHOOL),
    (Subject, 'archive', ArchiveView, MANAGE_SCHOOL),
)
CREATES = {'years', 'classes', 'manage:Subjects', 'enrol'}


def includeme(config):
    for context, name, view, permission in SCREENS:
        config.add_view(view, context=context, name=name, permission=permission,
                        renderer=MANAGE)
        created = name in CREATES or '%s:%s' % (name, context.__name__) in CREATES
        config.add_view(json_post(view, status=201 if created else 200), context=context,
                        name='@' + name, request_method='POST', permission=permission)
        config.add_view(json_get(view), context=context, name='@' + name,
                        request_method='GET', permission=permission)
    for context in (SchoolClass, Journal):
        config.add_view(subgroups_view, context=context, name='subgroups',
                        permission=SPLIT_SUBGROUPS, renderer=template('journal/subgroups.pt'))
        config.add_view(subgroups_json, context=context, name='@subgroups',
                        request_method=('GET', 'POST'), permission=SPLIT_SUBGROUPS)

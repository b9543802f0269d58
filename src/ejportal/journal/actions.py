"""The journal's changes, one action each, called by the HTML form and the JSON endpoint
alike (``core.actions``): a lesson added or edited, the lesson plan (КТП) imported, a
class's subgroups split. Each checks every rule before it changes anything and refuses
with a ``core.errors.UserError``."""
import re

from ejportal.core.actions import Action
from ejportal.core.errors import Conflict, Forbidden, Invalid
from ejportal.i18n import _
from ejportal.journal import schemas
from ejportal.journal.plan import set_plan
from ejportal.journal.resources import (
    Journal, Lesson, PeriodClosed, add_class, add_subgroup, lesson_id, letter_name,
    split_subgroups)
from ejportal.security import EDIT_JOURNAL, MANAGE_SCHOOL, SPLIT_SUBGROUPS


def refuse(message, field, kind=Invalid):
    """A refusal of one field, the field saying the same as the whole."""
    return kind(message, {field: message})


# -- a lesson ------------------------------------------------------------------------------
class LessonNotEmpty(Conflict):
    error_type = 'LessonNotEmpty'


def lesson_period_closed(period):
    return PeriodClosed(period, _('lesson-period-closed', mapping={'period': period.title},
                                  default='${period} is closed: its lessons do not change.'))


class SaveLesson(Action):
    """Add a lesson (``lesson`` None: date and number required) or change the given fields
    of ``lesson``. Without a topic a new lesson takes the next topic of the plan; a plan
    item chosen anew brings its topic unless the teacher typed another. The form adds
    ``files`` (the homework files after its uploads) to the validated values."""

    schema = schemas.LessonSchema
    permission = EDIT_JOURNAL

    def __init__(self, context, request=None, lesson=None):
        super().__init__(context, request)
        self.lesson = lesson

    def bind_kw(self):
        return dict(super().bind_kw(), lesson=self.lesson)

    def check(self, appstruct):
        journal = self.context
        if self.lesson is not None:
            closed = journal.year.closed_period_of(self.lesson.date, journal.grade)
        else:
            date = appstruct['date']
            if journal.period_of(date) is None:
                raise refuse(_('The date is outside the periods of the school year.'), 'date')
            closed = journal.year.closed_period_of(date, journal.grade)
        if closed is not None:
            raise lesson_period_closed(closed)
        if self.lesson is None and lesson_id(date, appstruct['number']) in journal.lessons:
            raise refuse(_('There is already a lesson with this number on this day.'),
                         'number', Conflict)

    def perform(self, appstruct):
        journal, lesson = self.context, self.lesson
        fields = {k: v for k, v in appstruct.items() if k in Lesson.FIELDS}
        if lesson is None and 'planned' not in fields and not fields.get('topic'):
            item = journal.next_planned_topic()
            if item is not None:
                fields['planned'] = item['number']
        self.plan_topic(fields)
        if lesson is None:
            lesson = journal.add_lesson(appstruct['date'], appstruct['number'], **fields)
        else:
            journal.edit_lesson(lesson, fields)
        if 'files' in appstruct:
            journal.set_lesson_files(lesson, appstruct['files'])
        return lesson

    def plan_topic(self, fields):
        planned = fields.get('planned')
        if planned is None:
            return
        lesson = self.lesson
        typed = fields.get('topic')
        chosen_anew = lesson is None or planned != lesson.planned
        unchanged = typed is None or (lesson is not None and typed == lesson.topic)
        if typed == '' or (chosen_anew and unchanged):
            fields['topic'] = self.context.plan_item(planned)['topic']


class RemoveLesson(Action):
    """Remove ``lesson`` of an open period if nobody has a mark, attendance or comment in
    it (their records would go with it)."""

    permission = EDIT_JOURNAL

    def __init__(self, context, request=None, lesson=None):
        super().__init__(context, request)
        self.lesson = lesson

    def check(self, appstruct):
        journal = self.context
        closed = journal.year.closed_period_of(self.lesson.date, journal.grade)
        if closed is not None:
            raise lesson_period_closed(closed)
        if journal.lesson_has_entries(self.lesson.id):
            raise LessonNotEmpty(_(
                'The lesson has marks, attendance or comments: it cannot be deleted.'))

    def perform(self, appstruct):
        self.context.remove_lesson(self.lesson.id)


# -- the lesson plan (КТП) import's save step ----------------------------------------------
class ImportPlan(Action):
    """Store the rows of an import as the journal's plan, each row checked with the
    schema the preview read the file with: the payload comes back from the browser (or
    a client) and is trusted no more than the file was."""

    schema = schemas.PlanImportSchema
    permission = EDIT_JOURNAL

    def perform(self, appstruct):
        items = sorted(appstruct['rows'], key=lambda item: item['number'])
        set_plan(self.context, items)
        return items


# -- a class -------------------------------------------------------------------------------
class AddClass(Action):
    """A new class of the year (the context): ``{"grade", "letter", "class_teacher"?}``;
    the year's classes screen and the import of people call it (``add-class``)."""

    schema = schemas.AddClassFields
    permission = MANAGE_SCHOOL

    @staticmethod
    def class_name(appstruct):
        return '%d%s' % (appstruct['grade'], letter_name(appstruct['letter'].lower()))

    def check(self, appstruct):
        if self.class_name(appstruct) in self.context['classes']:
            raise refuse(_('This class exists.'), 'letter')

    def perform(self, appstruct):
        return add_class(self.context, appstruct['grade'], appstruct['letter'].lower(),
                         appstruct['class_teacher'])


# -- subgroups -----------------------------------------------------------------------------
GROUP_NAME = re.compile(r'^[0-9A-Za-zА-Яа-яЁё]{1,10}$')
MAX_GROUPS = 10   # a subject splits a class into a few groups, never more than this


def subjects_with_journals(school_class):
    """[(subject id, title)] of the class's journals, in their order."""
    found = []
    for journal in school_class.journals():
        if (journal.subject, journal.subject_title) not in found:
            found.append((journal.subject, journal.subject_title))
    return found


def default_subject(school_class):
    """The subject a class's split screen opens with: the first one already split."""
    subjects = [s for s, _t in subjects_with_journals(school_class)]
    grouped = [s for s in subjects if any(
        j.subgroup for j in school_class.journals() if j.subject == s)]
    return (grouped or subjects or [''])[0]


def group_names(school_class, subject):
    names = {j.subgroup for j in school_class.journals() if j.subject == subject and j.subgroup}
    names.update((school_class.subgroups.get(subject) or {}).keys())
    return sorted(names) or ['1', '2']


class SplitSubgroups(Action):
    """Split a class into groups for one subject, on the class (its class teacher, the
    administrator) or on one of its journals (also the journal's teacher): ``create``
    adds a group with its journal, ``groups`` places the students. On a journal only its
    own subject is split, unless the user may manage the school. Students who left the
    class keep their group (their marks stay in its journal) unless ``groups`` names them.
    Returns (class, subject, the new group's name or None)."""

    schema = schemas.SubgroupsSchema
    permission = SPLIT_SUBGROUPS

    @property
    def school_class(self):
        return self.context.school_class if isinstance(self.context, Journal) else self.context

    def subject(self, appstruct):
        if isinstance(self.context, Journal):
            return appstruct['subject'] or self.context.subject
        return appstruct['subject'] or default_subject(self.context)

    def check(self, appstruct):
        school_class, subject = self.school_class, self.subject(appstruct)
        if isinstance(self.context, Journal) and subject != self.context.subject and (
                self.request is not None and
                not self.request.has_permission(MANAGE_SCHOOL, self.context)):
            raise refuse(_("Only this journal's subject is split here."), 'subject',
                         Forbidden)
        if subject not in dict(subjects_with_journals(school_class)):
            raise refuse(_('No journal of this subject in the class.'), 'subject')
        if 'create' not in appstruct and 'groups' not in appstruct:
            raise refuse(_('Groups: {"1": [student ids], "2": [...]}.'), 'groups')
        names = group_names(school_class, subject)
        if 'create' in appstruct:
            name = self.new_name(appstruct)
            if not GROUP_NAME.match(name):
                raise refuse(_('Letters and digits, e.g. "3".'), 'create')
            if name in names or '%s-%s' % (subject, name) in school_class['journals']:
                raise refuse(_('This group exists.'), 'create')
            if len(names) >= MAX_GROUPS:
                raise refuse(_('max-groups', mapping={'max': MAX_GROUPS},
                               default='At most ${max} groups a subject.'), 'create')
            if self.subject_object(subject) is None:
                raise refuse(_('No such subject.'), 'create')
            names = names + [name]
        if 'groups' in appstruct:
            self.check_groups(appstruct['groups'], names)

    def check_groups(self, groups, names):
        if not set(groups) <= set(names):
            raise refuse(_('No journal for this group.'), 'groups')
        members = set(self.school_class.members)
        seen = set()
        for ids in groups.values():
            if not set(ids) <= members:
                raise refuse(_('No such student in the class.'), 'groups')
            if seen & set(ids) or len(set(ids)) != len(ids):
                raise refuse(_('A student is in two groups.'), 'groups')
            seen.update(ids)

    @staticmethod
    def new_name(appstruct):
        return re.sub(r'\s*(группа|group)$', '', appstruct['create'], flags=re.I)

    def subject_object(self, subject):
        return self.school_class.year.__parent__['subjects'].get(subject)

    def perform(self, appstruct):
        school_class, subject = self.school_class, self.subject(appstruct)
        created = None
        if 'create' in appstruct:
            created = self.new_name(appstruct)
            add_subgroup(school_class, self.subject_object(subject), created)
        if 'groups' in appstruct:
            groups = {name: list(ids) for name, ids in appstruct['groups'].items()}
            named = {i for ids in groups.values() for i in ids}
            current = {s.__name__ for s in school_class.current_students()}
            for name, ids in (school_class.subgroups.get(subject) or {}).items():
                groups.setdefault(name, []).extend(
                    i for i in ids if i not in current and i not in named)
            for name in group_names(school_class, subject):
                groups.setdefault(name, [])
            split_subgroups(school_class, subject, groups)
        return school_class, subject, created

"""``/help``: help pages per role and screen, and the training courses (steps 7 and 15 of
the roll-out plan) as ordered lessons with a "done" mark per person.

Every page, course and lesson holds its title and text in Russian and English; the text is
rich HTML cleaned by the one sanitiser (``core.richtext``) and every change is a version of
the one versioning mechanism (``core.versioning``), so the audit log and the history follow
as they do for documents. Only the administrator edits: the section's ACL denies the
editing permissions to everyone else, whatever a global or local role grants elsewhere.
"""
from BTrees.OOBTree import OOBTree
from pyramid.authorization import Allow, Authenticated, Deny, Everyone

from ejportal.core.content import Resource, content_type, now
from ejportal.core.folder import Folder, OrderedFolder
from ejportal.core.versioning import Versionable, html_to_text
from ejportal.help.schemas import CourseFields, HelpPageFields, LessonFields
from ejportal.i18n import DEFAULT_LANGUAGE, _
from ejportal.security import (
    ADD, DELETE, EDIT, READ_HELP, STAFF_ROLES, TAKE_COURSE, VIEW_COURSE_PROGRESS, VIEW_PUBLIC)

EDITING = (EDIT, ADD, DELETE)

# who takes each course: step 7 trains the staff, step 15 the parents. Students read the
# diary's help page; the course speaks to parents (their meetings, their children's marks).
COURSE_AUDIENCES = {
    'staff': STAFF_ROLES,
    'parents': ('parent',),
}
AUDIENCE_TITLES = {
    'staff': _('help-audience-staff', default='Staff'),
    'parents': _('Parents'),
}


@content_type('HelpSection', _('type-HelpSection', default='Help'))
class HelpSection(Folder):
    """``/help``: everyone logged in reads its pages, a visitor the pages marked public
    (the forgotten password: who forgot it cannot log in to read about it)."""

    title = _('section-help', default='Help')
    structural = True
    seeing_permissions = (VIEW_PUBLIC,)
    __acl__ = [(Allow, 'role:admin', EDITING + (READ_HELP, VIEW_COURSE_PROGRESS)),
               (Deny, Everyone, EDITING + (VIEW_COURSE_PROGRESS,)),
               (Allow, Authenticated, READ_HELP)]

    def pages(self):
        return sorted((o for o in self.values() if isinstance(o, HelpPage)),
                      key=lambda p: (p.order, p.__name__))

    def courses(self):
        """The staff's course first: the plan trains the staff (step 7) before the parents."""
        return sorted((o for o in self.values() if isinstance(o, Course)),
                      key=lambda c: (c.audience != 'staff', c.__name__))


class HelpText(Versionable):
    """A title and a rich text in Russian and English, versioned. ``title`` mirrors the
    Russian title (what breadcrumbs and the audit log show)."""

    rich_text_fields = ('text_ru', 'text_en')
    seeing_permissions = (READ_HELP,)
    title_ru = ''
    title_en = ''
    text_ru = ''
    text_en = ''

    def content_names(self):
        return [node.name for node in self.schema().children]

    def apply_version_content(self, content):
        super().apply_version_content(content)
        self.title = content.get('title_ru') or ''

    def update(self, values, comment=''):
        """A change of fields, as every door makes it (``EditContent``): a new version."""
        content = self.content()
        content.update(self.clean(values))
        if content == self.content() and self.versions:
            return {}
        return self.save_version(content, comment)

    def initial_version(self):
        self.save_version(self.clean(self.content()), comment='')

    def fields(self):
        return self.content()

    def in_language(self, language):
        """(title, text, the language they are in): the asked one where its text is
        written, else Russian, the school's language."""
        if language != DEFAULT_LANGUAGE and (getattr(self, 'text_' + language, '') or
                                             '').strip():
            return (getattr(self, 'title_' + language) or self.title_ru,
                    getattr(self, 'text_' + language), language)
        return self.title_ru, self.text_ru, DEFAULT_LANGUAGE

    def title_in(self, language):
        return self.in_language(language)[0]

    def searchable_text(self):
        return ' '.join([self.title_ru, self.title_en, html_to_text(self.text_ru or ''),
                         html_to_text(self.text_en or '')])


@content_type('HelpPage', _('type-HelpPage', default='Help page'), schema=HelpPageFields,
              add_permission=ADD, addable_to=('HelpSection',))
class HelpPage(HelpText, Resource):
    """A help page: for the ``roles`` it names (the index groups by them; everyone logged
    in may read every page), and for visitors too where ``public``."""

    schema = HelpPageFields
    roles = ()
    public = False
    order = 100

    @property
    def __acl__(self):
        return [(Allow, Everyone, READ_HELP)] if self.public else []


@content_type('Course', _('type-Course', default='Training course'), schema=CourseFields,
              add_permission=ADD, addable_to=('HelpSection',))
class Course(HelpText, OrderedFolder):
    """A training course: its lessons in order; read and taken by its audience (the
    administrator reads every course and sees who has finished it)."""

    schema = CourseFields
    audience = 'staff'

    @property
    def __acl__(self):
        roles = COURSE_AUDIENCES.get(self.audience, ())
        return ([(Allow, 'role:admin', READ_HELP)] +
                [(Allow, 'role:' + role, (READ_HELP, TAKE_COURSE)) for role in roles] +
                [(Deny, Everyone, (READ_HELP, TAKE_COURSE))])

    def lessons(self):
        return [o for o in self.values() if isinstance(o, CourseLesson)]

    def audience_roles(self):
        return COURSE_AUDIENCES.get(self.audience, ())

    def progress(self, userid):
        """(lessons done by ``userid``, lessons)."""
        lessons = self.lessons()
        return sum(1 for lesson in lessons if lesson.is_done_by(userid)), len(lessons)

    def finished_on(self, userid):
        """When ``userid`` marked the last of the lessons done, or None while one is not."""
        times = [lesson.done_at(userid) for lesson in self.lessons()]
        if not times or None in times:
            return None
        return max(times)


@content_type('CourseLesson', _('type-CourseLesson', default='Lesson of a course'),
              schema=LessonFields,
              add_permission=ADD, addable_to=('Course',))
class CourseLesson(HelpText, Resource):
    schema = LessonFields
    done_by = None          # OOBTree user id -> when they marked it done

    def is_done_by(self, userid):
        return self.done_by is not None and userid in self.done_by

    def done_at(self, userid):
        return self.done_by.get(userid) if self.done_by is not None else None

    def mark_done(self, userid):
        """Mark the lesson done for ``userid``; True if it was not before."""
        if self.is_done_by(userid):
            return False
        if self.done_by is None:
            self.done_by = OOBTree()
        self.done_by[userid] = now()
        return True

    def next_lesson(self):
        lessons = self.__parent__.lessons()
        position = lessons.index(self)
        return lessons[position + 1] if position + 1 < len(lessons) else None

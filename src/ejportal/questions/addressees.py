"""Whom a question goes to, read from the people and the journal through the portal tree
(the journal's students, classes and journals are traversed, not imported): the class
teacher of the asker's child, the teachers of the child's class, or any teacher for staff."""
from ejportal.core.content import find_root
from ejportal.core.errors import Invalid
from ejportal.i18n import _
from ejportal.questions.resources import ROLE_ADDRESSEES

TEACHER_ROLES = ('teacher', 'class_teacher')


def _students(portal):
    journal = portal.get('journal') if hasattr(portal, 'get') else None
    students = journal.get('students') if journal is not None else None
    return list(students.values()) if students is not None else []


def _current_class(student):
    school_class = student.current_class()
    if school_class is None or getattr(school_class, 'archived', False):
        return None
    return school_class


def children(portal, user):
    """The students ``user`` asks about: a parent's children, a student's own record,
    in a current class."""
    if user is None:
        return []
    login = user.__name__
    found = [s for s in _students(portal)
             if (login in (s.parents or ()) or s.login == login)
             and _current_class(s) is not None]
    return sorted(found, key=lambda s: s.fullname)


def _users(portal):
    return portal['people']['users']


def _name_of(portal, login):
    user = _users(portal).get(login)
    return user.short_name if user is not None else login


def class_teachers_of(portal, student):
    school_class = _current_class(student)
    return [school_class.class_teacher] if school_class is not None and \
        school_class.class_teacher else []


def teachers_of(portal, student):
    """The logins teaching in the student's current class, with what they teach."""
    school_class = _current_class(student)
    found = {}
    if school_class is None:
        return found
    for journal in school_class['journals'].values():
        for teacher in getattr(journal, 'teachers', ()):
            found.setdefault(teacher, []).append(journal.title)
    return found


def teacher_choices(portal, user, student_id=None):
    """(login, label) of the teachers ``user`` may write to: for a family, those of the
    children's classes (of ``student_id`` if given); for staff, every teacher."""
    users = _users(portal)
    if user is not None and user.is_staff():
        return sorted(((u.__name__, u.fullname) for u in users.values()
                       if u.enabled and set(TEACHER_ROLES) & set(u.roles)
                       and u.__name__ != user.__name__), key=lambda c: c[1])
    found = {}
    for student in children(portal, user):
        if student_id and student.__name__ != student_id:
            continue
        for login, subjects in teachers_of(portal, student).items():
            label = '%s (%s)' % (_name_of(portal, login), ', '.join(sorted(set(subjects))))
            found.setdefault(login, label)
    return sorted(found.items(), key=lambda c: c[1])


class Unresolved(Invalid):
    """The addressee cannot be found: ``field`` and ``message`` say why (a 400 naming the
    field wherever it reaches a door)."""

    def __init__(self, field, message):
        super().__init__(_('Some fields are not valid.'), {field: message})
        self.field = field
        self.message = message


def resolve(context, user, to, student_id='', teacher=''):
    """``(principals, the addressee's name, student or None)`` for a question from
    ``user`` to ``to`` (no name for a role: ``Inquiry.addressee_title`` says it), or
    ``Unresolved``."""
    portal = find_root(context)
    mine = children(portal, user)
    student = None
    if student_id:
        student = next((s for s in mine if s.__name__ == student_id), None)
        if student is None:
            raise Unresolved('student', _('q-not-your-child', default='Choose one of your '
                                          'children.'))
    if to in ROLE_ADDRESSEES:
        # the child is named only where the asker named it
        return ROLE_ADDRESSEES[to], '', student
    if student is None and len(mine) == 1:
        student = mine[0]
    if to == 'class_teacher':
        if student is None:
            message = (_('q-choose-child', default='Choose the child.') if mine else
                       _('q-no-child', default='You have no child in a class.'))
            raise Unresolved('student', message)
        found = class_teachers_of(portal, student)
        if not found:
            raise Unresolved('to', _('q-no-class-teacher', default='The class has no class '
                                     'teacher yet.'))
        return ('user:' + found[0],), _name_of(portal, found[0]), student
    if to == 'teacher':
        allowed = dict(teacher_choices(portal, user, student.__name__ if student else None))
        if not teacher:
            raise Unresolved('teacher', _('Required'))
        if teacher not in allowed:
            raise Unresolved('teacher', _('Choose from the list.'))
        return ('user:' + teacher,), _name_of(portal, teacher), student
    raise Unresolved('to', _('Choose from the list.'))

"""The class teacher's changes that other doors share: a student added to the class, a parent
/ legal representative added to a student's family. The desk's forms and the import of
people (``config.add_action``) call them."""
import datetime

from ejportal.core.actions import Action
from ejportal.core.audit import record
from ejportal.core.content import find_root
from ejportal.core.errors import Conflict, Invalid
from ejportal.diary import consents, schemas
from ejportal.diary.resources import student_file
from ejportal.i18n import _
from ejportal.journal.resources import Student, enrol
from ejportal.security import MANAGE_CLASS, MANAGE_SCHOOL


def refuse(message, field, kind=Invalid):
    return kind(message, {field: message})


class ClassAction(Action):
    """A change of a class's students: its class teacher's (the desk), or of whoever
    keeps the school's structure (who enrols students, and imports them)."""

    permission = MANAGE_CLASS

    def check_permission(self):
        if self.request is not None and self.request.has_permission(MANAGE_SCHOOL,
                                                                     self.context):
            return
        super().check_permission()


class AddStudent(ClassAction):
    """A new student enrolled in the class (the context) from ``start`` (default today);
    a personal file number names one student only. -> the student."""

    schema = schemas.AddStudentFields

    def check(self, appstruct):
        year = self.context.year
        start = appstruct['start'] or datetime.date.today()
        if not year.start <= start <= year.end:
            raise refuse(_('The date must be inside the school year.'), 'start')
        number = appstruct['personal_file']
        if number and any(s.personal_file == number
                          for s in self.context.students_folder().values()):
            raise refuse(_('Another student has this personal file number.'),
                         'personal_file', Conflict)

    def perform(self, appstruct):
        students = self.context.students_folder()
        sid = students.unique_name('s%04d' % (len(students) + 1))
        student = students.add(sid, Student(
            birth_date=appstruct['birth_date'],
            **{f: appstruct[f] for f in ('surname', 'first_name', 'patronymic',
                                         'personal_file')}))
        enrol(student, self.context, appstruct['start'] or datetime.date.today())
        return student


class AddGuardian(ClassAction):
    """A parent / legal representative of a student of the class (the context), their
    consent (a date: into the registry, as typed on the desk) and, with ``login``, the link
    of their account to the student's family: the account must exist and be a parent's, and
    the family may have logins only with the consent and the signed note not to pass the
    login on (the desk's rule for issuing them). -> the student."""

    schema = schemas.AddGuardianFields

    def student(self, appstruct):
        return self.context.students_folder()[appstruct['student']]

    def check(self, appstruct):
        login = appstruct['login']
        if not login:
            return
        user = find_root(self.context)['people']['users'].get(login)
        if user is None or 'parent' not in user.roles:
            raise refuse(_('No parent account with this login.'), 'login')
        if not appstruct['consent']:
            raise refuse(_('A login needs the personal-data consent (its date).'), 'consent')
        if not appstruct['no_pass_note']:
            raise refuse(_('A login needs the signed note not to pass it on (its date).'),
                         'no_pass_note')
        if login in self.student(appstruct).parents:
            raise refuse(_('This parent is linked to the student already.'), 'login',
                         Conflict)

    def perform(self, appstruct):
        student = self.student(appstruct)
        file = student_file(student, create=True)
        guardian = {
            'fullname': appstruct['fullname'], 'relation': appstruct['relation'],
            'phone': appstruct['phone'], 'email': appstruct['email'],
            'login': appstruct['login'], 'consent': appstruct['consent'],
            'no_pass_note': appstruct['no_pass_note'], 'email_remarks': False}
        file.guardians.append(guardian)
        if guardian['consent']:
            consents.desk_registered(find_root(student), student, guardian, source='import')
        if appstruct['login']:
            student.update({'parents': tuple(student.parents) + (appstruct['login'],)})
        # personal data: the audit names what changed, not the values
        record(student, 'family-data', {'fields': ['guardians']})
        return student

"""The class teacher's desk: views on a ``SchoolClass`` with ``MANAGE_CLASS`` (the local role
'class_teacher' on that class), so a class teacher reaches their own class only.

Students' and parents' personal data (address, documents, contacts, consent) are shown here
only; every change is audited (field names for personal data, never the values). Logins for
families: issued only where the consent and the signed note not to pass the login on are on
file; the one-time passwords exist only in the credential slips' PDF of the response that
made them, are stored hashed, and are never shown or e-mailed again.
"""
import datetime

import colander
import deform
from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.renderers import render
from pyramid.view import view_config

from ejportal.core import passwords
from ejportal.core.content import create, resource_path
from ejportal.core.files import PDF, blob_response, download_response
from ejportal.core.audit import record
from ejportal.core.errors import Forbidden
from ejportal.core.forms import FormError, FormView
from ejportal.core.mail import send
from ejportal.core.uploads import ALLOWED, UploadRefused, stored_upload
from ejportal.diary import actions, consents, model, schemas
from ejportal.diary.report import render_pdf
from ejportal.diary.resources import student_file
from ejportal.i18n import _, format_date
from ejportal.journal import grading
from ejportal.journal.resources import PeriodClosed, SchoolClass, leave
from ejportal.paths import template
from ejportal.security import MANAGE_CLASS, VIEW_JOURNAL
from ejportal.site.resources import get_portal, portal_address

RELATION_TITLES = schemas.RELATION_TITLES
REMARK_KINDS = schemas.REMARK_KINDS
DESK_FORM = template('diary/desk_form.pt')
AT_RISK_AVERAGE = 3
AT_RISK_MISSED_SHARE = 0.25   # a quarter of the lessons missed


def today():
    return datetime.date.today()


def class_student(school_class, sid):
    """A student of this class (ever enrolled), or HTTPBadRequest."""
    if not isinstance(sid, str) or sid not in school_class.members:
        raise HTTPBadRequest(_('No such student in this class.'))
    return school_class.students_folder()[sid]


def has_consent(portal, student, guardian, day=None):
    """A valid consent in the registry that allows the diary (``diary/consents.py``) and the
    signed note not to pass the login on."""
    return bool(guardian.get('no_pass_note')) and consents.family_state(
        portal, student, guardian, day) == 'valid'


def desk_rows(school_class, portal):
    rows = []
    for student in school_class.students():
        file = student.diary
        guardians = [dict(g, consent_ok=has_consent(portal, student, g))
                     for g in file.guardians] if file is not None else []
        certificates = [(n, a) for n, a in enumerate(file.absences) if a.get('certificate')] \
            if file is not None else []
        rows.append({'student': student, 'file': file, 'guardians': guardians,
                     'certificates': certificates,
                     'moved_out': file.moved_out if file is not None else None,
                     'consent': any(g['consent_ok'] for g in guardians),
                     'missing': [g for g in guardians if not g['consent_ok']]})
    return rows


CLEARANCE_REFUSALS = {
    'group': _('personal-data-not-in-group', default='You are not among the staff '
               'authorised to process personal data (the group the administrator keeps): '
               "students' personal cards and families' contacts are not shown to you."),
    'withdrawn': _('personal-data-own-withdrawn', default='Your own personal-data consent '
                   "is withdrawn: students' personal cards and families' contacts are not "
                   'shown to you.'),
    'expired': _('personal-data-own-expired', default='Your own personal-data consent has '
                 "expired: students' personal cards and families' contacts are not shown to "
                 'you until a new one is registered.'),
    'missing': _('personal-data-own-missing', default='No personal-data consent of your own '
                 "is registered: students' personal cards and families' contacts are not "
                 'shown to you until it is.'),
}


def refusal(request):
    """Why the requester may not read personal cards and contacts (a message), or None."""
    reason = consents.clearance(get_portal(request), request.authenticated_userid)
    return CLEARANCE_REFUSALS[reason] if reason else None


@view_config(context=SchoolClass, name='desk', permission=MANAGE_CLASS,
             renderer=template('diary/desk.pt'))
def desk(context, request):
    portal = get_portal(request)
    rows = desk_rows(context, portal)
    refused = refusal(request)
    for row in rows:
        if row['guardians'] and refused is None:
            # the families' contacts are on this page: each family's read is logged
            consents.log_read(portal, row['student'], 'contacts')
    return {'title': _('Class teacher: ${cls}', mapping={'cls': context.title}),
            'refused': refused,
            'school_class': context, 'rows': rows, 'relations': RELATION_TITLES,
            'format_date': format_date, 'has_consent': lambda g: g['consent_ok'],
            'without_consent': [r for r in rows if not r['consent']],
            'remark_kinds': REMARK_KINDS, 'today': today(),
            'reasons': context.year.__parent__.absence_reasons}


# -- student and family data ------------------------------------------------------------------
STUDENT_FIELDS = ('surname', 'first_name', 'patronymic', 'personal_file')
PERSONAL = ('address', 'documents')
GUARDIAN_FIELDS = ('fullname', 'relation', 'phone', 'email', 'login', 'consent',
                   'no_pass_note', 'email_remarks')


class DeskForm(FormView):
    """A form of the desk: its page shows the class and a way back to the desk."""

    def render(self, form_html):
        values = super().render(form_html)
        values.update({'school_class': self.context, 'intro': self.intro(),
                       'desk_url': self.request.resource_url(self.context, 'desk')})
        return values

    def intro(self):
        return None

    def back(self, message=None):
        if message is not None:
            self.request.session.flash(message, 'success')
        return HTTPSeeOther(self.request.resource_url(self.context, 'desk'))

    def cancel_success(self, appstruct):
        return self.back()


@view_config(context=SchoolClass, name='desk-student', permission=MANAGE_CLASS,
             renderer=DESK_FORM)
class EditStudent(DeskForm):
    """The student's data and the family's: names, birth date, address, documents, the
    consent for the student's login, and the parents / legal representatives. Personal
    data changes are audited by field name, never by value."""
    schema = schemas.StudentFileSchema

    def __init__(self, context, request):
        super().__init__(context, request)
        self.student = class_student(context, request.params.get('student'))
        self.title = self.student.fullname
        refused = refusal(request)
        if refused is not None:
            raise Forbidden(refused)

    @property
    def form_options(self):
        return {'formid': 'student-form', 'action': self.request.resource_url(
            self.context, 'desk-student', query={'student': self.student.__name__})}

    def appstruct(self):
        student, file = self.student, self.student.diary
        # the form shows the card: the read is logged (who, when, what)
        consents.log_read(get_portal(self.request), student, 'card')
        guardians = [{k: g.get(k) for k in GUARDIAN_FIELDS} for g in file.guardians] \
            if file is not None else []
        for guardian in guardians:
            for key in ('fullname', 'phone', 'email', 'login'):
                guardian[key] = guardian[key] or ''
            guardian['relation'] = guardian['relation'] or 'other'
            guardian['email_remarks'] = bool(guardian['email_remarks'])
        values = {f: getattr(student, f) for f in STUDENT_FIELDS}
        values.update({'birth_date': student.birth_date,
                       'address': file.address if file is not None else '',
                       'documents': file.documents if file is not None else '',
                       'student_consent': file.student_consent if file is not None else None,
                       'guardians': guardians})
        return {k: (colander.null if v is None else v) for k, v in values.items()}

    def intro(self):
        return {'move_out_url': self.request.resource_url(
            self.context, 'desk-move-out', query={'student': self.student.__name__})}

    def save_success(self, appstruct):
        student = self.student
        guardians = [dict(g) for g in appstruct['guardians'] if g['fullname']]
        for index, guardian in enumerate(guardians):
            if guardian['login'] and guardian['login'] not in student.parents:
                raise FormError('guardians', _('Logins are issued on the desk, not typed.'))
        # everything checked: now change
        student.update({f: appstruct[f] for f in STUDENT_FIELDS}
                       | {'birth_date': appstruct['birth_date']})
        file = student_file(student, create=True)
        changed = [f for f in PERSONAL if getattr(file, f) != appstruct[f]]
        for f in PERSONAL:
            setattr(file, f, appstruct[f])
        if file.student_consent != appstruct['student_consent']:
            file.student_consent = appstruct['student_consent']
            changed.append('student_consent')
        old_dates = {consents.norm(g.get('fullname')): g.get('consent')
                     for g in file.guardians}
        if [dict(g) for g in file.guardians] != guardians:
            file.guardians[:] = guardians
            changed.append('guardians')
        for guardian in guardians:
            # a consent date typed on the desk is a consent on paper: into the registry
            if guardian.get('consent') and \
                    old_dates.get(consents.norm(guardian['fullname'])) != guardian['consent']:
                consents.desk_registered(get_portal(self.request), student, guardian)
        if changed:
            # personal data: the audit names what changed, not the values
            record(student, 'family-data', {'fields': changed})
        return self.back(_('Saved.'))


@view_config(context=SchoolClass, name='desk-add', permission=MANAGE_CLASS,
             renderer=DESK_FORM)
class AddStudent(DeskForm):
    schema = schemas.AddStudentSchema
    title = _('Add a student')
    buttons = (deform.Button('save', _('Add')),)

    def save_success(self, appstruct):
        student = actions.AddStudent(self.context, self.request).run(appstruct)
        self.request.session.flash(_('Student added.'), 'success')
        return HTTPSeeOther(self.request.resource_url(self.context, 'desk-student',
                                                      query={'student': student.__name__}))


@view_config(context=SchoolClass, name='desk-move-out', permission=MANAGE_CLASS,
             renderer=DESK_FORM)
class MoveOut(DeskForm):
    schema = schemas.MoveOutSchema
    title = _('Move a student out of the class')
    buttons = (deform.Button('save', _('Move out')),)

    def appstruct(self):
        sid = self.request.params.get('student')
        return {'student': sid} if sid in self.context.members else colander.null

    def save_success(self, appstruct):
        student = self.context.students_folder()[appstruct['student']]
        last_day = appstruct['last_day'] or today()
        open_spans = [s for s, e in self.context.members.get(student.__name__, ())
                      if e is None]
        if not open_spans or last_day < open_spans[0]:
            raise FormError('last_day', _('The student is not in this class on that date.'))
        leave(student, self.context, last_day)
        file = student_file(student, create=True)
        file.moved_out = last_day
        return self.back(_('${name} moved out of the class.',
                           mapping={'name': student.fullname}))


# -- logins for families ----------------------------------------------------------------------
_LATIN = dict(zip('абвгдеёжзийклмнопрстуфхцчшщъыьэюя',
                  ['a', 'b', 'v', 'g', 'd', 'e', 'e', 'zh', 'z', 'i', 'y', 'k', 'l', 'm', 'n',
                   'o', 'p', 'r', 's', 't', 'u', 'f', 'kh', 'ts', 'ch', 'sh', 'shch', '', 'y',
                   '', 'e', 'yu', 'ya']))


def latin(text):
    return ''.join(_LATIN.get(ch, ch if ch.isascii() and ch.isalnum() else '')
                   for ch in (text or '').lower())


def new_login(users, surname, first_name):
    base = (latin(surname) or 'user')[:20] + ('.' + latin(first_name)[:1] if first_name else '')
    login, n = base, 1
    while login in users:
        n += 1
        login = '%s%d' % (base, n)
    return login


def _split_name(fullname):
    parts = fullname.split()
    return (parts + ['', '', ''])[:3]


def issue_logins(portal, school_class, refused=None):
    """Logins and one-time passwords for the class's students and parents that have none,
    where the consent is on file. -> [{student, credentials: [(who, name, login, password)]}]
    (the only place the passwords ever appear). ``refused`` (a list) gets (student,
    guardian's name, state) for each family member left without a login because the
    registry holds no valid consent ('withdrawn', 'expired', 'missing')."""
    users = portal['people']['users']
    families = []
    refused = refused if refused is not None else []
    for student in school_class.students():
        file = student.diary
        if file is None or file.moved_out:
            continue
        credentials = []
        consented = [g for g in file.guardians if has_consent(portal, student, g)]
        if not student.login and consented:
            login = new_login(users, student.surname, student.first_name)
            password = passwords.generate_password()
            user = create('User', surname=student.surname, first_name=student.first_name,
                          patronymic=student.patronymic, roles=('student',))
            user.set_password(password, must_change=True)
            users.add(login, user)
            student.update({'login': login})
            credentials.append(('student', student.fullname, login, password))
        for index, guardian in enumerate(file.guardians):
            if guardian.get('login'):
                continue
            if not has_consent(portal, student, guardian):
                state = consents.family_state(portal, student, guardian)
                refused.append((student, guardian.get('fullname', ''),
                                state if state != 'valid' else 'no-pass-note'))
                continue
            surname, first, patronymic = _split_name(guardian['fullname'])
            login = new_login(users, surname, first)
            password = passwords.generate_password()
            user = create('User', surname=surname, first_name=first, patronymic=patronymic,
                          roles=('parent',), email=guardian.get('email', ''),
                          phone=guardian.get('phone', ''))
            user.set_password(password, must_change=True)
            users.add(login, user)
            file.guardians[index] = dict(guardian, login=login)
            student.update({'parents': tuple(student.parents) + (login,)})
            credentials.append(('parent', guardian['fullname'], login, password))
        if credentials:
            record(student, 'logins-issued', {'logins': [c[2] for c in credentials]})
            families.append({'student': student, 'credentials': credentials})
    return families


def slips_response(request, school_class, families):
    portal = get_portal(request)
    settings = portal['settings']
    html = render(template('diary/slips.pt'), {
        'title': _('Credential slips'), 'school': settings.school_name,
        'address': portal_address(request), 'class_title': school_class.title,
        'families': families, 'roles': {'student': _('Student'), 'parent': _('Parent')},
        'issued': format_date(today())}, request=request)
    # the one-time passwords are in it: never cached anywhere
    return download_response(render_pdf(request, html), 'slips.pdf', PDF, cache='no-store')


REFUSALS = {
    'withdrawn': _('the personal-data consent is withdrawn:'),
    'expired': _('the personal-data consent has expired:'),
    'missing': _('no personal-data consent is registered:'),
    'no-pass-note': _('the signed note not to pass the login on is missing:'),
}
MAX_NAMES = 5


@view_config(context=SchoolClass, name='desk-logins', request_method='POST',
             permission=MANAGE_CLASS)
def generate_logins(context, request):
    """One step: logins and one-time passwords for everyone with consent and no login;
    the answer is the slips' PDF (one page per family)."""
    refused = []
    families = issue_logins(get_portal(request), context, refused)
    # one message per reason, a few names each: the flash lives in the session cookie
    for state in REFUSALS:
        names = ['%s (%s)' % (name, student.fullname) for student, name, why in refused
                 if why == state]
        if names:
            shown = ', '.join(names[:MAX_NAMES]) + (' …' if len(names) > MAX_NAMES else '')
            request.session.flash(_('login-refused', default='No login for ${n}: ${why} '
                                    '${names}', mapping={'n': len(names), 'names': shown,
                                                         'why': REFUSALS[state]}), 'error')
    if not families:
        request.session.flash(_('Nobody is waiting for a login (or their consent is '
                                'missing).'), 'info')
        return HTTPSeeOther(request.resource_url(context, 'desk'))
    return slips_response(request, context, families)


@view_config(context=SchoolClass, name='desk-reset', request_method='POST',
             permission=MANAGE_CLASS)
def reset_password(context, request):
    """A new one-time password for one login of this class's families; its slip as PDF."""
    try:
        login = schemas.ResetSchema().deserialize(dict(request.POST))['login']
    except colander.Invalid:
        raise HTTPBadRequest(_('No such login in the families of this class.'))
    for student in context.students():
        if login and login in student.family:
            break
    else:
        raise HTTPBadRequest(_('No such login in the families of this class.'))
    user = get_portal(request)['people']['users'].get(login)
    if user is None:
        raise HTTPBadRequest(_('No such login in the families of this class.'))
    password = passwords.generate_password()
    ended = user.set_password(password, must_change=True)
    record(user, 'password-reset', {'by': 'class teacher', 'sessions_ended': ended})
    who = 'student' if login == student.login else 'parent'
    return slips_response(request, context, [{'student': student, 'credentials': [
        (who, user.fullname, login, password)]}])


# -- absences ------------------------------------------------------------------------------
def record_absence(student, start, end, code, reason, certificate=None):
    """Mark every lesson of the student's journals from ``start`` to ``end`` with ``code``
    (marks and comments kept), and keep the absence on the student's file. Lessons of
    closed periods are left alone. -> (lessons marked, lessons skipped as closed)."""
    marked, skipped = 0, 0
    for journal, lo, hi in model.student_journals(student, start, end):
        for lesson in journal.lessons_between(lo, hi):
            old = journal.cell(student.__name__, lesson.id) or grading.EMPTY_CELL
            try:
                journal.set_cell(student.__name__, lesson.id, old['marks'], code,
                                 old['comment'], reason)
                marked += 1
            except PeriodClosed:
                skipped += 1
    file = student_file(student, create=True)
    file.add_absence({'start': start, 'end': end, 'code': code, 'reason': reason,
                      'certificate': certificate, 'time': datetime.datetime.now(
                          datetime.timezone.utc), 'lessons': marked})
    record(student, 'absence', {'start': start, 'end': end, 'code': code, 'reason': reason,
                                'lessons': marked, 'certificate': bool(certificate)})
    return marked, skipped


def absence_on_new_lesson(event):
    """A lesson added to a journal on a day that a recorded absence covers: its cell gets
    the absence's code and reason, as the lessons there already had (a cell someone filled
    is left alone; closed periods too). Reads the class's enrolment spans, and the files
    of the students enrolled that day only."""
    lesson, journal = event.object, event.info['journal']
    day = lesson.date
    school_class = journal.school_class
    group = None
    if journal.subgroup:
        group = set((school_class.subgroups.get(journal.subject) or {}).get(
            journal.subgroup, ()))
    students = None
    for sid, spans in school_class.members.items():
        if group is not None and sid not in group:
            continue
        if not any(s <= day and (e is None or day <= e) for s, e in spans):
            continue
        students = students if students is not None else school_class.students_folder()
        student = students.get(sid)
        file = student.diary if student is not None else None
        if file is None or not file.absences:
            continue
        found = [a for a in file.absences if a['start'] <= day <= a['end']]
        if not found or journal.cell(sid, lesson.id):
            continue
        absence = found[-1]
        try:
            journal.set_cell(sid, lesson.id, (), absence['code'], '', absence['reason'])
        except PeriodClosed:
            pass


def certificate_blob(request, upload):
    """The certificate (справка) from deform's upload value, checked by content (type and
    size) like every upload; None when no file was chosen. Raises UploadRefused."""
    return stored_upload(upload, get_portal(request)['settings'].upload_max_mb, 'certificate')


@view_config(context=SchoolClass, name='desk-absence', permission=MANAGE_CLASS,
             renderer=DESK_FORM)
class RecordAbsence(DeskForm):
    """A day or a range of absence with its reason and an optional certificate: marked in
    every journal of the student for those days (and in lessons added to them later)."""
    schema = schemas.AbsenceSchema
    title = _('Record an absence')
    buttons = (deform.Button('save', _('Record')),)
    form_options = {'formid': 'absence-form'}

    def save_success(self, appstruct):
        try:
            certificate = certificate_blob(self.request, appstruct['certificate'])
        except UploadRefused as refused:
            raise FormError('certificate', refused.message)
        student = self.context.students_folder()[appstruct['student']]
        start = appstruct['start']
        end = appstruct['end'] or start
        marked, skipped = record_absence(student, start, end, appstruct['code'],
                                         appstruct['reason'], certificate)
        if skipped:
            self.request.session.flash(_('${n} lessons are in a closed period: ask for a '
                                         'correction there.', mapping={'n': skipped}), 'error')
        return self.back(_('absence-recorded', default='Absence recorded in ${n} lessons.',
                           mapping={'n': marked}))


@view_config(context=SchoolClass, name='desk-certificate', request_method='GET',
             permission=MANAGE_CLASS)
def certificate(context, request):
    """The certificate (справка) of a recorded absence of a student of this class, as a
    download; 404 for anything else."""
    from pyramid.httpexceptions import HTTPNotFound
    sid, number = request.params.get('student'), request.params.get('absence', '')
    student = context.students_folder().get(sid) if sid in context.members else None
    file = student.diary if student is not None else None
    if file is None or not number.isdigit() or int(number) >= len(file.absences):
        raise HTTPNotFound()
    item = file.absences[int(number)].get('certificate')
    if not item or item.get('kind') not in ALLOWED:
        raise HTTPNotFound()
    return blob_response(item['blob'], item['name'], ALLOWED[item['kind']][1],
                         cache='private, no-store')


# -- remarks ---------------------------------------------------------------------------------
@view_config(context=SchoolClass, name='desk-remark', permission=MANAGE_CLASS,
             renderer=DESK_FORM)
class Remark(DeskForm):
    """A remark to the family (praise, concern, information): shown in the diary on its day,
    and e-mailed to the parents who asked for it."""
    schema = schemas.RemarkSchema
    title = _('A remark to the family')
    buttons = (deform.Button('save', _('Send to the diary')),)
    form_options = {'formid': 'remark'}

    def appstruct(self):
        sid = self.request.params.get('student')
        return {'student': sid} if sid in self.context.members else colander.null

    def save_success(self, appstruct):
        request = self.request
        student = self.context.students_folder()[appstruct['student']]
        text, kind = appstruct['text'], appstruct['kind']
        file = student_file(student, create=True)
        file.add_remark(today(), text, kind)
        record(student, 'remark', {'kind': kind})
        recipients = [g['email'] for g in file.guardians
                      if g.get('email_remarks') and g.get('email')
                      and has_consent(get_portal(request), student, g)]
        if recipients:
            send(request, recipients, _('A remark from the class teacher'),
                 '%s\n\n%s\n%s' % (student.fullname, text,
                                    portal_address(request)))
        return self.back(_('The remark is in the diary.'))


# -- class overview ----------------------------------------------------------------------------
def class_overview(school_class, start, end):
    """Per student: per subject the weighted average of the range, lessons missed, and
    whether they are at risk (an average below 3 in a subject, or a quarter of the lessons
    missed). Reads the students' indexes and the class journals' lesson counts."""
    journals = sorted(school_class['journals'].values(), key=lambda j: j.title)
    rows = []
    for student in school_class.students(start, end):
        data = model.summary(student, start, end)
        by_journal = {s['journal']: s for s in data['subjects']}
        lessons = sum(len(j.lessons_between(lo, hi))
                      for j, lo, hi in model.student_journals(student, start, end))
        cells, low = [], []
        for journal in journals:
            item = by_journal.get(resource_path(journal))
            value = item['average']['value'] if item else None
            cells.append(value)
            if value is not None and value < AT_RISK_AVERAGE:
                low.append(journal.title)
        missed = data['absences_total']
        share = missed / lessons if lessons else 0
        rows.append({'student': student, 'cells': cells, 'missed': missed,
                     'lessons': lessons, 'late': data['late'],
                     'low': low, 'many_absences': share >= AT_RISK_MISSED_SHARE,
                     'at_risk': bool(low) or share >= AT_RISK_MISSED_SHARE})
    return {'journals': journals, 'rows': rows}


@view_config(context=SchoolClass, name='overview', permission=VIEW_JOURNAL,
             renderer=template('diary/overview.pt'))
def overview(context, request):
    year, grade = context.year, context.grade
    period = year.period(request.params.get('period', ''), grade) or \
        year.current_period(today(), grade)
    if period is None:
        raise HTTPBadRequest(_('No such period.'))
    data = class_overview(context, period.start, period.end)
    return {'title': _('Class ${cls}: overview', mapping={'cls': context.title}),
            'school_class': context, 'period': period, 'periods': year.periods_for(grade),
            'data': data, 'format_date': format_date}

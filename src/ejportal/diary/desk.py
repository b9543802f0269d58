"""The class teacher's desk: views on a ``SchoolClass`` with ``MANAGE_CLASS`` (the local role
'class_teacher' on that class), so a class teacher reaches their own class only.

Students' and parents' personal data (address, documents, contacts, consent) are shown here
only; every change is audited (field names for personal data, never the values). Logins for
families: issued only where the consent and the signed note not to pass the login on are on
file; the one-time passwords exist only in the credential slips' PDF of the response that
made them, are stored hashed, and are never shown or e-mailed again.
"""
import datetime

from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.renderers import render
from pyramid.response import Response
from pyramid.view import view_config

from ejportal.core.audit import record
from ejportal.diary import model
from ejportal.diary.report import render_pdf
from ejportal.diary.resources import RELATIONS, has_consent, student_file
from ejportal.i18n import _, format_date
from ejportal.journal import grading
from ejportal.journal.resources import PeriodClosed, SchoolClass, Student, enrol, leave
from ejportal.paths import template
from ejportal.principals import passwords
from ejportal.security import MANAGE_CLASS
from ejportal.site.resources import get_portal

RELATION_TITLES = {'mother': _('mother'), 'father': _('father'),
                   'guardian': _('legal guardian'), 'other': _('other representative')}
REMARK_KINDS = {'praise': _('praise'), 'concern': _('concern'), 'info': _('information')}
AT_RISK_AVERAGE = 3
AT_RISK_MISSED_SHARE = 0.25   # a quarter of the lessons missed


def today():
    return datetime.date.today()


def _date_or_none(value):
    value = (value or '').strip()
    if not value:
        return None
    return datetime.date.fromisoformat(value)


def class_student(school_class, sid):
    """A student of this class (ever enrolled), or HTTPBadRequest."""
    if not isinstance(sid, str) or sid not in school_class.members:
        raise HTTPBadRequest(_('No such student in this class.'))
    return school_class.students_folder()[sid]


def desk_rows(school_class):
    rows = []
    for student in school_class.students():
        file = student.diary
        guardians = list(file.guardians) if file is not None else []
        rows.append({'student': student, 'file': file, 'guardians': guardians,
                     'moved_out': file.moved_out if file is not None else None,
                     'consent': any(has_consent(g) for g in guardians),
                     'missing': [g for g in guardians if not has_consent(g)]})
    return rows


@view_config(context=SchoolClass, name='desk', permission=MANAGE_CLASS,
             renderer=template('diary/desk.pt'))
def desk(context, request):
    rows = desk_rows(context)
    return {'title': _('Class teacher: ${cls}', mapping={'cls': context.title}),
            'school_class': context, 'rows': rows, 'relations': RELATION_TITLES,
            'format_date': format_date, 'has_consent': has_consent,
            'without_consent': [r for r in rows if not r['consent']],
            'remark_kinds': REMARK_KINDS, 'today': today(),
            'reasons': context.year.__parent__.absence_reasons}


# -- student and family data ------------------------------------------------------------------
STUDENT_FIELDS = ('surname', 'first_name', 'patronymic')
PERSONAL = ('address', 'documents')


@view_config(context=SchoolClass, name='desk-student', permission=MANAGE_CLASS,
             renderer=template('diary/desk_student.pt'))
def edit_student(context, request):
    student = class_student(context, request.params.get('student'))
    file = student.diary
    errors = {}
    if request.method == 'POST':
        post = request.POST
        values = {f: post.get(f, '').strip()[:100] for f in STUDENT_FIELDS}
        if not values['surname'] or not values['first_name']:
            errors['surname'] = _('Surname and first name, please.')
        try:
            birth = _date_or_none(post.get('birth_date'))
        except ValueError:
            errors['birth_date'] = _('A date as YYYY-MM-DD, please.')
        try:
            student_consent = _date_or_none(post.get('student_consent'))
        except ValueError:
            errors['student_consent'] = _('A date as YYYY-MM-DD, please.')
        guardians = []
        for i in range(int(post.get('guardian_count', 0) or 0) + 1):
            prefix = 'g%d-' % i
            name = post.get(prefix + 'fullname', '').strip()[:200]
            if not name:
                continue
            relation = post.get(prefix + 'relation', 'other')
            if relation not in RELATIONS:
                errors[prefix + 'relation'] = _('Choose the relation.')
            email = post.get(prefix + 'email', '').strip()[:200]
            if email and '@' not in email:
                errors[prefix + 'email'] = _('Not an e-mail address.')
            guardian = {'fullname': name, 'relation': relation,
                        'phone': post.get(prefix + 'phone', '').strip()[:50], 'email': email,
                        'login': post.get(prefix + 'login', '').strip(),
                        'email_remarks': bool(post.get(prefix + 'email_remarks'))}
            for key in ('consent', 'no_pass_note'):
                try:
                    guardian[key] = _date_or_none(post.get(prefix + key))
                except ValueError:
                    errors[prefix + key] = _('A date as YYYY-MM-DD, please.')
            if guardian['login'] and guardian['login'] not in student.parents:
                errors[prefix + 'login'] = _('Logins are issued on the desk, not typed.')
            guardians.append(guardian)
        if not errors:
            values['birth_date'] = birth
            student.update(values)
            file = student_file(student, create=True)
            changed = [f for f in PERSONAL if getattr(file, f) != post.get(f, '').strip()[:500]]
            for f in PERSONAL:
                setattr(file, f, post.get(f, '').strip()[:500])
            if file.student_consent != student_consent:
                file.student_consent = student_consent
                changed.append('student_consent')
            if [dict(g) for g in file.guardians] != guardians:
                file.guardians[:] = guardians
                changed.append('guardians')
            if changed:
                # personal data: the audit names what changed, not the values
                record(student, 'family-data', {'fields': changed})
            request.session.flash(_('Saved.'), 'success')
            return HTTPSeeOther(request.resource_url(context, 'desk'))
        request.response.status = 400
    guardians = list(file.guardians) if file is not None else []
    return {'title': student.fullname, 'school_class': context, 'student': student,
            'file': file, 'guardians': guardians + [{}], 'errors': errors,
            'relations': RELATION_TITLES, 'post': request.POST if request.method == 'POST'
            else None}


@view_config(context=SchoolClass, name='desk-add', request_method='POST',
             permission=MANAGE_CLASS)
def add_student(context, request):
    post = request.POST
    values = {f: post.get(f, '').strip()[:100] for f in STUDENT_FIELDS}
    try:
        birth = _date_or_none(post.get('birth_date'))
        start = _date_or_none(post.get('start')) or today()
    except ValueError:
        request.session.flash(_('A date as YYYY-MM-DD, please.'), 'error')
        return HTTPSeeOther(request.resource_url(context, 'desk'), status=303)
    if not values['surname'] or not values['first_name']:
        request.session.flash(_('Surname and first name, please.'), 'error')
        return HTTPSeeOther(request.resource_url(context, 'desk'))
    students = context.students_folder()
    sid = students.unique_name('s%04d' % (len(students) + 1))
    student = students.add(sid, Student(birth_date=birth, **values))
    enrol(student, context, max(start, context.year.start))
    request.session.flash(_('Student added.'), 'success')
    return HTTPSeeOther(request.resource_url(context, 'desk-student', query={'student': sid}))


@view_config(context=SchoolClass, name='desk-move-out', request_method='POST',
             permission=MANAGE_CLASS)
def move_out(context, request):
    student = class_student(context, request.POST.get('student'))
    try:
        last_day = _date_or_none(request.POST.get('last_day')) or today()
    except ValueError:
        raise HTTPBadRequest(_('A date as YYYY-MM-DD, please.'))
    leave(student, context, last_day)
    file = student_file(student, create=True)
    file.moved_out = last_day
    request.session.flash(_('${name} moved out of the class.',
                            mapping={'name': student.fullname}), 'success')
    return HTTPSeeOther(request.resource_url(context, 'desk'))


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


def issue_logins(portal, school_class):
    """Logins and one-time passwords for the class's students and parents that have none,
    where the consent is on file. -> [{student, credentials: [(who, name, login, password)]}]
    (the only place the passwords ever appear)."""
    from ejportal.principals.resources import User
    users = portal['people']['users']
    families = []
    for student in school_class.students():
        file = student.diary
        if file is None or file.moved_out:
            continue
        credentials = []
        consented = [g for g in file.guardians if has_consent(g)]
        if not student.login and consented:
            login = new_login(users, student.surname, student.first_name)
            password = passwords.generate_password()
            user = User(surname=student.surname, first_name=student.first_name,
                        patronymic=student.patronymic, roles=('student',))
            user.set_password(password, must_change=True)
            users.add(login, user)
            student.update({'login': login})
            credentials.append(('student', student.fullname, login, password))
        for index, guardian in enumerate(file.guardians):
            if guardian.get('login') or not has_consent(guardian):
                continue
            surname, first, patronymic = _split_name(guardian['fullname'])
            login = new_login(users, surname, first)
            password = passwords.generate_password()
            user = User(surname=surname, first_name=first, patronymic=patronymic,
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


def portal_address(portal, request):
    return portal['settings'].portal_url or request.application_url


def slips_response(request, school_class, families):
    portal = get_portal(request)
    settings = portal['settings']
    html = render(template('diary/slips.pt'), {
        'title': _('Credential slips'), 'school': settings.school_name,
        'address': portal_address(portal, request), 'class_title': school_class.title,
        'families': families, 'roles': {'student': _('Student'), 'parent': _('Parent')},
        'issued': format_date(today())}, request=request)
    response = Response(body=render_pdf(request, html), content_type='application/pdf')
    response.headers['Content-Disposition'] = 'attachment; filename="slips.pdf"'
    response.headers['Cache-Control'] = 'no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


@view_config(context=SchoolClass, name='desk-logins', request_method='POST',
             permission=MANAGE_CLASS)
def generate_logins(context, request):
    """One step: logins and one-time passwords for everyone with consent and no login;
    the answer is the slips' PDF (one page per family)."""
    families = issue_logins(get_portal(request), context)
    if not families:
        request.session.flash(_('Nobody is waiting for a login (or their consent is '
                                'missing).'), 'info')
        return HTTPSeeOther(request.resource_url(context, 'desk'))
    return slips_response(request, context, families)


@view_config(context=SchoolClass, name='desk-reset', request_method='POST',
             permission=MANAGE_CLASS)
def reset_password(context, request):
    """A new one-time password for one login of this class's families; its slip as PDF."""
    login = request.POST.get('login', '')
    for student in context.students():
        if login and login in student.family:
            break
    else:
        raise HTTPBadRequest(_('No such login in the families of this class.'))
    user = get_portal(request)['people']['users'].get(login)
    if user is None:
        raise HTTPBadRequest(_('No such login in the families of this class.'))
    password = passwords.generate_password()
    user.set_password(password, must_change=True)
    record(user, 'password-reset', {'by': 'class teacher'})
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
    file.absences.append({'start': start, 'end': end, 'code': code, 'reason': reason,
                          'certificate': certificate, 'time': datetime.datetime.now(
                              datetime.timezone.utc), 'lessons': marked})
    record(student, 'absence', {'start': start, 'end': end, 'code': code, 'reason': reason,
                                'lessons': marked, 'certificate': bool(certificate)})
    return marked, skipped


def _certificate(request, field):
    upload = request.POST.get(field)
    if upload is None or not hasattr(upload, 'file'):
        return None
    from ZODB.blob import Blob
    from ejportal.documents.uploads import check_upload, safe_filename
    data = upload.file.read()
    if not data:
        return None
    kind = check_upload(data, get_portal(request)['settings'].upload_max_mb)
    blob = Blob()
    with blob.open('w') as out:
        out.write(data)
    return {'name': safe_filename(upload.filename, kind), 'kind': kind, 'blob': blob}


@view_config(context=SchoolClass, name='desk-absence', permission=MANAGE_CLASS,
             renderer=template('diary/absence.pt'))
def absence(context, request):
    from ejportal.documents.uploads import UploadRefused
    school = context.year.__parent__
    errors, post = {}, request.POST if request.method == 'POST' else {}
    if request.method == 'POST':
        sid = post.get('student', '')
        if sid not in context.members:
            errors['student'] = _('Choose a student.')
        start = end = None
        try:
            start = datetime.date.fromisoformat(post.get('start', ''))
        except ValueError:
            errors['start'] = _('A date as YYYY-MM-DD, please.')
        try:
            end = _date_or_none(post.get('end')) or start
        except ValueError:
            errors['end'] = _('A date as YYYY-MM-DD, please.')
        if start and end and end < start:
            errors['end'] = _('The last day must not be before the first.')
        elif start and end and (end - start).days > 120:
            errors['end'] = _('At most 120 days at once.')
        code = post.get('code', '')
        if code not in ('н', 'б', 'уп'):
            errors['code'] = _('Choose: absent, ill or excused.')
        reason = post.get('reason', '').strip()[:200]
        if not reason:
            errors['reason'] = _('Say the reason.')
        certificate = None
        if not errors:
            try:
                certificate = _certificate(request, 'certificate')
            except UploadRefused as refused:
                errors['certificate'] = refused.message
        if not errors:
            student = context.students_folder()[sid]
            marked, skipped = record_absence(student, start, end, code, reason, certificate)
            request.session.flash(_('absence-recorded', default='Absence recorded in ${n} '
                                    'lessons.', mapping={'n': marked}), 'success')
            if skipped:
                request.session.flash(_('${n} lessons are in a closed period: ask for a '
                                        'correction there.', mapping={'n': skipped}), 'error')
            return HTTPSeeOther(request.resource_url(context, 'desk'))
        request.response.status = 400
    return {'title': _('Record an absence'), 'school_class': context,
            'students': context.students(), 'errors': errors, 'post': post,
            'reasons': school.absence_reasons, 'codes': [(c, grading.ATTENDANCE[c])
                                                          for c in ('б', 'уп', 'н')]}


# -- remarks ---------------------------------------------------------------------------------
@view_config(context=SchoolClass, name='desk-remark', request_method='POST',
             permission=MANAGE_CLASS)
def remark(context, request):
    """A remark to the family (praise, concern, information): shown in the diary on its day,
    and e-mailed to the parents who asked for it."""
    from ejportal.principals.mail import send
    post = request.POST
    student = class_student(context, post.get('student'))
    text = post.get('text', '').strip()[:2000]
    kind = post.get('kind', 'info')
    if not text or kind not in REMARK_KINDS:
        request.session.flash(_('Write the remark and choose its kind.'), 'error')
        return HTTPSeeOther(request.resource_url(context, 'desk'))
    file = student_file(student, create=True)
    file.add_remark(today(), text, kind)
    record(student, 'remark', {'kind': kind})
    recipients = [g['email'] for g in file.guardians
                  if g.get('email_remarks') and g.get('email') and has_consent(g)]
    if recipients:
        send(request, recipients, _('A remark from the class teacher'),
             '%s\n\n%s\n%s' % (student.fullname, text,
                               portal_address(get_portal(request), request)))
    request.session.flash(_('The remark is in the diary.'), 'success')
    return HTTPSeeOther(request.resource_url(context, 'desk'))


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
            from ejportal.core.content import resource_path
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


@view_config(context=SchoolClass, name='overview', permission=MANAGE_CLASS,
             renderer=template('diary/overview.pt'))
def overview(context, request):
    year = context.year
    period = year.period(request.params.get('period', '')) or year.current_period(today())
    if period is None:
        raise HTTPBadRequest(_('No such period.'))
    data = class_overview(context, period.start, period.end)
    return {'title': _('Class ${cls}: overview', mapping={'cls': context.title}),
            'school_class': context, 'period': period, 'periods': year.periods,
            'data': data, 'format_date': format_date}

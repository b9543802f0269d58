"""The class teacher's desk: family data, logins and slips, absences in every journal,
remarks, the class overview, and report mailing."""
import datetime
import io
import os

import transaction
from pyramid.traversal import find_resource

from conftest import csrf_token, login

from ejportal.journal.resources import school_year_start

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
CLASS = '/journal/%d-%d/classes/5a' % (Y, Y + 1)
CLASS_7B = '/journal/%d-%d/classes/7b' % (Y, Y + 1)
MATH_5A = CLASS + '/journals/math'
RUS_5A = CLASS + '/journals/russian'
CLASSMATE = 's0002'   # Алексеева Мария, no login, a parent without consent (demo)


def read(path):
    with open(path, errors='ignore') as f:
        return f.read()


def pdf_text(body):
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(body))
    return [p.extract_text() for p in reader.pages]


def test_desk_access(as_user, testapp):
    for user, allowed in (('class_teacher', True), ('teacher', False), ('director', False),
                          ('parent', False), ('student', False), ('admin', False)):
        app = as_user(user)
        for name in ('desk', 'desk-absence', 'overview', 'desk-student?student=s0001'):
            status = app.get(CLASS + '/' + name, status='*').status_int
            # the overview is read by all the class's readers: the leaders too
            expected = allowed or (name == 'overview' and user in ('director', 'admin'))
            assert (status == 200) is expected, (user, name, status)
        app.reset()
    app = as_user('class_teacher')
    assert app.get(CLASS_7B + '/desk', status='*').status_int == 403    # not her class
    assert app.get(CLASS + '/desk-student?student=s0009', status=400)    # not in 5a


def test_desk_lists_family_data_and_missing_consent(as_user):
    page = as_user('class_teacher').get(CLASS + '/desk')
    row = page.html.find('tr', attrs={'data-student': 's0001'})
    assert 'Иванова Наталья Викторовна' in row.text and 'consent on file' in row.text
    assert 'parent' in row.text and 'Советская' in row.text
    missing = page.html.select_one('.consent-missing').text
    assert 'Алексеева Мария Андреевна' in missing and 'Иванов Дмитрий' not in missing


def field_errors(page):
    """The names of the fields deform marked with an error."""
    names = set()
    for message in page.html.select('p.invalid-feedback'):
        item = message.find_parent('div', id=lambda i: i and i.startswith('item-'))
        field = item.find(['input', 'select', 'textarea'],
                          attrs={'type': lambda t: t != 'hidden'})
        names.add(field['name'])
    return names


def _edit_classmate(app, consent=True, email='mother@example.org'):
    page = app.get(CLASS + '/desk-student', {'student': CLASSMATE})
    form = page.forms['student-form']
    form['address'] = 'ул. Ленина, 1'
    form.set('fullname', 'Алексеева Ольга Ивановна', index=0)
    form.set('email', email, index=0)
    if consent:
        form.set('consent', str(TODAY), index=0)
        form.set('no_pass_note', str(TODAY), index=0)
    form.set('email_remarks', True, index=0)
    return form.submit('save', status='*')


def test_edit_student_validates_and_audits_field_names_only(as_user, root):
    app = as_user('class_teacher')
    page = app.get(CLASS + '/desk-student', {'student': CLASSMATE})
    form = page.forms['student-form']
    form['birth_date'] = '2014-02-31'
    form['address'] = 'ул. Ленина, 1'
    form.set('email', 'not-mail', index=0)
    bad = form.submit('save', status=400)
    assert field_errors(bad) == {'birth_date', 'email'}
    transaction.abort()
    assert root['journal']['students'][CLASSMATE].diary.address != 'ул. Ленина, 1'   # nothing saved
    # a login typed by hand is refused, nothing saved
    form = bad.forms['student-form']
    form['birth_date'] = ''
    form.set('email', '', index=0)
    form.set('login', 'teacher', index=0)
    refused = form.submit('save', status=400)
    assert 'Logins are issued on the desk' in refused.text
    transaction.abort()
    assert root['journal']['students'][CLASSMATE].diary.address != 'ул. Ленина, 1'
    assert app.post(CLASS + '/desk-student?student=' + CLASSMATE,
                    {'surname': 'X', 'first_name': 'Y'}, status=400)      # no CSRF token
    assert _edit_classmate(app).status_int == 303
    transaction.abort()
    student = root['journal']['students'][CLASSMATE]
    assert student.diary.address == 'ул. Ленина, 1'
    assert student.diary.guardians[0]['fullname'] == 'Алексеева Ольга Ивановна'
    entries = [e for e in root.audit_log.entries() if e['action'] == 'family-data'] \
        if hasattr(root.audit_log, 'entries') else []
    for entry in entries:
        assert 'Ленина' not in str(entry['details'])


def test_generate_logins_slips_and_forced_change(as_user, testapp, root, app):
    ct = as_user('class_teacher')
    nothing = ct.post(CLASS + '/desk-logins', {'csrf_token': csrf_token(ct)}, status=303)
    assert nothing.location.endswith('/desk')       # nobody with consent lacks a login
    assert ct.post(CLASS + '/desk-logins', {}, status=400)      # CSRF
    _edit_classmate(ct)
    slips = ct.post(CLASS + '/desk-logins', {'csrf_token': csrf_token(ct)})
    assert slips.content_type == 'application/pdf'
    pages = pdf_text(slips.body)
    assert len(pages) == 1                          # one family got credentials
    text = pages[0]
    assert 'Алексеева Мария Андреевна' in text and 'Алексеева Ольга Ивановна' in text
    assert 'http://localhost' in text
    transaction.abort()
    student = root['journal']['students'][CLASSMATE]
    users = root['people']['users']
    parent_login = student.diary.guardians[0]['login']
    assert student.login and parent_login and student.login != parent_login
    assert parent_login in student.parents
    from ejportal.diary.resources import family_index     # the index followed the logins
    index = family_index(root['journal'])
    assert index[parent_login] == (CLASSMATE,) and index[student.login] == (CLASSMATE,)
    assert users[student.login].must_change_password and users[parent_login].must_change_password
    # the one-time password on the slip works once and forces a new password
    words = text.split()
    password = words[words.index(parent_login) + 1]
    assert users[parent_login].check_password(password)
    assert password not in ct.get(CLASS + '/desk').text    # never shown again
    # no e-mail carries it
    mail_dir = os.path.join(os.path.dirname(app.registry.settings['mail.top_level_directory']),
                            'mail')
    for dirpath, _d, files in os.walk(mail_dir):
        for name in files:
            assert password not in read(os.path.join(dirpath, name))
    # a second run issues nothing new; the logins are unique
    again = ct.post(CLASS + '/desk-logins', {'csrf_token': csrf_token(ct)}, status=303)
    assert again.location.endswith('/desk')
    ct.reset()
    family = testapp
    response = login(family, parent_login, password)
    assert response.location.endswith('/@@change-password')
    assert family.get('/@@diary', status=303).location.endswith('/@@change-password')
    # reset gives a new slip and the old password stops working
    ct = as_user('class_teacher')
    reset = ct.post(CLASS + '/desk-reset', {'login': parent_login,
                                            'csrf_token': csrf_token(ct)})
    assert parent_login in pdf_text(reset.body)[0]
    assert ct.post(CLASS + '/desk-reset', {'login': 'parent2-nobody',
                                           'csrf_token': csrf_token(ct)}, status=400)
    assert ct.post(CLASS + '/desk-reset', {'login': 'teacher',
                                           'csrf_token': csrf_token(ct)}, status=400)
    transaction.abort()
    assert not users[parent_login].check_password(password)


def test_absence_reaches_every_journal_and_the_diary(as_user, root):
    ct = as_user('class_teacher')
    math = find_resource(root, MATH_5A)
    days = sorted({l.date for l in math.lessons.values() if l.date > TODAY})[:2]
    page = ct.get(CLASS + '/desk-absence')
    form = page.forms['absence-form']
    form['student'] = 's0001'
    form['start'] = str(days[0])
    form['end'] = str(days[1])
    form['code'] = 'б'
    form['reason'] = 'болезнь'
    form['upload'] = ('spravka.pdf', b'%PDF-1.4\n%fake\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')
    response = form.submit('save', status='*')
    assert response.status_int in (303, 400), response.text[:300]
    if response.status_int == 400:      # the fake PDF refused: record without the file
        assert field_errors(response) == {'upload'}
        form = response.forms['absence-form']
        form['upload'] = ('empty.pdf', b'')
        response = form.submit('save', status=303)
    transaction.abort()
    for path in (MATH_5A, RUS_5A):
        journal = find_resource(root, path)
        lessons = [l for l in journal.lessons.values() if days[0] <= l.date <= days[1]]
        assert lessons
        for lesson in lessons:
            cell = journal.cell('s0001', lesson.id)
            assert cell['attendance'] == 'б' and cell['reason'] == 'болезнь'
    # the teacher sees it in the grid when marking
    ct.reset()
    teacher = as_user('teacher')
    period = find_resource(root, MATH_5A).year.period_of(days[0])
    grid = teacher.get(MATH_5A, {'period': period.id})
    row = grid.html.find('tr', attrs={'data-student': 's0001'})
    values = [i.get('value', '') for i in row.select('input.c')] + [row.text]
    assert any('б' in v for v in values)
    teacher.reset()
    week = as_user('student').get('/journal/students/s0001/diary', {'week': str(days[0])})
    assert 'болезнь' in week.text and 'ill' in week.text
    # bad input: field errors, nothing saved
    teacher.reset()
    ct = as_user('class_teacher')
    form = ct.get(CLASS + '/desk-absence').forms['absence-form']
    form['start'] = 'yesterday'
    form['reason'] = ''
    bad = form.submit('save', status=400)
    assert field_errors(bad) >= {'start', 'reason'}
    form = bad.forms['absence-form']
    form['start'] = str(days[1])
    form['end'] = str(days[0])
    form['reason'] = 'болезнь'
    assert field_errors(form.submit('save', status=400)) == {'end'}


def test_remark_in_diary_and_mail(as_user, app):
    ct = as_user('class_teacher')
    bad = ct.get(CLASS + '/desk-remark').forms['remark']
    bad['text'] = '   '
    assert field_errors(bad.submit('save', status=400)) == {'text'}
    page = ct.get(CLASS + '/desk-remark')
    form = page.forms['remark']
    form['student'] = 's0001'
    form['kind'] = 'concern'
    form['text'] = 'Забыл тетрадь по математике.'
    form.submit('save', status=303)
    ct.reset()
    week = as_user('parent').get('/journal/students/s0001/diary')
    assert 'Забыл тетрадь по математике.' in week.text
    mail_dir = app.registry.settings['mail.top_level_directory']
    texts = []
    for dirpath, _d, files in os.walk(mail_dir):
        texts += [read(os.path.join(dirpath, f)) for f in files]
    assert any('parent@school4.example' in t for t in texts)


def test_overview_marks_students_at_risk(as_user, root):
    from ejportal.journal import grading
    math = find_resource(root, MATH_5A)
    period = math.year.current_period(TODAY)
    lessons = math.lessons_between(period.start, period.end)
    w = grading.kind_weights()
    for lesson in lessons:   # s0002: only 2s in math this period
        if lesson.date <= TODAY:
            math.set_cell(CLASSMATE, lesson.id, (('2', 'answer', w['answer']),),
                          check_closed=False)
    transaction.commit()
    page = as_user('class_teacher').get(CLASS + '/overview', {'period': period.id})
    row = page.html.find('tr', attrs={'data-student': CLASSMATE})
    assert 'at-risk' in row['class'] and 'Математика' in row.text


def test_send_due_reports_is_idempotent(root, app):
    from pyramid_mailer.mailer import DummyMailer
    from ejportal.diary.mailing import send_due_reports
    from ejportal.diary.resources import student_file
    student = root['journal']['students']['s0001']
    student_file(student, create=True).subscriptions['parent'] = 'weekly'
    student_file(root['journal']['students']['s0009'], create=True).subscriptions['parent'] = 'monthly'
    transaction.commit()
    mailer = DummyMailer()
    sent = send_due_reports(root, mailer, TODAY)
    transaction.commit()
    assert sorted(s[1] for s in sent) == ['s0001', 's0009']
    assert len(mailer.outbox) == 2
    assert mailer.outbox[0].recipients == ['parent@school4.example']
    assert send_due_reports(root, mailer, TODAY) == []
    transaction.commit()
    assert len(mailer.outbox) == 2
    # a week later the weekly one is due again, the monthly one not (same month) or once
    later = send_due_reports(root, mailer, TODAY + datetime.timedelta(days=7))
    assert ('parent', 's0001') in {(s[0], s[1]) for s in later}
    transaction.abort()


def test_add_and_move_out_forms(as_user, root):
    ct = as_user('class_teacher')
    form = ct.get(CLASS + '/desk-add').forms['deform']
    form['surname'] = ''
    form['birth_date'] = 'soon'
    assert field_errors(form.submit('save', status=400)) == {'surname', 'first_name', 'birth_date'}
    form['surname'] = 'Новикова'
    form['first_name'] = 'Анна'
    form['birth_date'] = '2015-03-01'
    added = form.submit('save', status=303)
    sid = added.location.split('student=')[1]
    transaction.abort()
    assert sid in find_resource(root, CLASS).members
    form = ct.get(CLASS + '/desk-move-out', {'student': sid}).forms['deform']
    assert form['student'].value == sid
    form['last_day'] = '1999-01-01'        # before the student joined: refused, nothing saved
    assert field_errors(form.submit('save', status=400)) == {'last_day'}
    transaction.abort()
    assert root['journal']['students'][sid].diary is None
    form['last_day'] = str(TODAY)
    form.submit('save', status=303)
    transaction.abort()
    assert root['journal']['students'][sid].diary.moved_out == TODAY


PDF = (b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]'
       b'/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')


def test_absence_marks_lessons_added_later_and_certificate_downloads(as_user, root):
    math = find_resource(root, MATH_5A)
    days = sorted({l.date for l in math.lessons.values() if l.date > TODAY})[:3]
    ct = as_user('class_teacher')
    form = ct.get(CLASS + '/desk-absence').forms['absence-form']
    form['student'] = 's0001'
    form['start'] = str(days[0])
    form['end'] = str(days[2])
    form['code'] = 'уп'
    form['reason'] = 'соревнования'
    form['upload'] = ('справка.pdf', PDF)
    form.submit('save', status=303)
    transaction.abort()
    # a lesson added afterwards inside the range gets the absence; one outside does not
    math = find_resource(root, MATH_5A)
    inside = math.add_lesson(days[1], 9, topic='Дополнительный урок')
    after = days[2] + datetime.timedelta(days=1)
    outside = math.add_lesson(after, 9, topic='Позже')
    transaction.commit()
    cell = math.cell('s0001', inside.id)
    assert cell['attendance'] == 'уп' and cell['reason'] == 'соревнования'
    assert math.cell('s0001', outside.id) is None
    assert math.cell(CLASSMATE, inside.id) is None          # only the absent student
    # the class teacher downloads the certificate from the desk
    desk = ct.get(CLASS + '/desk')
    link = desk.html.find('tr', attrs={'data-student': 's0001'}).select_one('a.certificate')
    download = ct.get(link['href'])
    assert download.body == PDF and download.content_type == 'application/pdf'
    assert download.headers['Content-Disposition'].startswith('attachment;')
    assert download.headers['X-Content-Type-Options'] == 'nosniff'
    assert ct.get(CLASS + '/desk-certificate?student=s0001&absence=99', status=404)
    assert ct.get(CLASS + '/desk-certificate?student=s0009&absence=0', status=404)
    ct.reset()
    assert as_user('teacher').get(link['href'], status='*').status_int == 403

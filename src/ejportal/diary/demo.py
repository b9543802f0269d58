"""The demo families: the demo ``parent``'s consent on file for both children, a remark in
the current week, a second parent without consent in 5 А (so the login screen has someone
to point at)."""
import datetime

from ejportal.diary.resources import rebuild_family_index, student_file


def build_demo_diary(portal, today=None):
    today = today or datetime.date.today()
    rebuild_family_index(portal['journal'])   # the demo's students were added without events
    students = portal['journal']['students']
    users = portal['people']['users']
    signed = today - datetime.timedelta(days=30)
    for student in students.values():
        if student.diary is not None:
            continue
        file = student_file(student, create=True)
        digits = student.__name__[1:]
        file.address = 'г. Балашиха, ул. Советская, д. %d' % (
            int(digits) if digits.isdigit() else 1)
        file.documents = 'свидетельство о рождении'
        if 'parent' in student.parents:
            parent = users.get('parent')
            file.guardians.append({
                'fullname': parent.fullname if parent else 'Иванова Наталья Викторовна',
                'relation': 'mother', 'phone': '+7 900 000-00-01',
                'email': parent.email if parent else '', 'login': 'parent',
                'consent': signed, 'no_pass_note': signed, 'email_remarks': True})
            file.student_consent = signed
            file.add_remark(today, 'Активно работал на уроках этой недели.', 'praise')
        else:
            file.guardians.append({
                'fullname': '%s (родитель)' % student.surname, 'relation': 'mother',
                'phone': '', 'email': '', 'login': '', 'consent': None,
                'no_pass_note': None, 'email_remarks': False})

"""Staff logins that look like a student working under a teacher's login are flagged to
the administrators (issue 12): a staff login from an address or device that a student's or
parent's account used within the hour, and parallel staff sessions from two addresses."""
import transaction

from conftest import EnglishClient, login


def client(app, address):
    return EnglishClient(app, extra_environ={'REMOTE_ADDR': address, 'HTTP_HOST': 'localhost'})


def flags(root, action):
    transaction.begin()
    root._p_jar.sync()
    return list(root.audit_log.search(action=action))


def admin_notices(root):
    return [n['text'] for n in root['people']['users']['admin'].unread_notices()]


def test_a_teacher_after_a_student_at_one_address_is_flagged(app, root):
    assert login(client(app, '10.9.9.9'), 'student').status_int == 303
    assert login(client(app, '10.9.9.9'), 'teacher').status_int == 303
    found = flags(root, 'login-shared-place')
    assert len(found) == 1 and found[0]['details']['family'] == ['student']
    assert found[0]['path'] == '/people/users/teacher'
    assert any('may be working under a teacher' in t for t in admin_notices(root))
    admin = client(app, '10.9.9.1')
    login(admin, 'admin')
    assert 'may be working under a teacher' in admin.get('/@@start').text


def test_a_parent_after_a_teacher_at_one_address_is_flagged(app, root):
    login(client(app, '10.9.9.8'), 'class_teacher')
    login(client(app, '10.9.9.8'), 'parent')
    found = flags(root, 'login-shared-place')
    assert [f['path'] for f in found] == ['/people/users/class_teacher']


def test_one_device_at_two_addresses_is_flagged(app, root):
    student = client(app, '10.9.8.1')
    student.set_cookie('ejportal_device', 'd' * 32)
    login(student, 'student')
    teacher = client(app, '10.9.8.2')
    teacher.set_cookie('ejportal_device', 'd' * 32)
    login(teacher, 'teacher')
    found = flags(root, 'login-shared-place')
    assert len(found) == 1 and found[0]['details']['place'].startswith('d:')


def test_different_places_and_staff_among_themselves_are_not_flagged(app, root):
    login(client(app, '10.9.7.1'), 'student')
    login(client(app, '10.9.7.2'), 'teacher')
    login(client(app, '10.9.7.2'), 'director')
    assert flags(root, 'login-shared-place') == []
    assert not [t for t in admin_notices(root) if 'staff' in t]


def test_parallel_staff_sessions_from_two_addresses_are_flagged(app, root):
    login(client(app, '10.9.6.1'), 'teacher')
    login(client(app, '10.9.6.1'), 'teacher')
    assert flags(root, 'login-parallel') == []
    login(client(app, '10.9.6.2'), 'teacher')
    found = flags(root, 'login-parallel')
    assert len(found) == 1 and found[0]['details']['others'] == ['10.9.6.1']
    assert any('10.9.6.2' in t for t in admin_notices(root))


def test_a_shared_address_is_not_compared(app, root):
    # the test clients' own address is declared shared (conftest), like a school's NAT
    login(client(app, '10.0.0.1'), 'student')
    login(client(app, '10.0.0.1'), 'teacher')
    assert flags(root, 'login-shared-place') == []

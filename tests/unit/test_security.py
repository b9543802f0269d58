from pyramid.authorization import ACLHelper, Authenticated, Everyone

from ejportal import security
from ejportal.core.content import Resource
from ejportal.core.folder import Folder


class Root(Folder):
    __acl__ = security.root_acl()


def tree():
    root = Root()
    school = root.add('journal', Folder())
    journal = school.add('math-5a', Folder())
    lesson = journal.add('lesson', Resource())
    return root, school, journal, lesson


def permits(context, principals, permission):
    return bool(ACLHelper().permits(context, principals, permission))


def test_every_permission_is_named_once():
    names = [v for k, v in vars(security).items() if k.isupper() and isinstance(v, str)
             and k not in ('ROLES',)]
    granted = set().union(*security.ROLE_PERMISSIONS.values(),
                          *security.LOCAL_ROLE_PERMISSIONS.values())
    assert granted <= set(names)
    assert len(set(names)) == len(names)


def test_global_roles_from_the_table():
    root, _school, journal, _lesson = tree()
    director = [Everyone, Authenticated, 'user:director', 'role:director']
    assert permits(journal, director, security.VIEW_JOURNAL)
    assert permits(root, director, security.SIGN_ORDER)
    assert not permits(root, director, security.MANAGE_USERS)
    student = [Everyone, Authenticated, 'user:student', 'role:student']
    assert not permits(journal, student, security.VIEW_JOURNAL)
    assert not permits(root, student, security.VIEW)
    assert permits(root, [Everyone], security.VIEW_PUBLIC)
    assert not permits(root, [Everyone], security.OWN_ACCOUNT)


def test_a_global_teacher_may_not_edit_any_journal():
    _root, _school, journal, _lesson = tree()
    teacher = [Everyone, Authenticated, 'user:petrova', 'role:teacher']
    assert not permits(journal, teacher, security.EDIT_JOURNAL)


def test_local_roles_are_collected_up_the_lineage():
    _root, school, journal, lesson = tree()
    journal.set_local_roles('user:petrova', ['teacher'])
    school.set_local_roles('group:deputies', ['reader'])
    found = security.local_role_principals(lesson, ['user:petrova', 'group:deputies'])
    assert found == {'local:teacher', 'local:reader'}
    assert security.local_role_principals(school, ['user:petrova']) == set()
    principals = [Everyone, Authenticated, 'user:petrova', 'role:teacher'] + sorted(found)
    assert permits(lesson, principals, security.EDIT_JOURNAL)


def test_local_roles_are_cleared_with_an_empty_set():
    _root, school, _journal, _lesson = tree()
    school.set_local_roles('user:x', ['editor'])
    school.set_local_roles('user:x', [])
    assert school.get_local_roles('user:x') == ()
    assert 'user:x' not in school.local_roles

"""One place for grants: a journal's teacher and a class's class teacher are the local roles
the sharing screen shows, not also fields that can disagree with them; who reads every
diary is declared in ``security``."""
import transaction
from pyramid.traversal import find_resource

from conftest import csrf_token
from test_journal import MATH_5A, YEAR


def revoke(testapp, path, principal):
    testapp.post(path + '/@@sharing-revoke',
                 {'principal': principal, 'csrf_token': csrf_token(testapp)}, status=303)


def test_the_journal_teacher_is_the_local_role(as_user, root):
    from ejportal.security import set_local_roles
    app = as_user('admin')
    json = {'Accept': 'application/json'}
    assert app.get(MATH_5A, headers=json).json['teacher'] == 'teacher'
    journal = find_resource(root, MATH_5A)
    set_local_roles(journal, 'user:teacher', ())
    set_local_roles(journal, 'user:class_teacher', ('teacher',))
    transaction.commit()
    assert app.get(MATH_5A, headers=json).json['teacher'] == 'class_teacher'
    assert journal.teacher == 'class_teacher' and 'teacher' not in journal.__dict__


def test_the_class_teacher_is_the_local_role(as_user, root):
    app = as_user('admin')
    school_class = YEAR + '/classes/5a'
    revoke(app, school_class, 'user:class_teacher')
    root._p_jar.sync()
    assert find_resource(root, school_class).class_teacher == ''
    assert find_resource(root, YEAR + '/classes/7b').class_teacher == ''


def test_evolve_turns_the_old_teacher_fields_into_local_roles(app, db_dir):
    from conftest import app_settings, close_app
    from ejportal import main
    step = 'journal: teachers are local roles only'
    db = app.registry._zodb_databases['']
    with db.transaction() as conn:
        portal = conn.root()['ejportal']
        journal = find_resource(portal, MATH_5A)
        journal.set_local_roles('user:teacher', ())      # as if granted by the field only
        journal.__dict__['teacher'] = 'teacher'
        school_class = find_resource(portal, YEAR + '/classes/7b')
        school_class._p_activate()  # a ghost's __dict__ would be replaced on loading
        school_class.__dict__['class_teacher'] = 'class_teacher'
        journal._p_changed = school_class._p_changed = True
        portal.evolve_done.remove(step)
    close_app(app)
    application = main({}, **app_settings(db_dir))  # auto_evolve
    with application.registry._zodb_databases[''].transaction() as conn:
        portal = conn.root()['ejportal']
        journal = find_resource(portal, MATH_5A)
        assert journal.holders_of('teacher') == ('teacher',)
        assert 'teacher' not in journal.__dict__
        school_class = find_resource(portal, YEAR + '/classes/7b')
        assert school_class.class_teacher == 'class_teacher'
        assert step in portal.evolve_done
    close_app(application)
    transaction.abort()

"""A ConflictError from a concurrent write is retried (pyramid_retry), never shown."""
import transaction

from conftest import subscribed
from ejportal.core import events


def test_conflicting_write_is_retried(app, testapp, as_user):
    as_user('admin')
    db = app.registry._zodb_databases['']
    attempts = []

    def write_concurrently(event):
        """On the first attempt only: another connection changes the same object and
        commits, so this request's commit conflicts."""
        if getattr(event.object, '__name__', None) != 'teacher':
            return
        attempts.append(1)
        if len(attempts) > 1:
            return
        tm = transaction.TransactionManager()
        conn = db.open(tm)
        try:
            conn.root()['ejportal']['people']['users']['teacher'].language = 'en'
            tm.commit()
        finally:
            conn.close()

    with subscribed(app.registry, write_concurrently, events.ObjectModified):
        form = testapp.get('/people/users/teacher').forms['deform']
        form['position'] = 'Учитель истории'
        response = form.submit('save')
    assert response.status_int == 303
    assert len(attempts) == 2  # the first attempt conflicted, the retry went through
    with db.transaction() as conn:
        teacher = conn.root()['ejportal']['people']['users']['teacher']
        assert teacher.position == 'Учитель истории'
        assert teacher.language == 'en'


# -- a save that meets a concurrent save on every attempt (issue 10) ----------------------

def _teachers_cell(root):
    """(journal path, student id, lesson id) of a cell the demo teacher may write."""
    import datetime
    from ejportal.core.content import resource_path
    for year in root['journal'].years():
        for school_class in year['classes'].values():
            for journal in school_class['journals'].values():
                if journal.teacher != 'teacher':
                    continue
                for lesson in journal.lessons.values():
                    if year.closed_period_of(lesson.date, journal.grade) is None and \
                            lesson.date <= datetime.date.today():
                        student = journal.students(lesson.date, lesson.date)[0]
                        return resource_path(journal), student.__name__, lesson.id
    raise AssertionError('the demo teacher has no open lesson')


def _conflicting_writer(db, path, student, lesson, attempts):
    """On every attempt, another connection writes the same cell and commits first, so the
    request's commit always conflicts."""
    from ejportal.journal.records import Cell

    def write(event):
        attempts.append(1)
        tm = transaction.TransactionManager()
        conn = db.open(tm)
        try:
            journal = conn.root()['ejportal']
            for name in path.strip('/').split('/'):
                journal = journal[name]
            journal.cells[(student, lesson)] = Cell(
                revision=len(attempts), marks=(('3', 'answer', 1),), userid='other')
            tm.commit()
        finally:
            conn.close()
    return write


def test_a_save_that_conflicts_on_every_attempt_answers_409_and_saves_nothing(
        app, root, testapp, as_user, monkeypatch):
    from conftest import csrf_token
    from ejportal.core import conflicts
    from ejportal.journal.resources import RecordsChanged
    pauses = []
    monkeypatch.setattr(conflicts.time, 'sleep', pauses.append)
    path, student, lesson = _teachers_cell(root)
    as_user('teacher')
    token = csrf_token(testapp)
    db = app.registry._zodb_databases['']
    attempts = []
    writer = _conflicting_writer(db, path, student, lesson, attempts)
    with subscribed(app.registry, writer, RecordsChanged):
        response = testapp.post_json(path + '/@cell', {'student': student, 'lesson': lesson,
                                                       'text': '5'},
                                     headers={'X-CSRF-Token': token,
                                              'Accept': 'application/json'}, status=409)
    assert response.json['error']['type'] == 'Conflict'
    assert 'Not saved' in response.json['error']['message']
    assert len(attempts) == 3  # retry.attempts of the tests' settings
    # a random pause before each retry, its bound doubling (0.05 s, then 0.1 s)
    assert len(pauses) == 2
    assert 0 <= pauses[0] <= 0.05 and 0 <= pauses[1] <= 0.1
    transaction.begin()
    root._p_jar.sync()
    journal = root
    for name in path.strip('/').split('/'):
        journal = journal[name]
    assert journal.cell(student, lesson).marks == (('3', 'answer', 1),)  # the other's
    # sent again once the others are done, it is saved
    response = testapp.post_json(path + '/@cell', {'student': student, 'lesson': lesson,
                                                   'text': '5'},
                                 headers={'X-CSRF-Token': token, 'Accept': 'application/json'})
    assert response.json['text'] == '5'


def test_a_form_that_conflicts_on_every_attempt_answers_a_409_page(app, testapp, as_user,
                                                                   monkeypatch):
    from ejportal.core import conflicts
    monkeypatch.setattr(conflicts.time, 'sleep', lambda seconds: None)
    as_user('admin')
    db = app.registry._zodb_databases['']
    attempts = []

    def write_concurrently(event):
        if getattr(event.object, '__name__', None) != 'teacher':
            return
        attempts.append(1)
        tm = transaction.TransactionManager()
        conn = db.open(tm)
        try:
            conn.root()['ejportal']['people']['users']['teacher'].position = 'x%d' % len(
                attempts)
            tm.commit()
        finally:
            conn.close()

    with subscribed(app.registry, write_concurrently, events.ObjectModified):
        form = testapp.get('/people/users/teacher').forms['deform']
        form['position'] = 'Учитель истории'
        response = form.submit('save', status=409)
    assert len(attempts) == 3
    assert 'Not saved' in response.text
    assert response.content_type == 'text/html'
    with db.transaction() as conn:
        assert conn.root()['ejportal']['people']['users']['teacher'].position == 'x3'


def test_a_commit_lock_not_got_in_time_is_retried_then_answered_409(
        app, root, testapp, as_user, monkeypatch):
    """RelStorage's UnableToAcquireCommitLockError (many processes committing at once) is
    no ConflictError, yet the save failed only because of the others: retried, then 409."""
    from relstorage.adapters.interfaces import UnableToAcquireCommitLockError
    from conftest import csrf_token
    from ejportal.core import conflicts
    from ejportal.journal.resources import RecordsChanged
    monkeypatch.setattr(conflicts.time, 'sleep', lambda seconds: None)
    path, student, lesson = _teachers_cell(root)
    as_user('teacher')
    token = csrf_token(testapp)
    attempts = []

    def locked(event):
        attempts.append(1)
        raise UnableToAcquireCommitLockError('Acquiring a commit lock failed')

    with subscribed(app.registry, locked, RecordsChanged):
        response = testapp.post_json(path + '/@cell', {'student': student, 'lesson': lesson,
                                                       'text': '5'},
                                     headers={'X-CSRF-Token': token,
                                              'Accept': 'application/json'}, status=409)
    assert len(attempts) == 3
    assert response.json['error']['type'] == 'Conflict'


def test_a_read_conflict_inside_the_view_is_retried_then_answered_409_page(
        app, testapp, as_user, monkeypatch):
    """A ReadConflictError raised while the view reads (an exception view answers it, not
    the commit): retried like the rest, and the last answer is the 409 page, not a 500."""
    from ZODB.POSException import ReadConflictError
    from ejportal.core import conflicts
    monkeypatch.setattr(conflicts.time, 'sleep', lambda seconds: None)
    as_user('admin')
    attempts = []

    def read_conflict(event):
        if getattr(event.object, '__name__', None) == 'teacher':
            attempts.append(1)
            raise ReadConflictError('read a newer state')

    with subscribed(app.registry, read_conflict, events.ObjectModified):
        form = testapp.get('/people/users/teacher').forms['deform']
        form['position'] = 'Учитель истории'
        response = form.submit('save', status=409)
    assert len(attempts) == 3
    assert 'Not saved' in response.text

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

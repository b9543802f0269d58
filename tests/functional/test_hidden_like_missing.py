"""What a user may not see answers exactly as what is not there (issue 10: "a family learns
the names of other children").

As ``parent``, ``/journal/students/s0002/diary`` answered 403 with the child's full name in
the breadcrumbs, and 403 against 404 told which ids exist. Now a signed-in user who may not
see an object gets the not-found answer, byte for byte the one of a missing id (once the
id itself, which the user typed, is taken out). Where the user sees the object and is only
refused the action, the 403 stays: it tells nothing new. Anonymous users are sent to the
login form for a missing id below the front page as for an existing one.
"""
import datetime
import re

import pytest

from ejportal.journal.resources import school_year_start

JSON = {'Accept': 'application/json'}
FOREIGN = 's0002'       # Алексеева Мария, another family in 5 А
MISSING = 's9999'
FOREIGN_NAME = 'Алексеева'
STUDENT_VIEWS = ('diary', 'diary-period', 'diary-year', 'report', '@@diary', '@diary',
                 '@report', '@json', '')


def normalised(response, *ids):
    """The body with the request's own bits taken out: the ids in the address (echoed in
    the language links' ``came_from``) and the CSRF token."""
    text = response.body.decode('utf-8')
    for name in ids:
        text = text.replace(name, '<id>')
    return re.sub(r'(name="csrf_token" value=|name="csrf-token" content=)"[^"]*"',
                  r'\1"<token>"', text)


def answers(app, path, headers=None):
    return app.get(path, headers=headers or {}, status='*')


def assert_alike(app, hidden_path, missing_path, hidden_id, missing_id, headers=None):
    hidden, missing = answers(app, hidden_path, headers), answers(app, missing_path, headers)
    assert hidden.status_int == missing.status_int == 404, (
        hidden_path, hidden.status, missing.status)
    assert hidden.content_type == missing.content_type
    assert normalised(hidden, hidden_id, missing_id) == \
        normalised(missing, hidden_id, missing_id), hidden_path
    assert FOREIGN_NAME not in hidden.text


@pytest.mark.parametrize('user', ['parent', 'student'])
@pytest.mark.parametrize('as_json', [False, True], ids=['html', 'json'])
def test_another_childs_pages_answer_as_a_missing_child(as_user, user, as_json):
    app = as_user(user)
    for view in STUDENT_VIEWS:
        query = '?from=2020-09-01&to=2020-09-30' if 'report' in view else ''
        assert_alike(app, '/journal/students/%s/%s%s' % (FOREIGN, view, query),
                     '/journal/students/%s/%s%s' % (MISSING, view, query),
                     FOREIGN, MISSING, JSON if as_json else None)


def test_the_not_found_page_names_nothing(as_user):
    page = as_user('parent').get('/journal/students/%s/diary' % FOREIGN, status=404)
    assert 'breadcrumb' not in page.text
    assert page.html.title.text.startswith('Page not found')
    assert 'Access denied' not in page.text


def test_a_draft_is_hidden_from_staff_who_may_not_see_it(as_user):
    """A teacher may not see the deputy's draft: its title is not told, nor that it is
    there."""
    app = as_user('teacher')
    for view in ('', '@@history', '@@edit', '@@public', '@json', '@history'):
        headers = JSON if view.startswith('@') and not view.startswith('@@') else None
        assert_alike(app, '/documents/regulation-1/' + view,
                     '/documents/regulation-999/' + view, 'regulation-1', 'regulation-999',
                     headers)


def test_a_refused_action_on_what_the_user_sees_stays_403(as_user):
    """The parent sees their own child; the teacher sees the 5 А Russian journal's
    existence (every journal is listed to staff) but does not teach it."""
    app = as_user('parent')
    assert app.get('/journal/students/s0001/@json', headers=JSON, status=403)
    app.reset()
    app = as_user('teacher')
    start = school_year_start(datetime.date.today())
    page = app.get('/journal/%d-%d/classes/5a/journals/russian/@@column' % (start, start + 1),
                   status=403)
    assert 'Access denied' in page.text


def test_anonymous_is_sent_to_log_in_for_missing_and_existing_alike(testapp):
    for view, headers in (('diary', None), ('@diary', JSON), ('', None), ('@json', JSON)):
        existing = testapp.get('/journal/students/%s/%s' % (FOREIGN, view), headers=headers or {},
                               status='*')
        missing = testapp.get('/journal/students/%s/%s' % (MISSING, view), headers=headers or {},
                              status='*')
        assert existing.status_int == missing.status_int, view
        assert existing.status_int in (303, 401), view
        assert normalised(existing, FOREIGN, MISSING) == normalised(missing, FOREIGN, MISSING)
        if existing.status_int == 303:
            assert existing.location.replace(FOREIGN, '<id>') == \
                missing.location.replace(MISSING, '<id>')
    # the front page's own addresses still answer 404
    assert testapp.get('/no-such-page', status=404)
    assert testapp.get('/@@no-such-view', status=404)

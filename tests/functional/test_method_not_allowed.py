"""A method no view answers is a 405 with ``Allow``, to whom may see the object (issue 12's
note: "unanswered methods are 404, not 405, portal-wide").

Pyramid answers such a request with ``PredicateMismatch``, a 404. Now a caller who sees the
object learns which methods are answered there (``Allow``, and the message in their
language: JSON on the API, the error page in the layout otherwise). A caller who may not
see it gets the very answer a missing object gets (issue 10): a wrong method tells nothing
more of a hidden object than a right one. The matrix of every endpoint, method and role is
``test_api_matrix.py``; this file shows the answers themselves.
"""
import pytest

from conftest import api_token
from test_hidden_like_missing import normalised

JSON = {'Accept': 'application/json'}
HTML = {'Accept': 'text/html'}
OWN, FOREIGN, MISSING = 's0001', 's0002', 's9999'   # the parent's child, another, none
DIARY = '/journal/students/%s/@diary'
# A page that answers GET only, on a student
HOMEWORK = '/journal/students/%s/@@homework-file'


def bearer(testapp, login_name):
    token = api_token(testapp, login_name)
    testapp.reset()     # nothing but the token says who calls
    return {'Authorization': 'Bearer ' + token}


def test_a_wrong_method_on_what_the_caller_sees_is_405_with_allow(testapp):
    headers = dict(JSON, **bearer(testapp, 'parent'))
    response = testapp.delete(DIARY % OWN, headers=headers, status=405)
    assert response.headers['Allow'] == 'GET, HEAD'
    assert response.json == {'error': {
        'type': 'MethodNotAllowed', 'message': 'DELETE is not answered here; GET, HEAD are.'}}
    # the methods of every view at the place: @json answers all four (each its permission)
    response = testapp.request('/news', method='PUT', headers=headers, status=405)
    assert response.headers['Allow'] == 'DELETE, GET, HEAD, PATCH, POST'


def test_the_message_is_in_the_callers_language(testapp):
    headers = dict(JSON, **bearer(testapp, 'parent'))
    testapp.set_cookie('ejportal_lang', 'ru')
    response = testapp.post_json(DIARY % OWN, {}, headers=headers, status=405)
    assert response.json['error']['message'] == \
        'Метод POST здесь не принимается; принимаются: GET, HEAD.'


def test_a_wrong_method_on_what_the_caller_may_not_see_is_the_missing_404(testapp):
    headers = dict(JSON, **bearer(testapp, 'parent'))
    for method in ('DELETE', 'PATCH', 'POST'):
        hidden = testapp.request(DIARY % FOREIGN, method=method, headers=headers,
                                 body=b'{}', content_type='application/json', status=404)
        missing = testapp.request(DIARY % MISSING, method=method, headers=headers,
                                  body=b'{}', content_type='application/json', status=404)
        assert 'Allow' not in hidden.headers
        assert hidden.json == missing.json == {
            'error': {'type': 'NotFound', 'message': 'Nothing is here.'}}


def test_the_html_405_is_an_error_page_in_the_layout(as_user):
    app = as_user('parent')
    page = app.post(HOMEWORK % OWN, headers=HTML, status=405)
    assert page.headers['Allow'] == 'GET, HEAD'
    assert page.content_type == 'text/html'
    assert page.html.title.text.startswith('Method not allowed')
    assert 'POST is not answered here; GET, HEAD are.' in page.text
    assert page.html.find('main', id='content') is not None
    assert 'Page not found' not in page.text


def test_the_html_answer_on_a_hidden_object_is_the_missing_page(as_user):
    app = as_user('parent')
    hidden = app.post(HOMEWORK % FOREIGN, headers=HTML, status=404)
    missing = app.post(HOMEWORK % MISSING, headers=HTML, status=404)
    assert 'Allow' not in hidden.headers
    assert normalised(hidden, FOREIGN, MISSING) == normalised(missing, FOREIGN, MISSING)
    assert 'Алексеева' not in hidden.text


def test_anonymous_gets_405_on_the_public_site(testapp):
    page = testapp.post('/', headers=HTML, status=405)
    assert page.headers['Allow'] == 'GET, HEAD'
    assert page.html.title.text.startswith('Method not allowed')
    response = testapp.request('/news', method='PUT', headers=JSON, status=405)
    assert response.json['error']['type'] == 'MethodNotAllowed'


@pytest.mark.parametrize('headers', [JSON, HTML], ids=['json', 'html'])
def test_anonymous_is_sent_to_log_in_below_the_public_site_as_for_a_missing_object(
        testapp, headers):
    path = DIARY if headers is JSON else HOMEWORK
    existing = testapp.post(path % OWN, headers=headers, status='*')
    missing = testapp.post(path % MISSING, headers=headers, status='*')
    assert existing.status_int == missing.status_int == (401 if headers is JSON else 303)
    assert 'Allow' not in existing.headers
    assert normalised(existing, OWN, MISSING) == normalised(missing, OWN, MISSING)
    if existing.status_int == 303:
        assert existing.location.replace(OWN, '<id>') == missing.location.replace(MISSING, '<id>')


def test_a_mismatch_of_another_predicate_stays_404(testapp):
    """The front page answers GET for HTML: a GET that accepts neither HTML nor JSON is not
    a wrong method."""
    response = testapp.get('/', headers={'Accept': 'application/pdf'}, status=404)
    assert 'Allow' not in response.headers

"""One family of refusals (issue 9): every exception of the portal is a kind of
``core.errors.UserError``, and each door renders it in one place: the API as
``{"error": {"type", "message", "fields"}}`` with the error's status (``api.errors_view``), a
form on its fields (``FormView``), a page's button as a message back on the page
(``back_on_refusal``), any other page as the error page with the status."""
import importlib
import inspect
import pkgutil

import colander
import deform
import pytest
import transaction
from pyramid.request import Request
from pyramid.scripting import prepare

import ejportal
from conftest import api_token, csrf_token, login
from ejportal.core.errors import Conflict, Invalid, UserError
from ejportal.core.forms import CSRFSchema, FormError, FormView

ORDER = '/documents/order-2012-od-181'   # signed, the teacher is on its sheet (demo)

# Exceptions that are not a user's refusal, and why.
NOT_REFUSALS = {
    # The database is newer or older than the code: raised at start-up (or by
    # ``ejportal-admin``) for the operator, before any request exists to answer.
    'ejportal.core.evolve.DatabaseTooNew',
    'ejportal.core.evolve.DatabaseTooOld',
    # ``Folder.add`` with a taken name: a caller's bug (every door checks the name first with
    # its own message); a KeyError, as the mapping protocol of a folder expects.
    'ejportal.core.folder.FolderKeyError',
    # The response cache found a page changed under the same tag: a bug to report loudly
    # (tests verify every cached page), never something the user did.
    'ejportal.core.caching.StaleCache',
    # A scheduled job that failed: its outcome, kept on the job's run for the administrator,
    # never a request's answer.
    'ejportal.core.jobs.JobFailed',
    # The console found the database held by a running server: it hands the command over.
    'ejportal.scripts.admin.InUse',
}
# Converted by the other helpers of issue 9 on their own branches (the journal's, the login's,
# the API's generic services); this list goes once those are merged.
def exception_classes():
    """Every exception class defined in a module of ``ejportal`` (also inside classes)."""
    found = {}

    def collect(namespace, module_name):
        for obj in list(vars(namespace).values()):
            if inspect.isclass(obj) and obj.__module__ == module_name:
                if issubclass(obj, BaseException):
                    found['%s.%s' % (module_name, obj.__qualname__)] = obj
                collect(obj, module_name)

    for info in pkgutil.walk_packages(ejportal.__path__, 'ejportal.'):
        module = importlib.import_module(info.name)
        collect(module, module.__name__)
    return found


def test_every_exception_of_the_portal_is_a_user_error():
    classes = exception_classes()
    assert 'ejportal.core.uploads.UploadRefused' in classes  # the walk does find them
    outside = sorted(name for name, cls in classes.items()
                     if not issubclass(cls, UserError)
                     and name not in NOT_REFUSALS)
    assert outside == [], 'make these a kind of core.errors.UserError (or say why not)'
    for name in NOT_REFUSALS:  # the list stays true: each exists and is still apart
        assert name in classes and not issubclass(classes[name], UserError), name


def test_a_status_given_at_the_raise_brings_its_type():
    assert Invalid('x', status=409).error_type == 'Conflict'
    assert UserError('x', status=403).error_type == 'Forbidden'
    error = FormError('start', 'The class is archived.', status=409)
    assert isinstance(error, Invalid) and error.field == 'start'
    assert error.fields == {'start': 'The class is archived.'} and error.status == 409
    assert FormError(None, 'Not now.').fields == {}


def test_workflow_and_version_refusals_carry_their_status(testapp):
    headers = {'Authorization': 'Bearer ' + api_token(testapp, 'director'),
               'Accept': 'application/json'}
    # signed already: the request is sound, the state refuses it
    wrong_state = testapp.post_json(ORDER + '/@workflow/submit', {}, headers=headers,
                                    status=409).json
    assert wrong_state['error']['type'] == 'Conflict'
    assert 'is not possible in state' in wrong_state['error']['message']
    unknown = testapp.post_json(ORDER + '/@workflow/nonsense', {}, headers=headers, status=400)
    assert unknown.json['error'] == {'type': 'BadRequest', 'message': 'No such action: "nonsense".'}
    teacher = {'Authorization': 'Bearer ' + api_token(testapp, 'teacher'),
               'Accept': 'application/json'}
    forbidden = testapp.post_json(ORDER + '/@workflow/cancel', {}, headers=teacher, status=403)
    assert forbidden.json['error']['type'] == 'Forbidden'


# -- one documents refusal, each door ---------------------------------------------------------

def test_acknowledgement_refused_through_the_api_and_the_page(testapp, root):
    teacher = {'Authorization': 'Bearer ' + api_token(testapp, 'teacher'),
               'Accept': 'application/json'}
    testapp.post_json(ORDER + '/@acknowledge', {}, headers=teacher, status=201)
    again = testapp.post_json(ORDER + '/@acknowledge', {}, headers=teacher, status=409)
    assert again.json == {'error': {'type': 'Conflict',
                                    'message': 'You have already acknowledged this order.'}}
    # the page's button: back on the order, the same reason among its messages
    login(testapp, 'teacher')
    response = testapp.post(ORDER + '/@@acknowledge', {'csrf_token': csrf_token(testapp)},
                            status=303)
    assert response.location.rstrip('/').endswith(ORDER)
    alerts = [a.get_text(strip=True) for a in response.follow().html.select('.flash .alert')]
    assert 'You have already acknowledged this order.' in alerts
    transaction.begin()
    order = root['documents']['order-2012-od-181']
    assert len([k for k in order.sheet.entries if k[1] == 'teacher']) == 1


def test_bad_search_answers_the_same_fields_in_the_api_and_on_the_screen(testapp):
    params = {'date_from': '2013-01-01', 'date_to': '2012-01-01'}
    headers = {'Authorization': 'Bearer ' + api_token(testapp, 'director'),
               'Accept': 'application/json'}
    error = testapp.get('/@search', params, headers=headers, status=400).json['error']
    assert error == {'type': 'BadRequest', 'message': 'Some search parameters are not valid.',
                     'fields': {'date_to': 'The end of the period is before its start.'}}
    login(testapp, 'director')
    page = testapp.get('/documents', params, status=400)
    feedback = page.html.find('input', attrs={'name': 'date_to'}).find_parent('div') \
        .select_one('.invalid-feedback')
    assert feedback.get_text(strip=True) == error['fields']['date_to']


def test_upload_refused_on_the_page_and_on_a_form_field(testapp, root):
    login(testapp, 'director')
    path = '/documents/regulation-1'
    before = len(root['documents']['regulation-1'].attachments())
    response = testapp.post(path + '/@@attach', {'csrf_token': csrf_token(testapp)},
                            upload_files=[('file', 'run.pdf', b'MZ\x90\x00 executable')],
                            status=303)
    alerts = [a.get_text(strip=True) for a in response.follow().html.select('.flash .alert')]
    assert any(a.startswith('This kind of file is not accepted') for a in alerts), alerts
    transaction.begin()
    assert len(root['documents']['regulation-1'].attachments()) == before
    # the same refusal in a form: on the certificate field of the absence form, 400
    from ejportal.journal.resources import school_year_start
    import datetime
    year = school_year_start(datetime.date.today())
    desk = '/journal/%d-%d/classes/5a' % (year, year + 1)
    testapp.reset()
    login(testapp, 'class_teacher')
    form = testapp.get(desk + '/desk-absence').forms['absence-form']
    form['student'] = 's0001'
    form['start'] = str(datetime.date.today())
    form['code'] = 'уп'
    form['reason'] = 'соревнования'
    form['upload'] = ('справка.pdf', b'MZ\x90\x00 executable')
    page = form.submit('save', status=400)
    item = page.html.find('input', attrs={'name': 'upload'}).find_parent(
        'div', id=lambda i: i and i.startswith('item-'))
    assert item.select_one('.invalid-feedback').get_text(strip=True).startswith(
        'This kind of file is not accepted')


def test_a_page_refusal_is_the_error_page_and_json_when_asked(as_user):
    app = as_user('student')
    student = '/journal/students/s0001'
    page = app.get(student + '/@@report', {'from': 'soon', 'to': '2025-01-01'}, status=400)
    assert page.html.find('h1').get_text(strip=True) == 'The request could not be served'
    assert 'from: a date as YYYY-MM-DD, please.' in page.text
    error = app.get(student + '/@@report', {'from': 'soon', 'to': '2025-01-01'},
                    headers={'Accept': 'application/json'}, status=400).json['error']
    assert error == {'type': 'BadRequest', 'message': 'from: a date as YYYY-MM-DD, please.',
                     'fields': {'from': 'A date as YYYY-MM-DD, please.'}}


# -- FormView renders any UserError a success method raises -----------------------------------

class Period(colander.MappingSchema):
    start = colander.SchemaNode(colander.String(), missing='')


class TitleSchema(CSRFSchema):
    title = colander.SchemaNode(colander.String())
    period = Period()


class RefusingForm(FormView):
    """A form whose action refuses with whatever the test gives it."""
    schema = TitleSchema
    buttons = (deform.Button('save', 'Save'),)
    refusal = None

    def save_success(self, appstruct):
        raise self.refusal


def post_form(app, refusal):
    request = Request.blank('/', POST=[('title', 'Положение'), ('__start__', 'period:mapping'),
                                       ('start', ''), ('__end__', 'period:mapping'),
                                       ('save', 'save')])
    env = prepare(request=request, registry=app.registry)
    try:
        view = RefusingForm(env['root'], env['request'])
        view.refusal = refusal
        result = view()
        return result['form'], env['request'].response.status_int
    finally:
        env['closer']()


@pytest.mark.parametrize('refusal, status, on_fields, on_form', [
    (Invalid('Check the title.', {'title': 'Taken.', 'period.start': 'Too early.'}), 400,
     {'title': 'Taken.', 'start': 'Too early.'}, 'Check the title.'),
    (FormError('title', 'Taken.'), 400, {'title': 'Taken.'}, None),
    (Conflict('The year is archived.'), 409, {}, 'The year is archived.'),
    # a field this form does not have: the message still reaches the reader
    (Invalid('Check the fields.', {'rows.3.hours': 'A number.'}), 400, {}, 'Check the fields.'),
])
def test_form_view_shows_any_user_error_on_its_fields(app, refusal, status, on_fields,
                                                      on_form):
    from bs4 import BeautifulSoup
    html, answered = post_form(app, refusal)
    assert answered == status
    page = BeautifulSoup(html, 'html.parser')
    shown = {}
    for message in page.select('p.invalid-feedback'):
        item = message.find_parent('div', id=lambda i: i and i.startswith('item-'))
        shown[item.find('input')['name']] = message.get_text(strip=True)
    assert shown == on_fields
    summary = page.select_one('.alert-danger .error-msg')
    assert ((summary.get_text(strip=True) if summary else '') or None) == on_form

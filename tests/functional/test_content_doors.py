"""Generic content through every door (issue 9): the settings are the administrator's
alone, the portal's structure and its records cannot be deleted, and adding, editing and
deleting follow the same rules on the site and in the JSON API."""
import datetime

import pytest
import transaction
from webtest import TestApp

from conftest import EnglishClient, api_token, csrf_token, login

from ejportal.journal.resources import school_year_start

ROLES = ('admin', 'director', 'deputy', 'secretary', 'teacher', 'class_teacher',
         'psychologist', 'student', 'parent')
START = school_year_start(datetime.date.today())
YEAR = '/journal/%d-%d' % (START, START + 1)
CLASS = YEAR + '/classes/5a'
ORDER = '/documents/order-2012-od-181'


def bearer(testapp, login_name):
    return {'Accept': 'application/json',
            'Authorization': 'Bearer ' + api_token(testapp, login_name)}


def fresh(root):
    transaction.begin()
    root._p_jar.sync()
    return root


# -- the settings ------------------------------------------------------------------------

@pytest.mark.parametrize('role', ROLES)
def test_only_the_administrator_reads_and_changes_the_settings(app, root, role):
    allowed = role == 'admin'
    refused = 404   # nobody else sees the settings: hidden, as if not there
    site = EnglishClient(app, extra_environ={'REMOTE_ADDR': '10.0.0.1', 'HTTP_HOST': 'localhost'})
    assert login(site, role).status_int == 303
    site.get('/settings', status=200 if allowed else refused)
    site.get('/settings/order-registers', status=200 if allowed else refused)
    api = TestApp(app, extra_environ={'REMOTE_ADDR': '10.0.0.1', 'HTTP_HOST': 'localhost'})
    headers = bearer(api, role)
    api.get('/settings', headers=headers, status=200 if allowed else refused)
    api.get('/settings/order-registers', headers=headers, status=200 if allowed else refused)
    response = api.patch_json('/settings', {'portal_url': 'https://evil.example/'},
                              headers=headers, status=204 if allowed else refused)
    if not allowed:
        assert response.json['error']['type'] == 'NotFound'
    url = fresh(root)['settings'].portal_url
    assert (url == 'https://evil.example/') is allowed


def test_anonymous_callers_get_nothing_of_the_settings(testapp):
    testapp.get('/settings', status=303)
    json = {'Accept': 'application/json'}
    testapp.get('/settings', headers=json, status=401)
    testapp.patch_json('/settings', {'portal_url': 'https://evil.example/'}, headers=json,
                       status=401)


def test_pages_that_read_the_settings_still_work_for_everyone(testapp, root):
    """Reading a setting in code is no permission check: the front page (school name),
    a new order (the director as signatory) and the audit log (kept under /settings) are
    served to those who had them."""
    assert testapp.get('/').status_int == 200
    login(testapp, 'director')
    form = testapp.get('/documents/@@add-order').forms['deform']
    assert form['signatory'].value == root['settings'].director_name != ''
    testapp.get('/settings/@@audit', status=200)
    testapp.get('/@@start', status=200)


# -- the structure and its records -------------------------------------------------------

STRUCTURE = ('/people', '/settings', '/documents', '/journal', '/people/users',
             '/people/groups', '/journal/subjects', '/journal/students', YEAR + '/classes',
             CLASS + '/journals', '/settings/order-registers', '/settings/regulation-kinds',
             '/surveys', '/help')
STRUCTURE += ('/announcements',)   # s-announce (issue 14)


def test_the_structure_is_never_deleted(testapp, root):
    headers = bearer(testapp, 'admin')
    for path in STRUCTURE:
        response = testapp.delete(path, headers=headers, status='*')
        assert response.status_int == 409, (path, response.status)
        assert response.json['error']['type'] == 'Conflict'
        assert response.json['error']['message']
    testapp.delete('/', headers=headers, status=409)
    fresh(root)
    assert sorted(root) == ['announcements', 'consents', 'documents', 'events', 'help',
                            'journal', 'news', 'people', 'questions', 'settings', 'surveys']
    assert 'math' in root['journal'][YEAR.rsplit('/', 1)[1]]['classes']['5a']['journals']
    # and the portal still serves its pages and its logins
    testapp.reset()
    assert testapp.get('/').status_int == 200
    assert testapp.get('/@@login').status_int == 200
    assert api_token(testapp, 'teacher')
    assert login(testapp, 'teacher').status_int == 303


def test_a_folder_holding_records_is_not_deleted(testapp, root):
    headers = bearer(testapp, 'admin')
    response = testapp.delete(YEAR, headers=headers, status=409)
    assert response.json['error']['type'] == 'Conflict'
    fresh(root)
    assert YEAR.rsplit('/', 1)[1] in root['journal']


def test_the_files_of_a_signed_document_stay(testapp, root):
    """The signed state grants no one DELETE, on the site or in the API; the model keeps
    the files too, for any other door."""
    from ejportal.core.errors import Conflict
    from ejportal.core.folder import check_delete
    director = bearer(testapp, 'director')
    path = testapp.post_json('/documents', {'@type': 'Order', 'title': 'О дежурстве',
                                            'clauses': [{'text': 'Дежурить по графику'}]},
                             headers=director, status=201).json['@id']
    path = path.replace('http://localhost', '')
    login(testapp, 'director')
    testapp.post(path + '/@@attach', {'csrf_token': csrf_token(testapp)},
                 upload_files=[('file', 'graph.pdf', b'%PDF-1.4\n% test\n')], status=303)
    for name in ('submit', 'sign'):
        testapp.post_json(path + '/@workflow/' + name, {}, headers=director, status=200)
    name = path.rsplit('/', 1)[1]
    attachment = fresh(root)['documents'][name].attachments()[0]
    testapp.delete('%s/%s' % (path, attachment.__name__), headers=director, status=403)
    testapp.post('%s/%s/@@delete' % (path, attachment.__name__),
                 {'csrf_token': csrf_token(testapp)}, status=403)
    assert len(fresh(root)['documents'][name].attachments()) == 1
    with pytest.raises(Conflict):
        check_delete(root['documents'][name].attachments()[0])


def test_a_file_of_a_draft_goes_through_either_door(testapp, root):
    director = bearer(testapp, 'director')
    path = testapp.post_json('/documents', {'@type': 'Order', 'title': 'О дежурстве'},
                             headers=director, status=201).json['@id']
    path = path.replace('http://localhost', '')
    login(testapp, 'director')
    for filename in ('a.pdf', 'b.pdf'):
        testapp.post(path + '/@@attach', {'csrf_token': csrf_token(testapp)},
                     upload_files=[('file', filename, b'%PDF-1.4\n% test\n')], status=303)
    name = path.rsplit('/', 1)[1]
    first, second = [a.__name__ for a in fresh(root)['documents'][name].attachments()]
    testapp.delete('%s/%s' % (path, first), headers=director, status=204)
    testapp.post('%s/%s/@@delete' % (path, second), {'csrf_token': csrf_token(testapp)},
                 status=303)
    assert fresh(root)['documents'][name].attachments() == []


def test_what_may_go_still_goes(testapp, root):
    headers = bearer(testapp, 'admin')
    testapp.post_json('/people/groups', {'@type': 'Group', 'id': 'choir', 'title': 'Хор'},
                      headers=headers, status=201)
    testapp.delete('/people/groups/choir', headers=headers, status=204)
    assert 'choir' not in fresh(root)['people']['groups']


# -- one action per change, whatever the door --------------------------------------------

# (Russian letters are allowed: subgroup journals are named after their group, "english-А";
# Greek ones, look-alikes of Latin, are not.)
@pytest.mark.parametrize('name', ['x' * 101, 'Χορ', 'two words', '-choir', '@@choir',
                                  '..', 'a/b'])
def test_an_id_the_portal_cannot_hold_is_refused(testapp, root, name):
    headers = bearer(testapp, 'admin')
    before = len(root['people']['groups'])
    response = testapp.post_json('/people/groups', {'@type': 'Group', 'id': name,
                                                    'title': 'Хор'},
                                 headers=headers, status=400)
    assert 'id' in response.json['error']['fields']
    assert len(fresh(root)['people']['groups']) == before


def test_a_taken_id_is_a_conflict_on_the_site_and_in_the_api(testapp, as_user):
    headers = bearer(testapp, 'admin')
    response = testapp.post_json('/people/groups', {'@type': 'Group', 'id': 'teachers',
                                                    'title': 'X'}, headers=headers, status=409)
    message = response.json['error']['fields']['id']
    as_user('admin')
    form = testapp.get('/people/groups/@@add').forms['deform']
    form['name'] = 'teachers'
    form['title'] = 'X'
    page = form.submit('save', status=409)
    assert message in page.text


def test_document_authors_add_orders_through_the_api_as_on_the_site(testapp, root):
    """The secretary adds orders on the site (the type's add permission); the API asked
    for a second, generic permission on top."""
    response = testapp.post_json('/documents', {'@type': 'Order', 'title': 'О субботнике'},
                                 headers=bearer(testapp, 'secretary'), status=201)
    name = response.json['id']
    assert fresh(root)['documents'][name].title == 'О субботнике'
    # and who may not add one on the site may not in the API either
    testapp.post_json('/documents', {'@type': 'Order', 'title': 'x'},
                      headers=bearer(testapp, 'teacher'), status=403)


def test_an_appendix_is_numbered_whichever_door_adds_it(testapp, root):
    director = bearer(testapp, 'director')
    order = testapp.post_json('/documents', {'@type': 'Order', 'title': 'О смете'},
                              headers=director, status=201).json['@id']
    order = order.replace('http://localhost', '')
    response = testapp.post_json(order, {'@type': 'Appendix', 'title': 'Смета'},
                                 headers=director, status=201)
    assert response.json['id'] == 'appendix-1'
    login(testapp, 'director')
    form = testapp.get(order + '/@@add-appendix').forms['deform']
    form['title'] = 'Расчёт'
    location = form.submit('save', status=303).location
    assert location.rstrip('/').endswith('/appendix-2')
    appendices = fresh(root)['documents'][order.rsplit('/', 1)[1]].appendices()
    assert [(a.__name__, a.number) for a in appendices] == [('appendix-1', 1), ('appendix-2', 2)]


def test_a_refused_edit_is_the_same_error_on_both_doors(testapp, root):
    """A signed order is not edited in place: 409 in the API; the form sends to the
    amendment."""
    response = testapp.patch_json(ORDER, {'title': 'x'}, headers=bearer(testapp, 'director'),
                                  status=409)
    assert response.json['error']['type'] == 'Conflict'
    assert 'amend' in response.json['error']['message']
    assert fresh(root)['documents']['order-2012-od-181'].title != 'x'


def test_the_settings_form_and_the_api_refuse_the_same_values(testapp, as_user, root):
    headers = bearer(testapp, 'admin')
    response = testapp.patch_json('/settings', {'upload_max_mb': 0}, headers=headers,
                                  status=400)
    assert 'upload_max_mb' in response.json['error']['fields']
    response = testapp.patch_json('/settings', {'school_name': 'Школа', 'nonsense': 1},
                                  headers=headers, status=400)
    assert 'nonsense' in response.json['error']['fields']
    as_user('admin')
    form = testapp.get('/settings').forms['deform']
    form['upload_max_mb'] = '0'
    form.submit('save', status=400)
    form = testapp.get('/settings').forms['deform']
    form['portal_url'] = 'https://school4.example/'
    form.submit('save', status=303)
    settings = fresh(root)['settings']
    assert settings.upload_max_mb == 20 and settings.school_name != 'Школа'
    assert settings.portal_url == 'https://school4.example/'


# -- a refusal on a page -------------------------------------------------------------------

def test_a_refusal_reaching_a_page_is_the_error_page_with_its_status(app):
    """An action's refusal that a page does not catch is shown on the error page, in the
    reader's language, with the refusal's status (a JSON call gets the JSON error)."""
    from pyramid.request import Request
    from pyramid.scripting import prepare
    from ejportal.core.errors import Conflict
    from ejportal.i18n import _

    def refusal_answer(headers):
        request = Request.blank('/documents', headers=headers,
                                environ={'HTTP_HOST': 'localhost', 'REMOTE_ADDR': '10.0.0.1'})
        request.cookies['ejportal_lang'] = 'ru'
        env = prepare(request=request, registry=app.registry)
        try:
            try:
                raise Conflict(_('This cannot be deleted; disable, cancel or archive it '
                                 'instead.'))
            except Conflict:
                return request.invoke_exception_view()
        finally:
            env['closer']()
            transaction.abort()

    page = refusal_answer({'Accept': 'text/html'})
    assert page.status_int == 409 and page.content_type == 'text/html'
    assert 'Это сейчас невозможно' in page.text and 'Это нельзя удалить' in page.text
    answer = refusal_answer({'Accept': 'application/json'})
    assert answer.status_int == 409
    assert answer.json['error']['type'] == 'Conflict'
    assert answer.json['error']['message'].startswith('Это нельзя удалить')

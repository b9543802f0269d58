"""Finding documents: the catalog kept in step by every save and transition, the search
screen of the documents section and ``GET /@search``, filtered by who may see what."""
import pytest
import transaction

from conftest import api_token, csrf_token, login

ORDER = '/documents/order-2012-od-181'
# a form POST spooled to a temporary file is closed by the garbage collector (as in
# test_documents): collect inside each test, where this filter applies
pytestmark = pytest.mark.filterwarnings('ignore::pytest.PytestUnraisableExceptionWarning')


@pytest.fixture(autouse=True)
def collect_spooled_bodies():
    yield
    import gc
    gc.collect()


DRAFT_TITLES = ('Положение об электронном журнале', 'Правила пользования локальной сетью')


def names(page):
    return [row['data-name'] for row in page.html.select('table.search-results tbody tr')]


def search_json(testapp, headers=None, status=200, **params):
    headers = dict(headers or {}, Accept='application/json')
    return testapp.get('/@search', params, headers=headers, status=status).json


def sync(root):
    transaction.begin()
    root._p_jar.sync()


def transition(testapp, path, name):
    testapp.post(path + '/@@workflow', {'transition': name, 'csrf_token': csrf_token(testapp),
                                        'confirmed': '1'}, status=303)


def test_demo_documents_are_cataloged(root):
    from ejportal.core.catalog import get_catalog
    catalog = get_catalog(root)
    paths = set(catalog.docid_by_path.keys())
    assert ORDER in paths and ORDER + '/appendix-1' in paths
    assert {'/documents/regulation-%d' % n for n in range(1, 7)} <= paths


def test_director_searches_text_type_state_register_and_dates(as_user):
    app = as_user('director')
    page = app.get('/documents/', {'q': 'журнала'})
    assert 'order-2012-od-181' in names(page)
    assert page.html.select_one('.search-total .total').text == str(len(names(page)))
    # a word of the clauses and of the plan (appendix) are found too
    assert names(app.get('/documents/', {'q': 'ПРИКАЗЫВАЮ архивирование'})) == []
    assert 'order-2012-od-181' in names(app.get('/documents/', {'q': 'архивирование'}))
    assert 'appendix-1' in names(app.get('/documents/', {'q': 'РИД'}))
    drafts = names(app.get('/documents/', {'state': 'draft'}))
    # the six local acts of step 2 and the three other orders of step 1
    assert len(drafts) == 9 and sum(n.startswith('regulation-') for n in drafts) == 6
    assert names(app.get('/documents/', {'type': 'Order', 'register': 'od',
                                         'state': 'signed'})) == ['order-2012-od-181']
    assert names(app.get('/documents/', {'type': 'Order', 'register': 'ls'})) == []
    dated = app.get('/documents/', {'type': 'Order', 'date_from': '2012-08-01',
                                    'date_to': '2012-08-31'})
    assert names(dated) == ['order-2012-od-181']
    assert names(app.get('/documents/', {'type': 'Order', 'date_to': '2012-08-14'})) == []
    found = names(app.get('/documents/@@search', {'q': 'сетью', 'type': 'Regulation'}))
    assert found == ['regulation-6']


def test_search_screen_batches_and_sorts(as_user):
    app = as_user('director')
    first = app.get('/documents/', {'type': 'Regulation', 'sort': 'title', 'b_size': '4'})
    assert len(names(first)) == 4
    assert first.html.select_one('.search-total .total').text == '6'
    second = app.get(first.html.select_one('a.page-link.next')['href'])
    assert len(names(second)) == 2 and not set(names(first)) & set(names(second))
    titles = [a.text for a in first.html.select('table.search-results tbody a')]
    assert titles == sorted(titles)


def test_search_screen_bad_input_is_a_field_error(as_user):
    app = as_user('director')
    page = app.get('/documents/', {'date_from': '15.08.2012', 'state': 'nonsense',
                                   'b_start': '-1'}, status=400)
    assert page.html.select_one('#f-from.is-invalid') is not None
    assert page.html.select_one('#f-state.is-invalid') is not None
    page = app.get('/documents/', {'date_from': '2012-09-01', 'date_to': '2012-08-01'},
                   status=400)
    assert page.html.select_one('#f-to.is-invalid') is not None


def test_teacher_never_finds_drafts(as_user):
    app = as_user('teacher')
    page = app.get('/documents/', {'q': 'Положение'})
    assert not any(n.startswith('regulation-') for n in names(page))
    assert 'order-2012-od-181' in names(app.get('/documents/'))
    for title in DRAFT_TITLES:
        assert title not in app.get('/documents/', {'state': 'draft'}).text
    data = search_json(app, SearchableText='Положение')
    assert data['items'] and {i['review_state'] for i in data['items']} == {'signed'}
    assert search_json(app, SearchableText='Разрабатывается')['items_total'] == 0
    data = search_json(app)
    assert {item['review_state'] for item in data['items']} == {'signed'}


def test_working_group_finds_drafts_on_review_only(testapp):
    login(testapp, 'director')
    transition(testapp, '/documents/regulation-2', 'submit')
    testapp.reset()
    login(testapp, 'class_teacher')  # in the working group
    found = names(testapp.get('/documents/', {'type': 'Regulation'}))
    assert found == ['regulation-2']


def test_anonymous_finds_only_public_documents(testapp):
    data = search_json(testapp, b_size='100')
    ids = [item['@id'] for item in data['items']]
    assert data['items_total'] == len(ids) == 2  # the public signed order and its plan
    assert ids[0].endswith(ORDER) or ids[1].endswith(ORDER)
    for item in data['items']:
        assert item['review_state'] == 'signed' and item['public_url'].startswith(
            'http://localhost' + ORDER + '/@@public')
    assert search_json(testapp, SearchableText='Разрабатывается')['items_total'] == 0
    assert search_json(testapp, review_state='draft')['items_total'] == 0
    order = [i for i in data['items'] if i['@type'] == 'Order'][0]
    assert order['number'] == 181 and order['date'] == '2012-08-15' and order['title']
    # the documents section's screen is for staff
    testapp.get('/documents/@@search', status=303)


def test_published_act_becomes_findable_and_non_public_order_does_not(testapp, as_user):
    login(testapp, 'director')
    path = '/documents/regulation-1'
    form = testapp.get(path + '/@@edit').forms['deform']
    form['approved_by'] = 'order-2012-od-181'
    form.submit('save', status=303)
    transition(testapp, path, 'submit')
    transition(testapp, path, 'approve')
    testapp.reset()
    approved = search_json(testapp, SearchableText='электронном', portal_type='Regulation')
    assert approved['items_total'] == 0  # approved, not yet published
    login(testapp, 'director')
    transition(testapp, path, 'publish')
    testapp.reset()
    data = search_json(testapp, SearchableText='электронном журнале',
                       portal_type='Regulation')
    assert [i['@id'] for i in data['items']] == ['http://localhost' + path]
    assert data['items'][0]['review_state'] == 'published'
    # a student, who may not open the documents section, finds the public ones too
    student = {'Authorization': 'Bearer ' + api_token(testapp, 'student')}
    assert search_json(testapp, student, portal_type='Regulation')['items_total'] == 1


def test_api_search_parameters_batching_and_errors(testapp):
    headers = {'Authorization': 'Bearer ' + api_token(testapp, 'director')}
    data = search_json(testapp, headers, portal_type='Regulation', b_size='4',
                       sort_on='sortable_title', sort_order='descending')
    assert data['items_total'] == 6 and len(data['items']) == 4
    titles = [item['title'] for item in data['items']]
    assert titles == sorted(titles, reverse=True)
    assert 'b_start=4' in data['batching']['next'] and 'prev' not in data['batching']
    rest = testapp.get(data['batching']['next'], headers=dict(headers, Accept='application/json'))
    assert len(rest.json['items']) == 2
    both = search_json(testapp, headers, portal_type=['Order', 'Regulation'],
                       review_state=['signed', 'draft'])
    assert both['items_total'] == 10 and 'batching' not in both  # 1 signed, 3+6 drafts
    assert search_json(testapp, headers, register='od', date_from='2012-01-01',
                       date_to='2012-12-31')['items_total'] == 1
    for params in ({'date_from': 'yesterday'}, {'sort_on': 'bogus'}, {'b_size': '0'},
                   {'b_start': 'x'}, {'portal_type': 'Journal'}, {'review_state': 'lost'},
                   {'date_from': '2013-01-01', 'date_to': '2012-01-01'}):
        error = search_json(testapp, headers, status=400, **params)['error']
        assert error['type'] == 'BadRequest' and set(error['fields']) <= set(params) | {
            'date_to'}, params
    # words the index leaves out, or only punctuation: nothing, not an error
    assert search_json(testapp, headers, SearchableText='the "(')['items_total'] == 0


def test_every_save_reindexes_and_is_audited_once(testapp, root):
    login(testapp, 'director')
    path = '/documents/regulation-3'
    form = testapp.get(path + '/@@edit').forms['deform']
    form['title'] = 'Положение о защите персональных данных работников гимназии'
    form['version_comment'] = 'уточнено'
    form.submit('save', status=303)
    assert names(testapp.get('/documents/', {'q': 'гимназии'})) == ['regulation-3']
    testapp.post(path + '/@@revert', {'version': '1', 'csrf_token': csrf_token(testapp)},
                 status=303)
    assert names(testapp.get('/documents/', {'q': 'гимназии'})) == []
    sync(root)
    edits = root.audit_log.search(path_prefix=path, action='edit')
    assert len(edits) == 2
    assert edits[-1]['details']['changes']['version'] == [1, 2]
    assert 'title' in edits[-1]['details']['changes']
    # signing saves a version (the number) inside the transition: one 'workflow' entry
    transition(testapp, ORDER, 'cancel')
    sync(root)
    assert root.audit_log.search(path_prefix=ORDER, action='edit') == []
    assert names(testapp.get('/documents/', {'state': 'cancelled'})) == ['order-2012-od-181']


def test_amendment_saves_are_audited_and_signed_text_is_what_is_found(testapp, root):
    login(testapp, 'director')
    testapp.post(ORDER + '/@@amend', {'csrf_token': csrf_token(testapp)}, status=303)
    form = testapp.get(ORDER + '/@@edit').forms['deform']
    form['title'] = 'О введении электронного журнала (редакция Ромашкова)'
    form.submit('save', status=303)
    assert names(testapp.get('/documents/', {'q': 'Ромашкова'})) == []  # not signed yet
    sync(root)
    edits = root.audit_log.search(path_prefix=ORDER, action='edit')
    assert len(edits) == 1 and 'working_copy.title' in edits[0]['details']['changes']
    transition(testapp, ORDER, 'sign_amendment')
    assert names(testapp.get('/documents/', {'q': 'Ромашкова'})) == ['order-2012-od-181']
    sync(root)
    assert len(root.audit_log.search(path_prefix=ORDER, action='edit')) == 1


def test_the_catalog_evolve_step_rebuilds_the_catalog(root):
    from ejportal.core.catalog import get_catalog
    from ejportal.core.registry import portal_registry
    catalog = get_catalog(root)
    before = len(catalog)
    catalog.clear()
    assert len(catalog) == 0
    step = portal_registry().evolve_steps['documents: catalog the documents'].function
    step(root)
    step(root)  # idempotent
    assert len(get_catalog(root)) == before > 0
    transaction.abort()

"""The documents' reference books under /settings: the registers of orders and the kinds
of local acts, edited by the administrator and used by the documents' forms and API."""
import pytest
import transaction

from conftest import api_token, login

REGISTERS = '/settings/order-registers'
KINDS = '/settings/regulation-kinds'
DEFAULT_REGISTERS = [('od', 'main activity', 'о.д.'), ('ls', 'staff', 'л.с.'),
                     ('kont', 'students', 'конт.')]

pytestmark = pytest.mark.filterwarnings('ignore::pytest.PytestUnraisableExceptionWarning')


def post_entries(testapp, path, entries, status=303, with_short=True):
    token = testapp.get(path).forms['deform']['csrf_token'].value
    fields = [('csrf_token', token), ('__start__', 'entries:sequence')]
    for entry in entries:
        fields += [('__start__', 'entry:mapping'), ('id', entry[0]), ('title', entry[1])]
        if with_short:
            fields.append(('short', entry[2]))
        fields.append(('__end__', 'entry:mapping'))
    fields += [('__end__', 'entries:sequence'), ('save', 'save')]
    return testapp.post(path, fields, status=status)


def sync(root):
    transaction.begin()
    root._p_jar.sync()


@pytest.mark.parametrize('login_name,status', [   # the settings are hidden from all but the admin
    ('admin', 200), ('director', 404), ('secretary', 404), ('teacher', 404)])
def test_only_the_administrator_edits_the_books(as_user, login_name, status):
    app = as_user(login_name)
    app.get(REGISTERS, status=status)
    app.get(KINDS, status=status)


def test_anonymous_is_sent_to_the_login(testapp):
    testapp.get(REGISTERS, status=303)


def test_seeded_defaults_show_and_stay_translatable(as_user, root):
    app = as_user('admin')
    form = app.get(REGISTERS).forms['deform']
    assert [form.get('title', index=i).value for i in range(3)] == [
        t for _i, t, _s in DEFAULT_REGISTERS]
    post_entries(app, REGISTERS, DEFAULT_REGISTERS + [('fin', 'finances', 'ф.д.')])
    sync(root)
    book = root['settings']['order-registers']
    assert book.ids() == ['od', 'ls', 'kont', 'fin']
    assert hasattr(book.entries[0]['title'], 'interpolate')  # unchanged: still a msgid
    assert book.entries[3]['title'] == 'finances'
    assert root.audit_log.search(path_prefix=REGISTERS, action='edit')


def test_a_new_register_is_offered_and_numbered_on_its_own(testapp, root):
    login(testapp, 'admin')
    post_entries(testapp, REGISTERS, DEFAULT_REGISTERS + [('fin', 'по финансам', 'ф.д.')])
    testapp.reset()
    login(testapp, 'director')
    form = testapp.get('/documents/@@add-order').forms['deform']
    assert 'fin' in [value for value, *_rest in form['register'].options]
    form['register'] = 'fin'
    form['title'] = 'О бюджете'
    response = form.submit('save', status=303)
    assert testapp.get('/documents/', {'register': 'fin'}).html.select(
        'table.search-results tbody tr')
    # a register that is not in the book is refused by the API too
    headers = {'Authorization': 'Bearer ' + api_token(testapp, 'director'),
               'Accept': 'application/json'}
    path = response.location.replace('http://localhost', '').rstrip('/')
    error = testapp.patch_json(path, {'register': 'nope'}, headers=headers, status=400).json
    assert 'register' in error['error']['fields']
    testapp.patch_json(path, {'register': 'ls'}, headers=headers, status=204)


def test_entries_in_use_stay_and_bad_entries_are_field_errors(as_user, root):
    app = as_user('admin')
    page = post_entries(app, REGISTERS, [('ls', 'staff', 'л.с.')], status=400)
    assert 'od' in page.text and 'error' in page.text  # order No. 181 is 'od'
    post_entries(app, REGISTERS, [('od', 'main', 'о.д.'), ('od', 'twice', 'x')], status=400)
    post_entries(app, REGISTERS, [('Bad Id!', 'x', '')], status=400)
    post_entries(app, REGISTERS, [], status=400)
    post_entries(app, REGISTERS, [('od', 'основная деятельность', 'о.д.')])  # kont, ls unused
    sync(root)
    assert root['settings']['order-registers'].ids() == ['od']
    kinds = [('polozhenie', 'Положение'), ('reglament', 'Регламент')]
    page = post_entries(app, KINDS, kinds, status=400, with_short=False)  # rules in use
    assert 'pravila' in page.text and 'instrukciya' in page.text
    post_entries(app, KINDS, kinds + [('instrukciya', 'Инструкция'), ('pravila', 'Правила')],
                 with_short=False)


def test_a_new_kind_is_offered_and_printed(testapp):
    login(testapp, 'admin')
    post_entries(testapp, KINDS, [('polozhenie', 'Положение'), ('instrukciya', 'Инструкция'),
                                  ('pravila', 'Правила'), ('reglament', 'Регламент')],
                 with_short=False)
    testapp.reset()
    login(testapp, 'director')
    form = testapp.get('/documents/regulation-1/@@edit').forms['deform']
    form['kind'] = 'reglament'
    form.submit('save', status=303)
    assert 'Регламент' in testapp.get('/documents/regulation-1/').text
    assert 'Регламент' in testapp.get('/documents/regulation-1/@@print').text


def test_a_database_without_the_books_reads_the_defaults_and_adds_them_on_save(app, root,
                                                                               testapp):
    del root['settings'].data['order-registers']
    root['settings']._num.change(-1)
    transaction.commit()
    login(testapp, 'director')
    form = testapp.get('/documents/@@add-order').forms['deform']
    assert [v for v, *_r in form['register'].options] == ['od', 'ls', 'kont']
    testapp.reset()
    login(testapp, 'admin')
    assert testapp.get(REGISTERS).forms['deform'].get('id', index=2).value == 'kont'
    post_entries(testapp, REGISTERS, DEFAULT_REGISTERS + [('fin', 'finances', 'ф.д.')])
    sync(root)
    assert root['settings']['order-registers'].ids()[-1] == 'fin'
    # the evolve step adds what is missing and leaves the rest as it is
    from ejportal.core.registry import portal_registry
    portal_registry().evolve_steps['documents: catalog the documents'].function(root)
    assert root['settings']['order-registers'].ids()[-1] == 'fin'
    assert 'regulation-kinds' in root['settings']
    transaction.abort()

"""The documents' reference books under /settings: the registers of orders and the kinds
of local acts, kept with the other areas' books (``site.books``: one screen, one JSON
door), edited by the administrator and used by the documents' forms and API."""
import pytest
import transaction

from conftest import api_token, csrf_token, login

REGISTERS = '/settings/order-registers'
KINDS = '/settings/regulation-kinds'

pytestmark = pytest.mark.filterwarnings('ignore::pytest.PytestUnraisableExceptionWarning')


def add_entry(testapp, path, entry_id, title, short=None, status=303):
    fields = {'csrf_token': csrf_token(testapp), 'do': 'add', 'id': entry_id, 'title': title}
    if short is not None:
        fields['short'] = short
    return testapp.post(path + '/@@entry', fields, status=status)


def remove_entry(testapp, path, entry_id):
    return testapp.post(path + '/@@entry', {'csrf_token': csrf_token(testapp), 'do': 'remove',
                                           'entry': entry_id}, status=303)


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
    page = app.get(REGISTERS)
    assert [i.get('value') for i in page.html.select('input[name=title]')][:3] == [
        'main activity', 'staff', 'students']
    add_entry(app, REGISTERS, 'fin', 'finances', 'ф.д.')
    sync(root)
    book = root['settings']['order-registers']
    assert book.ids() == ['od', 'ls', 'kont', 'fin']
    assert hasattr(book.entries[0]['title'], 'interpolate')  # unchanged: still a msgid
    assert book.entries[3]['title'] == 'finances' and book.entries[3]['short'] == 'ф.д.'
    assert root.audit_log.search(path_prefix=REGISTERS, action='book-entry-add')


def test_a_new_register_is_offered_and_numbered_on_its_own(testapp, root):
    login(testapp, 'admin')
    add_entry(testapp, REGISTERS, 'fin', 'по финансам', 'ф.д.')
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


def test_entries_in_use_are_retired_unused_ones_deleted(as_user, root):
    app = as_user('admin')
    remove_entry(app, REGISTERS, 'od')   # order No. 181 is 'od'
    remove_entry(app, REGISTERS, 'kont')
    sync(root)
    book = root['settings']['order-registers']
    assert book.ids() == ['od', 'ls'] and book.entry('od')['retired']
    add_entry(app, REGISTERS, 'Bad Id!', 'x')
    add_entry(app, REGISTERS, 'ls', 'twice')
    sync(root)
    assert root['settings']['order-registers'].ids() == ['od', 'ls']
    remove_entry(app, KINDS, 'pravila')  # the demo's rules are in use
    remove_entry(app, KINDS, 'poryadok')
    sync(root)
    kinds = root['settings']['regulation-kinds']
    assert kinds.entry('pravila')['retired'] and 'poryadok' not in kinds.ids()


def test_a_new_kind_is_offered_and_printed(testapp):
    login(testapp, 'admin')
    add_entry(testapp, KINDS, 'ustav', 'Устав')
    testapp.reset()
    login(testapp, 'director')
    form = testapp.get('/documents/regulation-1/@@edit').forms['deform']
    form['kind'] = 'ustav'
    form.submit('save', status=303)
    assert 'Устав' in testapp.get('/documents/regulation-1/').text
    assert 'Устав' in testapp.get('/documents/regulation-1/@@print').text


def test_a_database_without_the_books_reads_the_defaults_and_the_evolve_step_adds_them(
        app, root, testapp):
    del root['settings'].data['order-registers']
    root['settings']._num.change(-1)
    transaction.commit()
    login(testapp, 'director')
    form = testapp.get('/documents/@@add-order').forms['deform']
    assert [v for v, *_r in form['register'].options] == ['od', 'ls', 'kont']
    from ejportal.core.registry import portal_registry
    sync(root)
    portal_registry().evolve_steps['site: reference books under the settings'].function(root)
    assert root['settings']['order-registers'].ids() == ['od', 'ls', 'kont']
    transaction.abort()


def test_a_book_stored_by_the_documents_area_reads_as_the_sites(root):
    """Books of older databases were pickled as ``documents.references.ReferenceBook``
    with a title and entries without a retired flag."""
    from ejportal.documents.references import ReferenceBook as Old
    from ejportal.site.books import ReferenceBook
    assert Old is ReferenceBook
    book = ReferenceBook()
    book.__dict__['title'] = 'stored title'
    book.entries = ({'id': 'od', 'title': 'x', 'short': 'о.д.'},)
    assert book.active() == list(book.entries)

import datetime

import pytest
import transaction
import ZODB
from pyramid.authorization import Allow, Authenticated, DENY_ALL, Everyone
from ZODB.FileStorage import FileStorage

from ejportal import security
from ejportal.core import catalog as catalog_module
from ejportal.core.catalog import (
    DISCRIMINATORS, field_index, get_catalog, index_object, is_cataloged, rebuild_catalog,
    reindex_security, search, text_query, unindex_object)
from ejportal.core.content import Resource
from ejportal.core.events import ObjectModified, ObjectMoved, notify
from ejportal.core.folder import Folder
from ejportal.core.workflow import (
    State, Transition, Workflow, WorkflowAware, do_transition, initialize)

DIRECTOR = [Everyone, Authenticated, 'user:ivanova', 'role:director']
TEACHER = [Everyone, Authenticated, 'user:petrov', 'role:teacher']
STUDENT = [Everyone, Authenticated, 'user:sidorov', 'role:student']


class Root(Folder):
    catalog = None  # declares that this root keeps a catalog
    __acl__ = security.root_acl()


class Document(Resource):
    type_name = 'CatalogTestDocument'
    date = None
    number = None
    register = None
    body = ''

    def searchable_text(self):
        return self.body


class Secret(Document):
    """Seen by the director only."""
    type_name = 'CatalogTestSecret'
    __acl__ = [(Allow, 'role:director', security.VIEW), DENY_ALL]


class Untracked(Resource):
    type_name = 'CatalogTestUntracked'


WORKFLOW = Workflow(
    'catalog_test',
    states=[
        State('draft', 'Draft', {security.VIEW: ('role:director', 'owner')}),
        State('published', 'Published', {security.VIEW: ('role:director', 'role:teacher')}),
    ],
    transitions=[Transition('publish', 'Publish', ('draft',), 'published', security.EDIT)],
    initial='draft',
)


class WFDocument(WorkflowAware, Document):
    type_name = 'CatalogTestWF'


class WFFolder(WorkflowAware, Folder):
    type_name = 'CatalogTestWFFolder'


@pytest.fixture(autouse=True)
def catalog_config(config):
    """The catalog with its generic and security indexes, the document indexes, and the
    test types, as the portal's areas declare theirs."""
    config.include('ejportal.core.catalog')
    config.include('ejportal.security')
    for index in ('register', 'number', 'date'):
        config.add_catalog_index(index, field_index(DISCRIMINATORS[index]))
    config.add_workflow(WORKFLOW, WFDocument.type_name)
    config.add_workflow(WORKFLOW, WFFolder.type_name)
    for type_name in (Document.type_name, Secret.type_name, WFDocument.type_name):
        config.add_cataloged_type(type_name)
    return config


@pytest.fixture
def root():
    db = ZODB.DB(None)
    conn = db.open()
    conn.root()['portal'] = portal = Root()
    portal.add('documents', Folder())
    transaction.commit()
    yield portal
    transaction.abort()
    conn.close()
    db.close()


def doc(title='', cls=Document, **fields):
    return cls(title=title, **fields)


def titles(result):
    return [obj.title for obj in result[1]]


def test_a_cataloged_type_is_declared_on_the_registry(config):
    assert not is_cataloged(Untracked())
    config.add_cataloged_type(Untracked.type_name)
    assert is_cataloged(Untracked())


def test_get_catalog_is_made_once(root):
    catalog = get_catalog(root)
    assert get_catalog(root) is catalog
    assert set(catalog.indexes) == {
        'type_name', 'path', 'review_state', 'register', 'number', 'date', 'title', 'text',
        'allowed', 'allowed_public'}


def test_added_object_is_indexed_and_found(root):
    root['documents'].add('a', doc('Приказ о журнале'))
    total, found = search(root, DIRECTOR, type_name=Document.type_name)
    assert total == 1
    assert found == [root['documents']['a']]


def test_uncataloged_types_are_left_out_but_folders_are_walked(root):
    folder = Folder()
    folder.add('x', Untracked(title='Not here'))
    folder.add('y', doc('Inside a folder'))  # not yet in the portal: nothing indexed
    assert len(get_catalog(root)) == 0
    root['documents'].add('sub', folder)
    assert len(get_catalog(root)) == 1
    assert titles(search(root, DIRECTOR)) == ['Inside a folder']


def test_object_outside_a_portal_grows_no_catalog():
    folder = Folder()
    folder.add('a', doc('Alone'))
    index_object(folder)
    assert not hasattr(folder, 'catalog')


def test_modified_object_is_reindexed(root):
    obj = root['documents'].add('a', doc('Old title'))
    obj.title = 'New title'
    notify(ObjectModified(obj, changes={'title': ('Old title', 'New title')}))
    assert search(root, DIRECTOR, text='old')[0] == 0
    assert titles(search(root, DIRECTOR, text='new')) == ['New title']


def test_removed_folder_is_unindexed_with_all_below(root):
    folder = root['documents'].add('sub', Folder())
    folder.add('a', doc('One'))
    inner = folder.add('inner', Folder())
    inner.add('b', doc('Two'))
    root['documents'].add('subway', Folder()).add('c', doc('Three'))  # same prefix, stays
    assert search(root, DIRECTOR)[0] == 3
    root['documents'].remove('sub')
    assert titles(search(root, DIRECTOR)) == ['Three']
    assert len(get_catalog(root)) == 1


def test_moved_object_is_found_at_its_new_path(root):
    a = root.add('a', Folder())
    b = root.add('b', Folder())
    a.add('d', doc('Moving'))
    obj = a.remove('d', send_events=False)
    b.add('d', obj, send_events=False)
    notify(ObjectMoved(obj, old_parent=a, old_name='d'))
    assert search(root, DIRECTOR, path='/a')[0] == 0
    assert titles(search(root, DIRECTOR, path='/b')) == ['Moving']
    assert len(get_catalog(root)) == 1


def test_path_limits_to_a_subtree(root):
    root['documents'].add('a', doc('In documents'))
    root.add('journal', Folder()).add('b', doc('In journal'))
    assert titles(search(root, DIRECTOR, path='/documents/')) == ['In documents']
    assert search(root, DIRECTOR, path='/')[0] == 2


def test_principal_filter(root):
    root['documents'].add('open', doc('Open'))
    root['documents'].add('secret', doc('Secret', cls=Secret))
    assert sorted(titles(search(root, DIRECTOR))) == ['Open', 'Secret']
    assert titles(search(root, TEACHER)) == ['Open']
    assert titles(search(root, TEACHER, text='secret')) == []
    assert search(root, STUDENT) == (0, [])  # students have no ``view`` in the portal
    assert search(root, []) == (0, [])
    # the public view is indexed apart
    catalog = get_catalog(root)
    catalog.merge_pending()
    assert catalog.indexes['allowed_public'].applyEq(Everyone)


def test_local_roles_become_the_holders(root):
    folder = root['documents'].add('class5a', Folder())
    folder.add('a', doc('Shared', cls=WFDocument))
    initialize(folder['a'])
    notify(ObjectModified(folder['a']))
    stranger = [Everyone, Authenticated, 'user:stranger', 'local:editor']
    assert search(root, stranger)[0] == 0  # a bare local: principal matches nothing
    folder.set_local_roles('user:smirnova', ['reader'])
    reindex_security(folder)
    # draft: director and owner only, whatever the sharing says
    assert search(root, [Everyone, 'user:smirnova'])[0] == 0
    do_transition(folder['a'], 'publish')
    # published: teachers; a reader here is no teacher
    assert search(root, [Everyone, 'user:smirnova'])[0] == 0
    assert search(root, TEACHER)[0] == 1


def test_local_role_granting_view_through_the_root_acl(root):
    folder = root['documents'].add('class5a', Folder())
    folder.add('a', doc('Lesson plan'))
    assert search(root, [Everyone, 'group:5a-parents'])[0] == 0
    folder.set_local_roles('group:5a-parents', ['reader'])
    notify(ObjectModified(folder, changes={'local_roles': ((), ('reader',))}))
    assert titles(search(root, [Everyone, 'group:5a-parents'])) == ['Lesson plan']


def test_workflow_transition_reindexes_state_and_access(root):
    obj = doc('Приказ', cls=WFDocument)
    initialize(obj)
    root['documents'].add('order', obj)
    assert titles(search(root, DIRECTOR, review_state='draft')) == ['Приказ']
    assert search(root, TEACHER)[0] == 0
    do_transition(obj, 'publish')
    assert search(root, DIRECTOR, review_state='draft')[0] == 0
    assert titles(search(root, TEACHER, review_state=['published', 'x'])) == ['Приказ']


def test_workflow_transition_of_a_folder_reaches_what_it_holds(root):
    folder = WFFolder(title='Plans')
    initialize(folder)
    root['documents'].add('plans', folder)
    folder.add('p', doc('Plan'))
    assert search(root, TEACHER)[0] == 0
    do_transition(folder, 'publish')
    assert titles(search(root, TEACHER)) == ['Plan']


def test_full_text_in_russian(root):
    docs = root['documents']
    docs.add('a', doc('Электронный Журнал', description='Ведение журнала 5А класса'))
    docs.add('b', doc('Приказ № 12', body='<p>О проверке <b>ЖУРНАЛОВ</b> успеваемости</p>'))
    docs.add('c', doc('Положение', body='Ёлка &laquo;во дворе&raquo;'))
    docs.add('d', doc('Расписание звонков'))
    assert sorted(titles(search(root, DIRECTOR, text='журнал'))) == [
        'Приказ № 12', 'Электронный Журнал']
    assert titles(search(root, DIRECTOR, text='ЖУРНАЛ ЭЛЕКТРОННЫЙ')) == ['Электронный Журнал']
    assert titles(search(root, DIRECTOR, text='проверке журналов')) == ['Приказ № 12']
    assert titles(search(root, DIRECTOR, text='елка')) == ['Положение']  # ё read as е
    assert titles(search(root, DIRECTOR, text='дворе')) == ['Положение']  # entities decoded
    assert search(root, DIRECTOR, text='strong')[0] == 0  # tags are not text
    assert search(root, DIRECTOR, text='p')[0] == 0
    assert search(root, DIRECTOR, text='журнал звонков')[0] == 0  # all words required


def test_relevance_sort(root):
    docs = root['documents']
    docs.add('a', doc('Отчёт', body='журнал'))
    docs.add('b', doc('Журнал журнал', body='журнал журнал журнал'))
    total, found = search(root, DIRECTOR, text='журнал', sort='relevance')
    assert total == 2 and found[0].title == 'Журнал журнал'
    # without text, relevance falls back to the date
    assert search(root, DIRECTOR, sort='relevance')[0] == 2


@pytest.mark.parametrize('bad', ['"', 'AND', 'OR NOT', '(', ')(', '*', '-', '"журнал', 'a*?',
                                 'журнал AND', '  ', 'the', '\\'])
def test_bad_text_queries_do_not_raise(root, bad):
    root['documents'].add('a', doc('Журнал and the OR'))
    total, found = search(root, DIRECTOR, text=bad)
    assert total == len(found)


def test_bad_text_queries_read_as_plain_words(root):
    root['documents'].add('a', doc('Журнал and orders'))
    assert search(root, DIRECTOR, text='"журнал')[0] == 1
    assert search(root, DIRECTOR, text='журнал AND')[0] == 1
    assert search(root, DIRECTOR, text='"')[0] == 0
    assert text_query('(журнал) OR "a" 5А') == 'журнал* "5а"'
    assert text_query('the AND') is None


def test_date_ranges(root):
    docs = root['documents']
    for day in (1, 10, 20):
        docs.add('d%d' % day, doc('Day %d' % day, date=datetime.date(2026, 9, day)))
    docs.add('dt', doc('A datetime', date=datetime.datetime(2026, 9, 15, 12, 0)))
    docs.add('none', doc('Undated'))
    found = search(root, DIRECTOR, date_from=datetime.date(2026, 9, 10),
                   date_to=datetime.date(2026, 9, 20), sort='date', reverse=False)
    assert titles(found) == ['Day 10', 'A datetime', 'Day 20']
    assert titles(search(root, DIRECTOR, date_from=datetime.date(2026, 9, 16))) == ['Day 20']
    assert titles(search(root, DIRECTOR, date_to=datetime.datetime(2026, 9, 1, 23))) == ['Day 1']


def test_sort_and_batches(root):
    docs = root['documents']
    for i in range(1, 31):
        docs.add('n%d' % i, doc('Документ %02d' % (31 - i), number=i, register='orders',
                                date=datetime.date(2026, 1, 1) + datetime.timedelta(days=i)))
    docs.add('undated', doc('Без даты', register='orders'))
    total, first = search(root, DIRECTOR, register='orders', size=10)
    assert total == 31
    assert [o.number for o in first] == list(range(30, 20, -1))  # newest first
    total, last = search(root, DIRECTOR, register='orders', start=30, size=10)
    assert [o.title for o in last] == ['Без даты']  # undated come last
    _, by_number = search(root, DIRECTOR, sort='number', reverse=False, start=8, size=3)
    assert [o.number for o in by_number] == [9, 10, 11]  # 9 before 10
    _, by_title = search(root, DIRECTOR, sort='title', reverse=False, size=2)
    assert [o.title for o in by_title] == ['Без даты', 'Документ 01']
    assert search(root, DIRECTOR, number=12)[1][0].number == 12
    assert search(root, DIRECTOR, size=0) == (31, [])
    with pytest.raises(ValueError):
        search(root, DIRECTOR, sort='colour')


def test_only_the_batch_is_resolved(root, monkeypatch):
    """Of merged documents; pending ones are loaded once per change, to index them in
    memory (at most ``MERGE_BOUND`` of them)."""
    for i in range(40):
        root['documents'].add('n%d' % i, doc('N%d' % i))
    get_catalog(root).merge_pending()
    resolved = []
    real = catalog_module.find_resource
    monkeypatch.setattr(catalog_module, 'find_resource',
                        lambda r, p: resolved.append(p) or real(r, p))
    total, found = search(root, DIRECTOR, size=5, start=5)
    assert total == 40 and len(found) == 5 and len(resolved) == 5


def test_stale_entry_is_skipped(root):
    root['documents'].add('a', doc('Gone'))
    get_catalog(root).merge_pending()
    root['documents'].remove('a', send_events=False)
    assert search(root, DIRECTOR) == (1, [])
    # pending, it is not found: the in-memory index cannot read it
    root['documents'].add('b', doc('Gone too'))
    root['documents'].remove('b', send_events=False)
    assert search(root, DIRECTOR) == (1, [])


def test_unindex_and_rebuild(root):
    root['documents'].add('a', doc('One'))
    root['documents'].add('b', doc('Two'))
    unindex_object(root['documents'])
    assert len(get_catalog(root)) == 0
    catalog = rebuild_catalog(root)
    assert len(catalog) == 2
    del catalog.indexes['title']
    assert catalog.sync_indexes() == ['title']


def test_an_old_catalog_is_renewed_with_small_buckets(root):
    """Issue 10: the text index and the sets of docids are made of small trees; the evolve
    step makes a catalog from before them anew, and it finds what the old one found."""
    from hypatia.text import TextIndex
    from ejportal.site.evolve import catalog_in_small_buckets
    root['documents'].add('a', doc('Приказ о дежурстве', body='график дежурства по школе'))
    catalog = get_catalog(root)
    catalog.merge_pending()
    text = catalog.indexes['text'].index
    assert catalog_module.uses_small_buckets(catalog)
    assert isinstance(text._wordinfo, catalog_module.WordInfoTree)
    assert isinstance(text.lexicon._wids, catalog_module.WordIdTree)
    catalog.indexes['text'] = TextIndex(catalog_module._text)  # as hypatia made it
    rebuild_catalog(root)
    assert not catalog_module.uses_small_buckets(catalog)
    catalog_in_small_buckets(root)
    assert catalog_module.uses_small_buckets(get_catalog(root))
    assert get_catalog(root) is not catalog
    assert titles(search(root, TEACHER, text='график')) == ['Приказ о дежурстве']
    catalog_in_small_buckets(root)  # a second run changes nothing
    assert len(get_catalog(root)) == 1


def test_the_postings_of_a_word_in_many_documents_are_small_trees(root):
    for n in range(40):
        root['documents'].add('d%d' % n, doc('Order %d' % n, body='common words here'))
    get_catalog(root).merge_pending()
    index = get_catalog(root).indexes['text'].index
    wid = index.lexicon._wids['common']
    assert isinstance(index._wordinfo[wid], catalog_module.PostingTree)
    assert len(search(root, TEACHER, text='common', size=100)[1]) == 40
    allowed = get_catalog(root).indexes['allowed']._fwd_index['role:teacher']
    assert isinstance(allowed, catalog_module.DocidSet)


def test_catalog_survives_a_reopened_filestorage(tmp_path):
    path = str(tmp_path / 'Data.fs')
    db = ZODB.DB(FileStorage(path))
    conn = db.open()
    conn.root()['portal'] = portal = Root()
    portal.add('a', doc('Журнал посещаемости', date=datetime.date(2026, 5, 1)))
    transaction.commit()
    conn.close()
    db.close()

    db = ZODB.DB(FileStorage(path))
    conn = db.open()
    portal = conn.root()['portal']
    assert titles(search(portal, DIRECTOR, text='журнал')) == ['Журнал посещаемости']
    portal.add('b', doc('Второй журнал'))  # indexes still work: discriminators unpickled
    transaction.commit()
    assert search(portal, DIRECTOR, text='журнал')[0] == 2
    conn.close()
    db.close()


def test_a_query_is_a_function_of_the_indexes(root):
    """It runs on the stored indexes and on the pending documents' (issue 10)."""
    from hypatia.query import Eq
    root['documents'].add('a', doc('Queued'))
    catalog = get_catalog(root)
    assert catalog.query(lambda idx: Eq(idx['title'], 'queued'))[0] == 1
    with pytest.raises(TypeError):
        catalog.query(Eq(catalog.indexes['title'], 'queued'))

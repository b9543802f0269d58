"""Queued indexing (issue 10): a document's catalog entries cost one small record of the
catalog's pending tree; a search finds it at once, before and after the merge into the
indexes, with the same totals and order; the merge runs by the ``catalog-merge`` job through
every door (the console, *Settings → Jobs* "run now", the API's ``@run``) and by the job
runner on each wake."""
import datetime

import pytest
import transaction
from ZODB.POSException import ConflictError

from conftest import api_token, close_app, subscribed
from test_evolve import write_ini

from ejportal.core import catalog as catalog_module
from ejportal.core.catalog import get_catalog, search
from ejportal.core.content import create
from ejportal.core.events import ObjectAdded, ObjectMoved, notify
from ejportal.core.folder import Folder
from ejportal.core.jobs import JobRunner, jobs_folder
from ejportal.scripts.admin import main as admin_main
from ejportal.site.resources import ZODB_ROOT_KEY

DIRECTOR = ['director', 'role:director', 'system.Authenticated', 'system.Everyone']


def sync(root):
    transaction.abort()
    root._p_jar.sync()


def api(testapp):
    return {'Accept': 'application/json',
            'Authorization': 'Bearer ' + api_token(testapp, 'director')}


def post_order(testapp, headers, title, date=None, text='Дежурство по школе'):
    body = {'@type': 'Order', 'title': title, 'preamble': text,
            'clauses': [{'text': 'Дежурить по графику'}]}
    if date is not None:
        body['date'] = date
    return testapp.post_json('/documents', body, headers=headers, status=201).json['id']


def found(testapp, headers, **params):
    data = testapp.get('/@search', dict({'portal_type': 'Order', 'b_size': '100'}, **params),
                       headers=headers).json
    return data['items_total'], [item['id'] for item in data['items']]


def merge(root):
    sync(root)
    merged = get_catalog(root).merge_pending(root)
    transaction.commit()
    return merged


def pending(root):
    sync(root)
    return set(get_catalog(root).waiting())


def test_a_new_document_is_found_at_once_and_after_the_merge_in_the_same_order(
        testapp, root):
    headers = api(testapp)
    merge(root)
    before = found(testapp, headers, SearchableText='жонглирование')
    assert before == (0, [])
    name = post_order(testapp, headers, 'О жонглировании', '2026-11-02',
                      'Жонглирование на переменах запрещено')
    sync(root)
    docid = get_catalog(root).docid_by_path['/documents/' + name]
    assert pending(root) == {docid}
    queries = [dict(SearchableText='жонглирован'), dict(sort_on='date'),
               dict(sort_on='title', sort_order='ascending'),
               dict(SearchableText='жонглирование', sort_on='relevance')]
    while_pending = [found(testapp, headers, **q) for q in queries]
    assert while_pending[0] == (1, [name])
    assert name in while_pending[1][1]
    assert merge(root) >= 1 and pending(root) == set()
    assert [found(testapp, headers, **q) for q in queries] == while_pending
    # in the indexes themselves now
    catalog = get_catalog(root)
    assert docid in catalog.indexes['type_name']._rev_index


def test_a_sort_across_pending_and_merged_documents_is_one_order(root):
    sync(root)
    days = [datetime.date(2026, 10, day) for day in (5, 1, 9, 3, 7, 2)]
    titles = ['Об уборке %s' % letter for letter in 'дабвге']
    names = {}

    def add(n):
        names[days[n]] = name = 'cleaning-%d' % n
        root['documents'].add(name, create('Order', title=titles[n], date=days[n],
                                           preamble='Уборка класса'))
    for n in range(3):
        add(n)
    transaction.commit()
    merge(root)
    for n in range(3, 6):
        add(n)
    root['documents'].add('cleaning-undated', create('Order', title='Об уборке ж',
                                                     preamble='Уборка класса'))
    transaction.commit()
    assert len(pending(root)) == 4

    def order(**criteria):
        total, objects = search(root, DIRECTOR, text='уборка', **criteria)
        return total, [o.__name__ for o in objects]
    newest_first = [names[day] for day in sorted(days, reverse=True)] + ['cleaning-undated']
    queries = [{}, dict(reverse=False), dict(start=2, size=3), dict(sort='title'),
               dict(sort='title', reverse=False), dict(sort='relevance')]
    while_pending = [order(**q) for q in queries]
    assert while_pending[0] == (7, newest_first)
    # undated last either way
    assert while_pending[1] == (7, newest_first[-2::-1] + ['cleaning-undated'])
    assert while_pending[2] == (7, newest_first[2:5])
    by_title = ['cleaning-%d' % n for n in (1, 2, 3, 4, 0, 5)] + ['cleaning-undated']
    assert while_pending[4] == (7, by_title)
    assert sorted(while_pending[5][1]) == sorted(newest_first)
    merge(root)
    assert [order(**q) for q in queries[:5]] == while_pending[:5]


@pytest.mark.parametrize('merged_first', [False, True])
def test_an_edited_document_is_found_by_its_new_words(testapp, root, merged_first):
    headers = api(testapp)
    name = post_order(testapp, headers, 'О субботнике', None, 'Субботник во дворе')
    if merged_first:
        merge(root)
    testapp.patch_json('/documents/' + name, {'title': 'О воскреснике'}, headers=headers,
                       status=(200, 204))
    assert found(testapp, headers, SearchableText='воскреснике') == (1, [name])
    assert found(testapp, headers, SearchableText='субботнике') == (0, [])
    merge(root)
    assert found(testapp, headers, SearchableText='воскреснике') == (1, [name])
    assert found(testapp, headers, SearchableText='субботнике') == (0, [])


def test_a_document_deleted_while_pending_is_gone_from_search_and_queue(testapp, root):
    headers = api(testapp)
    name = post_order(testapp, headers, 'О фейерверке', None, 'Фейерверк отменён')
    assert found(testapp, headers, SearchableText='фейерверк') == (1, [name])
    sync(root)
    docid = get_catalog(root).docid_by_path['/documents/' + name]
    root['documents'].remove(name)
    transaction.commit()
    assert docid not in pending(root)
    assert found(testapp, headers, SearchableText='фейерверк') == (0, [])
    merge(root)
    assert found(testapp, headers, SearchableText='фейерверк') == (0, [])


def test_a_moved_document_is_found_at_its_new_path(root):
    sync(root)
    folder = root.add('archive-test', Folder())
    order = create('Order', title='О переезде', preamble='Переезд библиотеки')
    root['documents'].add('moving', order)
    transaction.commit()
    for merged_first in (False, True):
        if merged_first:
            merge(root)
        source, target = (root['documents'], folder) if not merged_first else \
            (folder, root['documents'])
        moved = source.remove('moving', send_events=False)
        target.add('moving', moved, send_events=False)
        notify(ObjectMoved(moved, old_parent=source, old_name='moving'))
        transaction.commit()
        total, objects = search(root, DIRECTOR, text='переезд')
        assert total == 1 and objects == [target['moving']]
        merge(root)
        assert search(root, DIRECTOR, text='переезд') == (1, [target['moving']])


def test_the_pending_tree_merges_documents_queued_at_once(app, root):
    """Two connections queue a docid each, both having read the pending tree before either
    committed: different keys of one small bucket, which ZODB merges (no ConflictError)."""
    merge(root)
    catalog = get_catalog(root)
    for n in range(3):
        catalog._queue(1000 + n)
    transaction.commit()
    db = app.registry._zodb_databases['']
    for attempt in range(5):
        sides = []
        for n in range(2):
            tm = transaction.TransactionManager()
            conn = db.open(tm)
            get_catalog(conn.root()[ZODB_ROOT_KEY])._queue(2000 + 10 * attempt + n)
            sides.append((tm, conn))
        try:
            for tm, _conn in sides:
                tm.commit()
        finally:
            for tm, conn in sides:
                tm.abort()
                conn.close()
    assert len(pending(root)) == 3 + 2 * 5


def test_a_merge_and_a_document_queued_meanwhile_both_commit(app, root):
    """The merge takes its documents out of the pending tree while a request queues
    another: both commit, in either order, and the new one stays pending."""
    db = app.registry._zodb_databases['']
    for merge_first in (True, False):
        merge(root)
        catalog = get_catalog(root)
        for n in range(3):
            catalog._queue(3000 + n)
        transaction.commit()
        sides = []
        for n in range(2):
            tm = transaction.TransactionManager()
            conn = db.open(tm)
            sides.append((tm, conn, get_catalog(conn.root()[ZODB_ROOT_KEY])))
        for docid in list(sides[0][2].waiting()):
            del sides[0][2].pending[docid]  # as merge_pending does, without the indexes
        sides[1][2]._queue(4000)
        try:
            for tm, _conn, _catalog in (sides if merge_first else sides[::-1]):
                tm.commit()
        finally:
            for tm, conn, _catalog in sides:
                tm.abort()
                conn.close()
        assert pending(root) == {4000}
        get_catalog(root).pending.pop(4000)
        transaction.commit()


def test_two_documents_created_at_once_both_land(app, testapp, root):
    """While one request creates an order, another connection creates one and commits
    first: both land and are found (a structural conflict elsewhere, e.g. the audit log's
    tail, is retried, never shown)."""
    headers = api(testapp)
    db = app.registry._zodb_databases['']
    done = []

    def create_concurrently(event):
        if getattr(event.object, 'type_name', None) != 'Order' or done:
            return
        done.append(1)
        tm = transaction.TransactionManager()
        conn = db.open(tm)
        try:
            conn.root()[ZODB_ROOT_KEY]['documents'].add('concurrent', create(
                'Order', title='Одновременно', preamble='Одновременный приказ'))
            tm.commit()
        finally:
            conn.close()
    with subscribed(app.registry, create_concurrently, ObjectAdded):
        name = post_order(testapp, headers, 'Одновременно тоже', None, 'Одновременный приказ')
    total, names = found(testapp, headers, SearchableText='одновременный')
    assert total == 2 and set(names) == {'concurrent', name}
    merge(root)
    assert found(testapp, headers, SearchableText='одновременный')[0] == 2


def test_pending_past_the_bound_merges_inline(root, monkeypatch):
    monkeypatch.setattr(catalog_module, 'MERGE_BOUND', 3)
    merge(root)
    for n in range(4):
        root['documents'].add('bound-%d' % n, create('Order', title='Граница %d' % n))
    assert len(get_catalog(root).waiting()) <= 3
    assert search(root, DIRECTOR, text='граница')[0] == 4


def test_a_rebuild_indexes_straight_into_the_indexes(root):
    from ejportal.core.catalog import rebuild_catalog
    sync(root)
    root['documents'].add('rebuilt', create('Order', title='О перестройке'))
    catalog = rebuild_catalog(root)
    assert not catalog.waiting()
    assert search(root, DIRECTOR, text='перестройке')[0] == 1


# -- the merge through every door ------------------------------------------------------
def portal_of(conn):
    return conn.root().get(ZODB_ROOT_KEY)


def test_the_runner_leaves_a_fresh_queue_and_merges_one_that_waited_a_day(app, testapp,
                                                                           root):
    """Merging many documents at once writes the words they share once: a wake does not
    merge a document just queued (the nightly job will), only a queue whose oldest
    document waited ``ejportal.catalog_merge_hours``."""
    post_order(testapp, api(testapp), 'О пробуждении')
    sync(root)
    queued = pending(root)
    assert queued
    JobRunner(app.registry, portal_of).tick()
    sync(root)
    assert pending(root) == queued
    catalog = get_catalog(root)
    for docid in queued:
        catalog.pending[docid] -= 25 * 3600 * 1000 * 1000  # queued 25 hours ago
    transaction.commit()
    assert catalog.waited() > 24 * 3600
    JobRunner(app.registry, portal_of).tick()
    sync(root)
    assert pending(root) == set()
    assert jobs_folder(root)['catalog-merge'].runs == []  # a step, not a run of the job
    assert search(root, DIRECTOR, text='пробуждении')[0] == 1


def test_the_runner_merges_a_full_batch_at_once(app, testapp, root, monkeypatch):
    monkeypatch.setattr(catalog_module, 'WAKE_BATCH', 3)
    headers = api(testapp)
    for n in range(3):
        post_order(testapp, headers, 'О пакете %d' % n)
    sync(root)
    assert len(pending(root)) >= 3
    JobRunner(app.registry, portal_of).tick()
    sync(root)
    assert pending(root) == set()


@pytest.mark.parametrize('door', ['form', 'api'])
def test_run_now_merges_through_the_job(app, testapp, as_user, root, door):
    headers = api(testapp)
    post_order(testapp, headers, 'О кнопке')
    assert 'catalog-merge' in jobs_folder(root)
    as_user('admin')
    if door == 'form':
        page = testapp.get('/settings/jobs')
        assert 'Merge new and changed documents into the search indexes' in page.text
        [run_now] = [f for f in page.forms.values()
                     if f.action.endswith('/catalog-merge/run-now')]
        run_now.submit().follow()
    else:
        token = api_token(testapp, 'admin')
        testapp.post_json('/settings/jobs/catalog-merge/@run', {}, status=202, headers={
            'Accept': 'application/json', 'Authorization': 'Bearer ' + token})
    sync(root)
    assert jobs_folder(root)['catalog-merge'].requested
    JobRunner(app.registry, portal_of).tick()  # a fresh queue: only the job merges it
    sync(root)
    [run] = jobs_folder(root)['catalog-merge'].runs
    assert run['outcome'] == 'ok' and run['by'] == 'admin'
    assert 'documents merged into the catalog: ' in run['log']
    assert 'documents merged into the catalog: 0' not in run['log']
    assert pending(root) == set()


def test_the_console_runs_the_merge(app, root, db_dir, capsys):
    root['documents'].add('console-order', create('Order', title='О консоли'))
    transaction.commit()
    waiting = len(get_catalog(root).waiting())
    assert waiting >= 1
    transaction.abort()
    root._p_jar.close()
    close_app(app)
    ini = write_ini(db_dir)
    assert admin_main([ini, 'run-job', 'catalog-merge']) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == 'documents merged into the catalog: %d' % waiting
    from ejportal import main
    from conftest import app_settings
    application = main({}, **app_settings(db_dir))
    try:
        with application.registry._zodb_databases[''].transaction() as conn:
            assert not get_catalog(conn.root()[ZODB_ROOT_KEY]).waiting()
    finally:
        close_app(application)


def test_an_old_catalog_gets_its_pending_tree_on_first_use(root):
    sync(root)
    catalog = get_catalog(root)
    catalog.merge_pending(root)
    del catalog.pending  # as a catalog made before the queue: the class default
    assert catalog.pending is None
    root['documents'].add('old-catalog', create('Order', title='О старом каталоге'))
    assert list(catalog.waiting()) == [catalog.docid_by_path['/documents/old-catalog']]
    assert search(root, DIRECTOR, text='старом')[0] == 1


def test_a_failing_merge_leaves_the_queue_and_the_runner_goes_on(app, testapp, root,
                                                                  monkeypatch, caplog):
    from ejportal.core.catalog import Catalog

    def broken(self, root=None):
        raise RuntimeError('broken index')
    post_order(testapp, api(testapp), 'О поломке')
    monkeypatch.setattr(Catalog, 'merge_pending', broken)
    monkeypatch.setattr(catalog_module, 'WAKE_BATCH', 1)  # the wake merges what it finds
    JobRunner(app.registry, portal_of).tick()
    assert 'catalog merge failed' in caplog.text
    assert pending(root)
    assert found(testapp, api(testapp), SearchableText='поломке')[0] == 1


# -- review (issue 10): the pending side's per-connection catalog --------------------------

def test_a_change_searched_then_rolled_back_is_not_found_afterwards(root):
    """A request changes a pending document and searches before its reindex (a check of
    the form, say), then is rolled back: the connection's catalog of the pending documents
    had indexed the uncommitted change under the unchanged stamp and kept finding it."""
    sync(root)
    root['documents'].add('picnic', create('Order', title='О пикнике',
                                           preamble='Пикник в парке'))
    transaction.commit()
    sync(root)
    root['documents']['picnic'].title = 'О маскараде'  # no event yet
    assert search(root, DIRECTOR, text='маскарад')[0] == 1
    transaction.abort()
    assert search(root, DIRECTOR, text='маскарад')[0] == 0
    assert search(root, DIRECTOR, text='пикник')[0] == 1


def test_a_change_of_access_searched_then_rolled_back_is_not_found_afterwards(root):
    """The same with a local role given on the folder above a pending document."""
    sync(root)
    root['documents'].add('drill', create('Order', title='Об учениях',
                                          preamble='Учения по эвакуации'))
    transaction.commit()
    sync(root)
    stranger = ['stranger', 'system.Authenticated', 'system.Everyone']
    root['documents'].set_local_roles('stranger', ('reader',))  # no event yet
    assert search(root, stranger, text='учения')[0] == 1
    transaction.abort()
    assert search(root, stranger, text='учения')[0] == 0


def test_a_change_after_the_reindex_in_one_transaction_is_found_as_committed(root):
    """Reindexed, searched, then changed once more before the commit: the stamp stays, the
    committed object is what the search reads."""
    sync(root)
    root['documents'].add('fair', create('Order', title='О ярмарке', preamble='Ярмарка'))
    transaction.commit()
    sync(root)
    order = root['documents']['fair']
    order.title = 'О выставке'
    get_catalog(root).reindex(order)
    assert search(root, DIRECTOR, text='выставке')[0] == 1
    order.title = 'О концерте'
    transaction.commit()
    sync(root)
    assert search(root, DIRECTOR, text='концерте')[0] == 1
    assert search(root, DIRECTOR, text='выставке')[0] == 0


def test_a_change_searched_in_a_savepoint_rolled_back_is_not_found_afterwards(root):
    """As an import's preview does: changes in a savepoint, a search, the savepoint rolled
    back (a savepoint leaves the changed objects looking unchanged)."""
    sync(root)
    root['documents'].add('regatta', create('Order', title='О регате', preamble='Регата'))
    transaction.commit()
    sync(root)
    savepoint = transaction.savepoint()
    root['documents']['regatta'].title = 'О карнавале'
    transaction.savepoint()
    assert search(root, DIRECTOR, text='карнавале')[0] == 1
    savepoint.rollback()
    transaction.commit()
    assert search(root, DIRECTOR, text='карнавале')[0] == 0
    assert search(root, DIRECTOR, text='регате')[0] == 1


def test_a_reindex_in_another_connection_with_the_same_clock_reading_is_seen(
        app, root, monkeypatch):
    """Two reindexes of a pending document within one millisecond (or with the clock set
    back) drew the same stamp one time in a thousand: a connection that had read the first
    kept the document's old values. A document's stamp now always moves on."""
    monkeypatch.setattr(catalog_module, '_stamp', lambda: 1_700_000_000_000_000)
    sync(root)
    root['documents'].add('relay', create('Order', title='Об эстафете', preamble='Эстафета'))
    transaction.commit()
    sync(root)
    assert search(root, DIRECTOR, text='эстафете')[0] == 1
    tm = transaction.TransactionManager()
    conn = app.registry._zodb_databases[''].open(tm)
    try:
        order = conn.root()[ZODB_ROOT_KEY]['documents']['relay']
        order.title = 'О марафоне'
        get_catalog(conn.root()[ZODB_ROOT_KEY]).reindex(order)
        tm.commit()
    finally:
        tm.abort()
        conn.close()
    sync(root)
    assert search(root, DIRECTOR, text='марафоне')[0] == 1
    assert search(root, DIRECTOR, text='эстафете')[0] == 0


def in_other_connection(app, change):
    """``change(portal)`` in a connection of its own, committed."""
    tm = transaction.TransactionManager()
    conn = app.registry._zodb_databases[''].open(tm)
    try:
        change(conn.root()[ZODB_ROOT_KEY])
        tm.commit()
    finally:
        tm.abort()
        conn.close()


def test_changes_in_another_connection_reach_this_ones_pending_side_at_once(app, root):
    """A local role given above pending and merged documents, and a pending document
    removed, each in another connection: this connection's next search follows."""
    from ejportal.security import set_local_roles
    sync(root)
    folder = root.add('circle', Folder())
    folder.add('merged', create('Order', title='О кружке', preamble='Кружок шахмат'))
    transaction.commit()
    merge(root)
    folder.add('queued', create('Order', title='О секции', preamble='Секция шахмат'))
    transaction.commit()
    sync(root)
    stranger = ['stranger', 'system.Authenticated', 'system.Everyone']
    assert search(root, stranger, text='шахмат')[0] == 0
    assert search(root, DIRECTOR, text='шахмат')[0] == 2  # the pending side is read now
    in_other_connection(app, lambda portal: set_local_roles(
        portal['circle'], 'stranger', ('reader',)))
    sync(root)
    assert sorted(o.__name__ for o in search(root, stranger, text='шахмат')[1]) == [
        'merged', 'queued']
    in_other_connection(app, lambda portal: portal['circle'].remove('queued'))
    sync(root)
    assert [o.__name__ for o in search(root, stranger, text='шахмат')[1]] == ['merged']
    assert merge(root) >= 1
    assert [o.__name__ for o in search(root, stranger, text='шахмат')[1]] == ['merged']


def test_a_merge_and_a_reindex_of_the_same_document_do_not_both_commit(app, root):
    """The merge read the document before a concurrent edit reindexed it: the two
    conflict (the merge's values would be old and the document no longer pending)."""
    sync(root)
    root['documents'].add('quiz', create('Order', title='О викторине', preamble='Викторина'))
    transaction.commit()
    db = app.registry._zodb_databases['']
    sides = [(tm, db.open(tm)) for tm in (transaction.TransactionManager(),
                                          transaction.TransactionManager())]
    try:
        merger, editor = (conn.root()[ZODB_ROOT_KEY] for _tm, conn in sides)
        get_catalog(merger).merge_pending(merger)
        order = editor['documents']['quiz']
        order.title = 'О турнире'
        get_catalog(editor).reindex(order)
        sides[1][0].commit()
        with pytest.raises(ConflictError):
            sides[0][0].commit()
    finally:
        for tm, conn in sides:
            tm.abort()
            conn.close()
    sync(root)
    assert search(root, DIRECTOR, text='турнире')[0] == 1
    merge(root)
    assert search(root, DIRECTOR, text='турнире')[0] == 1
    assert search(root, DIRECTOR, text='викторине')[0] == 0

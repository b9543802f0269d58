import pytest

from ejportal.core import events
from ejportal.core.content import Resource, lineage, resource_path
from ejportal.core.folder import Folder, FolderKeyError, OrderedFolder, check_name


def test_add_sets_location_counts_and_sends_an_event(config):
    seen = []
    config.add_subscriber(seen.append, events.ObjectAdded)
    folder = Folder()
    child = folder.add('a', Resource(title='A'))
    assert child.__parent__ is folder and child.__name__ == 'a'
    assert len(folder) == 1 and 'a' in folder and folder['a'] is child
    assert [e.object for e in seen] == [child]


def test_names_are_checked_and_unique():
    folder = Folder()
    folder.add('x', Resource())
    with pytest.raises(FolderKeyError):
        folder.add('x', Resource())
    for bad in ('', 'a/b', '@@view', '@api', '..', '__acl__'):
        with pytest.raises(ValueError):
            check_name(bad)
    assert folder.unique_name('x') == 'x-2'


def test_remove_sends_the_old_parent(config):
    seen = []
    config.add_subscriber(seen.append, events.ObjectRemoved)
    folder = Folder()
    folder.add('a', Resource())
    removed = folder.remove('a')
    assert removed.__parent__ is None and len(folder) == 0
    assert seen[0].info['parent'] is folder


def test_ordered_folder_keeps_and_changes_order():
    folder = OrderedFolder()
    for name in ('c', 'a', 'b'):
        folder.add(name, Resource())
    assert list(folder.keys()) == ['c', 'a', 'b']
    folder.move('b', 0)
    assert [k for k, _v in folder.items()] == ['b', 'c', 'a']
    folder.remove('c')
    assert list(folder) == ['b', 'a']


def test_paths_and_lineage():
    root = Folder()
    child = root.add('documents', Folder()).add('order-1', Resource())
    assert resource_path(child) == '/documents/order-1'
    assert [r.__name__ for r in lineage(child)] == ['order-1', 'documents', None]


def test_large_folder_stays_fast_to_count():
    folder = Folder()
    for i in range(20000):
        folder.add('item-%05d' % i, Resource(), send_events=False)
    assert len(folder) == 20000
    assert folder.get('item-19999') is not None


class Record(Resource):
    deletable = False


class Section(Folder):
    structural = True


def test_what_may_be_deleted():
    from ejportal.core.errors import Conflict
    from ejportal.core.folder import check_delete
    root = Folder()
    section = root.add('section', Section(), send_events=False)
    year = section.add('year', Folder(), send_events=False)
    classes = year.add('classes', Section(), send_events=False)
    for obj in (root, section):  # the root and the structure, never
        with pytest.raises(Conflict):
            check_delete(obj)
    check_delete(year)  # an empty structural folder goes with its owner
    record = classes.add('5a', Record(), send_events=False)
    for obj in (year, record):  # a record, and whatever holds one, stay
        with pytest.raises(Conflict) as refused:
            check_delete(obj)
        assert refused.value.status == 409
    classes.remove('5a', send_events=False)
    classes.add('draft', Resource(), send_events=False)
    check_delete(year)

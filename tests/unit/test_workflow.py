import pytest
import transaction
import ZODB
from pyramid.authorization import ACLHelper, Everyone

from ejportal import security
from ejportal.core.actor import Actor, acting_as
from ejportal.core.content import Resource
from ejportal.core.workflow import (
    State, Transition, Workflow, WorkflowAware, WorkflowError, WorkflowTransitioned,
    check_transition, current_state, do_transition, get_workflow, initialize,
    state_acl, transitions_for)

STAFF = ('role:director', 'role:deputy', 'role:secretary', 'role:teacher')


def must_have_title(obj, request):
    return None if obj.title else 'A title is needed'


WORKFLOW = Workflow(
    'test_document',
    states=[
        State('draft', 'Draft', {
            security.VIEW: ('role:director', 'local:editor', 'owner'),
            security.EDIT: ('local:editor', 'owner'),
        }),
        State('review', 'In review', {
            security.VIEW: ('role:director', 'local:editor', 'owner'),
            security.EDIT: (),
        }),
        State('published', 'Published', {security.VIEW: STAFF, security.EDIT: ()}),
    ],
    transitions=[
        Transition('submit', 'Submit', ('draft',), 'review', security.EDIT,
                   guard=must_have_title),
        Transition('retract', 'Retract', ('review',), 'draft', security.VIEW),
        Transition('publish', 'Publish', ('review',), 'published', security.SIGN_ORDER),
    ],
    initial='draft',
)


class WFDocument(WorkflowAware, Resource):
    type_name = 'WorkflowTestDocument'


@pytest.fixture(autouse=True)
def workflow_registered(config):
    config.add_workflow(WORKFLOW, WFDocument.type_name)
    return config


class Root:
    __name__ = __parent__ = None
    __acl__ = security.root_acl()


class FakeRequest:
    """Just enough of a request: permission checks through the real ACL machinery."""

    def __init__(self, *principals):
        self.principals = [Everyone, *principals]

    def has_permission(self, permission, context):
        return ACLHelper().permits(context, self.principals, permission)


def make_document(title='Order draft', creator='alice'):
    with acting_as(Actor(userid=creator)):
        doc = WFDocument(title=title)
    doc.__parent__ = Root()
    doc.__name__ = 'doc'
    initialize(doc)
    return doc


def permits(obj, permission, *principals):
    return bool(ACLHelper().permits(obj, [Everyone, *principals], permission))


def test_registry_and_initial_state():
    doc = make_document()
    assert get_workflow(doc) is WORKFLOW
    assert doc.review_state == 'draft'
    assert current_state(doc).title == 'Draft'
    assert doc.workflow_history[0]['to'] == 'draft'
    assert get_workflow(Resource()) is None


def test_transition_changes_state_records_history_and_notifies(config):
    events = []
    config.add_subscriber(events.append, WorkflowTransitioned)
    doc = make_document()
    with acting_as(Actor(userid='alice')):
        new = do_transition(doc, 'submit', FakeRequest('user:alice'), comment='please sign')
    assert new == doc.review_state == 'review'
    entry = doc.workflow_history[-1]
    assert (entry['transition'], entry['from'], entry['to'], entry['userid'],
            entry['comment']) == ('submit', 'draft', 'review', 'alice', 'please sign')
    assert entry['time'] is not None
    [event] = events
    assert event.object is doc
    assert event.info == {'transition': 'submit', 'old_state': 'draft',
                          'new_state': 'review', 'comment': 'please sign'}


def test_transitions_for_lists_only_allowed_transitions_from_current_state():
    doc = make_document()
    assert [t.id for t in transitions_for(doc, FakeRequest('user:alice'))] == ['submit']
    assert transitions_for(doc, FakeRequest('user:bob', 'role:teacher')) == []
    do_transition(doc, 'submit')
    director = FakeRequest('user:dora', 'role:director')
    assert [t.id for t in transitions_for(doc, director)] == ['retract', 'publish']
    # the owner may retract but not publish: SIGN_ORDER is not theirs
    assert [t.id for t in transitions_for(doc, FakeRequest('user:alice'))] == ['retract']


def test_wrong_state_is_refused():
    doc = make_document()
    with pytest.raises(WorkflowError) as info:
        do_transition(doc, 'publish')
    assert str(info.value) == '"Publish" is not possible in state "Draft".'
    assert doc.review_state == 'draft'


def test_unknown_transition_is_refused():
    with pytest.raises(WorkflowError):
        do_transition(make_document(), 'burn')


def test_permission_is_checked_when_a_request_is_given():
    doc = make_document()
    with pytest.raises(WorkflowError) as info:
        do_transition(doc, 'submit', FakeRequest('user:mallory', 'role:teacher'))
    assert str(info.value) == 'You may not do "Submit".'
    assert doc.review_state == 'draft'
    assert len(doc.workflow_history) == 1


def test_guard_refuses_with_its_message():
    doc = make_document(title='')
    with pytest.raises(WorkflowError) as info:
        check_transition(doc, 'submit', FakeRequest('user:alice'))
    assert str(info.value) == 'A title is needed'
    doc.title = 'Now titled'
    assert do_transition(doc, 'submit', FakeRequest('user:alice')) == 'review'


def test_state_acl_allows_listed_then_denies_managed_permissions():
    doc = make_document()
    acl = state_acl(doc)
    assert ('Allow', 'user:alice', security.VIEW) in acl
    assert ('Deny', Everyone, security.VIEW) in acl
    assert ('Deny', Everyone, security.EDIT) in acl
    assert ('Deny', Everyone, security.ACKNOWLEDGE) not in acl
    assert doc.__acl__ == acl


def test_managed_permissions_are_denied_to_others_in_draft():
    doc = make_document()
    assert permits(doc, security.VIEW, 'role:director')
    assert permits(doc, security.VIEW, 'user:alice')           # owner
    assert permits(doc, security.EDIT, 'user:alice')
    assert permits(doc, security.EDIT, 'local:editor')
    # the root lets every teacher (and the admin) VIEW, the draft state does not
    assert not permits(doc, security.VIEW, 'role:teacher')
    assert not permits(doc, security.VIEW, 'role:admin')
    assert not permits(doc, security.VIEW)
    # the director may EDIT at the root, but EDIT is managed here and not theirs in draft
    assert not permits(doc, security.EDIT, 'role:director')


def test_unmanaged_permissions_fall_through_to_the_parent():
    doc = make_document()
    assert permits(doc, security.SIGN_ORDER, 'role:director')
    assert not permits(doc, security.SIGN_ORDER, 'role:teacher')
    assert permits(doc, security.MANAGE_SETTINGS, 'role:admin')
    assert permits(doc, security.VIEW_PUBLIC)


def test_acl_follows_the_state():
    doc = make_document()
    do_transition(doc, 'submit')
    assert not permits(doc, security.EDIT, 'user:alice')       # nobody edits in review
    do_transition(doc, 'publish')
    assert permits(doc, security.VIEW, 'role:teacher')
    assert not permits(doc, security.VIEW, 'role:student')


def test_uninitialized_object_under_a_workflow_is_closed():
    doc = WFDocument(title='x')
    doc.__parent__ = Root()
    assert not permits(doc, security.VIEW, 'role:director')
    assert not permits(doc, security.VIEW_PUBLIC)


def test_object_without_workflow_has_empty_acl():
    class Plain(WorkflowAware, Resource):
        type_name = 'WorkflowTestPlain'
    assert state_acl(Plain()) == []
    with pytest.raises(WorkflowError):
        initialize(Plain())


def test_declaration_errors():
    with pytest.raises(ValueError):
        Workflow('w', [State('a', 'A')], [], initial='b')
    with pytest.raises(ValueError):
        Workflow('w', [State('a', 'A')], [Transition('t', 'T', ('a',), 'z', 'p')], initial='a')
    with pytest.raises(TypeError):
        State('a', 'A', {security.VIEW: ('role:director')})


def test_state_and_history_persist():
    db = ZODB.DB(None)
    try:
        conn = db.open()
        doc = make_document()
        doc.__parent__ = None
        conn.root()['doc'] = doc
        do_transition(doc, 'submit', comment='ok')
        transaction.commit()
        conn.close()
        conn = db.open()
        conn.cacheMinimize()
        loaded = conn.root()['doc']
        assert loaded.review_state == 'review'
        assert [h['transition'] for h in loaded.workflow_history] == [None, 'submit']
        do_transition(loaded, 'retract')
        transaction.commit()
        conn.close()
        conn = db.open()
        assert conn.root()['doc'].workflow_history[-1]['to'] == 'draft'
        conn.close()
    finally:
        transaction.abort()
        db.close()


# s-questions (issue 14): a state may give a permission to the principals an object names
def test_a_state_gives_permissions_to_the_principals_the_object_names(config):
    workflow = Workflow('test_addressed', states=[
        State('open', 'Open', {security.VIEW: ('owner', '@addressees'),
                               security.EDIT: ('@addressees',)})],
        transitions=[], initial='open')

    class Addressed(WorkflowAware, Resource):
        type_name = 'WorkflowTestAddressed'
        addressees = ()

    config.add_workflow(workflow, Addressed.type_name)
    with acting_as(Actor(userid='alice')):
        item = Addressed(title='x')
    item.__parent__, item.__name__ = Root(), 'item'
    initialize(item)
    assert permits(item, security.VIEW, 'user:alice')
    assert not permits(item, security.VIEW, 'role:psychologist')
    item.addressees = ('role:psychologist', 'user:bob')
    assert permits(item, security.VIEW, 'role:psychologist')
    assert permits(item, security.EDIT, 'user:bob')
    assert not permits(item, security.EDIT, 'user:alice')
    # the director's global VIEW and EDIT do not reach it
    assert not permits(item, security.VIEW, 'role:director')
    assert not permits(item, security.EDIT, 'role:director')

"""The one workflow engine: workflows are declared as data, states carry the ACL.

A workflow is a small state machine (Substance D / Plone): each ``State`` says which
principals hold each permission it manages, each ``Transition`` names the states it leaves
from, the state it enters and the permission it needs, plus an optional guard. An area
declares its workflow once and registers it for its content type::

    config.add_workflow(ORDER_WORKFLOW, 'Order')
    config.add_after_create('Order', initialize)

Because a state's ACL is computed from the object's ``review_state``, moving an object
through its workflow is one of the two places where what people may do changes (the other
is the sharing screen, through local roles).
"""
from dataclasses import dataclass, field
from typing import Callable, Mapping

from persistent.list import PersistentList
from pyramid.authorization import Allow, DENY_ALL, Deny, Everyone

from ejportal.core.actor import current_actor
from ejportal.core.content import now
from ejportal.core.errors import UserError
from ejportal.core.events import ObjectEvent, notify
from ejportal.core.registry import portal_registry
from ejportal.i18n import _

OWNER = 'owner'  # stands for ``user:<obj.creator>`` in a state's permissions
# '@<attribute>' in a state's permissions stands for the principals the object lists in
# that attribute (a question's ``addressees``): who holds a permission may depend on the
# object as well as on its state, as with OWNER
RELATED = '@'


class WorkflowError(UserError):
    """A transition was refused. ``message`` is a translation string for the user; the
    status says why: 404 no workflow, 400 no such transition, 403 the user may not take it,
    409 the object's state (or the transition's guard) does not allow it now."""


class WorkflowTransitioned(ObjectEvent):
    """After ``obj`` went from ``info['old_state']`` to ``info['new_state']`` by
    ``info['transition']`` (its id), with the user's ``info['comment']``."""


@dataclass(frozen=True, eq=False)
class State:
    """``permissions`` maps a permission to the principals holding it in this state;
    a permission the state names is denied to everyone else, whatever the parent says."""
    id: str
    title: str
    permissions: Mapping[str, tuple] = field(default_factory=dict)

    def __post_init__(self):
        for permission, principals in self.permissions.items():
            # ('role:director') is a str, not a tuple: a classic slip that would grant
            # the permission to principals named 'r', 'o', 'l', ...
            if isinstance(principals, str):
                raise TypeError('state %r: principals for %r must be a tuple, not a str'
                                % (self.id, permission))


@dataclass(frozen=True, eq=False)
class Transition:
    """``guard(obj, request_or_None)`` returns None to allow, or a message saying why not.
    ``dangerous``: it cannot be taken back (cancelling, repealing): its button stands apart
    and the page asks before taking it. ``only_when_allowed``: its button is offered only
    while the guard allows it (signing an amendment when there is one)."""
    id: str
    title: str
    from_states: tuple
    to_state: str
    permission: str
    guard: Callable | None = None
    dangerous: bool = False
    only_when_allowed: bool = False

    def __post_init__(self):
        if isinstance(self.from_states, str):
            raise TypeError('transition %r: from_states must be a tuple' % self.id)
        object.__setattr__(self, 'from_states', tuple(self.from_states))


class Workflow:
    def __init__(self, name, states, transitions, initial):
        self.name = name
        self.states = {state.id: state for state in states}
        self.transitions = {t.id: t for t in transitions}
        self.initial = initial
        # Check the declaration at import time, not when a user first presses a button.
        if len(self.states) != len(states) or len(self.transitions) != len(transitions):
            raise ValueError('workflow %r: duplicate state or transition ids' % name)
        if initial not in self.states:
            raise ValueError('workflow %r: unknown initial state %r' % (name, initial))
        for t in transitions:
            unknown = set(t.from_states + (t.to_state,)) - set(self.states)
            if unknown:
                raise ValueError('workflow %r: transition %r names unknown states %s'
                                 % (name, t.id, sorted(unknown)))


def get_workflow(obj, registry=None):
    """The workflow registered for ``obj``'s content type, or None."""
    return portal_registry(registry).workflows.get(getattr(obj, 'type_name', None))


def current_state(obj):
    """The ``State`` the object is in (for its title), or None."""
    workflow = get_workflow(obj)
    return workflow.states.get(obj.review_state) if workflow else None


def state_acl(obj):
    """The ACL of ``obj`` in its current state, without DENY_ALL so that the permissions
    the state does not manage fall through to the parent. An object under a workflow whose
    state is unknown (never initialized, or a state since removed) is closed to everyone
    rather than silently inheriting its parent's, possibly wider, ACL."""
    workflow = get_workflow(obj)
    if workflow is None:
        return []
    state = workflow.states.get(obj.review_state)
    if state is None:
        return [DENY_ALL]
    acl = []
    for permission, principals in state.permissions.items():
        for principal in principals:
            if principal == OWNER:
                if not obj.creator:
                    continue
                principal = 'user:' + obj.creator
            elif principal.startswith(RELATED):
                acl.extend((Allow, named, permission)
                           for named in getattr(obj, principal[len(RELATED):], None) or ())
                continue
            acl.append((Allow, principal, permission))
        acl.append((Deny, Everyone, permission))
    return acl


class WorkflowAware:
    """Mixin for resources under a workflow: state, history and the state's ACL."""

    review_state = None
    workflow_history = None  # PersistentList of dicts, oldest first

    @property
    def __acl__(self):
        return state_acl(self)


def _workflow_of(obj):
    workflow = get_workflow(obj)
    if workflow is None:
        raise WorkflowError(_('workflow-none', default='This item has no workflow.'), status=404)
    return workflow


def _record(obj, transition, old, new, comment):
    if obj.workflow_history is None:
        obj.workflow_history = PersistentList()
    obj.workflow_history.append({
        'transition': transition, 'from': old, 'to': new,
        'userid': current_actor().userid, 'time': now(), 'comment': comment})


def initialize(obj):
    """Put a new object into its workflow's initial state (an after-create hook)."""
    workflow = _workflow_of(obj)
    obj.review_state = workflow.initial
    _record(obj, None, None, workflow.initial, '')
    return workflow.initial


def transitions_for(obj, request):
    """Transitions leaving the current state that the request's user may take. Guards are
    not run here: a view may show a guarded transition and explain the refusal on POST."""
    workflow = get_workflow(obj)
    if workflow is None:
        return []
    return [t for t in workflow.transitions.values()
            if obj.review_state in t.from_states and request.has_permission(t.permission, obj)]


def offered_transitions(obj, request):
    """The transitions whose buttons a page shows: ``transitions_for`` less those offered
    only when their guard allows them now."""
    return [t for t in transitions_for(obj, request)
            if not (t.only_when_allowed and t.guard is not None and t.guard(obj, request))]


def check_transition(obj, transition_id, request=None):
    """The ``Transition`` if it may be taken now, else WorkflowError saying why.
    Without a request (scripts, evolve steps) the permission is not checked."""
    workflow = _workflow_of(obj)
    transition = workflow.transitions.get(transition_id)
    if transition is None:
        raise WorkflowError(_('workflow-no-transition', default='No such action: "${id}".',
                              mapping={'id': transition_id}))
    if obj.review_state not in transition.from_states:
        state = workflow.states.get(obj.review_state)
        raise WorkflowError(_(
            'workflow-wrong-state', default='"${transition}" is not possible in state "${state}".',
            mapping={'transition': transition.title,
                     'state': state.title if state else obj.review_state}), status=409)
    if request is not None and not request.has_permission(transition.permission, obj):
        raise WorkflowError(_('workflow-forbidden', default='You may not do "${transition}".',
                              mapping={'transition': transition.title}), status=403)
    if transition.guard is not None:
        message = transition.guard(obj, request)
        if message:
            raise WorkflowError(message, status=409)
    return transition


def do_transition(obj, transition_id, request=None, comment=''):
    """Take a transition: check it, change the state (and so the ACL), record it in the
    history, send ``WorkflowTransitioned``. Returns the new state id."""
    transition = check_transition(obj, transition_id, request)
    old = obj.review_state
    obj.review_state = transition.to_state
    _record(obj, transition.id, old, transition.to_state, comment)
    notify(WorkflowTransitioned(obj, transition=transition.id, old_state=old,
                                new_state=transition.to_state, comment=comment))
    return transition.to_state

"""The workflows of orders and local acts, declared as data, and what signing does.

Per-state permissions the way Plone's workflows set them: a permission a state names is
held by the listed principals only. What follows a transition (numbering, freezing,
opening the acknowledgement sheet, the audit entry) is in ``on_transition``.
"""
from pyramid.authorization import Everyone

from ejportal.core.actor import current_actor
from ejportal.core.audit import record
from ejportal.core.catalog import reindex_object
from ejportal.core.versioning import checkin
from ejportal.core.workflow import (
    OWNER, State, Transition, Workflow, WorkflowTransitioned, get_workflow, initialize)
from ejportal.documents.acknowledgement import open_sheet
from ejportal.documents.resources import AUDITED_BY_TRANSITION, Document, Order
from ejportal.i18n import _
from ejportal.security import (
    ACKNOWLEDGE, ADD_DOCUMENT, DELETE, EDIT, MANAGE_ACKNOWLEDGEMENTS, REVIEW_DOCUMENT,
    SIGN_ORDER, VIEW, VIEW_PUBLIC)

NUMBER_ASSIGNED = _('version-number-assigned', default='number assigned')

STAFF = ('role:admin', 'role:director', 'role:deputy', 'role:secretary', 'role:teacher',
         'role:class_teacher', 'role:psychologist')
OFFICE = ('role:director', 'role:deputy', 'role:secretary')
LOCAL = ('local:editor', 'local:reviewer', 'local:reader')
EDITORS = ('role:director', 'role:secretary', 'local:editor', OWNER)
AMENDERS = ('role:director', 'role:secretary')
DIRECTOR = ('role:director',)
WORKING_GROUP = ('group:working-group',)


def _closed(**overrides):
    """Every managed permission denied, except the ``overrides``."""
    permissions = {VIEW: (), EDIT: (), ADD_DOCUMENT: (), DELETE: (), REVIEW_DOCUMENT: (),
                   SIGN_ORDER: (), ACKNOWLEDGE: (), MANAGE_ACKNOWLEDGEMENTS: (),
                   VIEW_PUBLIC: ()}
    permissions.update(overrides)
    return permissions


DRAFT = _closed(**{
    VIEW: OFFICE + LOCAL + (OWNER,), EDIT: EDITORS, ADD_DOCUMENT: EDITORS, DELETE: EDITORS,
    REVIEW_DOCUMENT: OFFICE + ('local:editor', OWNER), SIGN_ORDER: DIRECTOR,
    MANAGE_ACKNOWLEDGEMENTS: OFFICE})
REVIEW = _closed(**{
    VIEW: OFFICE + LOCAL + WORKING_GROUP + (OWNER,), EDIT: EDITORS, ADD_DOCUMENT: EDITORS,
    REVIEW_DOCUMENT: OFFICE + WORKING_GROUP + ('local:editor', 'local:reviewer', OWNER),
    SIGN_ORDER: DIRECTOR, MANAGE_ACKNOWLEDGEMENTS: OFFICE})
IN_FORCE = _closed(**{
    VIEW: STAFF, EDIT: AMENDERS, SIGN_ORDER: DIRECTOR, ACKNOWLEDGE: STAFF,
    MANAGE_ACKNOWLEDGEMENTS: OFFICE, VIEW_PUBLIC: (Everyone,)})
ARCHIVED = _closed(**{VIEW: STAFF, MANAGE_ACKNOWLEDGEMENTS: OFFICE})


def order_can_be_signed(order, request):
    if not order.title or not order.clauses:
        return _('An order needs a title and at least one clause to be signed.')
    if order.working_copy is not None:
        return _('Check in or cancel the open amendment first.')
    return None


def has_amendment(doc, request):
    if doc.working_copy is None:
        return _('There is no amendment to sign: start one with "Amend".')
    return None


def regulation_can_be_approved(regulation, request):
    order = regulation.approving_order
    if order is None or order.review_state != 'signed':
        return _('Name the signed order that approves this act first.')
    if regulation.working_copy is not None:
        return _('Check in or cancel the open amendment first.')
    return None


ORDER_WORKFLOW = Workflow(
    'order',
    states=[
        State('draft', _('state-draft', default='Draft'), DRAFT),
        State('review', _('state-review', default='On review'), REVIEW),
        State('signed', _('state-signed', default='Signed'), IN_FORCE),
        State('cancelled', _('state-cancelled', default='Cancelled'), ARCHIVED),
        State('superseded', _('state-superseded', default='Superseded'), ARCHIVED),
    ],
    transitions=[
        Transition('submit', _('tr-submit', default='Send for review'), ('draft',), 'review',
                   REVIEW_DOCUMENT),
        Transition('retract', _('tr-retract', default='Back to draft'), ('review',), 'draft',
                   REVIEW_DOCUMENT),
        Transition('sign', _('tr-sign', default='Sign'), ('review',), 'signed', SIGN_ORDER,
                   guard=order_can_be_signed),
        Transition('sign_amendment', _('tr-sign_amendment', default='Sign the amendment'),
                   ('signed',), 'signed', SIGN_ORDER, guard=has_amendment,
                   only_when_allowed=True),
        Transition('cancel', _('tr-cancel', default='Cancel the order'), ('signed',),
                   'cancelled', SIGN_ORDER, dangerous=True),
        Transition('supersede', _('tr-supersede', default='Mark superseded'), ('signed',),
                   'superseded', SIGN_ORDER, dangerous=True),
    ],
    initial='draft',
)

REGULATION_WORKFLOW = Workflow(
    'regulation',
    states=[
        State('draft', _('state-draft', default='Draft'), DRAFT),
        State('review', _('state-review', default='On review'), REVIEW),
        State('approved', _('state-approved', default='Approved'),
              dict(IN_FORCE, **{VIEW_PUBLIC: ()})),
        State('published', _('state-published', default='Published'), IN_FORCE),
        State('repealed', _('state-repealed', default='No longer in force'), ARCHIVED),
    ],
    transitions=[
        Transition('submit', _('tr-submit', default='Send for review'), ('draft',), 'review',
                   REVIEW_DOCUMENT),
        Transition('retract', _('tr-retract', default='Back to draft'), ('review',), 'draft',
                   REVIEW_DOCUMENT),
        Transition('approve', _('tr-approve', default='Approve'), ('review',), 'approved',
                   SIGN_ORDER, guard=regulation_can_be_approved),
        Transition('publish', _('tr-publish', default='Publish on the school site'),
                   ('approved',), 'published', SIGN_ORDER),
        Transition('approve_amendment', _('tr-approve_amendment',
                                          default='Approve the amendment'),
                   ('approved', 'published'), 'approved', SIGN_ORDER, guard=has_amendment,
                   only_when_allowed=True),
        Transition('repeal', _('tr-repeal', default='Repeal (no longer in force)'),
                   ('approved', 'published'), 'repealed', SIGN_ORDER, dangerous=True),
    ],
    initial='draft',
)

SIGNING = {'sign': 'signed', 'sign_amendment': 'signed', 'approve': 'approved',
           'approve_amendment': 'approved'}


def on_transition(event):
    """Audit every document transition; on signing or approval number the order, freeze
    the version (with its SHA-256) and open the acknowledgement sheet for it."""
    obj = event.object
    if not isinstance(obj, Document):
        return
    token = AUDITED_BY_TRANSITION.set(True)
    try:
        _after_transition(obj, event)
    finally:
        AUDITED_BY_TRANSITION.reset(token)


def _after_transition(obj, event):
    transition = event.info['transition']
    userid = current_actor().userid
    reason = SIGNING.get(transition)
    details = {'transition': transition, 'from': event.info['old_state'],
               'to': event.info['new_state'], 'comment': event.info.get('comment', '')}
    if reason is not None:
        if transition.endswith('_amendment'):
            checkin(obj, comment=event.info.get('comment', ''))
        if isinstance(obj, Order):
            obj.assign_number()
            content = obj.content()
            if obj.current_version.content != content:
                # the number and date become part of what is signed; the comment is kept
                # as a translation string, so each reader sees it in their language
                obj.save_version(content, comment=NUMBER_ASSIGNED)
            for appendix in obj.appendices():
                if appendix.current_version is not None and not appendix.current_version.frozen:
                    appendix.freeze(reason, userid)
        version = obj.freeze(reason, userid)
        details.update(version=version.number, sha256=version.sha256)
        if isinstance(obj, Order):
            open_sheet(obj, version)
            details['number'] = obj.number
        # number, date and signing time are indexed: the catalog's own reindex on the
        # transition ran before they were set; appendices take their order's date
        reindex_object(obj)
        for appendix in obj.appendices() if isinstance(obj, Order) else ():
            reindex_object(appendix)
    record(obj, 'workflow', details)


def start_document(obj):
    """After-create hook: the first version (and the initial state, for types with a
    workflow)."""
    if get_workflow(obj) is not None:
        initialize(obj)
    obj.initial_version()


def includeme(config):
    config.add_workflow(ORDER_WORKFLOW, 'Order')
    config.add_workflow(REGULATION_WORKFLOW, 'Regulation')
    for type_name in ('Order', 'Regulation', 'Appendix', 'RolloutPlan'):
        config.add_after_create(type_name, start_document)
    config.add_subscriber(on_transition, WorkflowTransitioned)

"""The workflows of the questions area: a question (and a support request) is new →
answered → closed; a consultation is requested → scheduled (a slot: date, time, place) →
held, or cancelled.

Each state gives its permissions to the asker (OWNER) and to the addressees the item names
(``@addressees``), and denies them to everyone else: a teacher, a deputy or a parent who is
neither learns nothing of it (404). The director reads the school's consultations (as the
diaries: ``security.SCHOOL_WIDE_DIARY_READERS``) without answering them (403)."""
from pyramid.threadlocal import get_current_request

from ejportal.core.audit import record
from ejportal.core.workflow import (
    OWNER, RELATED, State, Transition, Workflow, WorkflowTransitioned, initialize)
from ejportal.i18n import _
from ejportal.questions.actions import tell_cancelled
from ejportal.questions.resources import Inquiry
from ejportal.security import (
    ADD, ANSWER_QUESTION, CLOSE_QUESTION, DELETE, EDIT, VIEW)

ADDRESSEES = (RELATED + 'addressees',)
PARTIES = (OWNER,) + ADDRESSEES
NOBODY = ()


def permissions(readers, answerers, closers):
    # EDIT, ADD and DELETE are no one's: an item changes by its own actions only, and the
    # global grants (the admin's, the director's) do not reach it
    return {VIEW: readers, ANSWER_QUESTION: answerers, CLOSE_QUESTION: closers,
            EDIT: NOBODY, ADD: NOBODY, DELETE: NOBODY}


def has_answer(item, request):
    if not (item.answer or '').strip():
        return _('q-answer-first', default='Write the answer first.')
    return None


def has_slot(item, request):
    if item.slot_date is None:
        return _('q-slot-first', default='Give the date, time and place first.')
    return None


QUESTION_WORKFLOW = Workflow(
    'question',
    states=[
        State('new', _('q-state-new', default='New'),
              permissions(PARTIES, ADDRESSEES, PARTIES)),
        State('answered', _('q-state-answered', default='Answered'),
              permissions(PARTIES, ADDRESSEES, PARTIES)),
        State('closed', _('q-state-closed', default='Closed'),
              permissions(PARTIES, NOBODY, PARTIES)),
    ],
    transitions=[
        Transition('answer', _('q-tr-answer', default='Answer'), ('new', 'answered'),
                   'answered', ANSWER_QUESTION, guard=has_answer),
        Transition('close', _('q-tr-close', default='Close'), ('new', 'answered'), 'closed',
                   CLOSE_QUESTION),
        Transition('reopen', _('q-tr-reopen', default='Ask again'), ('closed',), 'new',
                   CLOSE_QUESTION),
    ],
    initial='new',
)

CONSULTATION_READERS = PARTIES + ('role:director',)

CONSULTATION_WORKFLOW = Workflow(
    'consultation',
    states=[
        State('requested', _('q-state-requested', default='Requested'),
              permissions(CONSULTATION_READERS, ADDRESSEES, PARTIES)),
        State('scheduled', _('q-state-scheduled', default='Scheduled'),
              permissions(CONSULTATION_READERS, ADDRESSEES, PARTIES)),
        State('held', _('q-state-held', default='Held'),
              permissions(CONSULTATION_READERS, NOBODY, NOBODY)),
        State('cancelled', _('q-state-cancelled', default='Cancelled'),
              permissions(CONSULTATION_READERS, NOBODY, NOBODY)),
    ],
    transitions=[
        Transition('schedule', _('q-tr-schedule', default='Propose the slot'),
                   ('requested', 'scheduled'), 'scheduled', ANSWER_QUESTION, guard=has_slot),
        Transition('hold', _('q-tr-hold', default='Mark as held'), ('scheduled',), 'held',
                   ANSWER_QUESTION),
        Transition('cancel', _('q-tr-cancel', default='Cancel'), ('requested', 'scheduled'),
                   'cancelled', CLOSE_QUESTION),
    ],
    initial='requested',
)


def on_transition(event):
    """Audit each step; a cancelled consultation is told to the other side, whichever door
    (a page's button, ``@workflow``) cancelled it."""
    if isinstance(event.object, Inquiry):
        info = event.info
        record(event.object, 'workflow', {'transition': info['transition'],
                                          'from': info['old_state'], 'to': info['new_state'],
                                          'comment': info.get('comment', '')})
        if info['transition'] == 'cancel':
            tell_cancelled(get_current_request(), event.object)


def includeme(config):
    config.add_workflow(QUESTION_WORKFLOW, 'Question')
    config.add_after_create('Question', initialize)
    config.add_workflow(CONSULTATION_WORKFLOW, 'Consultation')
    config.add_after_create('Consultation', initialize)
    config.add_subscriber(on_transition, WorkflowTransitioned)

"""Correction requests on the one workflow engine: a change to a cell of a closed period
is requested by the journal's teacher (``Journal.request_correction``) and approved or
rejected by a deputy; each decision is a transition of ``CORRECTION_WORKFLOW``. The
transition's event writes the audit entry and, on approval, stores the requested value in
the cell, whichever door took the transition."""
from ejportal.core.audit import record
from ejportal.core.workflow import State, Transition, Workflow
from ejportal.i18n import _
from ejportal.journal.resources import CorrectionRequest
from ejportal.security import APPROVE_CORRECTION

# The request is read with its journal: its states change no one's access.
CORRECTION_WORKFLOW = Workflow(
    'correction',
    states=(
        State('pending', _('correction-state-pending', default='pending')),
        State('approved', _('correction-state-approved', default='approved')),
        State('rejected', _('correction-state-rejected', default='rejected')),
    ),
    transitions=(
        Transition('approve', _('Approve'), ('pending',), 'approved', APPROVE_CORRECTION),
        Transition('reject', _('Reject'), ('pending',), 'rejected', APPROVE_CORRECTION),
    ),
    initial='pending')


def on_correction_decided(event):
    """Audit the decision on the journal, as the request was; an approved change goes
    into the cell (the period stays closed: the deputy's decision is the exception)."""
    correction = event.object
    if not isinstance(correction, CorrectionRequest):
        return
    journal = correction.__parent__
    record(journal, 'correction-' + event.info['new_state'],
           {'id': correction.id, 'note': event.info.get('comment', '')})
    if event.info['new_state'] == 'approved':
        journal.set_cell(correction.student, correction.lesson, correction.marks,
                         correction.attendance, correction.comment, check_closed=False,
                         correction=correction.id)

"""A survey's workflow: draft → open → closed, its permissions per state.

The audience is not a principal (a parent is in it through a child's class), so an open
survey lets everyone logged in see and answer it, and the answer action then checks the
audience (``audience.in_audience``). Results are not managed by state: those holding
``view_survey_results`` on the section (the psychologist, director, deputy and admin)
read them in every state.
"""
from pyramid.authorization import Authenticated

from ejportal.core.audit import record
from ejportal.core.workflow import State, Transition, Workflow, WorkflowTransitioned, initialize
from ejportal.i18n import _
from ejportal.security import ANSWER_SURVEY, MANAGE_SURVEYS, VIEW_SURVEY
from ejportal.surveys.audience import audience_class_names
from ejportal.surveys.resources import MANAGERS, Survey

READERS = MANAGERS + ('role:admin',)


def has_questions(survey, request):
    if not survey.questions:
        return _('survey-no-questions', default='Add at least one question first.')
    return None


SURVEY_WORKFLOW = Workflow(
    'survey',
    states=[
        State('draft', _('state-draft', default='Draft'), {
            VIEW_SURVEY: READERS, MANAGE_SURVEYS: MANAGERS, ANSWER_SURVEY: ()}),
        State('open', _('survey-state-open', default='Open'), {
            VIEW_SURVEY: (Authenticated,), MANAGE_SURVEYS: MANAGERS,
            ANSWER_SURVEY: (Authenticated,)}),
        State('closed', _('survey-state-closed', default='Closed'), {
            VIEW_SURVEY: READERS, MANAGE_SURVEYS: MANAGERS, ANSWER_SURVEY: ()}),
    ],
    transitions=[
        Transition('open', _('survey-tr-open', default='Open for answers'), ('draft',),
                   'open', MANAGE_SURVEYS, guard=has_questions),
        Transition('close', _('survey-tr-close', default='Close'), ('open',), 'closed',
                   MANAGE_SURVEYS),
        Transition('reopen', _('survey-tr-reopen', default='Open again'), ('closed',),
                   'open', MANAGE_SURVEYS),
    ],
    initial='draft',
)


def on_transition(event):
    if isinstance(event.object, Survey):
        info = event.info
        if info['new_state'] == 'open':
            event.object.prepare_counters(audience_class_names(event.object))
        record(event.object, 'workflow', {'transition': info['transition'],
                                          'from': info['old_state'], 'to': info['new_state']})


def includeme(config):
    config.add_workflow(SURVEY_WORKFLOW, 'Survey')
    config.add_after_create('Survey', initialize)
    config.add_subscriber(on_transition, WorkflowTransitioned)

"""One workflow for news items and events: draft -> published -> archived.

A draft is seen by those who write for the site only; a published item by everyone,
anonymous visitors included; an archived one is off the site and kept for the staff."""
from pyramid.authorization import Everyone

from ejportal.core.audit import record
from ejportal.core.content import now
from ejportal.core.workflow import State, Transition, Workflow, WorkflowTransitioned, initialize
from ejportal.i18n import _
from ejportal.news.resources import Event, NewsItem
from ejportal.security import DELETE, EDIT, VIEW, WRITE_NEWS

WRITERS = ('role:admin', 'role:director', 'role:deputy', 'role:secretary')
STAFF = WRITERS + ('role:teacher', 'role:class_teacher', 'role:psychologist')

NEWS_WORKFLOW = Workflow(
    'news',
    states=[
        State('draft', _('state-draft', default='Draft'),
              {VIEW: WRITERS, EDIT: WRITERS, DELETE: WRITERS}),
        State('published', _('state-published', default='Published'),
              {VIEW: (Everyone,), EDIT: WRITERS, DELETE: WRITERS}),
        State('archived', _('state-archived', default='Archived'),
              {VIEW: STAFF, EDIT: WRITERS, DELETE: WRITERS}),
    ],
    transitions=[
        Transition('publish', _('tr-publish-news', default='Publish on the site'),
                   ('draft',), 'published', WRITE_NEWS),
        Transition('retract', _('tr-retract', default='Back to draft'),
                   ('published',), 'draft', WRITE_NEWS),
        Transition('archive', _('tr-archive', default='Archive'),
                   ('published',), 'archived', WRITE_NEWS),
        Transition('restore', _('tr-restore', default='Restore as a draft'),
                   ('archived',), 'draft', WRITE_NEWS),
    ],
    initial='draft',
)


def on_transition(event):
    """Audit each transition; the date a news item or event shows is that of its first
    publication."""
    obj = event.object
    if not isinstance(obj, (NewsItem, Event)):
        return
    if event.info['new_state'] == 'published' and obj.published is None:
        obj.published = now()
    record(obj, 'workflow', {'transition': event.info['transition'],
                             'from': event.info['old_state'], 'to': event.info['new_state'],
                             'comment': event.info.get('comment', '')})


def includeme(config):
    for type_name in ('NewsItem', 'Event'):
        config.add_workflow(NEWS_WORKFLOW, type_name)
        config.add_after_create(type_name, initialize)
    config.add_subscriber(on_transition, WorkflowTransitioned)

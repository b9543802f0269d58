"""``@workflow`` after plone.restapi, for every resource under a workflow (documents,
paper journal editions...): GET the state, the transitions the user may take and the
history; POST ``@workflow/<transition>`` takes one through the one workflow engine."""
from pyramid.view import view_config

from ejportal.core.errors import Invalid, NotFound
from ejportal.core.responses import json_response, jsonable
from ejportal.core.workflow import (
    WorkflowAware, current_state, do_transition, get_workflow, transitions_for)
from ejportal.i18n import _
from ejportal.security import VIEW


def workflow_info(context, request):
    base = request.resource_url(context).rstrip('/') + '/@workflow/'
    state = current_state(context)
    return {
        '@id': base.rstrip('/'),
        'state': {'id': context.review_state, 'title': state.title if state else ''},
        'transitions': [{'@id': base + t.id, 'title': t.title}
                        for t in transitions_for(context, request)],
        'history': [{'action': h['transition'], 'review_state': h['to'], 'actor': h['userid'],
                     'time': h['time'], 'comments': h['comment']}
                    for h in context.workflow_history or []],
    }


@view_config(context=WorkflowAware, name='@workflow', permission=VIEW, request_method='GET')
def get_workflow_info(context, request):
    if get_workflow(context) is None:
        raise NotFound(_('This item has no workflow.'))
    return json_response(jsonable(workflow_info(context, request), request.localizer))


@view_config(context=WorkflowAware, name='@workflow', permission=VIEW, request_method='POST')
def post_transition(context, request):
    """``POST <doc>/@workflow/<transition>`` with ``{"comment": ...}``. (CSRF as everywhere:
    a bearer token, or the cookie with ``X-CSRF-Token``.) A refusal is the engine's
    ``WorkflowError`` (or a ``VersionError``), rendered by ``api.errors_view``."""
    if len(request.subpath) != 1:
        raise Invalid(_('Name one transition.'))
    try:
        body = request.json_body if request.body else {}
    except ValueError:
        raise Invalid(_('The body is not valid JSON.'))
    comment = body.get('comment', '') if isinstance(body, dict) else ''
    if not isinstance(comment, str):
        message = _('The comment must be text.')
        raise Invalid(message, {'comment': message})
    do_transition(context, request.subpath[0], request, comment=comment[:2000])
    return json_response(jsonable(workflow_info(context, request), request.localizer))

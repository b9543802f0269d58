"""The JSON API's generic services: any resource as JSON, and create, change and delete
through the content actions. (``@login`` and ``@logout`` are the principals' own.)"""
from pyramid.response import Response
from pyramid.view import view_config

from ejportal.api.serialize import serialize
from ejportal.core.content import Resource
from ejportal.core.jsonapi import json_body
from ejportal.core.responses import json_response
from ejportal.core.traversal import JSON_VIEW
from ejportal.security import DELETE, EDIT, VIEW, VIEW_PUBLIC
from ejportal.site.content_actions import AddContent, DeleteContent, EditContent
from ejportal.site.resources import Portal


@view_config(context=Portal, name=JSON_VIEW, request_method='GET', permission=VIEW_PUBLIC)
@view_config(context=Resource, name=JSON_VIEW, request_method='GET', permission=VIEW)
def get(context, request):
    return json_response(serialize(request, context))


def fields_of(body):
    """The body's values: its ``@`` keys (``@type``) address the call, they are no fields."""
    return {key: value for key, value in body.items() if not key.startswith('@')}


# The generic changes are the actions every door calls; each view only renders the result
# (a refusal, a ``UserError``, is rendered by ``api.errors_view``). Adding is asked no more than
# VIEW here: the action asks the type's own add permission, as the forms' do.
@view_config(context=Resource, name=JSON_VIEW, request_method='POST', permission=VIEW)
def post(context, request):
    """Create a child: ``{"@type", "id"?, fields...}`` -> 201 and the new resource."""
    body = json_body(request)
    obj = AddContent(context, request, body.get('@type'))(fields_of(body))
    response = json_response(serialize(request, obj), 201)
    response.location = request.resource_url(obj)
    return response


@view_config(context=Resource, name=JSON_VIEW, request_method='PATCH', permission=EDIT)
def patch(context, request):
    """Change the given fields only; 204."""
    EditContent(context, request)(fields_of(json_body(request)))
    return Response(status=204)


@view_config(context=Resource, name=JSON_VIEW, request_method='DELETE', permission=DELETE)
def delete(context, request):
    DeleteContent(context, request)()
    return Response(status=204)

"""The JSON API's generic services: ``@login``, ``@logout`` and CRUD on any resource."""
from pyramid.response import Response
from pyramid.view import view_config

from ejportal.api.serialize import serialize
from ejportal.core.content import Resource
from ejportal.core.errors import Invalid, UserError
from ejportal.core.jsonapi import json_error
from ejportal.core.responses import json_response
from ejportal.core.traversal import JSON_VIEW
from ejportal.i18n import _
from ejportal.principals.login import LogIn
from ejportal.principals.sessions import API, end_session
from ejportal.security import DELETE, EDIT, OWN_ACCOUNT, VIEW, VIEW_PUBLIC
from ejportal.site.content_actions import AddContent, DeleteContent, EditContent
from ejportal.site.resources import Portal


class BadRequest(Invalid):
    """A body the API cannot take (rendered below, answered 400)."""


def json_body(request):
    """The request's JSON object. Its text has passed the one boundary check where the body
    is parsed (``PortalRequest.json_body``): bad text is a ``BadText``, answered 400 with the
    fields named."""
    try:
        body = request.json_body
    except ValueError:
        raise BadRequest(_('The body is not valid JSON.'))
    if not isinstance(body, dict):
        raise BadRequest(_('The body must be a JSON object.'))
    return body


@view_config(context=BadRequest)
def bad_request(exc, request):
    return json_error(request, 400, 'BadRequest', exc.message, exc.fields)


def invalid_fields(invalid):
    return {k.split('.')[-1]: v for k, v in invalid.asdict().items()}


@view_config(context=Portal, name='@login', request_method='POST', permission=VIEW_PUBLIC,
             require_csrf=False)
def login(context, request):
    """``{"login", "password", "code"?}`` -> ``{"token"}``: the login action, as the login
    screen calls it, opening a session good only as a bearer token. CSRF does not apply: a
    JSON body cannot be sent cross-site without the browser asking first, and no cookie is
    set. A refusal is answered, not raised, so the failure it recorded is kept."""
    try:
        _user, token = LogIn(context, request, kind=API)(json_body(request))
    except UserError as refused:
        return json_error(request, refused.status, refused.error_type, refused.message,
                          refused.fields)
    return json_response({'token': token})


@view_config(context=Portal, name='@logout', request_method='POST', permission=OWN_ACCOUNT)
def logout(context, request):
    end_session(request, request.identity.session_key)
    return Response(status=204)


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

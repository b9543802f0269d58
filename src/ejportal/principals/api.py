"""The principals' JSON endpoints: ``@login``, ``@logout`` and ``@sharing`` (plone.restapi's
names)."""
from pyramid.response import Response
from pyramid.view import view_config

from ejportal.core.content import Shareable
from ejportal.core.errors import UserError
from ejportal.core.jsonapi import json_body, json_error
from ejportal.core.responses import json_response, jsonable
from ejportal.core.traversal import JSON_VIEW
from ejportal.principals.actions import AddUser
from ejportal.principals.login import LogIn
from ejportal.principals.sessions import API, end_session
from ejportal.principals.sharing import ChangeSharing, sharing_state
from ejportal.principals.resources import Users
from ejportal.security import MANAGE_SHARING, OWN_ACCOUNT, VIEW, VIEW_PUBLIC
from ejportal.site.content_actions import AddContent
from ejportal.site.resources import Portal


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

@view_config(context=Users, name=JSON_VIEW, request_method='POST', permission=VIEW)
def add_user(context, request):
    """``{"@type": "User", "id", fields...}`` -> 201, the user and their one-time password:
    the users screen's action (``add-user``), so the API's account gets the same checks and
    must change that password at its first login. (Asked no more than VIEW here, as the
    generic POST: the action asks its own permission.)"""
    body = json_body(request)
    if body.get('@type') != 'User':
        # whatever else the folder is offered: refused as the generic POST refuses it
        AddContent(context, request, body.get('@type'))(body)
    data = {key: value for key, value in body.items() if not key.startswith('@')}
    if 'id' in data:
        data['login'] = data.pop('id')
    try:
        user, one_time = AddUser(context, request)(data)
    except UserError as refused:
        # the API names the new name ``id``, as every POST of a child does
        if 'login' in refused.fields:
            refused.fields['id'] = refused.fields.pop('login')
        raise
    answer = {'@id': request.resource_url(user).rstrip('/'), '@type': user.type_name,
              'id': user.__name__, 'title': user.title, 'one_time_password': one_time}
    answer.update(user.fields())
    response = json_response(jsonable(answer, request.localizer), 201)
    response.location = request.resource_url(user)
    return response


@view_config(context=Portal, name='@logout', request_method='POST', permission=OWN_ACCOUNT)
def logout(context, request):
    end_session(request, request.identity.session_key)
    return Response(status=204)


@view_config(context=Shareable, name='@sharing', request_method='GET',
             permission=MANAGE_SHARING)
def get_sharing(context, request):
    """``?search=`` adds the users and groups it finds, holding nothing yet."""
    return json_response(sharing_state(context, request, request.GET.get('search', '')))


@view_config(context=Shareable, name='@sharing', request_method='POST',
             permission=MANAGE_SHARING)
def post_sharing(context, request):
    """``{"entries": [{"id", "type", "roles": {role: bool}}]}`` -> 204: the sharing screen's
    action (a refusal: 400 naming the entry, nothing changed)."""
    ChangeSharing(context, request)(json_body(request))
    return Response(status=204)

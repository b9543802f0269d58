"""The principals' JSON endpoints: ``@login``, ``@logout`` and ``@sharing`` (plone.restapi's
names)."""
from pyramid.response import Response
from pyramid.view import view_config

from ejportal.core.content import Shareable
from ejportal.core.errors import UserError
from ejportal.core.jsonapi import json_body, json_error
from ejportal.core.responses import json_response
from ejportal.principals.login import LogIn
from ejportal.principals.sessions import API, end_session
from ejportal.principals.sharing import ChangeSharing, sharing_state
from ejportal.security import MANAGE_SHARING, OWN_ACCOUNT, VIEW_PUBLIC
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

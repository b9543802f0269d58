"""The principals' JSON endpoints: ``@login`` and ``@logout`` (plone.restapi's names)."""
from pyramid.response import Response
from pyramid.view import view_config

from ejportal.core.errors import UserError
from ejportal.core.jsonapi import json_body, json_error
from ejportal.core.responses import json_response
from ejportal.principals.login import LogIn
from ejportal.principals.sessions import API, end_session
from ejportal.security import OWN_ACCOUNT, VIEW_PUBLIC
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

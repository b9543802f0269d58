"""The JSON API's generic services: ``@login``, ``@logout`` and CRUD on any resource."""
from pyramid.response import Response
from pyramid.view import exception_view_config, view_config

from ejportal.api.errors import json_error, wants_json
from ejportal.api.responses import json_response
from ejportal.api.serialize import serialize
from ejportal.api.traversal import JSON_VIEW
from ejportal.core.content import Resource
from ejportal.core.errors import UserError
from ejportal.i18n import _
from ejportal.principals.login import LoginRefused, check_credentials, complete_login
from ejportal.principals.sessions import end_session
from ejportal.security import DELETE, EDIT, OWN_ACCOUNT, VIEW, VIEW_PUBLIC
from ejportal.site.content_actions import AddContent, DeleteContent, EditContent
from ejportal.site.resources import Portal
from ejportal.site.views import render_error


class BadRequest(Exception):
    def __init__(self, message, fields=None):
        super().__init__(message)
        self.message = message
        self.fields = fields


def json_body(request):
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
    """``{"login", "password"}`` -> ``{"token"}``. CSRF does not apply: a JSON body cannot
    be sent cross-site without the browser asking first, and no cookie is set."""
    body = json_body(request)
    try:
        user = check_credentials(request, str(body.get('login', '')), str(body.get('password', '')))
    except LoginRefused as refused:
        status = 429 if refused.kind == 'throttled' else 401
        return json_error(request, status, 'Unauthorized', refused.message)
    if user.must_change_password:
        return json_error(request, 403, 'PasswordChangeRequired', _(
            'This account has a one-time password: log in on the site and choose your own.'))
    if user.totp_secret:
        return json_error(request, 403, 'SecondFactorRequired', _(
            'This account uses a second factor: API tokens for it are issued on the site.'))
    token = complete_login(request, user, kind='api')
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
# (a refusal, a ``UserError``, is rendered by ``user_error``). Adding is asked no more than
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


ERROR_TITLES = {
    400: _('The request could not be served'),
    403: _('Access denied'),
    404: _('Page not found'),
    409: _('error-conflict', default='The change was refused'),
}


@exception_view_config(UserError)
def user_error(exc, request):
    """An action's refusal: the JSON error for an API call, else the error page in the
    reader's language, with the refusal's status either way. (The transaction is
    aborted: an action refuses before it changes anything, and pyramid_tm aborts when an
    exception view answers.)"""
    if wants_json(request):
        return json_error(request, exc.status, exc.error_type, exc.message, exc.fields)
    return render_error(request, exc.status, ERROR_TITLES.get(exc.status, ERROR_TITLES[400]),
                        exc.message)

"""The JSON API's generic services: ``@login``, ``@logout`` and CRUD on any resource."""
import colander
from pyramid.response import Response
from pyramid.view import view_config

from ejportal.api.serialize import serialize
from ejportal.core.content import Resource, create, type_info
from ejportal.core.errors import UserError
from ejportal.core.folder import check_name
from ejportal.core.jsonapi import json_error
from ejportal.core.responses import json_response
from ejportal.core.traversal import JSON_VIEW
from ejportal.i18n import _
from ejportal.principals.login import LogIn
from ejportal.principals.sessions import API, end_session
from ejportal.security import ADD, DELETE, EDIT, OWN_ACCOUNT, VIEW, VIEW_PUBLIC
from ejportal.site.resources import Portal


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


@view_config(context=Resource, name=JSON_VIEW, request_method='POST', permission=ADD)
def post(context, request):
    """Create a child: ``{"@type", "id"?, fields...}`` -> 201 and the new resource."""
    body = json_body(request)
    info = type_info(body.get("@type"))
    if info is None or not context.is_folder or context.type_name not in info.addable_to:
        raise BadRequest(_('This type cannot be added here.'), {'@type': _('Not addable here.')})
    if info.add_permission and not request.has_permission(info.add_permission, context):
        return json_error(request, 403, 'Forbidden', _('You may not add this here.'))
    if info.schema is None:
        raise BadRequest(_('This type is not created through the API.'))
    fields = {k: v for k, v in body.items() if not k.startswith('@') and k != 'id'}
    try:
        appstruct = info.schema().deserialize(fields)
    except colander.Invalid as invalid:
        raise BadRequest(_('Some fields are not valid.'), invalid_fields(invalid))
    name = body.get('id') or context.unique_name(info.name.lower())
    try:
        check_name(name)
    except (ValueError, TypeError):
        raise BadRequest(_('Not a valid id.'), {'id': _('Not a valid id.')})
    if name in context:
        return json_error(request, 409, 'Conflict', _('This id is taken.'), {'id': _('Taken.')})
    obj = context.add(name, create(info.name, **{k: tuple(sorted(v)) if isinstance(v, set) else v
                                                  for k, v in appstruct.items()}))
    response = json_response(serialize(request, obj), 201)
    response.location = request.resource_url(obj)
    return response


@view_config(context=Resource, name=JSON_VIEW, request_method='PATCH', permission=EDIT)
def patch(context, request):
    """Change the given fields only; 204."""
    body = json_body(request)
    info = type_info(context.type_name)
    if info is None or info.schema is None:
        raise BadRequest(_('This resource is not changed through the API.'))
    schema = info.schema()
    unknown = [k for k in body if k not in schema and not k.startswith('@')]
    if unknown:
        raise BadRequest(_('Unknown fields.'), {k: _('Unknown field.') for k in unknown})
    partial = colander.SchemaNode(colander.Mapping())
    for node in schema.children:
        if node.name in body:
            partial.add(node.clone())
    try:
        appstruct = partial.deserialize({k: v for k, v in body.items() if k in schema})
    except colander.Invalid as invalid:
        raise BadRequest(_('Some fields are not valid.'), invalid_fields(invalid))
    try:
        context.update(appstruct)
    except ValueError as refused:  # a type's own rule, e.g. a frozen version
        return json_error(request, 409, 'Conflict', str(refused))
    return Response(status=204)


@view_config(context=Resource, name=JSON_VIEW, request_method='DELETE', permission=DELETE)
def delete(context, request):
    parent = context.__parent__
    if parent is None or not context.deletable:
        return json_error(request, 409, 'Conflict', _(
            'This cannot be deleted; disable, cancel or archive it instead.'))
    parent.remove(context.__name__)
    return Response(status=204)

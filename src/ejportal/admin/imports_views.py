"""*Settings → Import of people*: the templates, the upload, the preview with its row errors, the
confirmation and the log of imports; the same through the JSON API (``/settings/@import``,
``/settings/@imports``). The work is ``admin.imports``; these doors only read the upload,
keep the preview under its token and render the outcome."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ejportal.admin import imports
from ejportal.core.errors import Invalid, NotFound
from ejportal.core.files import XLSX, download_response
from ejportal.core.jsonapi import json_body, json_error
from ejportal.core.responses import json_response, jsonable
from ejportal.core.text import check_form
from ejportal.i18n import _
from ejportal.paths import template
from ejportal.security import MANAGE_USERS
from ejportal.site.resources import get_portal
from ejportal.site.settings import Settings

PAGE = template('admin/import.pt')
CSV = 'text/csv'


def settings_of(request):
    return get_portal(request)['settings']


def uploaded(request):
    """(bytes, file name) of the form's or the API's ``file``; Invalid without one."""
    check_form(request.POST.items())
    upload = request.POST.get('file')
    if not hasattr(upload, 'file'):
        raise Invalid(_('Choose a file.'), {'file': _('Choose a file.')})
    return upload.file.read(imports.MAX_BYTES + 1), (upload.filename or 'import')[:200]


def error_rows(request, outcome):
    translate = request.localizer.translate
    return [{'sheet': e.sheet, 'row': e.row, 'column': e.column,
             'message': translate(e.message)} for e in outcome.errors]


def error_fields(rows):
    """The row errors as an error's ``fields``: ``<sheet>.<row>.<column>``."""
    fields = {}
    for row in rows:
        key = '.'.join(str(p) for p in (row['sheet'] or 'file', row['row'], row['column'])
                       if p != '')
        fields[key] = ('%s; %s' % (fields[key], row['message'])) if key in fields \
            else row['message']
    return fields


def log_folder(request):
    return imports.imports_folder(get_portal(request), create_missing=True)


def preview(request, data, filename):
    """Read the file, run it without keeping it, keep its rows under a token."""
    tables = imports.read_tables(data, filename)
    outcome = imports.run_import(get_portal(request), request, tables, dry_run=True)
    token = log_folder(request).keep_preview(request.authenticated_userid, filename, tables)
    return token, tables, outcome


def confirm(request, filename, tables, token=None):
    """Run for real; the log keeps the attempt either way (a refused one changes nothing
    else). -> (outcome, log entry)."""
    outcome = imports.run_import(get_portal(request), request, tables, dry_run=False)
    folder = log_folder(request)
    entry = folder.log(request.authenticated_userid, filename, outcome)
    if outcome.valid and token:
        folder.forget(token)
    return outcome, entry


def counts_view(outcome):
    return [(imports.KIND_TITLES[kind], outcome.counts[kind]) for kind in imports.KINDS]


def templates_view(request):
    url = request.resource_url(settings_of(request), 'import-template')
    return {'xlsx': url + '?format=xlsx',
            'csv': [(imports.KIND_TITLES[kind], url + '?format=csv&kind=' + kind)
                    for kind in imports.KINDS],
            'columns': [(imports.KIND_TITLES[kind], imports.COLUMNS[kind])
                        for kind in imports.KINDS]}


def page(request, **values):
    result = {'title': _('Import of people and classes'), 'templates': templates_view(request),
              'error': None, 'token': None, 'errors': (), 'counts': (), 'tables': (),
              'filename': '', 'credentials': (), 'saved': False, 'error_details': (),
              'log_url': request.resource_url(settings_of(request), 'imports')}
    result.update(values)
    return result


# -- the form -----------------------------------------------------------------------------
@view_config(context=Settings, name='import', request_method='GET',
             permission=MANAGE_USERS, renderer=PAGE)
def import_page(context, request):
    token = request.params.get('token')
    if not token:
        return page(request)
    found = log_folder(request).preview(token, request.authenticated_userid)
    if found is None:
        raise NotFound(_('import-preview-gone', default='This preview is over: upload the '
                         'file again.'))
    filename, tables = found
    outcome = imports.run_import(get_portal(request), request, tables, dry_run=True)
    return page(request, token=token, filename=filename, errors=error_rows(request, outcome),
                counts=counts_view(outcome), tables=[
                    (t.title or filename, imports.KIND_TITLES[t.kind], len(t.rows))
                    for t in tables])


@view_config(context=Settings, name='import', request_method='POST',
             permission=MANAGE_USERS, renderer=PAGE)
def import_post(context, request):
    if 'confirm' in request.POST:
        return confirm_post(request)
    try:
        data, filename = uploaded(request)
        token, _tables, _outcome = preview(request, data, filename)
    except Invalid as refused:
        request.response.status = 400
        return page(request, error=refused.message, error_details=sorted(
            (name, request.localizer.translate(text))
            for name, text in refused.fields.items() if name != 'file'))
    return HTTPSeeOther(request.resource_url(context, 'import', query={'token': token}))


def confirm_post(request):
    token = request.POST.get('token', '')
    found = log_folder(request).preview(token, request.authenticated_userid)
    if found is None:
        raise NotFound(_('import-preview-gone', default='This preview is over: upload the '
                         'file again.'))
    filename, tables = found
    outcome, _entry = confirm(request, filename, tables, token)
    if not outcome.valid:
        request.response.status = 400
        return page(request, token=token, filename=filename,
                    errors=error_rows(request, outcome), counts=counts_view(outcome),
                    error=_('Some rows are not valid; nothing was saved.'))
    # the one-time passwords are on this page: it is never cached
    request.response.cache_control = 'no-store'
    return page(request, saved=True, filename=filename, counts=counts_view(outcome),
                credentials=outcome.credentials)


@view_config(context=Settings, name='imports', request_method='GET',
             permission=MANAGE_USERS, renderer=template('admin/imports_log.pt'))
def imports_log(context, request):
    folder = imports.imports_folder(get_portal(request))
    return {'title': _('Imports of people'),
            'entries': folder.entries() if folder is not None else [],
            'kinds': [(kind, imports.KIND_TITLES[kind]) for kind in imports.KINDS],
            'import_url': request.resource_url(context, 'import')}


@view_config(context=Settings, name='import-template', request_method='GET',
             permission=MANAGE_USERS)
def import_template(context, request):
    kind = request.params.get('kind', '')
    if request.params.get('format') == 'csv':
        if kind not in imports.COLUMNS:
            raise Invalid(_('Choose a kind of table.'), {'kind': _('Choose a kind of table.')})
        return download_response(imports.template_csv(kind), 'import-%s.csv' % kind,
                                 CSV + '; charset=utf-8')
    return download_response(imports.template_xlsx(), 'import-people.xlsx', XLSX)


# -- the JSON API -------------------------------------------------------------------------
def outcome_json(request, outcome, entry=None):
    body = {'valid': outcome.valid, 'counts': dict(outcome.counts),
            'errors': error_rows(request, outcome)}
    if entry is not None:
        body['@id'] = request.resource_url(entry).rstrip('/')
    if outcome.credentials:
        body['credentials'] = [{'login': login, 'name': name, 'password': password}
                               for login, name, password in outcome.credentials]
    return body


@view_config(context=Settings, name='@import', request_method='POST',
             permission=MANAGE_USERS)
def import_json(context, request):
    """A file (multipart ``file``) with ``dry_run``: the preview (200, with a ``token``);
    without: the import (201, or 400 with the row errors). ``{"token"}`` as JSON confirms
    a preview."""
    if request.content_type == 'application/json':
        token = json_body(request).get('token')
        found = log_folder(request).preview(token if isinstance(token, str) else '',
                                            request.authenticated_userid)
        if found is None:
            raise NotFound(_('import-preview-gone', default='This preview is over: upload '
                             'the file again.'))
        filename, tables = found
    else:
        data, filename = uploaded(request)
        token = None
        if request.POST.get('dry_run', '') not in ('', '0', 'false'):
            token, tables, outcome = preview(request, data, filename)
            return json_response(dict(outcome_json(request, outcome), token=token))
        tables = imports.read_tables(data, filename)
    outcome, entry = confirm(request, filename, tables, token)
    if not outcome.valid:
        rows = error_rows(request, outcome)
        response = json_error(request, 400, 'BadRequest',
                              _('Some rows are not valid; nothing was saved.'),
                              error_fields(rows))
        body = response.json_body
        body['errors'] = rows
        return json_response(body, 400)
    response = json_response(jsonable(outcome_json(request, outcome, entry)), 201)
    response.cache_control = 'no-store'
    return response


@view_config(context=Settings, name='@imports', request_method='GET',
             permission=MANAGE_USERS)
def imports_json(context, request):
    folder = imports.imports_folder(get_portal(request))
    return json_response(jsonable({'items': [
        dict(e.api_extra(), **{'@id': request.resource_url(e).rstrip('/'),
                               'time': e.created})
        for e in (folder.entries() if folder is not None else [])]}))

"""The regional export's doors: the schema (public, as a published format is), the runs
(the administrator's) and each run's package for download."""
from pyramid.view import view_config

from ejportal.core.errors import Forbidden, NotFound
from ejportal.core.files import download_response
from ejportal.core.responses import json_response, jsonable
from ejportal.i18n import _
from ejportal.paths import template
from ejportal.rid.export import RidExports, RidRun, exports_folder
from ejportal.rid.package import schema
from ejportal.security import MANAGE_SETTINGS, VIEW_PUBLIC
from ejportal.site.resources import Portal

ZIP = 'application/zip'


def run_json(request, run):
    return dict(run.api_extra(), **{'@id': request.resource_url(run).rstrip('/'),
                                    'created': run.created})


@view_config(context=Portal, name='@rid', request_method='GET', permission=VIEW_PUBLIC)
def rid(context, request):
    """``/@rid/schema`` (anyone: the format is published) and ``/@rid/runs`` (the
    administrator)."""
    if request.subpath == ('schema',):
        response = json_response(schema())
        response.content_type = 'application/schema+json'
        return response
    if request.subpath == ('runs',):
        folder = exports_folder(context)
        if not request.has_permission(MANAGE_SETTINGS, context['settings']):
            raise Forbidden(_('The regional export is the administrator\'s.'))
        runs = list(folder.values()) if folder is not None else []
        runs.sort(key=lambda r: r.created, reverse=True)
        return json_response(jsonable({'items': [run_json(request, r) for r in runs]}))
    raise NotFound(_('Not found.'))


@view_config(context=RidRun, request_method='GET', permission=MANAGE_SETTINGS,
             accept='application/zip')
@view_config(context=RidRun, request_method='GET', permission=MANAGE_SETTINGS,
             accept='text/html')
def download(context, request):
    return download_response(context.zip_bytes(), 'rid-%s.zip' % context.package_id, ZIP)


@view_config(context=RidExports, request_method='GET', permission=MANAGE_SETTINGS,
             renderer=template('rid/runs.pt'), accept='text/html')
def runs_page(context, request):
    runs = sorted(context.values(), key=lambda r: r.created, reverse=True)
    return {'title': _('Regional export'), 'runs': runs,
            'job_url': request.resource_url(context.__parent__, 'jobs', 'rid-export')}

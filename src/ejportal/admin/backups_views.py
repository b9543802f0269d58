"""*Settings → Backups*: per destination, its backups with size, time, kind and the last
verified one, and a warning when a destination is missing, not writable or behind."""
from pyramid.view import view_config

from ejportal.admin.backups import destination_report, destinations
from ejportal.core.responses import json_response
from ejportal.i18n import _
from ejportal.paths import template
from ejportal.security import MANAGE_SETTINGS
from ejportal.site.settings import Settings


def report(settings_object):
    return [destination_report(d) for d in destinations(settings_object)]


@view_config(context=Settings, name='backups', request_method='GET',
             permission=MANAGE_SETTINGS, renderer=template('admin/backups.pt'))
def backups_page(context, request):
    return {'title': _('Backups'), 'destinations': report(context),
            'job_url': request.resource_url(context, 'jobs', 'backup')}


@view_config(context=Settings, name='@backups', request_method='GET',
             permission=MANAGE_SETTINGS)
def backups_json(context, request):
    return json_response({'items': report(context)})

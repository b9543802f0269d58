"""*Settings → Jobs*: the scheduled jobs with their state, their schedule form, "run now"
and each job's recent runs with their logs; the same through the JSON API; and the start
page's warning when a job failed or missed its time."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ejportal.core.forms import CSRFSchema, FormView
from ejportal.core.jobs import Job, JobScheduleSchema, Jobs, jobs_folder, local_now
from ejportal.core.responses import json_response, jsonable
from ejportal.i18n import _
from ejportal.paths import template
from ejportal.security import MANAGE_SETTINGS
from ejportal.site.content_actions import EditContent
from ejportal.site.resources import get_portal

SCHEDULE_FIELDS = tuple(node.name for node in JobScheduleSchema().children)


def run_json(run):
    return {'start': run['start'], 'end': run['end'], 'outcome': run['outcome'],
            'seconds': run['seconds'], 'by': run['by'], 'log': run['log']}


@view_config(context=Jobs, request_method='GET', permission=MANAGE_SETTINGS,
             renderer=template('admin/jobs.pt'), accept='text/html')
def jobs_page(context, request):
    now = local_now()
    return {'title': _('Scheduled jobs'),
            'jobs': [(job, job.state(now)) for job in context.values()]}


@view_config(context=Job, request_method='GET', permission=MANAGE_SETTINGS,
             renderer=template('admin/job.pt'), accept='text/html')
def job_page(context, request):
    return {'title': context.title, 'job': context, 'state': context.state(local_now()),
            'runs': list(reversed(context.runs))}


class ScheduleFormSchema(CSRFSchema, JobScheduleSchema):
    pass


@view_config(context=Job, name='schedule', permission=MANAGE_SETTINGS,
             renderer=template('form.pt'))
class ScheduleView(FormView):
    schema = ScheduleFormSchema
    title = _('Schedule')

    def appstruct(self):
        return {name: getattr(self.context, name) for name in SCHEDULE_FIELDS}

    def save_success(self, appstruct):
        EditContent(self.context, self.request).run(
            {name: appstruct[name] for name in SCHEDULE_FIELDS})
        self.request.session.flash(_('Saved.'), 'success')
        return HTTPSeeOther(self.request.resource_url(self.context.__parent__))


def request_run(job, request):
    """"Run now": the runner of the server takes it within its interval."""
    job.requested, job.requested_by = True, request.authenticated_userid


@view_config(context=Job, name='run-now', request_method='POST', permission=MANAGE_SETTINGS)
def run_now(context, request):
    request_run(context, request)
    request.session.flash(_('job-requested', default='Requested: the server runs it within '
                            'a minute.'), 'success')
    return HTTPSeeOther(request.resource_url(context.__parent__))


@view_config(context=Job, name='@run', request_method='POST', permission=MANAGE_SETTINGS)
def run_now_json(context, request):
    request_run(context, request)
    return json_response({'@id': request.resource_url(context).rstrip('/'),
                          'requested': True}, status=202)


@view_config(context=Job, name='@runs', request_method='GET', permission=MANAGE_SETTINGS)
def runs_json(context, request):
    return json_response(jsonable({'items': [run_json(r) for r in reversed(context.runs)],
                                   **context.state(local_now())}))


def jobs_warning_panel(request):
    """On the administrator's start page: jobs that failed or missed their time."""
    portal = get_portal(request)
    folder = jobs_folder(portal)
    if folder is None or not request.has_permission(MANAGE_SETTINGS, folder):
        return None
    now = local_now()
    items = []
    for job in folder.values():
        if job.failed():
            note = _('job-failed-note', default='failed at ${time}: see its log',
                     mapping={'time': job.last_run['end'].strftime('%d.%m.%Y %H:%M')})
        elif job.missed(now):
            note = _('job-missed-note', default='missed its time: is the server running '
                     'with its jobs?')
        else:
            continue
        items.append({'title': job.title, 'url': request.resource_url(job), 'note': note})
    if not items:
        return None
    return {'title': _('Scheduled jobs need attention'), 'items': items}

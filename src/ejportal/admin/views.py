"""The settings form and the audit log screen (filters, CSV export)."""
import datetime
import io

import colander
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.renderers import render
from pyramid.response import Response
from pyramid.view import view_config

from ejportal.admin.audit_titles import DetailsText, action_title
from ejportal.admin.books import books_of
from ejportal.core.audit import anchor_path, get_audit_log, write_csv
from ejportal.core.forms import CSRFSchema, FormView
from ejportal.i18n import _
from ejportal.paths import template
from ejportal.security import MANAGE_SETTINGS, VIEW_AUDIT
from ejportal.site.content_actions import EditContent
from ejportal.site.names import ANONYMOUS, person_name
from ejportal.site.resources import get_portal
from ejportal.site.settings import Settings, SettingsSchema

SETTINGS_FIELDS = tuple(node.name for node in SettingsSchema().children)


class SettingsFormSchema(CSRFSchema, SettingsSchema):
    pass


@view_config(context=Settings, permission=MANAGE_SETTINGS, renderer=template('form.pt'))
class SettingsView(FormView):
    schema = SettingsFormSchema
    title = _('Settings')

    def appstruct(self):
        return {name: getattr(self.context, name) for name in SETTINGS_FIELDS}

    def render(self, form_html):
        result = super().render(form_html)
        result['intro'] = render(template('admin/books_list.pt'), {
            'books': books_of(self.request, self.context)}, request=self.request)
        return result

    def save_success(self, appstruct):
        EditContent(self.context, self.request).run(appstruct)
        self.request.session.flash(_('Saved.'), 'success')
        return HTTPSeeOther(self.request.resource_url(self.context))


class AuditFilterSchema(colander.MappingSchema):
    userid = colander.SchemaNode(colander.String(), missing=None)
    action = colander.SchemaNode(colander.String(), missing=None)
    path = colander.SchemaNode(colander.String(), missing=None)
    text = colander.SchemaNode(colander.String(), missing=None)
    since = colander.SchemaNode(colander.Date(), missing=None)
    until = colander.SchemaNode(colander.Date(), missing=None)


def audit_filters(request):
    """The filters from the query string; a malformed date is reported, not a 500."""
    names = [node.name for node in AuditFilterSchema().children]
    raw = {k: request.GET[k].strip() for k in names if request.GET.get(k, '').strip()}
    try:
        filters = AuditFilterSchema().deserialize(raw)
        errors = {}
    except colander.Invalid as invalid:
        errors = invalid.asdict()
        filters = AuditFilterSchema().deserialize(
            {k: v for k, v in raw.items() if k not in errors})
    return raw, filters, errors


def query_audit(request, filters, limit):
    until = filters['until']
    return get_audit_log(get_portal(request)).search(
        userid=filters['userid'], action=filters['action'], path_prefix=filters['path'],
        text=filters['text'],
        since=datetime.datetime.combine(filters['since'], datetime.time.min,
                                        datetime.timezone.utc) if filters['since'] else None,
        until=datetime.datetime.combine(until, datetime.time.max,
                                        datetime.timezone.utc) if until else None,
        limit=limit)


def audit_who(entry):
    """Who the entry is about: a login's entry is written before anyone is logged in, so
    it names the login it tried."""
    details = entry.get('details') or {}
    if entry['userid'] == ANONYMOUS and isinstance(details, dict) and details.get('login'):
        return details['login']
    return entry['userid']


@view_config(context=Settings, name='audit', permission=VIEW_AUDIT,
             renderer=template('admin/audit.pt'))
def audit_screen(context, request):
    raw, filters, errors = audit_filters(request)
    entries = query_audit(request, filters, limit=200)
    log = get_audit_log(get_portal(request))
    details_text = DetailsText(request)
    entries = [dict(e, action_title=action_title(e['action']), details_text=details_text(e),
                    who=person_name(request, audit_who(e), short=True),
                    where=details_text.place(e['path'])) for e in entries]
    return {'title': _('Audit log'), 'entries': entries, 'raw': raw, 'errors': errors,
            'total': len(log), 'csv_query': request.query_string}


@view_config(context=Settings, name='audit.csv', permission=VIEW_AUDIT)
def audit_csv(context, request):
    _raw, filters, _errors = audit_filters(request)
    buffer = io.StringIO()
    write_csv(query_audit(request, filters, limit=None), buffer)
    response = Response(body=buffer.getvalue().encode('utf-8-sig'),
                        content_type='text/csv', charset='utf-8')
    response.content_disposition = 'attachment; filename="audit.csv"'
    return response


@view_config(context=Settings, name='audit-verify', permission=VIEW_AUDIT,
             renderer=template('admin/audit_verify.pt'))
def audit_verify(context, request):
    ok, broken, message = get_audit_log(get_portal(request)).verify(
        anchor_path(request.registry))
    return {'title': _('Audit log check'), 'ok': ok, 'broken': broken, 'message': message}

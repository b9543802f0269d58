"""The doors of the director's dashboard (``journal.dashboard``): the page
(``/journal/@@dashboard``), its JSON (``/journal/@dashboard``) and the per-teacher summary
as XLSX (``/journal/@@dashboard.xlsx``), each ``?year=&period=``; for the director and
the deputies (``VIEW_CONTROL``). Beside the journal's own figures the page shows what the
other areas register with ``config.add_dashboard_part`` (orders waiting for
acknowledgement, the roll-out plan, the teachers' undertakings): this area imports none of
them."""
import openpyxl
from openpyxl.styles import Font
from pyramid.view import view_config

from ejportal.core.charts import bar_chart, number, percent
from ejportal.core.errors import Invalid, NotFound
from ejportal.core.exports import save_xlsx
from ejportal.core.files import download_response
from ejportal.core.registry import portal_registry
from ejportal.core.responses import json_response, jsonable
from ejportal.i18n import _
from ejportal.journal.dashboard import dashboard
from ejportal.journal.manage import user_name
from ejportal.journal.resources import School
from ejportal.journal.control_request import control_args, control_filters
from ejportal.paths import template
from ejportal.security import VIEW_CONTROL

XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

# the per-teacher table: (key of the figures, column title, is a percentage)
COLUMNS = (
    ('journals', _('dash-journals', default='Journals'), False),
    ('held', _('dash-held', default='Lessons held'), False),
    ('complete', _('dash-complete', default='With topic and homework'), False),
    ('completeness', _('dash-completeness', default='Completeness, %'), True),
    ('students', _('dash-students', default='Students (per journal)'), False),
    ('few_marks', _('dash-few-marks', default='With too few marks'), False),
    ('quality', _('dash-quality', default='Quality, %'), True),
    ('missing_period_marks', _('dash-missing', default='Period marks missing'), False),
    ('timed', _('dash-timed', default='Entries of known time'), False),
    ('late', _('dash-late', default='Late entries'), False),
    ('timeliness', _('dash-timeliness', default='Timeliness, %'), True),
    ('delay_max', _('dash-delay-max', default='Longest delay, days'), False),
    ('remarks', _('dash-remarks', default='Remarks'), False),
)
SERIES = (('completeness', _('Completeness')), ('quality', _('Quality')),
          ('timeliness', _('Timeliness')))


def dashboard_of(context, request):
    """The figures of ``?year=&period=`` (the current period by default); a year or period
    that is not there is refused."""
    year, period_id, min_marks = control_args(context, request)
    if year is None:
        raise NotFound(_('No school year.'))
    if period_id and period_id not in {p.id for p in year.all_periods()}:
        message = _('No such period.')
        raise Invalid(message, {'period': message})
    found = dashboard(year, period_id, min_marks=min_marks,
                      late_days=control_filters(request)['late_days'])
    found['teachers'] = sorted(
        ((login, user_name(request, login) if login else request.localizer.translate(
            _('no teacher')), f) for login, f in found['teachers']),
        key=lambda t: (not t[0], t[1]))
    return found


def parts(request):
    """What the other areas show on the dashboard (``DashboardPart``s)."""
    reg = portal_registry(request.registry)
    return [part for part in (function(request) for function in reg.values(
        reg.dashboard_parts)) if part is not None]


def cell(value, in_percent=False):
    """A figure as the tables print it (a part's text cells as they are)."""
    if in_percent:
        return percent(value)
    return number(value) if value is None or isinstance(value, (int, float)) else value


def journal_chart(request, found):
    translate = request.localizer.translate
    labels = [name for _login, name, _f in found['teachers']] + [translate(_('School'))]
    every = [f for _login, _name, f in found['teachers']] + [found['school']]
    return bar_chart(translate(_('dash-chart-journal', default='Keeping the journal, %')),
                     labels, [(translate(title), [f[key] for f in every], percent)
                              for key, title in SERIES], True)


def part_chart(request, part):
    if not part.chart:
        return ''
    translate = request.localizer.translate
    title, labels, series, in_percent = part.chart
    return bar_chart(translate(title), [translate(label) for label in labels],
                     [(translate(name), values, percent if in_percent else number)
                      for name, values in series], in_percent)


@view_config(context=School, name='dashboard', request_method='GET',
             permission=VIEW_CONTROL, renderer=template('journal/dashboard.pt'))
def dashboard_page(context, request):
    found = dashboard_of(context, request)
    query = {'year': found['year'].__name__}
    if found['period'] is not None:
        query['period'] = found['period'].id
    if 'min' in request.params:
        query['min'] = found['min_marks']
    shown = [{'part': part, 'svg': part_chart(request, part)} for part in parts(request)]
    return {'title': _("Director's dashboard"), 'found': found,
            'years': context.years(), 'periods': found['year'].all_periods(),
            'columns': COLUMNS, 'cell': cell, 'journal_svg': journal_chart(request, found),
            'parts': shown,
            'xlsx_url': request.resource_url(context, '@@dashboard.xlsx', query=query),
            'json_url': request.resource_url(context, '@dashboard', query=query),
            'control_url': request.resource_url(context, '@@control', query=query)}


def teacher_json(login, name, found):
    return dict(found, login=login or None, name=name)


@view_config(context=School, name='@dashboard', request_method='GET',
             permission=VIEW_CONTROL)
def dashboard_json(context, request):
    """``{"year", "period", "min_marks", "late_after_days", "school": {figures},
    "teachers": [{"login", "name", figures}], "<part>": {...}}``: the page's figures."""
    found = dashboard_of(context, request)
    data = {'year': found['year'].__name__,
            'period': found['period'].id if found['period'] else None,
            'period_title': found['period'].title if found['period'] else None,
            'min_marks': found['min_marks'], 'late_after_days': found['late_days'],
            'school': found['school'],
            'teachers': [teacher_json(*t) for t in found['teachers']]}
    for part in parts(request):
        data[part.name] = part.data
    return json_response(jsonable(data, request.localizer))


@view_config(context=School, name='dashboard.xlsx', request_method='GET',
             permission=VIEW_CONTROL)
def dashboard_xlsx(context, request):
    """The per-teacher summary of the period: one row per teacher and the school's."""
    found = dashboard_of(context, request)
    translate = request.localizer.translate
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = translate(_('dash-sheet', default='Teachers'))[:31]
    period = found['period']
    sheet.append(['%s: %s%s' % (translate(_("Director's dashboard")), found['year'].title,
                                ', ' + translate(period.title) if period else '')])
    sheet.append([translate(_('dash-xlsx-note', default='Late: written more than ${days} '
                                                        'days after the lesson; expected '
                                                        'marks: ${marks}', mapping={
                                  'days': found['late_days'],
                                  'marks': found['min_marks']}))])
    sheet.append([])
    sheet.append([translate(_('Teacher'))] + [translate(title) for _k, title, _p in COLUMNS])
    for cell_ in sheet[sheet.max_row]:
        cell_.font = Font(bold=True)
    for _login, name, figures in found['teachers']:
        sheet.append([name] + [figures[key] for key, _t, _p in COLUMNS])
    sheet.append([translate(_('School'))] + [found['school'][key] for key, _t, _p in COLUMNS])
    for cell_ in sheet[sheet.max_row]:
        cell_.font = Font(bold=True)
    sheet.column_dimensions['A'].width = 32
    name = 'dashboard-%s%s.xlsx' % (found['year'].__name__,
                                    '-' + period.id if period else '')
    return download_response(save_xlsx(book), name, XLSX)

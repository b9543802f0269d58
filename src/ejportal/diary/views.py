"""The diary's screens: a student's week, period and year, the progress report, and the
entry point ``/@@diary`` that opens the user's own diary (or their first child's).

Every student-level screen is a view on the ``Student`` with ``VIEW_DIARY``, which the
student's ACL grants to the family (and the director, deputy and class teacher) only: one
rule for every URL of a diary, so no query string can reach another family."""
import datetime

import colander
import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.view import view_config

from ejportal.core.caching import cached_response
from ejportal.core.errors import Invalid
from ejportal.core.files import blob_response
from ejportal.core.forms import CSRFSchema, FormError, FormView
from ejportal.core.uploads import ALLOWED
from ejportal.diary import model, weekpage
from ejportal.diary.family import my_children
from ejportal.diary.report import report_data, report_response
from ejportal.diary.resources import FREQUENCIES, student_file
from ejportal.core.audit import record
from ejportal.i18n import _, format_date
from ejportal.journal import grading
from ejportal.journal.resources import Student
from ejportal.paths import template
from ejportal.security import VIEW_DIARY
from ejportal.site.resources import Portal


# A diary's dates: a week reaches a week either side of its day and a report 400 days, so a
# date at the calendar's ends would overflow there; no school diary needs them.
FIRST_DAY, LAST_DAY = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)


def parse_day(value, field='week'):
    """A date from ``YYYY-MM-DD`` between 1900 and 2999; raises Invalid naming the field."""
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        message = _('not-a-date', mapping={'field': field},
                    default='${field}: a date as YYYY-MM-DD, please.')
        raise Invalid(message, {field: _('A date as YYYY-MM-DD, please.')})
    if not FIRST_DAY <= day <= LAST_DAY:
        message = _('date-out-of-range', mapping={'field': field},
                    default='${field}: a date between 1900 and 2999, please.')
        raise Invalid(message, {field: _('A date between 1900 and 2999, please.')})
    return day


def today():
    return datetime.date.today()


def common(context, request, current):
    """What every diary page shows above its content: whose diary, the children to switch
    between, the tabs."""
    children = my_children(request)
    school_class = context.current_class()
    tabs = [('diary', _('Week')), ('diary-period', _('Period')), ('diary-year', _('Year')),
            ('report', _('Report'))]
    is_parent = request.user is not None and request.user.__name__ in context.parents
    if is_parent:
        tabs.append(('diary-subscription', _('Report by e-mail')))
    return {'student': context, 'children': children if len(children) > 1 else [],
            'class_title': school_class.title if school_class is not None else '',
            'tabs': [{'name': n, 'title': t, 'url': request.resource_url(context, n),
                      'current': n == current} for n, t in tabs],
            'format_date': format_date}


@view_config(context=Portal, name='diary', permission=VIEW_DIARY)
def own_diary(context, request):
    """``/@@diary``: the user's own diary, or their first child's."""
    children = my_children(request)
    if not children:
        raise HTTPForbidden()
    return HTTPSeeOther(request.resource_url(context['journal']['students'][children[0][0]],
                                             'diary'))


@view_config(context=Student, name='diary', permission=VIEW_DIARY)
def week_view(context, request):
    """The week: every day's lessons in order. A browser revalidating an unchanged week
    gets a 304, and an unchanged week is sent from the response cache."""
    week = request.GET.get('week')
    day = parse_day(week) if week else today()
    now = today()
    stamp = model.week_stamp(context, day)
    return cached_response(request, weekpage.page_etag(request, context, stamp, now),
                           lambda: render_week(context, request, day, now, stamp))


def render_week(context, request, day, now, stamp):
    """The week page around its days, which every reader of the student's week shares
    (``weekpage.days_html``)."""
    monday = model.monday_of(day)
    result = common(context, request, 'diary')
    query = request.resource_url(context, 'diary') + '?week='
    result.update({'title': _('Diary'),
                   'days_html': weekpage.days_html(request, context, day, now, stamp),
                   'week_title': '%s — %s' % (format_date(monday),
                                              format_date(monday + datetime.timedelta(6))),
                   'prev_url': query + (monday - datetime.timedelta(7)).isoformat(),
                   'next_url': query + (monday + datetime.timedelta(7)).isoformat(),
                   'this_url': request.resource_url(context, 'diary')})
    return render_to_response(template('diary/week.pt'), result, request=request)


@view_config(context=Student, name='homework-file', request_method='GET',
             permission=VIEW_DIARY)
def homework_file(context, request):
    """A homework file of a lesson in one of this student's own journals (the family may
    not read the journal itself); 404 for anything else, so nothing can be probed. Always
    a download, never shown inline."""
    from pyramid.httpexceptions import HTTPNotFound
    params = request.params
    found = model.own_lesson(context, params.get('journal', ''), params.get('lesson', ''))
    files = [f for f in (found[1].files if found else ()) if f['name'] == params.get('name')]
    if not files or files[0].get('kind') not in ALLOWED:
        raise HTTPNotFound()
    item = files[0]
    return blob_response(item['blob'], item['name'], ALLOWED[item['kind']][1])


def _year(context, name=None):
    school = model.school_of(context)
    if name:
        year = school.get(name)
        if year is None or not hasattr(year, 'periods'):
            raise Invalid(_('No such school year.'), {'year': _('No such school year.')})
        return year
    year = school.current_year(today())
    if year is None:
        raise Invalid(_('No school year yet.'))
    return year


@view_config(context=Student, name='diary-period', permission=VIEW_DIARY,
             renderer=template('diary/period.pt'))
def period_view(context, request):
    year = _year(context, request.params.get('year'))
    grade = model.grade_in(context, year)
    period_id = request.params.get('period')
    period = year.period(period_id, grade) if period_id else year.current_period(today(),
                                                                                  grade)
    if period is None:
        raise Invalid(_('No such period.'), {'period': _('No such period.')})
    data = model.summary(context, period.start, period.end)
    for item in data['subjects']:
        item['period_mark'] = dict(
            model_period_marks(context, item['journal'])).get(period.id, '')
        item['suggested'] = grading.suggested_period_mark(item['average']['value'])
    result = common(context, request, 'diary-period')
    result.update({'title': _('Diary: period'), 'year': year, 'period': period,
                   'periods': year.periods_for(grade), 'summary': data,
                   'attendance_titles': grading.ATTENDANCE})
    return result


def model_period_marks(student, journal_path):
    return student.period_marks.items(min=(journal_path,), max=(journal_path, '\uffff'))


@view_config(context=Student, name='diary-year', permission=VIEW_DIARY,
             renderer=template('diary/year.pt'))
def year_view(context, request):
    year = _year(context, request.params.get('year'))
    result = common(context, request, 'diary-year')
    result.update({'title': _('Diary: year'), 'data': model.year_view(context, year)})
    return result


def report_range(request):
    """(start, end) from ``from`` and ``to`` (default: the current period); Invalid with the
    field named for anything else."""
    start_text, end_text = request.params.get('from'), request.params.get('to')
    if not start_text and not end_text:
        year = model.school_of(request.context).current_year(today()) \
            if isinstance(request.context, Student) else None
        period = year.current_period(today(), model.grade_in(request.context, year)) \
            if year is not None else None
        if period is not None:
            return period.start, period.end
        return model.monday_of(today()), today()
    start, end = parse_day(start_text, 'from'), parse_day(end_text, 'to')
    check_range(start, end)
    return start, end


def check_range(start, end):
    """The rule of a report's range, for the page and the API alike."""
    if start > end:
        message = _('"from" must not be after "to".')
        raise Invalid(message, {'to': message})
    if (end - start).days > model.MAX_RANGE_DAYS:
        message = _('At most 400 days in one report.')
        raise Invalid(message, {'to': message})


@view_config(context=Student, name='report', permission=VIEW_DIARY)
def report_view(context, request):
    """The progress and attendance report for any date range: the page, ``format=pdf`` or
    ``format=xlsx``."""
    start, end = report_range(request)
    fmt = request.params.get('format', 'html')
    if fmt not in ('html', 'pdf', 'xlsx'):
        message = _('format: html, pdf or xlsx.')
        raise Invalid(message, {'format': message})
    data = report_data(request, context, start, end)
    if fmt == 'html':
        data.update(common(context, request, 'report'))
    return report_response(request, data, fmt)


class SubscriptionSchema(CSRFSchema):
    frequency = colander.SchemaNode(
        colander.String(), title=_('Report by e-mail'), missing='',
        validator=colander.OneOf(('',) + FREQUENCIES, msg_err=_('Choose weekly, monthly or none.')),
        widget=deform.widget.RadioChoiceWidget(values=(
            ('', _('No e-mail')), ('weekly', _('Weekly')), ('monthly', _('Monthly')))))


@view_config(context=Student, name='diary-subscription', permission=VIEW_DIARY,
             renderer=template('diary/subscription.pt'))
class SubscriptionView(FormView):
    """A parent subscribes to the progress report of this child by e-mail (weekly or
    monthly), or ends the subscription. Only the child's parents."""

    schema = SubscriptionSchema
    title = _('Report by e-mail')

    def __call__(self):
        if self.request.user.__name__ not in self.context.parents:
            raise HTTPForbidden()
        return super().__call__()

    def current(self):
        file = self.context.diary
        return file.subscriptions.get(self.request.user.__name__, '') if file is not None else ''

    def appstruct(self):
        return {'frequency': self.current()}

    def render(self, form_html):
        result = super().render(form_html)
        result.update(common(self.context, self.request, 'diary-subscription'))
        result.update({'title': self.title, 'email': self.request.user.email})
        return result

    def save_success(self, appstruct):
        user, frequency, current = self.request.user, appstruct['frequency'], self.current()
        if frequency and not user.email:
            raise FormError('frequency', _('Your account has no e-mail address: ask the '
                                           'class teacher to add it.'))
        file = student_file(self.context, create=True)
        if frequency:
            file.subscriptions[user.__name__] = frequency
        else:
            file.subscriptions.pop(user.__name__, None)
        record(self.context, 'report-subscription', {'parent': user.__name__,
                                                     'old': current, 'new': frequency})
        self.request.session.flash(_('Saved.'), 'success')
        return HTTPSeeOther(self.request.resource_url(self.context, 'diary-subscription'))

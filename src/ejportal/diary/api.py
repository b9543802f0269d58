"""The diary's JSON API: ``GET /@diary?week=YYYY-MM-DD[&student=<id>]`` (the week's days with
their lessons), ``GET /@diary?from=…&to=…[&student=…]`` (a summary for the range) and
``GET /@report?from=…&to=…[&student=…][&format=pdf|xlsx]``; the same on a student
(``<student>/@diary``, ``<student>/@report``) for the school's staff who may read it.

Isolation: the student is looked up among the user's own family only where the user is not
allowed to read it; a student the user may not read answers 404 exactly like one that does
not exist, so ids cannot be probed."""
import datetime

from pyramid.view import view_config

from ejportal.core.caching import cached_response
from ejportal.core.errors import Invalid, NotFound
from ejportal.core.responses import json_response
from ejportal.diary import model, weekpage
from ejportal.diary.report import report_data, report_json, report_response
from ejportal.diary.family import my_children
from ejportal.diary.views import check_range, parse_day
from ejportal.i18n import _
from ejportal.journal.resources import Student
from ejportal.security import VIEW_DIARY
from ejportal.site.resources import Portal


def respond(data, status=200):
    return json_response(data, status)


def _date(request, field):
    return parse_day(request.params.get(field), field)


def chosen_student(context, request):
    """The student of the call: the context itself, or ``student=`` / the first child."""
    if isinstance(context, Student):
        return context
    students = context['journal']['students']
    sid = request.params.get('student')
    if sid is None:
        children = my_children(request)
        if not children:
            raise NotFound(_('No diary belongs to this account.'))
        sid = children[0][0]
    student = students.get(sid) if isinstance(sid, str) else None
    if student is None or not request.has_permission(VIEW_DIARY, student):
        raise NotFound(_('No such student among yours.'), {'student': _('Unknown student.')})
    return student


def _lesson_json(lesson, files_url):
    return {'subject': {'id': lesson['subject'], 'title': lesson['subject_title']},
            'number': lesson['number'], 'lesson': lesson['lesson'], 'topic': lesson['topic'],
            'lesson_type': lesson['lesson_type'],
            'homework': {'text': lesson['homework'],
                         'due': lesson['homework_due'].isoformat()
                         if lesson['homework_due'] else None,
                         'files': [{'name': f['name'], 'size': f['size'],
                                    'url': weekpage.file_url(files_url, lesson['journal'],
                                                             lesson['lesson'], f['name'])}
                                   for f in lesson['files']]},
            'marks': [{'value': m['value'], 'kind': m['kind'], 'kind_title': m['kind_title'],
                       'weight': m['weight']} for m in lesson['marks']],
            'attendance': lesson['attendance']['code'] if lesson['attendance'] else None,
            'remarks': [lesson['comment']] if lesson['comment'] else []}


def _remark_json(remark):
    return {'text': remark['text'], 'kind': remark['kind']}


def week_json(request, student, day):
    data = model.week(student, day)
    files_url = request.resource_url(student, 'homework-file')
    return {
        'student': {'id': student.__name__, 'name': student.fullname},
        'week': {'start': data['start'].isoformat(), 'end': data['end'].isoformat(),
                 'prev': data['prev'].isoformat(), 'next': data['next'].isoformat()},
        'days': [{'date': d['date'].isoformat(),
                  'lessons': [_lesson_json(l, files_url) for l in d['lessons']],
                  'remarks': [_remark_json(r) for r in d['remarks']],
                  'absences': [{'start': a['start'].isoformat(), 'end': a['end'].isoformat(),
                                'code': a['code'], 'reason': a['reason']}
                               for a in d['absences']]}
                 for d in data['days']]}


def summary_json(student, start, end):
    data = model.summary(student, start, end)
    return {
        'student': {'id': student.__name__, 'name': student.fullname},
        'from': start.isoformat(), 'to': end.isoformat(),
        'subjects': [{'subject': {'id': s['subject'], 'title': s['subject_title']},
                      'marks': [{'value': m['value'], 'kind': m['kind'], 'weight': m['weight']}
                                for m in s['marks']],
                      'average': str(s['average']['value'])
                      if s['average']['value'] is not None else None,
                      'formula': s['average']['formula'],
                      'period_marks': dict(s['period_marks']),
                      'absences': s['absences']} for s in data['subjects']],
        'absences': data['absences'], 'absences_total': data['absences_total']}


def _range(request):
    if 'from' not in request.params or 'to' not in request.params:
        message = _('Give both "from" and "to".')
        raise Invalid(message, {f: message for f in ('from', 'to') if f not in request.params})
    start, end = _date(request, 'from'), _date(request, 'to')
    check_range(start, end)
    return start, end


@view_config(context=Portal, name='@diary', request_method='GET', permission=VIEW_DIARY)
@view_config(context=Student, name='@diary', request_method='GET', permission=VIEW_DIARY)
def diary(context, request):
    student = chosen_student(context, request)
    if 'from' in request.params or 'to' in request.params:
        start, end = _range(request)
        return cached_response(request, weekpage.summary_etag(request, student, start, end),
                               lambda: respond(summary_json(student, start, end)))
    day = _date(request, 'week') if 'week' in request.params else datetime.date.today()
    return cached_response(request, weekpage.json_etag(request, student, day),
                           lambda: respond(week_json(request, student, day)))


@view_config(context=Portal, name='@report', request_method='GET', permission=VIEW_DIARY)
@view_config(context=Student, name='@report', request_method='GET', permission=VIEW_DIARY)
def report(context, request):
    student = chosen_student(context, request)
    start, end = _range(request)
    fmt = request.params.get('format', 'json')
    if fmt not in ('json', 'pdf', 'xlsx'):
        message = _('format: json, pdf or xlsx.')
        raise Invalid(message, {'format': message})
    data = report_data(request, student, start, end)
    if fmt == 'json':
        return respond(report_json(data))
    return report_response(request, data, fmt)

"""The journal's JSON API: ``GET /@journals``, ``GET <journal>`` (Accept: application/json,
``?period=``), ``POST <journal>/@cell``, ``POST <journal>/@period-mark``,
``POST <journal>/@correction``, lessons (``@lessons``, ``@lesson``) and the lesson plan
(``@plan``). Same permissions as the screens; a change goes through the same action as
its form (``journal.actions``)."""

from pyramid.response import Response
from pyramid.view import view_config

from ejportal.core.errors import Invalid
from ejportal.core.jsonapi import json_body, json_error
from ejportal.core.responses import json_response
from ejportal.core.traversal import JSON_VIEW
from ejportal.i18n import _
from ejportal.journal import grading
from ejportal.journal.actions import ImportPlan, RemoveLesson, SaveLesson
from ejportal.journal.control import control_report
from ejportal.journal.control_request import control_args, control_filters, control_links
from ejportal.journal.grid import (
    average_json, cell_json, chosen_period, grid, lesson_json)
from ejportal.journal.plan import plan_report
from ejportal.journal.resources import Journal, PeriodClosed, School
from ejportal.security import (
    COMMENT_JOURNAL, EDIT_JOURNAL, VIEW, VIEW_CONTROL, VIEW_JOURNAL)
from ejportal.site.resources import Portal


def respond(data, status=200):
    return json_response(data, status)


def error_response(request, error):
    """A refusal (``core.errors.UserError``) as the API answers it, from the error alone:
    ``{"error": {"type", "message", "fields"}}`` with its status; the transaction is
    doomed, as an exception view's would be aborted."""
    request.tm.doom()
    return json_error(request, error.status, error.error_type, error.message, error.fields)


def readable_journals(request, school, year=None):
    """The journals of ``year`` (default the current one) the user may read."""
    year = year or school.current_year()
    if year is None:
        return []
    found = []
    for school_class in year['classes'].current():
        class_readable = request.has_permission(VIEW_JOURNAL, school_class)
        for journal in school_class['journals'].values():
            if class_readable or request.has_permission(VIEW_JOURNAL, journal):
                found.append(journal)
    return found


def journal_summary(request, journal):
    return {'@id': request.resource_url(journal).rstrip('/'), '@type': 'Journal',
            'id': journal.__name__, 'title': journal.title,
            'class': {'id': journal.school_class.__name__, 'title': journal.school_class.title},
            'subject': {'id': journal.subject, 'title': journal.subject_title},
            'subgroup': journal.subgroup or None, 'teacher': journal.teacher or None,
            'teachers': list(journal.teachers),
            'can_edit': bool(request.has_permission(EDIT_JOURNAL, journal))}


@view_config(context=Portal, name='@journals', request_method='GET', permission=VIEW)
def journals(context, request):
    items = [journal_summary(request, j) for j in readable_journals(request, context['journal'])]
    return respond({'items': items, 'items_total': len(items)})


@view_config(context=Journal, name=JSON_VIEW, request_method='GET', permission=VIEW_JOURNAL)
def journal_json(context, request):
    period = chosen_period(context, request.params.get('period'))
    if period is None:
        return json_error(request, 404, 'NotFound', _('This school year has no periods.'))
    data = grid(context, period)
    result = journal_summary(request, context)
    result['period'] = {'id': period.id, 'title': period.title, 'start': period.start.isoformat(),
                        'end': period.end.isoformat(), 'closed': data['closed']}
    result['periods'] = [{'id': p.id, 'title': p.title} for p in context.periods]
    result['students'] = [{'id': s.__name__, 'name': s.fullname} for s in data['students']]
    result['lessons'] = [lesson_json(l) for l in data['lessons']]
    kind_title = context.school.kind_title
    result['cells'] = [cell_json(sid, lid, cell, kind_title)
                       for (sid, lid), cell in sorted(data['cells'].items())]
    result['averages'] = {sid: average_json(a, context.school.kind_title)
                          for sid, a in data['averages'].items()}
    result['period_marks'] = data['period_marks']
    result['comments'] = [comment_json(c) for c in context.comments]
    return respond(result)


def comment_json(entry):
    return {'time': entry['time'].isoformat(), 'userid': entry['userid'], 'text': entry['text']}


@view_config(context=Journal, name='@comment', request_method='POST',
             permission=COMMENT_JOURNAL)
def comment(context, request):
    """``{"text"}``: a remark of the deputy or director on the journal -> the remark."""
    text = json_body(request).get('text')
    if not isinstance(text, str):
        raise Invalid(_('Write the remark.'), {'text': _('Write the remark.')})
    return respond(comment_json(context.add_comment(text)), status=201)


def _cell_input(journal, body):
    student_id, lesson_id = str(body.get('student', '')), str(body.get('lesson', ''))
    lesson = journal.lessons.get(lesson_id)
    if lesson is None:
        raise Invalid(_('No such lesson in this journal.'), {'lesson': _('Unknown lesson.')})
    if student_id not in {s.__name__ for s in journal.students(lesson.date, lesson.date)}:
        raise Invalid(_('No such student in this journal.'),
                         {'student': _('Unknown student.')})
    if 'text' in body and 'marks' not in body:
        marks, attendance = grading.parse_cell_text(
            str(body['text']), journal.default_kind(lesson), journal.school.mark_kinds,
            journal.school.grading_scale)
    else:
        raw = body.get('marks') or []
        if not isinstance(raw, list):
            raise grading.GradingError('marks', _('Marks must be a list.'))
        marks = grading.make_marks(raw, journal.default_kind(lesson),
                                   journal.school.mark_kinds, journal.school.grading_scale)
        attendance = grading.normalize_attendance(str(body.get('attendance') or ''))
    comment = body.get('comment') or ''
    if not isinstance(comment, str) or len(comment) > 500:
        raise Invalid(_('The comment is too long.'), {'comment': _('At most 500 characters.')})
    reason = body.get('reason') or ''
    if not isinstance(reason, str):
        raise Invalid(_('Not valid.'), {'reason': _('Not valid.')})
    return student_id, lesson, marks, attendance, comment.strip(), reason.strip()


def closed_error(request, journal, closed):
    """A closed period's refusal, with where to ask for the correction instead."""
    response = error_response(request, closed)
    body = response.json_body
    body['error']['correction'] = request.resource_url(journal, '@correction').rstrip('/')
    response.json_body = body
    return response


@view_config(context=Journal, name='@cell', request_method='POST', permission=EDIT_JOURNAL)
def cell(context, request):
    """``{"student", "lesson", "marks": [{"value", "kind"}] or ["5"], "attendance",
    "comment"}`` (or ``"text": "оп 5"`` as typed in the grid) -> the stored cell."""
    student_id, lesson, marks, attendance, comment, reason = _cell_input(
        context, json_body(request))
    try:
        stored = context.set_cell(student_id, lesson.id, marks, attendance, comment, reason)
    except PeriodClosed as closed:
        return closed_error(request, context, closed)
    result = cell_json(student_id, lesson.id, stored, context.school.kind_title)
    period = context.period_of(lesson.date)
    if period is not None:
        result['average'] = average_json(context.average(student_id, context.lessons_of(period)),
                                         context.school.kind_title)
    return respond(result)


@view_config(context=Journal, name='@period-mark', request_method='POST',
             permission=EDIT_JOURNAL)
def period_mark(context, request):
    """``{"student", "period", "value"}`` -> ``{"student", "period", "value"}``."""
    body = json_body(request)
    student_id, period_id = str(body.get('student', '')), str(body.get('period', ''))
    if student_id not in {s.__name__ for s in context.students()}:
        raise Invalid(_('No such student in this journal.'),
                         {'student': _('Unknown student.')})
    if context.period(period_id) is None and period_id != 'year':
        raise Invalid(_('No such period.'), {'period': _('Unknown period.')})
    try:
        context.set_period_mark(student_id, period_id, body.get('value'))
    except PeriodClosed as closed:
        return closed_error(request, context, closed)
    return respond({'student': student_id, 'period': period_id,
                    'value': context.period_mark(student_id, period_id)})


@view_config(context=Journal, name='@correction', request_method='POST',
             permission=EDIT_JOURNAL)
def correction(context, request):
    """A correction request for a closed period's cell: the @cell body plus ``reason``."""
    student_id, lesson, marks, attendance, comment, reason = _cell_input(
        context, json_body(request))
    item = context.request_correction(student_id, lesson.id, marks, attendance, comment,
                                      reason)
    return respond({'id': item.id, 'state': item.state, 'student': student_id,
                    'lesson': lesson.id, 'reason': item.reason}, status=201)


# -- lessons: create, edit, delete (the column form's action) -----------------------------
def lesson_result(request, journal, lesson):
    result = lesson_json(lesson)
    result['@id'] = request.resource_url(journal, '@lesson', query={'lesson': lesson.id})
    result['planned'] = lesson.planned
    return result


@view_config(context=Journal, name='@lessons', request_method='POST', permission=EDIT_JOURNAL)
def add_lesson(context, request):
    """``{"date", "number", "topic"?, "lesson_type"?, "ict"?, "homework"?, "homework_due"?,
    "note"?, "planned"?}`` -> 201 and the lesson. Without a topic (and without ``planned``)
    the lesson takes the next topic of the plan (КТП)."""
    lesson = SaveLesson(context, request)(json_body(request))
    result = lesson_result(request, context, lesson)
    response = respond(result, status=201)
    response.location = result['@id']
    return response


def _find_lesson(journal, value):
    lesson = journal.lessons.get(str(value or ''))
    if lesson is None:
        raise Invalid(_('No such lesson in this journal.'), {'lesson': _('Unknown lesson.')})
    return lesson


@view_config(context=Journal, name='@lesson', request_method=('POST', 'PATCH'),
             permission=EDIT_JOURNAL)
def edit_lesson(context, request):
    """``{"lesson": id, fields...}``: change the given fields (date and number are the
    lesson's id and do not change: delete an empty lesson and add it anew) -> the lesson."""
    body = json_body(request)
    lesson = _find_lesson(context, body.get('lesson'))
    SaveLesson(context, request, lesson)({k: v for k, v in body.items() if k != 'lesson'})
    return respond(lesson_result(request, context, lesson))


@view_config(context=Journal, name='@lesson', request_method='DELETE',
             permission=EDIT_JOURNAL)
def delete_lesson(context, request):
    """``DELETE <journal>/@lesson?lesson=<id>``: remove a lesson nobody has a mark,
    attendance or comment in (409 otherwise) -> 204."""
    lesson = _find_lesson(context, request.params.get('lesson'))
    RemoveLesson(context, request, lesson)()
    return Response(status=204)


@view_config(context=Journal, name='@plan', request_method='GET', permission=VIEW_JOURNAL)
def plan(context, request):
    """The lesson plan (КТП) and the planned-against-held report."""
    return respond({'items': [dict(i) for i in context.plan], 'report': plan_report(context)})


@view_config(context=Journal, name='@plan', request_method='POST', permission=EDIT_JOURNAL)
def import_plan(context, request):
    """``{"rows": [{"number", "topic", "hours"?, "section"?}, ...]}``: the import's save
    step (the plan screen's preview posts the same rows) -> the plan and its report."""
    ImportPlan(context, request)(json_body(request))
    return plan(context, request)


@view_config(context=School, name='@control', request_method='GET', permission=VIEW_CONTROL)
def control(context, request):
    """The deputy's control report (``?year=&period=&min=&teacher=&class=&subject=``) as
    JSON."""
    year, period_id, min_marks = control_args(context, request)
    if year is None:
        return json_error(request, 404, 'NotFound', _('No school year.'))
    filters = control_filters(request)
    report = control_report(year, period_id, min_marks=min_marks, **filters)
    period = report['period']
    items = []
    for row in report['rows']:
        journal = row['journal']
        links = control_links(request, row)
        items.append({
            'journal': journal_summary(request, journal),
            'period': row['period'].id if row['period'] else None,
            'lessons': row['lessons'], 'held': row['held'], 'held_year': row['held_year'],
            'planned_hours': row['planned'], 'behind': row['behind'],
            'without_topic': row['no_topic'], 'without_homework': row['no_homework'],
            'students': row['students'], 'marks': row['marks'],
            'marks_per_student': row['marks_per_student'], 'fewest_marks': row['min_marks'],
            'few_marks': [{'id': s.__name__, 'name': s.fullname} for s in row['few_marks']],
            'last_filled': row['last_filled'].isoformat() if row['last_filled'] else None,
            'last_write': row['last_write'].isoformat() if row['last_write'] else None,
            'late': row['late'], 'remarks': row['issues'],
            # issue 12: where, how timely, what is missing, what changed after closing
            '@id': links['url'],
            'lessons_without_topic': [_lesson_ref(l, links) for l in row['without_topic']],
            'lessons_without_homework': [_lesson_ref(l, links)
                                         for l in row['without_homework']],
            'timeliness': {
                'late_after_days': row['late_days'],
                'topic_delay_days': row['topic_delay'],
                'topic_delay_max_days': row['topic_delay_max'],
                'topics_timed': row['topic_timed'],
                'marks_delay_days': row['marks_delay'],
                'marks_delay_max_days': row['marks_delay_max'],
                'marks_timed': row['marks_timed']},
            'late_entries': [_late_ref(e, links) for e in row['late_entries']],
            'period_over': row['period_over'],
            'missing_period_marks': [{'id': s.__name__, 'name': s.fullname}
                                     for s in row['missing_period_marks']],
            'changed_after_closing': row['changed_after_closing'],
            'corrections': [{'id': c.id, 'student': c.student, 'lesson': c.lesson,
                             'state': c.review_state, 'requested_by': c.creator,
                             'requested_at': c.created.isoformat() if c.created else None,
                             '@id': links['cell'](c.student, c.lesson)}
                            for c in row['corrections']]})
    return respond({'year': year.__name__, 'period': period.id if period else None,
                    'min_marks': min_marks, 'late_after_days': report['late_days'],
                    'filters': {'teacher': filters['teacher'], 'class': filters['class_name'],
                                'subject': filters['subject']},
                    'items': items})


def _lesson_ref(lesson, links):
    return {'id': lesson.id, 'date': lesson.date.isoformat(), 'number': lesson.number,
            '@id': links['lesson'](lesson)}


def _late_ref(entry, links):
    lesson, student = entry['lesson'], entry['student']
    return {'kind': entry['kind'], 'lesson': lesson.id, 'date': lesson.date.isoformat(),
            'student': student.__name__ if student else None, 'delay_days': entry['delay'],
            'written': entry['time'].isoformat(), 'userid': entry['userid'],
            '@id': links['cell'](student.__name__, lesson.id) if student
            else links['lesson'](lesson)}

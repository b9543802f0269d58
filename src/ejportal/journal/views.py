"""Screens of the journal section: the list of journals, the grid of a journal for a
period, the no-JavaScript form for one lesson column, a cell's history, period closing and
correction requests."""
import datetime
import json

import deform
from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ejportal.core.errors import Invalid, UserError
from ejportal.core.files import blob_response
from ejportal.core.workflow import WorkflowError, current_state
from ejportal.core.forms import FormError, FormView, ask_confirmation
from ejportal.core.uploads import ALLOWED, UploadRefused, check_upload, safe_filename
from ejportal.i18n import _
from ejportal.journal import grading, schemas
from ejportal.journal.actions import ImportPlan, SaveLesson
from ejportal.journal.api import readable_journals
from ejportal.journal.checks import checks_of
from ejportal.journal.control import control_report, filter_options
from ejportal.journal.control_request import control_args, control_filters, control_links
from ejportal.journal.editions import YEAR
from ejportal.journal.grid import chosen_period, grid, row_cells
from ejportal.journal.manage import user_name
from ejportal.journal.printing import close_period
from ejportal.journal.plan import PlanError, apply_plan_topics, edit_plan, parse_plan, plan_report
from ejportal.journal.resources import (
    FutureLesson, Journal, School, SchoolClass, SchoolYear, check_not_future)
from ejportal.paths import template
from ejportal.security import (
    APPROVE_CORRECTION, COMMENT_JOURNAL, EDIT_JOURNAL, MANAGE_SCHOOL, SPLIT_SUBGROUPS, VIEW,
    VIEW_CONTROL, VIEW_JOURNAL)
from ejportal.site.resources import get_portal


@view_config(context=School, permission=VIEW, renderer=template('journal/school.pt'),
             accept='text/html')
def school_section(context, request):
    """The journals this user may read, by class, for the current year."""
    journals = readable_journals(request, context)
    by_class = []
    for journal in journals:
        if not by_class or by_class[-1][0] is not journal.school_class:
            by_class.append((journal.school_class, []))
        by_class[-1][1].append({'journal': journal,
                                'can_edit': request.has_permission(EDIT_JOURNAL, journal)})
    year = context.current_year()
    pending = []
    if year is not None and request.has_permission(APPROVE_CORRECTION, context):
        pending = pending_corrections(year)
    return {'title': context.title, 'year': year, 'by_class': by_class,
            'pending': pending,
            'can_manage': bool(request.has_permission(MANAGE_SCHOOL, context)),
            'can_control': bool(request.has_permission(VIEW_CONTROL, context)),
            'can_close': year is not None and request.has_permission(APPROVE_CORRECTION, year)}


def pending_corrections(year):
    found = []
    for school_class in year['classes'].sorted():
        for journal in school_class['journals'].values():
            for item in journal.pending_corrections():
                found.append((journal, item))
    return found


def _fmt_day(day):
    return day.strftime('%d.%m')


@view_config(context=Journal, permission=VIEW_JOURNAL, renderer=template('journal/grid.pt'),
             accept='text/html')
def journal_grid(context, request):
    period = chosen_period(context, request.params.get('period'))
    if period is None:
        raise HTTPNotFound()
    data = grid(context, period)
    can_edit = bool(request.has_permission(EDIT_JOURNAL, context)) and not data['closed']
    history_url = request.resource_url(context, 'history')
    not_counted = request.localizer.translate(_('not counted'))
    rows = []
    for student in data['students']:
        sid = student.__name__
        average = data['averages'][sid]
        rows.append({'id': sid, 'name': student.short_name, 'fullname': student.fullname,
                     'cells': row_cells(sid, student.short_name, data['lessons'],
                                        data['cells'], data['spans'][sid], can_edit,
                                        history_url),
                     'average': average,
                     'explain': explain(average, not_counted, context.school.kind_title),
                     'suggested': grading.suggested_period_mark(average['value']),
                     'period_mark': data['period_marks'][sid]})
    column_url = request.resource_url(context, 'column') + '?lesson='
    lessons = [{'id': l.id, 'day': _fmt_day(l.date), 'date': l.date, 'number': l.number,
                'topic': l.topic, 'homework': l.homework, 'type': l.lesson_type,
                'test': l.lesson_type != 'lesson', 'column_url': column_url + l.id}
               for l in data['lessons']]
    return {'title': '%s — %s' % (context.school_class.title, context.title),
            'journal': context, 'period': period, 'periods': context.periods,
            'lessons': lessons, 'rows': rows, 'closed': data['closed'],
            'can_edit': can_edit,
            'may_request': bool(request.has_permission(EDIT_JOURNAL, context)),
            'can_comment': bool(request.has_permission(COMMENT_JOURNAL, context)),
            'comments': context.comments,
            'open_checks': sum(1 for c in checks_of(context.school, journal=context)
                               if c.review_state != 'closed'
                               and request.has_permission(VIEW, c)),
            'cell_url': request.resource_url(context, '@cell'),
            'period_mark_url': request.resource_url(context, '@period-mark')}


def explain(average, not_counted='not counted', kind_title=str):
    """The average in words for the hover: each mark with its kind and weight, then the
    formula."""
    if average['value'] is None:
        return ''
    parts = ['%d (%s, ×%s)' % (v, kind_title(k), ('%g' % w)) for v, w, k in average['terms']]
    text = '; '.join(parts) + '. ' + average['formula']
    if average['ignored']:
        text += ' (' + ', '.join(average['ignored']) + ' — ' + not_counted + ')'
    return text


def _parse_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


LESSON_TEXT_FIELDS = ('topic', 'lesson_type', 'homework', 'homework_due', 'note', 'planned')


def lesson_cstruct(post, lesson):
    """The column form's POST as the lesson action reads it (what ``@lessons`` and
    ``@lesson`` get as JSON): an unchecked ICT box sends nothing, so the list is always
    given; an existing lesson's date and number are not inputs."""
    data = {name: post[name] for name in LESSON_TEXT_FIELDS if name in post}
    data['ict'] = post.getall('ict')
    if lesson is None:
        data['date'], data['number'] = post.get('date', ''), post.get('number', '')
    return data


@view_config(context=Journal, name='column', permission=EDIT_JOURNAL,
             renderer=template('journal/column.pt'), checks_own_text=True)
def lesson_column(context, request):
    """One lesson (new or existing) and its column of cells, as a plain form: the journal
    without JavaScript. The lesson goes through the action of ``@lessons``/``@lesson``
    (``actions.SaveLesson``) and shows its field errors; nothing is saved unless the lesson
    and every cell are valid."""
    lesson = context.lessons.get(request.params.get('lesson', ''))
    period = context.period_of(lesson.date) if lesson else context.year.current_period(
        grade=context.grade)
    students = context.students(period.start, period.end) if period else context.students()
    errors, values, message = {}, {}, None
    if request.method == 'POST':
        post = request.POST
        action = SaveLesson(context, request, lesson)
        appstruct, status = None, 400
        try:
            action.check_permission()
            appstruct = action.deserialize(lesson_cstruct(post, lesson))
        except UserError as error:
            errors.update(error.fields)
            message, status = error.message, error.status
        files, file_error = _homework_files(request, lesson)
        if file_error:
            errors['homework_files'] = file_error
        kind = grading.LESSON_TYPE_KIND.get(post.get('lesson_type', lesson.lesson_type if lesson
                                                     else 'lesson'), grading.DEFAULT_KIND)
        parsed = {}
        for student in students:
            text = post.get('cell-' + student.__name__, '')
            values[student.__name__] = text
            try:
                parsed[student.__name__] = grading.parse_cell_text(
                    text, kind, context.school.mark_kinds, context.school.grading_scale)
            except grading.GradingError as error:
                errors['cell-' + student.__name__] = error.message
        if appstruct is not None and not errors:
            # before anything is saved: the lesson and its cells go in together or not at all
            day = lesson.date if lesson is not None else appstruct.get('date')
            for sid, (marks, _attendance) in parsed.items():
                old = context.cell(sid, lesson.id) if lesson is not None else None
                try:
                    if day is not None:
                        check_not_future(day, marks, old['marks'] if old else ())
                except FutureLesson as error:
                    errors['cell-' + sid] = error.message
                    message, status = error.message, error.status
        if appstruct is not None and not errors:
            try:
                lesson = action.run(dict(appstruct, files=files), checked=True)
            except UserError as error:
                errors.update(error.fields)
                message, status = error.message, error.status
        if appstruct is not None and not errors and message is None:
            for sid, (marks, attendance) in parsed.items():
                old = context.cell(sid, lesson.id)
                if old is None and not marks and not attendance:
                    continue
                comment = old['comment'] if old else ''
                context.set_cell(sid, lesson.id, marks, attendance, comment)
            request.session.flash(_('Lesson saved.'), 'success')
            period = context.period_of(lesson.date)
            return HTTPSeeOther(request.resource_url(context, query={'period': period.id}))
        message = message or _('Some fields are not valid.')
        request.response.status = status
    else:
        for student in students:
            cell = context.cell(student.__name__, lesson.id) if lesson else None
            values[student.__name__] = grading.cell_text(cell)
    plan_item = context.next_planned_topic() if lesson is None else None
    post = request.POST if request.method == 'POST' else {}
    ict = post.getall('ict') if post else (lesson.ict if lesson else ())
    if post:
        planned = post.get('planned', '')
    elif lesson is not None:
        planned = '' if lesson.planned is None else str(lesson.planned)
    else:
        planned = str(plan_item['number']) if plan_item else ''
    plan_options = [(str(i['number']), '%s. %s' % (i['number'], i['topic'][:80]))
                    for i in context.plan]
    return {'title': _('Lesson'), 'journal': context, 'lesson': lesson,
            'students': students, 'values': values, 'errors': errors, 'message': message,
            'lesson_types': context.school.offered(
                'lesson-types', (lesson.lesson_type,) if lesson else ()),
            'ict_means': context.school.offered('ict-means', tuple(ict)), 'ict': set(ict),
            'files': lesson.files if lesson else (),
            'file_url': request.resource_url(context, 'homework-file'),
            'upload_max_mb': get_portal(request)['settings'].upload_max_mb,
            'post': request.POST if request.method == 'POST' else {},
            'default_topic': plan_item['topic'] if plan_item else '',
            'plan_options': plan_options, 'planned': planned,
            'today': datetime.date.today()}


def _homework_files(request, lesson):
    """The lesson's files after this POST: those kept (``remove_file`` names the others)
    and the new uploads, each checked by content and size. Returns (files, error)."""
    from ZODB.blob import Blob
    removed = set(request.POST.getall('remove_file'))
    files = [f for f in (lesson.files if lesson else ()) if f['name'] not in removed]
    max_mb = get_portal(request)['settings'].upload_max_mb
    for upload in request.POST.getall('homework_files'):
        if not hasattr(upload, 'file'):
            continue
        data = upload.file.read(max_mb * 1024 * 1024 + 1)
        if not data and not upload.filename:
            continue
        try:
            kind = check_upload(data, max_mb)
        except UploadRefused as refused:
            return files, refused.message
        name = safe_filename(upload.filename, kind)
        taken = {f['name'] for f in files}
        base, n = name, 1
        while name in taken:
            n += 1
            name = '%d-%s' % (n, base)
        blob = Blob()
        with blob.open('w') as out:
            out.write(data)
        files.append({'name': name, 'kind': kind, 'size': len(data), 'blob': blob})
    if len(files) > 10:
        return files, _('At most 10 files a lesson.')
    return files, None


@view_config(context=Journal, name='homework-file', request_method='GET',
             permission=VIEW_JOURNAL)
def homework_file(context, request):
    lesson = context.lessons.get(request.params.get('lesson', ''))
    found = [f for f in (lesson.files if lesson else ())
             if f['name'] == request.params.get('name')]
    if not found:
        raise HTTPNotFound()
    item = found[0]
    return blob_response(item['blob'], item['name'], ALLOWED[item['kind']][1])


@view_config(context=Journal, name='comment', request_method='POST',
             permission=COMMENT_JOURNAL)
def comment(context, request):
    """A remark of the deputy or director on the journal, shown above the grid."""
    try:
        context.add_comment(request.POST.get('text', ''))
        request.session.flash(_('The remark is added.'), 'success')
    except UserError as error:
        request.session.flash(error.message, 'error')
    return HTTPSeeOther(request.resource_url(context, query={
        'period': request.POST.get('period', '')} if request.POST.get('period') else None))


@view_config(context=Journal, name='history', permission=VIEW_JOURNAL,
             renderer=template('journal/history.pt'))
def cell_history(context, request):
    sid, lid = request.params.get('student', ''), request.params.get('lesson', '')
    lesson = context.lessons.get(lid)
    students = context.school_class.students_folder()
    if lesson is None or sid not in students:
        raise HTTPNotFound()
    rows = [dict(h, text=grading.cell_text(h)) for h in context.history(sid, lid)]
    # the request's state in the reader's words, its author by name
    corrections = [{'id': c.id, 'reason': c.reason, 'state': current_state(c).title,
                    'requested_by': user_name(request, c.requested_by)}
                   for c in context.corrections.values()
                   if c.student == sid and c.lesson == lid]
    return {'title': _('Cell history'), 'journal': context, 'lesson': lesson,
            'student': students[sid], 'rows': list(reversed(rows)),
            'corrections': corrections}


@view_config(context=Journal, name='period-marks', request_method='GET',
             permission=VIEW_JOURNAL, renderer=template('journal/period_marks.pt'))
def period_marks_screen(context, request):
    """Every period of the year side by side: each period's weighted average (explained on
    hover) and period mark, then the year mark, which the teacher sets here (the suggestion
    is the rounded mean of the numeric period marks)."""
    periods = context.periods
    year_start = periods[0].start if periods else context.year.start
    year_end = periods[-1].end if periods else context.year.end
    lessons = {p.id: context.lessons_of(p) for p in periods}
    not_counted = request.localizer.translate(_('not counted'))
    scale = context.school.scale_values()
    rows = []
    for student in context.students(year_start, year_end):
        sid = student.__name__
        cells, numeric = [], []
        for period in periods:
            average = context.average(sid, lessons[period.id])
            mark = context.period_mark(sid, period.id)
            if scale.get(mark) is not None:
                numeric.append(scale[mark])
            cells.append({'average': average['value'],
                          'explain': explain(average, not_counted, context.school.kind_title),
                          'mark': mark})
        suggested = None
        if numeric:
            suggested = grading.suggested_period_mark(
                grading.Decimal(sum(numeric)) / len(numeric))
        rows.append({'id': sid, 'name': student.short_name, 'fullname': student.fullname,
                     'cells': cells, 'year_mark': context.period_mark(sid, 'year'),
                     'suggested': suggested or ''})
    return {'title': '%s — %s' % (context.school_class.title, context.title),
            'journal': context, 'periods': periods, 'rows': rows,
            'can_edit': bool(request.has_permission(EDIT_JOURNAL, context))}


@view_config(context=Journal, name='period-marks', request_method='POST',
             permission=EDIT_JOURNAL)
def period_marks_form(context, request):
    """The no-JavaScript save of the period-mark column (``period=<id>``), or of the year
    marks (``period=year``, from the period-marks screen)."""
    if request.POST.get('period') == 'year':
        period_id, students = 'year', context.students()
        back = request.resource_url(context, 'period-marks')
    else:
        period = chosen_period(context, request.POST.get('period'))
        period_id, students = period.id, context.students(period.start, period.end)
        back = request.resource_url(context, query={'period': period.id})
    errors = 0
    for student in students:
        field = 'pm-' + student.__name__
        if field in request.POST:
            try:
                context.set_period_mark(student.__name__, period_id, request.POST[field])
            except UserError:
                errors += 1
    if errors:
        request.session.flash(_('Some period marks were not saved.'), 'error')
    else:
        request.session.flash(_('Period marks saved.'), 'success')
    return HTTPSeeOther(back)


@view_config(context=Journal, name='correction', request_method='POST',
             permission=EDIT_JOURNAL)
def correction_form(context, request):
    post = request.POST
    lesson = context.lessons.get(post.get('lesson', ''))
    if lesson is None or post.get('student') not in {s.__name__ for s in context.students()}:
        raise HTTPBadRequest()
    try:
        marks, attendance = grading.parse_cell_text(
            post.get('text', ''), context.default_kind(lesson), context.school.mark_kinds,
            context.school.grading_scale)
        context.request_correction(post['student'], lesson.id, marks, attendance,
                                   post.get('comment', ''), post.get('reason', ''))
        request.session.flash(_('Correction requested; a deputy will decide.'), 'success')
    except UserError as error:
        request.session.flash(error.message, 'error')
    return HTTPSeeOther(request.resource_url(context, 'history', query={
        'student': post['student'], 'lesson': lesson.id}))


@view_config(context=School, name='corrections', permission=APPROVE_CORRECTION,
             renderer=template('journal/corrections.pt'))
def corrections(context, request):
    """Pending correction requests of the current year; approve or reject each."""
    year = context.current_year()
    if request.method == 'POST':
        from pyramid.traversal import find_resource
        try:
            journal = find_resource(context, request.POST.get('journal', ''))
            number = int(request.POST.get('id', ''))
            journal.corrections[number]
        except (KeyError, ValueError):
            raise HTTPBadRequest()
        if not isinstance(journal, Journal):
            raise HTTPBadRequest()
        approve = 'approve' in request.POST
        if approve:
            ask = ask_confirmation(
                request, _('confirm-correction', default='Approve the correction? The journal '
                                                         'will show the requested marks.'),
                cancel_url=request.resource_url(context, 'corrections'),
                button=_('Approve'))
            if ask is not None:
                return ask
        try:
            journal.decide_correction(number, approve, request.POST.get('note', '').strip(),
                                      request)
        except WorkflowError:
            request.session.flash(_('This request was already decided.'), 'error')
        else:
            request.session.flash(
                _('correction-approved', default='Correction approved: the journal is changed.')
                if approve else _('correction-rejected', default='Correction rejected.'),
                'success')
        return HTTPSeeOther(request.resource_url(context, 'corrections'))
    items = pending_corrections(year) if year is not None else []
    students = context['students']
    return {'title': _('Correction requests'), 'items': [
        {'journal': j, 'item': c, 'student': students.get(c.student),
         'lesson': j.lessons.get(c.lesson),
         'old': grading.cell_text(j.cell(c.student, c.lesson)),
         'new': grading.cell_text({'marks': c.marks, 'attendance': c.attendance})}
        for j, c in items]}


def period_title(year, period_id):
    if period_id == YEAR:
        return _('The whole year')
    return next(p.title for p in year.all_periods() if p.id == period_id)


@view_config(context=SchoolYear, name='periods', permission=APPROVE_CORRECTION,
             renderer=template('journal/periods.pt'))
def periods(context, request):
    if request.method == 'POST':
        period_id = request.POST.get('period', '')
        if period_id not in {p.id for p in context.all_periods()} | {YEAR}:
            raise HTTPBadRequest()
        if 'close' in request.POST:
            ask = ask_confirmation(
                request, _('confirm-period-close', default='Close "${period}"?',
                           mapping={'period': period_title(context, period_id)}),
                _('confirm-period-close-warning',
                  default='Marks of a closed period are changed only through correction '
                          'requests; the paper journal of every class is frozen for it.'),
                cancel_url=request.resource_url(context, 'periods'), button=_('Close'))
            if ask is not None:
                return ask
            try:
                made = close_period(context, request, {'period': period_id})
            except UserError as error:
                request.session.flash(error.message, 'error')
            else:
                request.session.flash(_('period-closed-editions', mapping={'count': len(made)},
                                        default='Closed. Paper journal editions frozen: '
                                                '${count}.'), 'success')
        elif 'reopen' in request.POST:
            context.reopen_period(period_id)
            request.session.flash(_('period-reopened', default='Reopened.'), 'success')
        return HTTPSeeOther(request.resource_url(context, 'periods'))
    return {'title': _('Periods'), 'year': context, 'year_id': YEAR,
            'year_closed': context.closed_periods.get(YEAR),
            'periods': [{'period': p, 'closed': context.closed_periods.get(p.id)}
                        for p in context.all_periods()]}


@view_config(context=SchoolClass, permission=VIEW_JOURNAL,
             renderer=template('journal/class.pt'), accept='text/html')
def class_view(context, request):
    return {'title': context.title, 'school_class': context,
            'students': context.students(),
            'journals': [j for j in context.journals()
                         if request.has_permission(VIEW_JOURNAL, j)],
            'can_split': request.has_permission(SPLIT_SUBGROUPS, context),
            'can_manage': request.has_permission(MANAGE_SCHOOL, context)}


@view_config(context=Journal, name='plan', permission=VIEW_JOURNAL,
             renderer=template('journal/plan.pt'))
def lesson_plan(context, request):
    """The КТП: the plan, and (for the journal's teacher) an import with a preview: the
    upload is read row by row with the plan's schema and shown; "save" sends the previewed
    rows back, and the import action (``actions.ImportPlan``, also ``POST @plan``) checks
    each again before it stores them."""
    preview, errors, message, payload = None, [], None, ''
    if request.method == 'POST':
        if not request.has_permission(EDIT_JOURNAL, context):
            from pyramid.httpexceptions import HTTPForbidden
            raise HTTPForbidden()
        if 'save' in request.POST:
            try:
                ImportPlan(context, request)({'rows': previewed_rows(request.POST)})
            except UserError as error:
                message, errors = error.message, field_errors(error.fields)
                request.response.status = error.status
            else:
                request.session.flash(_('Lesson plan saved.'), 'success')
                return HTTPSeeOther(request.resource_url(context, 'plan'))
        else:
            upload = request.POST.get('file')
            data = upload.file.read(2 * 1024 * 1024 + 1) if hasattr(upload, 'file') else b''
            try:
                preview = parse_plan(data, getattr(upload, 'filename', '') or '')
                payload = json.dumps(preview, ensure_ascii=False)
            except PlanError as error:
                message = error.message
                errors = [(_('plan-row', mapping={'row': row}, default='Row ${row}'), text)
                          for row, text in error.rows]
                request.response.status = error.status
    can_edit = request.has_permission(EDIT_JOURNAL, context)
    return {'title': _('Lesson plan'), 'journal': context, 'plan': context.plan,
            'preview': preview, 'payload': payload, 'errors': errors, 'message': message,
            'report': plan_report(context), 'can_edit': can_edit,
            'states': PLAN_STATES, 'today': datetime.date.today()}


def previewed_rows(post):
    """The rows the preview sent back (a JSON list in ``payload``)."""
    try:
        return json.loads(post.get('payload', ''))
    except ValueError:
        raise Invalid(_('The previewed plan did not come back whole: check the file again.'),
                      {'rows': _('A list of rows is expected.')})


def field_errors(fields):
    """[(field, message)] in the order of the fields' paths (``rows.2`` before
    ``rows.10``)."""
    def order(item):
        return [(0, int(p), '') if p.isdigit() else (1, 0, p) for p in item[0].split('.')]
    return sorted(fields.items(), key=order)


PLAN_STATES = {'done': _('plan-state-done', default='held'),
               'started': _('plan-state-started', default='started'),
               'scheduled': _('plan-state-scheduled', default='lessons ahead'),
               'open': _('plan-state-open', default='no lesson yet')}


@view_config(context=Journal, name='plan-edit', permission=EDIT_JOURNAL,
             renderer=template('form.pt'))
class PlanEditView(FormView):
    """The plan's rows in the browser: add, edit, remove and drag to reorder (deform's
    orderable sequence); saved as a whole (``plan.edit_plan``)."""

    schema = schemas.PlanEditSchema
    title = _('Edit the lesson plan')
    buttons = (deform.Button('save', _('Save')), deform.Button('cancel', _('Cancel')))

    def appstruct(self):
        return {'rows': [{'key': i['number'], 'section': i.get('section', ''),
                          'topic': i['topic'], 'hours': i['hours']} for i in self.context.plan]}

    def save_success(self, appstruct):
        try:
            edit_plan(self.context, appstruct['rows'])
        except ValueError:
            raise FormError('rows', _('The plan changed meanwhile: reload the page.'))
        self.request.session.flash(_('Lesson plan saved.'), 'success')
        return HTTPSeeOther(self.request.resource_url(self.context, 'plan'))

    def cancel_success(self, appstruct):
        return HTTPSeeOther(self.request.resource_url(self.context, 'plan'))

    def render(self, form_html):
        values = super().render(form_html)
        values['intro'] = self.request.localizer.translate(_(
            "The lesson number is the row's place: drag a row to move it. Lessons keep "
            "following their row; a removed row's lessons keep their topic."))
        return values


@view_config(context=Journal, name='plan-topics', request_method='POST',
             permission=EDIT_JOURNAL)
def plan_topics(context, request):
    """Give lessons not linked to the plan its topics in order (from a date; lessons
    with a topic of their own keep it unless asked)."""
    start = _parse_date(request.POST.get('start'))
    count = apply_plan_topics(context, start, keep_own='replace' not in request.POST)
    request.session.flash(_('lessons-given-topics', mapping={'count': count},
                            default='Lessons given topics from the plan: ${count}.'), 'success')
    return HTTPSeeOther(request.resource_url(context, 'plan'))


@view_config(context=School, name='control', request_method='GET', permission=VIEW_CONTROL,
             renderer=template('journal/control.pt'))
def control(context, request):
    """The deputy's periodic control of the journal for a period: printable."""
    year, period_id, min_marks = control_args(context, request)
    if year is None:
        raise HTTPNotFound()
    filters = control_filters(request)
    report = control_report(year, period_id, min_marks=min_marks, **filters)
    rows = []
    for r in report['rows']:
        links = control_links(request, r)
        rows.append(dict(r, teacher=', '.join(user_name(request, login)
                                              for login in r['journal'].teachers),
                         url=links['url'], cell_url=links['cell'],
                         lesson_url=links['lesson']))
    teachers, classes, subjects = filter_options(year)
    return {'title': _('Journal control'), 'year': year, 'years': context.years(),
            'period': report['period'], 'periods': year.all_periods(), 'rows': rows,
            'min_marks': min_marks, 'today': datetime.date.today(),
            'late_days': filters['late_days'], 'chosen': filters,
            'teachers': [(t, user_name(request, t)) for t in teachers],
            'classes': classes, 'subjects': subjects}

"""The progress and attendance report ("отчёт об успеваемости и посещаемости за период") of
one student for any date range: the same data as a page, a PDF (WeasyPrint's rendering of
the page's printable template) and an XLSX workbook (openpyxl)."""
from pyramid.renderers import render, render_to_response

from ejportal.core.exports import save_xlsx
from ejportal.core.files import PDF, XLSX, download_response, html_to_pdf
from ejportal.diary import model
from ejportal.i18n import _, format_date
from ejportal.journal import grading
from ejportal.paths import template
from ejportal.site.resources import get_portal


def _average_text(average):
    return '%s' % average['value'] if average['value'] is not None else '—'


def report_data(request, student, start, end, portal=None):
    """Everything the report shows, as plain values (strings where the user reads them)."""
    portal = portal or get_portal(request)
    settings = portal['settings']
    data = model.summary(student, start, end)
    period_titles = {p.id: p.title for p in data['periods']}
    rows = []
    for item in data['subjects']:
        rows.append({
            'subject': item['subject_title'],
            'marks': ' '.join(m['value'] for m in item['marks']),
            'count': len(item['marks']),
            'average': _average_text(item['average']),
            'formula': item['average']['formula'],
            'period_marks': ', '.join('%s: %s' % (period_titles.get(pid, pid), value)
                                      for pid, value in item['period_marks']),
            'absent': sum(item['absences'].get(c, 0) for c in model.ABSENCE_CODES),
            'late': item['absences'].get('оп', 0)})
    absences = [{'code': code, 'title': grading.ATTENDANCE[code],
                 'count': data['absences'].get(code, 0)} for code in ('н', 'б', 'уп', 'оп')]
    school_class = student.current_class()
    return {'title': _('Progress and attendance report'),
            'school': settings.school_full_name or settings.school_name,
            'student_name': student.fullname,
            'class_title': school_class.title if school_class is not None else '',
            'start': start, 'end': end, 'start_text': format_date(start),
            'end_text': format_date(end), 'rows': rows, 'absences': absences,
            'absences_total': data['absences_total'], 'for_pdf': False,
            'pdf_url': request.resource_url(student, 'report', query={
                'from': start.isoformat(), 'to': end.isoformat(), 'format': 'pdf'})
            if request is not None else '',
            'xlsx_url': request.resource_url(student, 'report', query={
                'from': start.isoformat(), 'to': end.isoformat(), 'format': 'xlsx'})
            if request is not None else ''}


def report_json(data):
    return {'student': data['student_name'], 'class': data['class_title'],
            'from': data['start'].isoformat(), 'to': data['end'].isoformat(),
            'subjects': [{k: r[k] for k in ('subject', 'marks', 'count', 'average',
                                            'period_marks', 'absent', 'late')}
                         for r in data['rows']],
            'absences': {a['code']: a['count'] for a in data['absences']},
            'absences_total': data['absences_total']}


render_pdf = html_to_pdf


def pdf_bytes(request, data):
    html = render(template('diary/report_print.pt'), dict(data, for_pdf=True), request=request)
    return render_pdf(request, html)


def xlsx_bytes(request, data):
    from openpyxl import Workbook
    from openpyxl.styles import Font
    translate = request.localizer.translate if request is not None else str
    book = Workbook()
    sheet = book.active
    sheet.title = 'report'
    sheet.append([translate(data['title'])])
    sheet['A1'].font = Font(bold=True)
    sheet.append([data['student_name'], data['class_title']])
    sheet.append(['%s — %s' % (data['start_text'], data['end_text'])])
    sheet.append([])
    header = [translate(_('Subject')), translate(_('Marks')), translate(_('Number of marks')),
              translate(_('Weighted average')), translate(_('Period marks')),
              translate(_('Lessons missed')), translate(_('Late'))]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in data['rows']:
        average = row['average']
        sheet.append([row['subject'], row['marks'], row['count'],
                      float(average) if average != '—' else None, row['period_marks'],
                      row['absent'], row['late']])
    sheet.append([])
    sheet.append([translate(_('Absences by reason'))])
    for item in data['absences']:
        sheet.append([translate(item['title']), item['count']])
    sheet.append([translate(_('Lessons missed')), data['absences_total']])
    sheet.column_dimensions['A'].width = 28
    sheet.column_dimensions['B'].width = 40
    return save_xlsx(book)


def report_filename(data, extension):
    """Named by the student and the period: «Иванов Пётр 01.09.2025-31.10.2025.pdf»."""
    return '%s %s-%s.%s' % (data['student_name'], data['start_text'], data['end_text'],
                            extension)


def report_response(request, data, fmt):
    if fmt == 'pdf':
        return download_response(pdf_bytes(request, data), report_filename(data, 'pdf'), PDF,
                                 inline=True, cache='private, no-store')
    if fmt == 'xlsx':
        return download_response(xlsx_bytes(request, data), report_filename(data, 'xlsx'),
                                 XLSX, cache='private, no-store')
    return render_to_response(template('diary/report.pt'), data, request=request)

"""What the journal-keeping control's screens and its API read from a request (the year,
period and filters asked for) and the links of a report's row: one reading for every door."""
from urllib.parse import urlencode

from ejportal.journal.control import LATE_DAYS
from ejportal.journal.resources import SchoolYear
from ejportal.site.resources import get_portal


def control_args(context, request):
    """(year, period id, minimum of marks) from ``?year=&period=&min=``."""
    year = context.get(request.params.get('year', '')) if request.params.get('year') else None
    if not isinstance(year, SchoolYear):
        year = context.current_year()
    try:
        min_marks = min(max(int(request.params.get('min', '3')), 0), 50)
    except ValueError:
        min_marks = 3
    return year, request.params.get('period') or None, min_marks


def control_filters(request):
    """The report's other choices: ``?teacher=&class=&subject=`` (ids; unknown ones
    simply match nothing) and the days after which an entry is late (Settings)."""
    def param(name):
        value = request.params.get(name, '')
        return value[:100] if isinstance(value, str) and value else None
    late_days = getattr(get_portal(request)['settings'], 'journal_entry_days', LATE_DAYS)
    return {'teacher': param('teacher'), 'class_name': param('class'),
            'subject': param('subject'), 'late_days': late_days}


def control_links(request, row):
    """Where each finding of a control row is: the journal at the period, a cell's
    history."""
    journal, period = row['journal'], row['period']
    query = {'period': period.id} if period else None
    history = request.resource_url(journal, 'history')

    def cell(student_id, lesson_id):
        return history + '?' + urlencode({'student': student_id, 'lesson': lesson_id})

    def lesson(item):
        return request.resource_url(journal, query=query) + '#lesson-' + item.id
    return {'url': request.resource_url(journal, query=query), 'cell': cell,
            'lesson': lesson}

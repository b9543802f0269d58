"""The week page's hot path: its lesson rows as plain values for the lessons macro
(``diary/week_lessons.pt``), with every label translated once per request, and the page's
ETag.

A week shows up to forty lessons; in the template each row cost a dozen expression
look-ups and several translations, repeated in every day's table header. Here the
headers are translated once and each row's values are made ready, so the macro only
writes them out (escaped, as any template value).

The ETag is a hash of everything the page shows, named cheaply: the week's stamp
(``model.week_stamp``: serials and counters, so the week is not built to name it), the
user, the language, the navigation, the session cookie (the CSRF token of the layout's
forms and any flash message live in it), the children to switch between, the class and
today's date. ``core.caching`` answers a revalidating browser with a 304 and sends the
body rendered earlier under the same tag; any new mark, topic, remark or absence changes
the tag. A page that shows a flash message changes the session, so it is not reused.
"""
from urllib.parse import quote

from pyramid.renderers import render
from translationstring import TranslationString

from ejportal.core.caching import cached_fragment, etag, session_state
from ejportal.diary import model
from ejportal.diary.family import my_children
from ejportal.i18n import _, format_date
from ejportal.paths import template
from ejportal.site.layout import Layout

# Change when the page's markup changes, so browsers do not keep an older page.
PAGE_VERSION = '5'

WEEKDAYS = (_('Monday'), _('Tuesday'), _('Wednesday'), _('Thursday'), _('Friday'),
            _('Saturday'), _('Sunday'))
HEADERS = ('№', _('Subject'), _('Topic'), _('Homework'), _('Marks'), _('Attendance'),
           _('Remark'))

class Labels:
    """The page's translated words, each translated once per request."""

    def __init__(self, request):
        self._translate = request.localizer.translate
        self._cache = {}
        self.due = self(_('due'))
        self.headers = [self(h) for h in HEADERS]

    def __call__(self, text):
        """``text`` translated when it is a translation string (as the template would)."""
        if not isinstance(text, TranslationString):
            return text or ''
        try:
            return self._cache[text]
        except KeyError:
            found = self._cache[text] = self._translate(text)
            return found


def file_url(base, journal_path, lesson_id, name):
    return '%s?journal=%s&lesson=%s&name=%s' % (base, quote(journal_path, safe='/'),
                                                quote(lesson_id), quote(name, safe=''))


def lesson_rows(lessons, labels, files_base):
    """The values of one day's lesson rows (see ``model.week``) for the lessons macro: the
    number, subject, topic and homework as text, its due date formatted, its files as
    (url, name), its marks as (kind, weight, value), its attendance as (title, code) or
    None, the comment."""
    rows = []
    for lesson in lessons:
        due = lesson['homework_due']
        attendance = lesson['attendance']
        rows.append({
            'number': lesson['number'], 'subject_title': lesson['subject_title'],
            'topic': lesson['topic'] or '', 'homework': lesson['homework'] or '',
            'due': format_date(due) if due else '',
            'files': [(file_url(files_base, lesson['journal'], lesson['lesson'], f['name']),
                       f['name']) for f in lesson['files']],
            'marks': [(labels(m['kind_title']), '%g' % m['weight'], m['value'])
                      for m in lesson['marks']],
            'attendance': (labels(attendance['title']), attendance['code'])
            if attendance else None,
            'comment': lesson['comment'] or ''})
    return rows


def days_html(request, student, day, now, stamp):
    """The week's days as HTML (headings, lesson rows, absences, remarks): the same for
    every reader of the student's week in one language on one day, so it is kept once
    for all of them (``core.caching.cached_fragment``) and only the layout around it is
    rendered per reader."""
    files_base = request.resource_url(student, 'homework-file')
    tag = etag(PAGE_VERSION, 'days', stamp, request.locale_name, now, files_base)

    def render_days():
        data = model.week(student, day)
        labels = Labels(request)
        days = []
        for item in data['days']:
            date = item['date']
            days.append({'iso': date.isoformat(), 'css': ' today' if date == now else '',
                         'heading': '%s, %s' % (labels(WEEKDAYS[date.weekday()]),
                                                format_date(date)),
                         'lessons': lesson_rows(item['lessons'], labels, files_base),
                         'absences': item['absences'], 'remarks': item['remarks']})
        return render(template('diary/week_days.pt'),
                      {'days': days, 'headers': labels.headers, 'due': labels.due,
                       'no_lessons': labels(_('No lessons.'))}, request=request)
    return cached_fragment(request, tag, render_days)


# -- the ETag -----------------------------------------------------------------------------
def page_etag(request, student, stamp, today):
    """The week page's ETag: the week's stamp (``model.week_stamp``) and everything around
    it on the page; None for a browser without a session yet (its page gets a new one)."""
    session = session_state(request)
    if session is None:
        return None
    layout = Layout(request, student)
    school_class = student.current_class()
    return etag(PAGE_VERSION, 'html', stamp, today,
                request.locale_name, layout.nav_stamp(), session, layout.school_name,
                my_children(request),
                school_class.title if school_class is not None else None)


def json_etag(request, student, day):
    """The JSON week's ETag: the week's stamp and the language (the body is the same for
    every reader allowed to read it, so the family shares it)."""
    return etag(PAGE_VERSION, 'json', model.week_stamp(student, day), request.locale_name)


def summary_etag(request, student, start, end):
    return etag(PAGE_VERSION, 'summary', model.summary_stamp(student, start, end),
                request.locale_name)

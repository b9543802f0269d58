"""The week page's hot path: its lesson rows written out by a small escaping helper (as the
journal grid's ``cells_html``), with every label translated once per request, and the
page's ETag.

A week shows up to forty lessons; in the template each row cost a dozen expression
look-ups and several translations, repeated in every day's table header. Here the
headers are made once and each row is one string format with every value escaped.

The ETag is a hash of everything the page shows, named cheaply: the week's stamp
(``model.week_stamp``: serials and counters, so the week is not built to name it), the
user, the language, the navigation, the session cookie (the CSRF token of the layout's
forms and any flash message live in it), the children to switch between, the class and
today's date. ``core.caching`` answers a revalidating browser with a 304 and sends the
body rendered earlier under the same tag; any new mark, topic, remark or absence changes
the tag. A page that shows a flash message changes the session, so it is not reused.
"""
from html import escape
from urllib.parse import quote

from pyramid.renderers import render
from translationstring import TranslationString

from ejportal.core.caching import cached_fragment, etag, session_state
from ejportal.diary import model
from ejportal.i18n import _, format_date
from ejportal.paths import template
from ejportal.site.layout import Layout

# Change when the page's markup changes, so browsers do not keep an older page.
PAGE_VERSION = '4'

WEEKDAYS = (_('Monday'), _('Tuesday'), _('Wednesday'), _('Thursday'), _('Friday'),
            _('Saturday'), _('Sunday'))
HEADERS = ('№', _('Subject'), _('Topic'), _('Homework'), _('Marks'), _('Attendance'),
           _('Remark'))

_ROW = ('<tr class="lesson"><td>%s</td><td class="subject">%s</td><td class="topic">%s</td>'
        '<td class="homework">%s%s%s</td><td class="marks">%s</td>'
        '<td class="attendance">%s</td><td class="comment">%s</td></tr>')
_DUE = '<small class="text-muted d-block"><span>%s</span> %s</small>'
_FILE = ('<small class="d-block"><a class="homework-file" href="%s" download>%s</a>'
         '</small>')
_MARK = ('<span class="mark" title="%s (×%s)">%s<small class="text-muted"> %s</small> '
         '</span>')
_ATTENDANCE = '<span title="%s">%s <small>%s</small></span>'


class Labels:
    """The page's translated words, each translated once per request."""

    def __init__(self, request):
        self._translate = request.localizer.translate
        self._cache = {}
        self.due = escape(self(_('due')))
        self.thead = '<thead><tr>%s</tr></thead>' % ''.join(
            '<th>%s</th>' % escape(self(h)) for h in HEADERS)

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


def lessons_html(lessons, labels, files_base):
    """The rows of one day's lessons (see ``model.week``) as HTML, every value escaped."""
    out = []
    for lesson in lessons:
        due = lesson['homework_due']
        due_html = _DUE % (labels.due, format_date(due)) if due else ''
        files_html = ''.join(
            _FILE % (escape(file_url(files_base, lesson['journal'], lesson['lesson'],
                                     f['name'])), escape(f['name']))
            for f in lesson['files'])
        marks_html = ''.join(
            _MARK % (escape(labels(m['kind_title'])), '%g' % m['weight'], escape(m['value']),
                     escape(labels(m['kind_title'])))
            for m in lesson['marks'])
        attendance = lesson['attendance']
        attendance_html = _ATTENDANCE % (
            escape(labels(attendance['title'])), escape(attendance['code']),
            escape(labels(attendance['title']))) if attendance else ''
        out.append(_ROW % (lesson['number'], escape(lesson['subject_title']),
                           escape(lesson['topic'] or ''), escape(lesson['homework'] or ''),
                           due_html, files_html, marks_html, attendance_html,
                           escape(lesson['comment'] or '')))
    return ''.join(out)


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
                         'rows': lessons_html(item['lessons'], labels, files_base),
                         'absences': item['absences'], 'remarks': item['remarks']})
        return render(template('diary/week_days.pt'),
                      {'days': days, 'thead': labels.thead,
                       'no_lessons': labels(_('No lessons.'))}, request=request)
    return cached_fragment(request, tag, render_days)


# -- the ETag -----------------------------------------------------------------------------
def page_etag(request, student, stamp, today):
    """The week page's ETag: the week's stamp (``model.week_stamp``) and everything around
    it on the page; None for a browser without a session yet (its page gets a new one)."""
    session = session_state(request)
    if session is None:
        return None
    from ejportal.diary.views import my_children  # diary.views imports this module
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

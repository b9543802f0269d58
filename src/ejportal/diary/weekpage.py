"""The week page's hot path: its lesson rows written out by a small escaping helper (as the
journal grid's ``cells_html``), with every label translated once per request, and the
page's ETag.

A week shows up to forty lessons; in the template each row cost a dozen expression
look-ups and several translations, repeated in every day's table header. Here the
headers are made once and each row is one string format with every value escaped.

The ETag is a hash of everything the page shows: the week's data (the student's index
entries, the lessons of their journals, remarks and absences), whose diary it is, the
children to switch between, the tabs, the user, the language, the navigation, the CSRF
token of the forms in the layout and today's date. A browser that revalidates gets a 304
when none of it changed; any new mark, topic, remark or absence changes the hash. Pages
with a flash message pending are never answered with a 304 (the message must be shown).
"""
import hashlib
from html import escape
from urllib.parse import quote

from pyramid.csrf import get_csrf_token
from pyramid.response import Response
from translationstring import TranslationString

from ejportal.i18n import _, format_date

# Change when the page's markup changes, so browsers do not keep an older page.
PAGE_VERSION = '2'

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


# -- the ETag -----------------------------------------------------------------------------
def week_state(data):
    """What the week shows, as plain values (no objects whose repr could vary)."""
    return (data['start'], [
        (d['date'],
         [(l['journal'], l['lesson'], l['number'], l['subject_title'], l['topic'],
           l['lesson_type'], l['homework'], l['homework_due'],
           tuple((f['name'], f['size']) for f in l['files']),
           tuple((m['value'], m['kind'], m['weight'], m['kind_title']) for m in l['marks']),
           l['attendance']['code'] if l['attendance'] else None, l['comment'])
          for l in d['lessons']],
         [(r['text'], r['kind']) for r in d['remarks']],
         [(a['start'], a['end'], a['code'], a['reason'], bool(a.get('certificate')))
          for a in d['absences']])
        for d in data['days']])


def digest(*parts):
    return hashlib.blake2b(repr(parts).encode('utf-8'), digest_size=16).hexdigest()


def has_flash(request):
    session = request.session
    return any(session.peek_flash(queue) for queue in ('', 'success', 'error'))


def page_etag(request, data, page, today):
    """The week page's ETag, or None when the page must not be revalidated (a pending
    flash message)."""
    if has_flash(request):
        return None
    from ejportal.site.layout import Layout
    layout = Layout(request, request.context)
    user = request.user
    nav = [(str(i['title']), i['url'], i['active']) for i in layout.nav()]
    return digest(PAGE_VERSION, 'html', week_state(data), today, request.locale_name,
                  user.__name__ if user else None, user.short_name if user else None,
                  get_csrf_token(request), nav, layout.school_name,
                  page['student'].fullname, page['class_title'], list(page['children']),
                  [(t['name'], t['current']) for t in page['tabs']])


def json_etag(request, student, data):
    user = request.user
    return digest(PAGE_VERSION, 'json', week_state(data), student.__name__,
                  student.fullname, request.locale_name, user.__name__ if user else None)


def not_modified(request, tag):
    """A 304 when the browser's copy carries ``tag``; else None (and the response that
    will be rendered gets the ETag). Browsers must revalidate every time (no-cache), and
    only their own cache keeps the page (private)."""
    response = request.response
    if tag is None:
        response.cache_control = 'private, no-cache'
        return None
    if tag in request.if_none_match:
        answer = Response(status=304)
        answer.etag = tag
        answer.cache_control = 'private, no-cache'
        return answer
    response.etag = tag
    response.cache_control = 'private, no-cache'
    return None

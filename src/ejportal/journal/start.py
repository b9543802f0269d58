"""What the journal puts on the start page: a teacher's lessons of today and journals, the
correction requests waiting for a deputy, and the direction's way to the dashboard and the
control of the journal."""
import datetime

from ejportal.i18n import _
from ejportal.journal.resources import Journal
from ejportal.security import APPROVE_CORRECTION, EDIT_JOURNAL, VIEW_CONTROL
from ejportal.site.resources import get_portal


def my_journals(request, school):
    """The current year's journals the user keeps (holds the teacher's local role on)."""
    year = school.current_year()
    user = request.user
    if year is None or user is None:
        return []
    return [journal for school_class in year['classes'].current()
            for journal in school_class['journals'].values()
            if isinstance(journal, Journal) and user.__name__ in journal.teachers
            and request.has_permission(EDIT_JOURNAL, journal)]


def teacher_panel(request):
    """Today's lessons (each to its journal's grid) and every journal the teacher keeps."""
    user = request.user
    if user is None or not user.is_staff():
        return None
    journals = my_journals(request, get_portal(request)['journal'])
    if not journals:
        return None
    today = datetime.date.today()
    items = []
    lessons = sorted(((lesson.number, journal, lesson) for journal in journals
                      for lesson in journal.lessons_between(today, today)),
                     key=lambda found: (found[0], found[1].school_class.title))
    for number, journal, lesson in lessons:
        items.append({'title': '%d. %s, %s' % (number, journal.school_class.title,
                                               journal.title),
                      'url': request.resource_url(journal),
                      'note': lesson.topic})
    for journal in sorted(journals, key=lambda j: (j.school_class.grade,
                                                   j.school_class.letter, j.title)):
        items.append({'title': '%s, %s' % (journal.school_class.title, journal.title),
                      'url': request.resource_url(journal),
                      'note': request.localizer.translate(_('journal'))})
    return {'title': _('My lessons today and journals'), 'items': items}


def corrections_panel(request):
    """The correction requests waiting for a deputy's decision."""
    school = get_portal(request)['journal']
    if request.user is None or not request.has_permission(APPROVE_CORRECTION, school):
        return None
    year = school.current_year()
    waiting = [] if year is None else [
        (journal, correction) for school_class in year['classes'].current()
        for journal in school_class['journals'].values() if isinstance(journal, Journal)
        for correction in journal.pending_corrections()]
    if not waiting:
        return None
    return {'title': _('Correction requests waiting'),
            'items': [{'title': '%s, %s: %s' % (j.school_class.title, j.title, c.reason),
                       'url': request.resource_url(school, 'corrections')}
                      for j, c in waiting]}


def dashboard_panel(request):
    """The director and the deputies: the dashboard, the control report and the checks."""
    school = get_portal(request).get('journal')
    if school is None or request.user is None or \
            not request.has_permission(VIEW_CONTROL, school):
        return None
    return {'title': _('For the direction'),
            'items': [{'title': request.localizer.translate(_("Director's dashboard")),
                       'url': request.resource_url(school, '@@dashboard')},
                      {'title': request.localizer.translate(_('Journal control')),
                       'url': request.resource_url(school, '@@control')},
                      {'title': request.localizer.translate(_('Journal checks')),
                       'url': request.resource_url(school, '@@checks')}]}

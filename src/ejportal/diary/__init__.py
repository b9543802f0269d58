"""The diary: the student's and parents' read model of the journal, progress reports, the
class teacher's desk (family data, logins, absences, remarks, class overview) and report
mailing."""
from ejportal.core.events import ObjectAdded, ObjectModified
from ejportal.diary.actions import AddGuardian, AddStudent
from ejportal.diary.consents import build_demo_consents, lapsed_clearances, read_log_retention
from ejportal.diary.demo import build_demo_diary
from ejportal.diary.desk import absence_on_new_lesson
from ejportal.diary.mailing import reports_job
from ejportal.diary.resources import on_student_changed
from ejportal.diary.family import my_children
from ejportal.i18n import _
from ejportal.journal.resources import LessonAdded
from ejportal.security import MANAGE_CLASS, PERSONAL_DATA, VIEW_DIARY
from ejportal.site.resources import get_portal


def diary_panel(request):
    """The start page of a student or parent: a link to each child's diary."""
    user = request.user
    if user is None or not ({'student', 'parent'} & set(user.roles)):
        return None
    base = request.application_url + '/journal/students/'
    items = []
    for sid, name in my_children(request):
        items.append({'title': name, 'url': base + sid + '/diary'})
        # 152-ФЗ: the family sees who read the child's card
        items.append({'title': _("Who read ${name}'s personal data", mapping={'name': name}),
                      'url': base + sid + '/card-reads'})
    return {'title': _('Diary'),
            'items': items,
            'empty': _('No diary is linked to your account yet: ask the class teacher.')}


def desk_panel(request):
    """A class teacher's start page: the desk of each class they keep."""
    user = request.user
    if user is None or not user.is_staff():
        return None
    year = get_portal(request)['journal'].current_year()
    if year is None:
        return None
    classes = [c for c in year['classes'].sorted() if c.class_teacher == user.__name__
               and request.has_permission(MANAGE_CLASS, c)]
    if not classes:
        return None
    return {'title': _('Class teacher'),
            'items': [{'title': c.title, 'url': request.resource_url(c, 'desk')}
                      for c in classes]}


def includeme(config):
    config.add_action('add-student', AddStudent)
    config.add_action('add-guardian', AddGuardian)
    config.scan('.evolve', categories=('ejportal',))
    config.scan('.consents', categories=('ejportal',))
    config.add_section('consents', 'ConsentRegistry', order=60)
    config.add_nav_entry(88, '/consents', _('Personal-data consents'), PERSONAL_DATA)
    config.add_subscriber(on_student_changed, ObjectAdded)
    config.add_subscriber(on_student_changed, ObjectModified)
    # lessons added into a recorded absence
    config.add_subscriber(absence_on_new_lesson, LessonAdded)
    config.add_nav_entry(5, '/', _('Diary'), VIEW_DIARY, view='diary')
    config.add_start_panel(5, diary_panel)
    config.add_start_panel(6, desk_panel)
    config.add_demo_builder(40, build_demo_diary)
    config.add_demo_builder(41, build_demo_consents)
    config.add_housekeeping(10, read_log_retention)
    config.add_housekeeping(11, lapsed_clearances)
    config.add_job('reports', reports_job, _('job-reports', default="The parents' report "
                   'e-mails'), {'kind': 'daily', 'at': '18:00'}, order=20)
    config.scan('.views')
    config.scan('.api')
    config.scan('.desk')
    config.scan('.consent_views')
    config.add_help_topic('reading-the-diary', 'Portal', 'diary')
    config.add_help_topic('reading-the-diary', 'Student', '*')

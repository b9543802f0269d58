"""The diary: the student's and parents' read model of the journal, progress reports, the
class teacher's desk (family data, logins, absences, remarks, class overview) and report
mailing."""
from ejportal.i18n import _
from ejportal.security import VIEW_DIARY


def diary_panel(request):
    """The start page of a student or parent: a link to each child's diary."""
    from ejportal.diary.views import my_children
    user = request.user
    if user is None or not ({'student', 'parent'} & set(user.roles)):
        return None
    base = request.application_url + '/journal/students/'
    return {'title': _('Diary'),
            'items': [{'title': name, 'url': base + sid + '/diary'}
                      for sid, name in my_children(request)],
            'empty': _('No diary is linked to your account yet: ask the class teacher.')}


def desk_panel(request):
    """A class teacher's start page: the desk of each class they keep."""
    from ejportal.security import MANAGE_CLASS
    from ejportal.site.resources import get_portal
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
    from ejportal.site.bootstrap import add_demo_builder
    from ejportal.site.layout import add_nav, add_start_panel
    from ejportal.core.events import ObjectAdded, ObjectModified, subscribe
    from ejportal.diary.demo import build_demo_diary
    from ejportal.diary.desk import absence_on_new_lesson
    from ejportal.diary.resources import on_student_changed
    from ejportal.journal.resources import LESSON_ADDED
    subscribe(ObjectAdded, on_student_changed)
    subscribe(ObjectModified, on_student_changed)
    if absence_on_new_lesson not in LESSON_ADDED:     # lessons added into a recorded absence
        LESSON_ADDED.append(absence_on_new_lesson)
    add_nav(5, '/', _('Diary'), VIEW_DIARY, view='diary')
    add_start_panel(5, diary_panel)
    add_start_panel(6, desk_panel)
    add_demo_builder(40, build_demo_diary)
    config.scan('.views')
    config.scan('.api')
    config.scan('.desk')

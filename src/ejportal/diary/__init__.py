"""The diary: the student's and parents' read model of the journal, progress reports, the
class teacher's desk (family data, logins, absences, remarks, class overview) and report
mailing."""
from ejportal.i18n import _


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


def includeme(config):
    from ejportal.site.bootstrap import add_demo_builder
    from ejportal.site.layout import add_start_panel
    from ejportal.diary.demo import build_demo_diary
    add_start_panel(5, diary_panel)
    add_demo_builder(40, build_demo_diary)
    config.scan('.views')
    config.scan('.api')

"""The school: years, classes, subjects, assignments, journals, lessons and marks."""
from ejportal.i18n import _
from ejportal.security import VIEW
from ejportal.site.bootstrap import add_demo_builder
from ejportal.site.layout import add_nav


def includeme(config):
    add_nav(20, '/journal', _('Journal'), VIEW)
    from ejportal.journal.demo import build_demo_school
    add_demo_builder(20, build_demo_school)
    config.scan('.views')
    config.scan('.api')
    config.include('.manage')

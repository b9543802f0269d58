"""The school: years, classes, subjects, assignments, journals, lessons and marks."""
from ejportal.i18n import _
from ejportal.journal.demo import build_demo_school
from ejportal.security import VIEW


def includeme(config):
    config.scan('.resources', categories=('ejportal',))
    config.scan('.evolve', categories=('ejportal',))
    config.add_section('journal', 'School', order=40)
    config.add_nav_entry(20, '/journal', _('Journal'), VIEW)
    config.add_demo_builder(20, build_demo_school)
    config.scan('.views')
    config.scan('.api')
    config.include('.manage')

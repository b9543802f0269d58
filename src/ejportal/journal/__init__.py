"""The school: years, classes, subjects, assignments, journals, lessons and marks."""
from ejportal.i18n import _
from ejportal.security import VIEW
from ejportal.site.layout import add_nav


def includeme(config):
    add_nav(20, '/journal', _('Journal'), VIEW)
    config.scan('.views')

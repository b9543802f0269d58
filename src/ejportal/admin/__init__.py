"""Administration screens: settings and the audit log."""
from ejportal.i18n import _
from ejportal.security import MANAGE_SETTINGS, VIEW_AUDIT


def includeme(config):
    config.add_nav_entry(80, '/settings', _('Settings'), MANAGE_SETTINGS)
    config.add_nav_entry(85, '/settings', _('Audit log'), VIEW_AUDIT, view='audit')
    config.scan('.views')
    config.scan('.books')

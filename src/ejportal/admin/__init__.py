"""Administration screens: settings and the audit log."""
from ejportal.i18n import _
from ejportal.security import MANAGE_SETTINGS, VIEW_AUDIT
from ejportal.site.layout import add_nav


def includeme(config):
    add_nav(80, '/settings', _('Settings'), MANAGE_SETTINGS)
    add_nav(85, '/settings', _('Audit log'), VIEW_AUDIT, view='audit')
    config.scan('.views')

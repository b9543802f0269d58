"""Administration screens: settings, the scheduled jobs and the audit log."""
from ejportal.admin.jobs import jobs_warning_panel
from ejportal.i18n import _
from ejportal.security import MANAGE_SETTINGS, VIEW_AUDIT


def includeme(config):
    config.add_nav_entry(80, '/settings', _('Settings'), MANAGE_SETTINGS)
    config.add_nav_entry(85, '/settings', _('Audit log'), VIEW_AUDIT, view='audit')
    config.add_start_panel(1, jobs_warning_panel)
    config.scan('.views')
    config.scan('.jobs')

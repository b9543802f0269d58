"""Administration screens: settings, the scheduled jobs and the audit log."""
from ejportal.admin.backups import backup_job, verify_job
from ejportal.admin.jobs import jobs_warning_panel
from ejportal.i18n import _
from ejportal.security import MANAGE_SETTINGS, MANAGE_USERS, VIEW_AUDIT


def includeme(config):
    config.add_nav_entry(80, '/settings', _('Settings'), MANAGE_SETTINGS)
    config.add_nav_entry(85, '/settings', _('Audit log'), VIEW_AUDIT, view='audit')
    config.add_start_panel(1, jobs_warning_panel)
    config.add_job('backup', backup_job, _('job-backup', default='Backup to every destination'),
                   {'kind': 'daily', 'at': '01:00'}, order=10)
    config.add_job('backup-verify', verify_job, _('job-backup-verify', default='Restore and '
                   'verify the newest backups'), {'kind': 'weekly', 'weekday': 7, 'at': '05:00'},
                   order=11)
    config.scan('.imports', categories=('ejportal',))
    config.add_nav_entry(92, '/settings', _('Import of people'), MANAGE_USERS, view='import')
    config.scan('.views')
    config.scan('.jobs')
    config.scan('.backups_views')
    config.scan('.books')
    config.add_help_topic('admin-daily', 'Settings', '*')
    config.scan('.imports_views')

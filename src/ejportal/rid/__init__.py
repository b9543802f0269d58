"""The regional export (РИД): our published package format, the export job with its
deliveries and the runs' record."""
from ejportal.i18n import _
from ejportal.rid.export import export_job


def includeme(config):
    config.scan('.export', categories=('ejportal',))
    config.add_job('rid-export', export_job, _('job-rid-export', default='Export to the '
                   'regional base (РИД)'), {'kind': 'weekly', 'weekday': 5, 'at': '22:00'},
                   order=30)
    config.scan('.views')

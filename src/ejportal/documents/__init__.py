"""Orders, appendices, local acts, acknowledgement sheets and the roll-out plan."""
from ejportal.i18n import _
from ejportal.security import VIEW
from ejportal.site.layout import add_nav


def includeme(config):
    add_nav(10, '/documents', _('Documents'), VIEW)
    config.scan('.views')

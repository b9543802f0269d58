"""The documents section."""
from ejportal.core.content import content_type
from ejportal.core.folder import Folder
from ejportal.i18n import _


@content_type('Documents', _('type-Documents', default='Documents'))
class Documents(Folder):
    title = _('section-documents', default='Documents')

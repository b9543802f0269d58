"""The school section (``/journal``)."""
from ejportal.core.content import content_type
from ejportal.core.folder import Folder
from ejportal.i18n import _


@content_type('School', _('type-School', default='School'))
class School(Folder):
    title = _('section-journal', default='Journal')

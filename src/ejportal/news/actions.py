"""The news item's picture as one action, for the form and the JSON API alike."""
from ejportal.core.actions import Action
from ejportal.core.content import find_root
from ejportal.core.uploads import UploadRefused
from ejportal.i18n import _
from ejportal.news.pictures import resized_picture
from ejportal.security import EDIT

NO_PICTURE = _('Send the picture as the body (JPEG, PNG or GIF).')


def max_upload_mb(context):
    return find_root(context)['settings'].upload_max_mb


def picture_from(data, context):
    """``(bytes, type, width, height)`` of the picture made from the upload ``data`` (None
    for no data); refused with ``UploadRefused`` on the field ``picture``."""
    if not data:
        return None
    try:
        return resized_picture(data, max_upload_mb(context))
    except UploadRefused as refused:
        raise UploadRefused(refused.message, {'picture': refused.message})


class SetPicture(Action):
    """``SetPicture(item, request)(data)`` keeps the picture made from the upload ``data``
    (bytes: resized, its camera data dropped); ``run({'picture': None})`` removes it. A form
    that made the picture first (before the item existed) calls ``run({'picture': made})``."""

    permission = EDIT

    def deserialize(self, data):
        if not isinstance(data, bytes) or not data:
            raise UploadRefused(NO_PICTURE, {'picture': NO_PICTURE})
        return {'picture': picture_from(data, self.context)}

    def perform(self, appstruct):
        picture = appstruct.get('picture')
        if picture is None:
            self.context.remove_picture()
        else:
            self.context.set_picture(*picture)
        return self.context.picture_size

"""The picture of a news item: checked by content (``core.uploads``), turned upright, cut
down to the size a page shows, and saved again, which also drops whatever the camera wrote
into it (EXIF, GPS position)."""
import io

from PIL import Image, ImageOps, UnidentifiedImageError

from ejportal.core.uploads import UploadRefused, check_upload
from ejportal.i18n import _

MAX_SIDE = 1200             # pixels: wide enough for a page and a link preview
MAX_SOURCE_PIXELS = 50_000_000   # a larger image is refused before it is decoded
JPEG_QUALITY = 85


def resized_picture(data, max_mb):
    """``(bytes, mime type, width, height)`` of the picture to keep, from an upload's
    ``data``; ``UploadRefused`` (400) for what is no picture, too large or damaged."""
    kind = check_upload(data, max_mb)
    if kind not in ('png', 'jpeg', 'gif'):
        raise UploadRefused(_('A picture must be a JPEG, PNG or GIF image.'))
    try:
        with Image.open(io.BytesIO(data)) as source:
            if source.width * source.height > MAX_SOURCE_PIXELS:
                raise UploadRefused(_('The picture has too many pixels.'))
            image = ImageOps.exif_transpose(source)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            if image.mode in ('RGBA', 'LA', 'P') and kind != 'jpeg':
                image.save(out, 'PNG', optimize=True)
                mime = 'image/png'
            else:
                image.convert('RGB').save(out, 'JPEG', quality=JPEG_QUALITY, optimize=True)
                mime = 'image/jpeg'
            return out.getvalue(), mime, image.width, image.height
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise UploadRefused(_('The picture is damaged.'))

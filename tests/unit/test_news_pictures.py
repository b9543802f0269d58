"""A news picture is made smaller, turned upright and stripped of the camera's data; what is
no picture, or a picture too large to open, is refused before it is decoded."""
import io

import pytest
from PIL import Image

from ejportal.core.uploads import UploadRefused
from ejportal.news.pictures import MAX_SIDE, resized_picture


def encoded(image, fmt, **options):
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def test_a_photo_is_made_smaller_upright_and_without_its_exif():
    photo = Image.new('RGB', (3000, 2000), (200, 10, 10))
    exif = Image.Exif()
    exif[0x0112] = 6                      # orientation: turned 90° (a phone held upright)
    exif[0x010F] = 'PhoneMaker'           # the camera's make
    data, mime, width, height = resized_picture(encoded(photo, 'JPEG', exif=exif), 20)
    kept = Image.open(io.BytesIO(data))
    assert mime == 'image/jpeg' and kept.format == 'JPEG'
    assert (width, height) == kept.size == (800, 1200)     # upright, longer side MAX_SIDE
    assert max(kept.size) == MAX_SIDE
    assert not kept.getexif()


def test_a_small_picture_keeps_its_size_and_transparency():
    logo = Image.new('RGBA', (64, 48), (0, 0, 0, 0))
    data, mime, width, height = resized_picture(encoded(logo, 'PNG'), 20)
    assert (mime, width, height) == ('image/png', 64, 48)
    assert Image.open(io.BytesIO(data)).mode == 'RGBA'


@pytest.mark.parametrize('data', [b'%PDF-1.4\n%%EOF\n', b'<svg xmlns="x"/>', b'plain text'])
def test_what_is_no_picture_is_refused(data):
    with pytest.raises(UploadRefused):
        resized_picture(data, 20)


def test_a_picture_of_too_many_pixels_is_refused_unopened():
    huge = Image.new('1', (9000, 6000))           # 54 million pixels, a few KB as PNG
    with pytest.raises(UploadRefused) as refused:
        resized_picture(encoded(huge, 'PNG'), 20)
    assert 'too many pixels' in str(refused.value)


def test_a_damaged_picture_is_refused():
    data = encoded(Image.new('RGB', (100, 100)), 'JPEG')
    with pytest.raises(UploadRefused):
        resized_picture(data[:200], 20)

"""Upload checks (``core.uploads``), shared by documents, the journal's homework files and
the diary's certificates: the kind comes from the content, sizes and zip bombs are limited."""
import io
import zipfile

import pytest

from ejportal.core.uploads import UploadRefused, check_upload, safe_filename


def test_upload_checks():
    assert check_upload(b'%PDF-1.4 test', 1) == 'pdf'
    with pytest.raises(UploadRefused):
        check_upload(b'MZ\x90\x00 not allowed', 1)
    with pytest.raises(UploadRefused):
        check_upload(b'%PDF-' + b'x' * (1024 * 1024 + 1), 1)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', '<Types/>')
        z.writestr('word/document.xml', '<w/>')
    assert check_upload(buf.getvalue(), 1) == 'docx'
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', '<Types/>')
        z.writestr('word/document.xml', b'\0' * (50 * 1024 * 1024))
    with pytest.raises(UploadRefused):
        check_upload(bomb.getvalue(), 20)


def test_safe_filename_keeps_the_name_and_takes_the_detected_extension():
    assert safe_filename('C:\\Users\\me\\План урока.exe', 'pdf') == 'План урока.pdf'
    assert safe_filename('../../etc/passwd', 'png') == 'passwd.png'
    assert safe_filename('', 'jpeg') == 'file.jpg'

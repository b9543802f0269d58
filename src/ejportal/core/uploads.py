"""Attachments: the file's type is found from its content (puremagic, and for office
files the zip's own manifest), never from its name; size and zip bombs are limited."""
import io
import zipfile

import puremagic

from ejportal.core.errors import Invalid
from ejportal.i18n import _

# detected type -> (extension, MIME type served)
ALLOWED = {
    'pdf': ('.pdf', 'application/pdf'),
    'docx': ('.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
    'xlsx': ('.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
    'odt': ('.odt', 'application/vnd.oasis.opendocument.text'),
    'png': ('.png', 'image/png'),
    'jpeg': ('.jpg', 'image/jpeg'),
    'gif': ('.gif', 'image/gif'),
}
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_RATIO = 100          # uncompressed / compressed, per file as a whole
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024


class UploadRefused(Invalid):
    """The file is not one the portal keeps (kind, size, damage); the message says why."""


def _zip_kind(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRefused(_('The file is damaged.'))
    if len(infos) > MAX_ZIP_MEMBERS:
        raise UploadRefused(_('The file holds too many parts.'))
    total = sum(info.file_size for info in infos)
    if total > MAX_ZIP_UNCOMPRESSED or total > MAX_ZIP_RATIO * max(len(data), 1):
        raise UploadRefused(_('The file unpacks to far more than its size (a zip bomb?).'))
    names = {info.filename for info in infos}
    if 'mimetype' in names:
        mimetype = archive.read('mimetype')[:100].strip()
        if mimetype == b'application/vnd.oasis.opendocument.text':
            return 'odt'
    if '[Content_Types].xml' in names:
        if 'word/document.xml' in names:
            return 'docx'
        if 'xl/workbook.xml' in names:
            return 'xlsx'
    return None


def detect(data):
    """The kind of ``data`` (a key of ALLOWED), or UploadRefused."""
    if data[:5] == b'%PDF-':
        return 'pdf'
    if data[:4] == b'PK\x03\x04':
        kind = _zip_kind(data)
        if kind:
            return kind
        raise UploadRefused(_('This kind of file is not accepted.'))
    try:
        matches = puremagic.magic_string(data)
    except (puremagic.PureError, ValueError):
        matches = []
    for match in matches:
        ext = match.extension.lower().lstrip('.')
        if ext in ('jpg', 'jpeg'):
            return 'jpeg'
        if ext in ('png', 'gif'):
            return ext
    raise UploadRefused(_('This kind of file is not accepted: PDF, DOCX, ODT, XLSX or '
                          'an image.'))


def check_upload(data, max_mb):
    if not data:
        raise UploadRefused(_('The file is empty.'))
    if len(data) > max_mb * 1024 * 1024:
        raise UploadRefused(_('The file is larger than ${mb} MB.', mapping={'mb': max_mb}))
    return detect(data)


def stored_upload(upload, max_mb, default_name):
    """A file from deform's upload value, checked by content (type and size) like every
    upload, as ``{'name', 'kind', 'size', 'blob'}``; None when no file was chosen. Raises
    UploadRefused."""
    from ZODB.blob import Blob
    if not upload or not upload.get('fp'):
        return None
    data = upload['fp'].read()
    if not data:
        return None
    kind = check_upload(data, max_mb)
    blob = Blob()
    with blob.open('w') as out:
        out.write(data)
    return {'name': safe_filename(upload.get('filename') or default_name, kind),
            'kind': kind, 'size': len(data), 'blob': blob}


def safe_filename(name, kind):
    """A plain file name ending in the extension of the detected kind."""
    import re
    base = (name or 'file').replace('\\', '/').rsplit('/', 1)[-1]
    base = re.sub(r'[^\w.\- ]+', '_', base, flags=re.UNICODE).strip(' .') or 'file'
    base = base.rsplit('.', 1)[0][:100] or 'file'
    return base + ALLOWED[kind][0]

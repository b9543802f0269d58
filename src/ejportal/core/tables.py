"""Tables people upload (a lesson plan, a list of students): an XLSX or a CSV read into rows
of text. One reader for every import, so that every import refuses a zip bomb alike.

An XLSX is a zip: a small upload can unpack to gigabytes that openpyxl would hold in memory
(shared strings are read whole even read-only). The zip's directory is checked before
anything is unpacked (zipfile never unpacks a member past the size its directory declares),
and the workbook is then read read-only. A CSV may be UTF-8 (with or without the mark Excel
writes) or Windows-1251, the encodings Russian spreadsheets save in.
"""
import csv
import datetime
import io
import zipfile

from ejportal.core.errors import Invalid
from ejportal.i18n import _

MAX_XLSX_MEMBERS = 1000
MAX_XLSX_UNPACKED = 20 * 1024 * 1024
MAX_XLSX_RATIO = 100            # unpacked / packed size of the whole file
MAX_COLUMNS = 50                # a row is read this wide whatever the sheet claims
MAX_SHEETS = 10
ENCODINGS = ('utf-8-sig', 'cp1251')   # utf-8-sig reads plain UTF-8 too


def not_a_table(error):
    return error(_('The file is not a spreadsheet (XLSX or CSV).'))


def is_xlsx(data, filename=''):
    return data[:4] == b'PK\x03\x04' or (filename or '').lower().endswith('.xlsx')


def check_xlsx_size(data, error=Invalid):
    """Refuse a zip that unpacks to too much (a zip bomb) before any of it is unpacked.
    ``error``: the ``Invalid`` kind the caller's door expects."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_a_table(error)
    if len(infos) > MAX_XLSX_MEMBERS:
        raise error(_('plan-xlsx-members', mapping={'count': MAX_XLSX_MEMBERS},
                      default='The spreadsheet holds too many parts (at most ${count}).'))
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_XLSX_UNPACKED or unpacked > MAX_XLSX_RATIO * len(data):
        raise error(_('plan-xlsx-unpacked', mapping={
            'mb': MAX_XLSX_UNPACKED // 2 ** 20, 'ratio': MAX_XLSX_RATIO},
            default='The spreadsheet unpacks to too much data (at most ${mb} MB, and at '
                    'most ${ratio} times its size).'))


def cell_text(value):
    if value is None:
        return ''
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def xlsx_sheets(data, max_rows, error=Invalid, first_only=False):
    """[(sheet title, rows)] of a workbook (rows: lists of text), each sheet read up to one
    row past ``max_rows`` so that the caller can tell a too long sheet."""
    import openpyxl
    check_xlsx_size(data, error)
    sheets = []
    # openpyxl parses a read-only sheet while it is iterated: damage shows there too
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for sheet in book.worksheets[:1 if first_only else MAX_SHEETS]:
                rows = []
                for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                    cells = [cell_text(v) for v in row]
                    while cells and not cells[-1]:
                        cells.pop()   # the sheet's width, not the row's
                    rows.append(cells)
                    if len(rows) > max_rows + 1:
                        break
                sheets.append((sheet.title, rows))
        finally:
            book.close()
    except Exception:
        raise not_a_table(error)
    return sheets


def csv_rows(data, error=Invalid):
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise not_a_table(error)
    if '\x00' in text:
        raise not_a_table(error)
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=';,\t')
    except csv.Error:
        dialect = csv.excel
    try:
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error:
        raise not_a_table(error)


def read_sheets(data, filename, max_rows, error=Invalid, first_only=False):
    """[(sheet title or '', rows)] of an XLSX (every sheet) or a CSV (one, untitled)."""
    if is_xlsx(data, filename):
        return xlsx_sheets(data, max_rows, error, first_only)
    return [('', csv_rows(data, error))]

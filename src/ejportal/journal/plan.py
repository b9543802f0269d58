"""The lesson plan (КТП) of a journal: parse an XLSX or CSV the teacher already has into
planned lessons (number, topic, hours, section), with row-level errors; nothing is saved
unless every row is valid."""
import csv
import io

from ejportal.core.audit import record
from ejportal.i18n import _

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
# header words (lower case) -> field
HEADERS = {'№': 'number', 'no': 'number', 'номер': 'number', 'number': 'number',
           '№ урока': 'number', 'тема': 'topic', 'тема урока': 'topic', 'topic': 'topic',
           'часы': 'hours', 'кол-во часов': 'hours', 'hours': 'hours',
           'раздел': 'section', 'section': 'section'}


class PlanError(ValueError):
    def __init__(self, message, rows=None):
        super().__init__(message)
        self.message = message
        self.rows = rows or []  # [(row number, message)]


def _rows_from_xlsx(data):
    import openpyxl
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise PlanError(_('The file is not a spreadsheet (XLSX or CSV).'))
    sheet = book.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(['' if v is None else str(v).strip() for v in row])
        if len(rows) > MAX_ROWS + 1:
            break
    book.close()
    return rows


def _rows_from_csv(data):
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError:
        try:
            text = data.decode('cp1251')
        except UnicodeDecodeError:
            raise PlanError(_('The file is not a spreadsheet (XLSX or CSV).'))
    if '\x00' in text:
        raise PlanError(_('The file is not a spreadsheet (XLSX or CSV).'))
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=';,\t')
    except csv.Error:
        dialect = csv.excel
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def parse_plan(data, filename=''):
    """-> list of {'number', 'topic', 'hours', 'section'}; raises PlanError."""
    if not data:
        raise PlanError(_('The file is empty.'))
    if len(data) > MAX_BYTES:
        raise PlanError(_('The file is too large (at most 2 MB).'))
    if data[:4] == b'PK\x03\x04' or filename.lower().endswith('.xlsx'):
        rows = _rows_from_xlsx(data)
    else:
        rows = _rows_from_csv(data)
    rows = [r for r in rows if any(r)]
    if not rows:
        raise PlanError(_('The file is empty.'))
    if len(rows) > MAX_ROWS + 1:
        raise PlanError(_('Too many rows (at most 2000).'))
    columns = {}
    for index, name in enumerate(rows[0]):
        field = HEADERS.get(name.strip().lower())
        if field and field not in columns:
            columns[field] = index
    if 'topic' not in columns:
        raise PlanError(_('plan-columns', default='The first row must name the columns: '
                          '"№", "Тема", "Часы", "Раздел" (the topic column is required).'))
    items, errors, seen = [], [], set()
    for offset, row in enumerate(rows[1:], start=2):
        def get(field):
            index = columns.get(field)
            return row[index] if index is not None and index < len(row) else ''
        topic = get('topic')
        number_text, hours_text = get('number'), get('hours') or '1'
        try:
            number = int(float(number_text)) if number_text else len(items) + 1
        except ValueError:
            errors.append((offset, _('The lesson number is not a number.')))
            continue
        try:
            hours = int(float(hours_text))
            if not 1 <= hours <= 10:
                raise ValueError
        except ValueError:
            errors.append((offset, _('Hours must be a whole number from 1 to 10.')))
            continue
        if not topic:
            errors.append((offset, _('The topic is empty.')))
            continue
        if number in seen:
            errors.append((offset, _('This lesson number is used twice.')))
            continue
        seen.add(number)
        items.append({'number': number, 'topic': topic[:500], 'hours': hours,
                      'section': get('section')[:200]})
    if errors:
        raise PlanError(_('Some rows are not valid; nothing was saved.'), errors)
    return sorted(items, key=lambda i: i['number'])


def set_plan(journal, items):
    old = len(journal.plan)
    journal.plan = tuple(items)
    record(journal, 'plan-import', {'old_count': old, 'new_count': len(items)})


def plan_report(journal):
    """Planned against held hours."""
    planned = sum(i['hours'] for i in journal.plan)
    held = len(journal.lessons_between(journal.year.start, __import__('datetime').date.today()))
    return {'planned': planned, 'held': held}

"""The import of people and classes: staff, classes, students and their parents / legal
representatives from an XLSX workbook (a sheet of each kind) or CSV files (one kind each),
in the columns of the templates (Russian names, English ones accepted).

The file is read by the one table reader (``core.tables``: the zip-bomb check, read-only,
the encodings), checked row by row, and then run through the very actions the forms run
(``config.add_action``: add-user, add-class, add-student, add-guardian), in the order a
row may refer to an earlier one (staff, classes, students, parents), inside a savepoint of
the transaction. A preview, and any run with an error, rolls the savepoint back: nothing is
saved until every row is valid and the administrator confirms. The uploaded rows wait for
the confirmation here, under a token bound to the user (never round-tripped through the
browser), for an hour.
"""
import csv
import datetime
import io
import re
import secrets
from dataclasses import dataclass, field

from BTrees.OOBTree import OOBTree
from persistent.mapping import PersistentMapping
from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories
from pyramid.threadlocal import get_current_registry

from ejportal.core.actions import named_action
from ejportal.core.audit import record
from ejportal.core.content import Resource, content_type, create, now
from ejportal.core.errors import Invalid, UserError
from ejportal.core.folder import Folder
from ejportal.core.tables import read_sheets
from ejportal.core.text import BadText, text_problem
from ejportal.i18n import _
from ejportal.security import ROLES, STAFF_ROLES

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 3000            # data rows of the whole file: a school's people, with room
PENDING_SECONDS = 3600     # a preview waits this long for its confirmation
KINDS = ('staff', 'classes', 'students', 'guardians')   # the order rows are run in


@dataclass(frozen=True)
class Column:
    name: str
    ru: str
    en: str
    required: bool = False
    example: str = ''


COLUMNS = {
    'staff': (
        Column('login', 'Логин', 'Login', True, 'ivanova.ma'),
        Column('surname', 'Фамилия', 'Surname', True, 'Иванова'),
        Column('first_name', 'Имя', 'First name', True, 'Мария'),
        Column('patronymic', 'Отчество', 'Patronymic', False, 'Андреевна'),
        Column('position', 'Должность', 'Position', False, 'учитель математики'),
        Column('roles', 'Роли', 'Roles', True, 'Учитель-предметник, Классный руководитель'),
        Column('email', 'E-mail', 'E-mail', False, 'ivanova@school.example'),
        Column('phone', 'Телефон', 'Phone', False, '+7 900 123-45-67'),
    ),
    'classes': (
        Column('class', 'Класс', 'Class', True, '5Д'),
        Column('class_teacher', 'Классный руководитель (логин)', 'Class teacher (login)',
               False, 'ivanova.ma'),
    ),
    'students': (
        Column('surname', 'Фамилия', 'Surname', True, 'Петров'),
        Column('first_name', 'Имя', 'First name', True, 'Иван'),
        Column('patronymic', 'Отчество', 'Patronymic', False, 'Сергеевич'),
        Column('birth_date', 'Дата рождения', 'Birth date', True, '14.03.2014'),
        Column('personal_file', '№ личного дела', 'Personal file number', True, 'П-1001'),
        Column('class', 'Класс', 'Class', True, '5Д'),
        Column('start', 'Дата зачисления', 'Enrolled from', False, ''),
    ),
    'guardians': (
        Column('student_file', '№ личного дела ученика', 'Student personal file number',
               True, 'П-1001'),
        Column('surname', 'Фамилия', 'Surname', True, 'Петрова'),
        Column('first_name', 'Имя', 'First name', True, 'Елена'),
        Column('patronymic', 'Отчество', 'Patronymic', False, 'Викторовна'),
        Column('relation', 'Кем приходится', 'Relation', False, 'мать'),
        Column('phone', 'Телефон', 'Phone', False, '+7 900 765-43-21'),
        Column('email', 'E-mail', 'E-mail', False, 'petrova@mail.example'),
        Column('consent', 'Согласие на обработку ПДн (дата)', 'Personal-data consent (date)',
               False, '01.09.2025'),
        Column('no_pass_note', 'Расписка о неразглашении логина (дата)',
               'Note not to pass the login on (date)', False, '01.09.2025'),
        Column('login', 'Логин', 'Login', False, 'petrova.ev'),
    ),
}
SHEET_TITLES = {'staff': 'Сотрудники', 'classes': 'Классы', 'students': 'Ученики',
                'guardians': 'Родители'}
KIND_TITLES = {'staff': _('Staff'), 'classes': _('Classes'), 'students': _('Students'),
               'guardians': _('Parents / legal representatives')}
RELATIONS = {'мать': 'mother', 'отец': 'father', 'опекун': 'guardian',
             'законный представитель': 'guardian', 'попечитель': 'guardian',
             'другое': 'other', 'mother': 'mother', 'father': 'father',
             'guardian': 'guardian', 'other': 'other'}
# an action's field -> the column that gives it
FIELD_COLUMNS = {'grade': 'class', 'letter': 'class', 'id': 'login', 'student': 'student_file',
                 'fullname': 'surname', 'groups': 'roles'}
CLASS_NAME = re.compile(r'^\s*(\d{1,2})\s*[-\s]?\s*([А-Яа-яЁёA-Za-z]{1,2})\s*$')
PHONE = re.compile(r'^\+?[\d\s()\-]{5,30}$')


class ImportRefused(Invalid):
    """A file that cannot be read as an import at all (not a table, too big, columns of no
    kind); row errors are kept on the preview instead."""


def header_key(text):
    return re.sub(r'\s+', ' ', (text or '').replace('*', '')).strip().lower()


HEADERS = {kind: {header_key(name): column.name for column in columns
                  for name in (column.ru, column.en)}
           for kind, columns in COLUMNS.items()}
for _kind in ('staff', 'students', 'guardians'):
    HEADERS[_kind].update({'электронная почта': 'email', 'email': 'email'})


# -- reading -------------------------------------------------------------------------------
@dataclass
class Table:
    kind: str
    title: str            # the sheet's title ('' for a CSV)
    header: tuple         # the file's own column titles, by field: {field: title}
    rows: list = field(default_factory=list)   # [(row number in the file, {field: text})]

    def as_stored(self):
        return (self.kind, self.title, tuple(self.header.items()),
                tuple((n, tuple(v.items())) for n, v in self.rows))

    @classmethod
    def from_stored(cls, stored):
        kind, title, header, rows = stored
        return cls(kind, title, dict(header), [(n, dict(v)) for n, v in rows])


def kind_of(fields):
    if 'student_file' in fields:
        return 'guardians'
    if 'roles' in fields:
        return 'staff'
    if 'surname' in fields and 'class' in fields:
        return 'students'
    if 'class' in fields and 'surname' not in fields:
        return 'classes'
    return None


def read_tables(data, filename):
    """The file's tables, each of one kind; raises ImportRefused."""
    if not data:
        raise ImportRefused(_('The file is empty.'))
    if len(data) > MAX_BYTES:
        raise ImportRefused(_('import-too-large', mapping={'mb': MAX_BYTES // 2 ** 20},
                              default='The file is too large (at most ${mb} MB).'))
    tables, total = [], 0
    for title, rows in read_sheets(data, filename, MAX_ROWS, ImportRefused):
        rows = [(n, r) for n, r in enumerate(rows, 1) if any(r)]
        # the one text boundary: the cells wait for the confirmation in the database
        bad = {'%s.%d.%d' % (title or 'file', n, index + 1): text_problem(cell)
               for n, r in rows for index, cell in enumerate(r) if text_problem(cell)}
        if bad:
            raise BadText(_('Some fields are not valid.'), bad)
        if not rows:
            continue
        titles = rows[0][1]
        columns = {}
        for index, text in enumerate(titles):
            for kind_headers in HEADERS.values():
                name = kind_headers.get(header_key(text))
                if name is not None:
                    columns.setdefault(name, index)
        kind = kind_of(columns)
        if kind is None:
            raise ImportRefused(_('import-no-kind', mapping={'sheet': title or filename},
                                  default='The columns of "${sheet}" are not those of any '
                                          'template (staff, classes, students, parents).'))
        columns = {name: index for name, index in columns.items()
                   if name in HEADERS[kind].values()}
        table = Table(kind, title, {name: titles[index] for name, index in columns.items()})
        for number, row in rows[1:]:
            table.rows.append((number, {name: row[index] if index < len(row) else ''
                                        for name, index in columns.items()}))
        total += len(table.rows)
        if total > MAX_ROWS:
            raise ImportRefused(_('import-too-many-rows', mapping={'max': MAX_ROWS},
                                  default='Too many rows (at most ${max}).'))
        tables.append(table)
    if not tables:
        raise ImportRefused(_('The file is empty.'))
    return tables


# -- the run -------------------------------------------------------------------------------
@dataclass
class RowError:
    sheet: str
    row: int
    column: str      # the file's column title, or ''
    message: object  # a translation string (or colander's text, translated)


@dataclass
class Outcome:
    counts: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    errors: list = field(default_factory=list)
    credentials: list = field(default_factory=list)   # [(login, full name, password)]

    @property
    def valid(self):
        return not self.errors


def parse_date(text):
    text = (text or '').strip()
    for pattern in ('%d.%m.%Y', '%Y-%m-%d', '%d.%m.%y', '%d/%m/%Y'):
        try:
            day = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if 1900 <= day.year <= 2100:
            return day
    return None


def role_titles(registry=None):
    """{title in lower case: role} of the staff roles, in Russian and in English."""
    registry = registry or get_current_registry()
    dirs = registry.queryUtility(ITranslationDirectories) or []
    russian = make_localizer('ru', dirs)
    found = {}
    for role in STAFF_ROLES:
        found[role] = role
        found[ROLES[role].default.lower()] = role
        found[russian.translate(ROLES[role]).lower()] = role
    return found


class Run:
    """One pass over the tables: each row checked, then given to its action."""

    def __init__(self, portal, request, tables):
        self.portal, self.request, self.tables = portal, request, tables
        self.outcome = Outcome()
        self.users = portal['people']['users']
        self.year = portal['journal'].current_year()
        students = portal['journal']['students'].values()
        self.db_files = {s.personal_file: s for s in students if s.personal_file}
        self.db_people = {person_key(s.surname, s.first_name, s.patronymic, s.birth_date)
                          for s in students}
        self.roles = role_titles(request.registry if request is not None else None)
        self.seen = {}          # (kind of key, key) -> the row that had it first
        self.file_students = {}  # personal file number -> the student made, or None

    def error(self, table, number, name, message):
        column = table.header.get(name, '') if name else ''
        self.outcome.errors.append(RowError(table.title, number, column, message))

    def first_time(self, table, number, key, name):
        """False (and an error) if ``key`` was seen on an earlier row of the file."""
        if key in self.seen:
            self.error(table, number, name, _('import-duplicate', mapping={
                'row': self.seen[key]}, default='Repeats row ${row} of the file.'))
            return False
        self.seen[key] = number
        return True

    def run(self):
        for kind in KINDS:
            for table in self.tables:
                if table.kind == kind:
                    for number, values in table.rows:
                        self.row(table, number, values)
        return self.outcome

    def row(self, table, number, values):
        before = len(self.outcome.errors)
        for column in COLUMNS[table.kind]:
            if column.required and not values.get(column.name, '').strip():
                self.error(table, number, column.name, _('Required'))
        if 'phone' in values and values['phone'] and not PHONE.match(values['phone']):
            self.error(table, number, 'phone', _('Not a phone number.'))
        if len(self.outcome.errors) > before:
            if table.kind == 'students':
                self.file_students.setdefault(values.get('personal_file', '').strip(), None)
            return
        try:
            getattr(self, 'row_' + table.kind)(table, number,
                                               {k: v.strip() for k, v in values.items()})
        except UserError as refused:
            self.refused(table, number, refused)

    def refused(self, table, number, refused):
        fields = refused.fields or {}
        if not fields:
            self.error(table, number, None, refused.message)
        for name, message in fields.items():
            name = name.split('.')[0]
            name = FIELD_COLUMNS.get(name, name)
            self.error(table, number, name if name in table.header else None, message)

    def call(self, name, context, data):
        return named_action(name, context, self.request,
                            self.request.registry if self.request is not None else None)(data)

    # -- each kind ---------------------------------------------------------------------
    def row_staff(self, table, number, values):
        roles = []
        for title in re.split(r'[,;]', values['roles']):
            if not title.strip():
                continue
            role = self.roles.get(title.strip().lower())
            if role is None:
                self.error(table, number, 'roles', _('import-role', mapping={
                    'role': title.strip()}, default='Not a staff role: ${role}.'))
                return
            roles.append(role)
        if not self.first_time(table, number, ('login', values['login']), 'login'):
            return
        user, password = self.call('add-user', self.users, {
            'login': values['login'], 'surname': values['surname'],
            'first_name': values['first_name'], 'patronymic': values.get('patronymic', ''),
            'position': values.get('position', ''), 'email': values.get('email', ''),
            'phone': values.get('phone', ''), 'roles': roles})
        self.outcome.credentials.append((user.__name__, user.fullname, password))
        self.outcome.counts['staff'] += 1

    def school_class(self, table, number, text):
        match = CLASS_NAME.match(text)
        if match is None:
            self.error(table, number, 'class', _('import-class-name', default='Not a class '
                                                  'name: a grade and a letter, e.g. 5А.'))
            return None, None
        return int(match.group(1)), match.group(2).lower()

    def no_year(self, table, number):
        self.error(table, number, 'class', _('import-no-year', default='There is no school '
                                              'year: add one first.'))

    def row_classes(self, table, number, values):
        grade, letter = self.school_class(table, number, values['class'])
        if grade is None:
            return
        if self.year is None:
            return self.no_year(table, number)
        if not self.first_time(table, number, ('class', grade, letter), 'class'):
            return
        self.call('add-class', self.year, {'grade': str(grade), 'letter': letter,
                                           'class_teacher': values.get('class_teacher', '')})
        self.outcome.counts['classes'] += 1

    def find_class(self, grade, letter):
        for school_class in self.year['classes'].current():
            if school_class.grade == grade and school_class.letter.lower() == letter:
                return school_class
        return None

    def row_students(self, table, number, values):
        file_number = values['personal_file']
        self.file_students.setdefault(file_number, None)
        birth_date = parse_date(values['birth_date'])
        start = parse_date(values['start']) if values.get('start') else None
        for name, day in (('birth_date', birth_date), ('start', start)):
            if values.get(name) and day is None:
                self.error(table, number, name, _('import-date', default='Not a date: '
                                                   'DD.MM.YYYY, e.g. 14.03.2014.'))
        if values.get('start') and start is None or birth_date is None:
            return
        grade, letter = self.school_class(table, number, values['class'])
        if grade is None:
            return
        if self.year is None:
            return self.no_year(table, number)
        school_class = self.find_class(grade, letter)
        if school_class is None:
            return self.error(table, number, 'class', _('import-unknown-class', mapping={
                'name': values['class']}, default='No class ${name} in the current school '
                                                  'year (nor in the file).'))
        key = person_key(values['surname'], values['first_name'],
                         values.get('patronymic', ''), birth_date)
        if not (self.first_time(table, number, ('file', file_number), 'personal_file') and
                self.first_time(table, number, ('person', key), 'surname')):
            return
        if key in self.db_people:
            return self.error(table, number, 'surname', _(
                'import-student-exists', default='A student of this name and birth date is '
                'in the database already.'))
        student = self.call('add-student', school_class, {
            'surname': values['surname'], 'first_name': values['first_name'],
            'patronymic': values.get('patronymic', ''), 'personal_file': file_number,
            'birth_date': birth_date.isoformat(),
            'start': start.isoformat() if start else ''})
        self.file_students[file_number] = student
        self.outcome.counts['students'] += 1

    def row_guardians(self, table, number, values):
        file_number = values['student_file']
        if file_number in self.file_students:
            student = self.file_students[file_number]
            if student is None:
                return   # the student's own row is wrong: that error says it
        else:
            student = self.db_files.get(file_number)
        if student is None:
            return self.error(table, number, 'student_file', _(
                'import-unknown-student', default='No student with this personal file number '
                '(in the file or the database).'))
        school_class = student.current_class()
        if school_class is None:
            return self.error(table, number, 'student_file', _(
                'import-student-no-class', default='The student is in no class now.'))
        relation = RELATIONS.get(values.get('relation', '').lower() or 'other')
        if relation is None:
            return self.error(table, number, 'relation', _(
                'import-relation', default='Mother, father, guardian or other.'))
        dates = {}
        for name in ('consent', 'no_pass_note'):
            dates[name] = parse_date(values[name]) if values.get(name) else None
            if values.get(name) and dates[name] is None:
                return self.error(table, number, name, _(
                    'import-date', default='Not a date: DD.MM.YYYY, e.g. 14.03.2014.'))
        login = values.get('login', '')
        if login:
            if not self.account(table, number, values, login, student):
                return
        elif not self.first_time(table, number, (
                'guardian', person_key(values['surname'], values['first_name'],
                                       values.get('patronymic', ''), None),
                student.__name__), 'surname'):
            return
        fullname = ' '.join(p for p in (values['surname'], values['first_name'],
                                        values.get('patronymic', '')) if p)
        self.call('add-guardian', school_class, {
            'student': student.__name__, 'fullname': fullname, 'relation': relation,
            'phone': values.get('phone', ''), 'email': values.get('email', ''),
            'login': login, **{name: day.isoformat() if day else ''
                               for name, day in dates.items()}})
        self.outcome.counts['guardians'] += 1

    def account(self, table, number, values, login, student):
        """The parent's account, made on the first row naming ``login``; False (and an
        error) where the login cannot be this parent's."""
        if not self.first_time(table, number, ('link', login, student.__name__), 'login'):
            return False
        if ('login', login) not in self.seen:
            self.seen[('login', login)] = number
            user, password = self.call('add-user', self.users, {
                'login': login, 'surname': values['surname'],
                'first_name': values['first_name'],
                'patronymic': values.get('patronymic', ''), 'email': values.get('email', ''),
                'phone': values.get('phone', ''), 'roles': ['parent']})
            self.outcome.credentials.append((user.__name__, user.fullname, password))
        elif ('parent', login) not in self.seen:
            # the login of a staff row: one account is staff or family, never both
            self.error(table, number, 'login', _('This login is taken.'))
            return False
        self.seen.setdefault(('parent', login), number)
        return True


def person_key(surname, first_name, patronymic, birth_date):
    return (surname.strip().lower(), first_name.strip().lower(),
            (patronymic or '').strip().lower(), birth_date)


def run_import(portal, request, tables, dry_run):
    """Run ``tables`` through the actions in a savepoint; keep the changes only when every
    row passed and ``dry_run`` is false. -> Outcome."""
    savepoint = portal._p_jar.transaction_manager.savepoint()
    try:
        outcome = Run(portal, request, tables).run()
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run or not outcome.valid:
        savepoint.rollback()
        outcome.credentials = []
    return outcome


# -- the log and the previews waiting for confirmation ------------------------------------

@content_type('PeopleImports', _('type-PeopleImports', default='Imports of people'))
class PeopleImports(Folder):
    """The imports done (``import-<n>``), and ``pending``: token -> the uploaded rows of a
    preview waiting for its confirmation."""
    title = _('Imports of people')
    structural = True
    pending = None

    def keep_preview(self, userid, filename, tables, moment=None):
        moment = moment or now()
        if self.pending is None:
            self.pending = OOBTree()
        for token, preview in list(self.pending.items()):
            if (moment - preview['created']).total_seconds() > PENDING_SECONDS:
                del self.pending[token]
        token = secrets.token_urlsafe(18)
        self.pending[token] = PersistentMapping(
            userid=userid, filename=filename, created=moment,
            tables=tuple(t.as_stored() for t in tables))
        return token

    def preview(self, token, userid):
        """(file name, tables) of the preview ``token`` of ``userid``, or None."""
        found = (self.pending or {}).get(token) if token else None
        if found is None or found['userid'] != userid or \
                (now() - found['created']).total_seconds() > PENDING_SECONDS:
            return None
        return found['filename'], [Table.from_stored(t) for t in found['tables']]

    def forget(self, token):
        if self.pending is not None and token in self.pending:
            del self.pending[token]

    def log(self, userid, filename, outcome):
        entry = create('PeopleImport', userid=userid, filename=filename,
                       counts=dict(outcome.counts), errors=len(outcome.errors),
                       result='saved' if outcome.valid else 'refused')
        self.add('import-%d' % (len(self) + 1), entry)
        record(entry, 'people-import', {'file': filename, 'counts': dict(outcome.counts),
                                        'result': entry.result})
        return entry

    def entries(self):
        return sorted(self.values(), key=lambda e: e.created, reverse=True)


@content_type('PeopleImport', _('type-PeopleImport', default='Import of people'))
class PeopleImport(Resource):
    deletable = False
    userid = ''
    filename = ''
    counts = None
    errors = 0
    result = ''          # 'saved', 'refused'

    @property
    def title(self):
        return self.filename

    def api_extra(self):
        return {'userid': self.userid, 'filename': self.filename,
                'counts': dict(self.counts or {}), 'errors': self.errors,
                'result': self.result}


def imports_folder(portal, create_missing=False):
    settings = portal['settings']
    folder = settings.get('people-imports')
    if folder is None and create_missing:
        folder = settings.add('people-imports', create('PeopleImports'), send_events=False)
    return folder


# -- templates -----------------------------------------------------------------------------
def template_rows(kind):
    columns = COLUMNS[kind]
    return [[c.ru for c in columns], [c.example for c in columns]]


def template_xlsx():
    """One workbook: a sheet of each kind, its header and an example row that imports
    cleanly into a school without those people."""
    import openpyxl
    book = openpyxl.Workbook()
    book.remove(book.active)
    for kind in KINDS:
        sheet = book.create_sheet(SHEET_TITLES[kind])
        for row in template_rows(kind):
            sheet.append(row)
        for index, column in enumerate(COLUMNS[kind]):
            sheet.column_dimensions[openpyxl.utils.get_column_letter(index + 1)].width = \
                max(14, len(column.ru) + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv(kind):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=';', lineterminator='\r\n')
    writer.writerows(template_rows(kind))
    # with the mark, Excel opens it as UTF-8
    return out.getvalue().encode('utf-8-sig')

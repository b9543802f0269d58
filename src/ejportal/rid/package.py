"""The package for the regional base (РИД): the school's records as ``schema.json`` (version
1.0) describes them, as JSON and, for the same records, CSV files, in one ZIP.

No public specification of the regional base's format is at hand, so this is our own,
published at ``/@rid/schema``: what a regional base of a school needs, nothing more (the
parents' names and relation, no contacts; no comments, no addresses). People and classes go
in whole; marks, period marks and attendance that were written in ``[since, until)`` (each
cell and period mark carries its write time), so a package after the first is incremental.
"""
import datetime
import io
import json
import os
import uuid
import zipfile

from ejportal.core.exports import csv_writer

SCHEMA_VERSION = '1.0'
SCHEMA_PATH = os.path.join(os.path.dirname(__file__), 'schema.json')
STAFF_ROLES = ('admin', 'director', 'deputy', 'secretary', 'teacher', 'class_teacher',
               'psychologist')
# the record lists, each also a CSV file of these columns
TABLES = {
    'staff': ('id', 'surname', 'first_name', 'patronymic', 'position', 'roles'),
    'classes': ('id', 'year', 'grade', 'letter', 'title', 'class_teacher'),
    'students': ('id', 'surname', 'first_name', 'patronymic', 'birth_date', 'personal_file',
                 'class'),
    'guardians': ('student', 'fullname', 'relation'),
    'marks': ('student', 'class', 'subject', 'subgroup', 'date', 'lesson', 'value', 'kind',
              'weight'),
    'period_marks': ('student', 'class', 'subject', 'subgroup', 'period', 'value'),
    'attendance': ('student', 'class', 'subject', 'subgroup', 'date', 'lesson', 'code'),
}
RELATIONS = ('mother', 'father', 'guardian', 'other')


def schema():
    with open(SCHEMA_PATH, encoding='utf-8') as f:
        return json.load(f)


def _in(moment, since, until):
    return moment is not None and (since is None or moment >= since) and moment < until


def build(portal, since, until):
    """The package's data: a dict as the schema describes it."""
    settings = portal['settings']
    users = portal['people']['users']
    school = portal['journal']
    data = {
        'schema_version': SCHEMA_VERSION, 'package_id': uuid.uuid4().hex,
        'created': datetime.datetime.now(datetime.timezone.utc).isoformat(),
        'since': since.isoformat() if since else None, 'until': until.isoformat(),
        'school': {'name': settings.school_name, 'full_name': settings.school_full_name,
                   'address': settings.school_address, 'director': settings.director_name},
        'staff': [], 'classes': [], 'students': [], 'guardians': [], 'marks': [],
        'period_marks': [], 'attendance': []}
    for login, user in sorted(users.items()):
        roles = [r for r in user.roles if r in STAFF_ROLES]
        if roles and user.enabled:
            data['staff'].append({'id': login, 'surname': user.surname,
                                  'first_name': user.first_name,
                                  'patronymic': user.patronymic, 'position': user.position,
                                  'roles': roles})
    year = school.current_year(until.date())
    classes = [c for c in year['classes'].values() if c.type_name == 'SchoolClass'] \
        if year is not None else []
    class_of = {}
    for school_class in classes:
        class_id = '%s/%s' % (year.__name__, school_class.__name__)
        data['classes'].append({'id': class_id, 'year': year.__name__,
                                'grade': school_class.grade, 'letter': school_class.letter,
                                'title': school_class.title,
                                'class_teacher': school_class.class_teacher or None})
        for student in school_class.current_students(min(until.date(), year.end)):
            class_of[student.__name__] = class_id
    for sid, student in sorted(school['students'].items()):
        data['students'].append({
            'id': sid, 'surname': student.surname, 'first_name': student.first_name,
            'patronymic': student.patronymic,
            'birth_date': student.birth_date.isoformat() if student.birth_date else None,
            'personal_file': student.personal_file, 'class': class_of.get(sid)})
        for guardian in (student.diary.guardians if student.diary is not None else ()):
            data['guardians'].append({
                'student': sid, 'fullname': guardian.get('fullname', ''),
                'relation': guardian.get('relation') if guardian.get('relation') in RELATIONS
                else 'other'})
    for school_class in classes:
        class_id = '%s/%s' % (year.__name__, school_class.__name__)
        for journal in school_class['journals'].values():
            where = {'class': class_id, 'subject': journal.subject,
                     'subgroup': journal.subgroup}
            for (sid, lesson_id), cell in journal.cells.items():
                if not _in(cell.get('time'), since, until):
                    continue
                lesson = journal.lessons.get(lesson_id)
                if lesson is None:
                    continue
                day = lesson.date.isoformat()
                for value, kind, weight in cell['marks']:
                    data['marks'].append(dict(where, student=sid, date=day, lesson=lesson_id,
                                              value=value, kind=kind, weight=weight))
                if cell['attendance']:
                    data['attendance'].append(dict(where, student=sid, date=day,
                                                   lesson=lesson_id,
                                                   code=cell['attendance']))
            for (sid, period_id), entry in journal.period_marks.items():
                if _in(entry.get('time'), since, until):
                    data['period_marks'].append(dict(where, student=sid, period=period_id,
                                                     value=entry['value']))
    return data


def counts(data):
    return {name: len(data[name]) for name in TABLES}


def _csv(rows, columns):
    out = io.StringIO()
    writer = csv_writer(out)  # a spreadsheet opening it runs no formula
    writer.writerow(columns)
    for row in rows:
        writer.writerow(['|'.join(v) if isinstance(v, list) else
                         ('' if v is None else v) for v in (row[c] for c in columns)])
    return out.getvalue().encode('utf-8')


def to_zip(data):
    """The package as ZIP bytes: ``package.json`` and a CSV file per record list."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
        # fixed times in the archive, so a package's bytes are a function of its data
        def add(name, body):
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, body)
        add('package.json', json.dumps(data, ensure_ascii=False, indent=1,
                                       sort_keys=True).encode('utf-8'))
        for name, columns in TABLES.items():
            add(name + '.csv', _csv(data[name], columns))
    return buffer.getvalue()

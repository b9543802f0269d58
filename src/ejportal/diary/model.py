"""The diary's read model: a student's week, a summary for any date range, and the year.

Everything here reads the student's own index (``Student.index``, kept in step with the
journals' cells, and ``Student.period_marks``), the lessons of the student's own journals for
the dates asked (a BTree range per journal), and the student's file. It never walks the
school's journals. Plain data comes out; no request, no HTML.
"""
import datetime
from collections import OrderedDict

from ejportal.core.content import find_root, item_at, resource_path, serial
from ejportal.diary.resources import family_index
from ejportal.i18n import _
from ejportal.journal import grading
from ejportal.journal.resources import DiaryRefs, Period

ABSENCE_CODES = ('н', 'б', 'уп')   # missed lessons; 'оп' (late) is counted apart
MAX_RANGE_DAYS = 400


def monday_of(day):
    return day - datetime.timedelta(days=day.weekday())


def school_of(student):
    return student.__parent__.__parent__


def family_students(school, login):
    """The students whose family includes ``login`` (the student themself, or a parent's
    children), by surname: from the family index (a scan only where a database has none)."""
    index = family_index(school)
    students = school['students']
    if index is None:
        found = [s for s in students.values() if login in s.family]
    else:
        found = [students[sid] for sid in index.get(login, ()) if sid in students]
        found = [s for s in found if login in s.family]
    return sorted(found, key=lambda s: (s.surname, s.first_name, s.__name__))


def grade_in(student, year):
    """The grade of the student's class in ``year`` (the last one, if they moved), or None:
    the grade decides the periods (grades 10-11 may have halves, the others quarters)."""
    grade = None
    for year_name, class_name, _s, _e in student.enrolments:
        if year_name == year.__name__:
            school_class = year['classes'].get(class_name)
            if school_class is not None:
                grade = school_class.grade
    return grade


def periods_of(student, year):
    """The periods of ``year`` for the student's grade."""
    return year.periods_for(grade_in(student, year))


def student_journals(student, start, end):
    """(journal, first day, last day) for each journal the student belonged to between
    ``start`` and ``end``: the journals of the classes of their enrolments in that time,
    subgroup journals only where the student is in the group."""
    school = school_of(student)
    found = []
    for year_name, class_name, s, e in student.enrolments:
        if s > end or (e is not None and e < start):
            continue
        year = school.get(year_name)
        school_class = year['classes'].get(class_name) if year is not None else None
        if school_class is None:
            continue
        lo, hi = max(s, start), min(e or end, end)
        for journal in school_class['journals'].values():
            if journal.subgroup:
                groups = school_class.subgroups.get(journal.subject) or {}
                if student.__name__ not in groups.get(journal.subgroup, ()):
                    continue
            found.append((journal, lo, hi))
    return found


def _marks(marks, kind_title, weights):
    # the weight the book gives the kind now: the one the averages count
    return [{'value': v, 'kind': k, 'kind_title': kind_title(k), 'weight': weights.get(k, w)}
            for v, k, w in marks]


def _attendance(code):
    if not code:
        return None
    return {'code': code, 'title': grading.ATTENDANCE.get(code, code)}


def homework_files(lesson):
    """The files of a lesson's homework (the journal keeps them on ``Lesson.files``):
    [{name, size}]; the diary serves them through the student's ``homework-file``."""
    return [{'name': f['name'], 'size': f.get('size', 0)} for f in (lesson.files or ())]


def own_lesson(student, journal_path, lesson_id):
    """(journal, lesson) when ``lesson_id`` is a lesson of ``journal_path`` and that journal
    is one of the student's own on the lesson's day (their class; their subgroup); else
    None. The id starts with the lesson's date, so only that day's journals are read."""
    try:
        day = datetime.date.fromisoformat((lesson_id or '')[:10])
    except ValueError:
        return None
    for journal, _lo, _hi in student_journals(student, day, day):
        if resource_path(journal) == journal_path:
            lesson = journal.lessons.get(lesson_id)
            return (journal, lesson) if lesson is not None else None
    return None


def week(student, any_day):
    """The student's week (Monday to Sunday around ``any_day``): a dict with ``start``,
    ``end``, ``days`` (Monday to Saturday, and Sunday if it has anything), each
    {date, lessons, remarks}; a lesson {subject, subject_title, journal, lesson, number,
    topic, lesson_type, homework, homework_due, files, marks, attendance, comment}."""
    monday = monday_of(any_day)
    sunday = monday + datetime.timedelta(days=6)
    kind_title = school_of(student).kind_title
    weights = school_of(student).kind_weights()
    days = OrderedDict((monday + datetime.timedelta(days=i), []) for i in range(7))
    seen = set()
    refs = DiaryRefs(school_of(student))
    for journal, lo, hi in student_journals(student, monday, sunday):
        path = resource_path(journal)
        lessons = journal.lessons_between(lo, hi)
        for lesson, (key, entry) in zip(lessons, student.entries_of(journal, lessons, refs)):
            entry = entry or {}
            seen.add(key)
            days[lesson.date].append({
                'subject': journal.subject, 'subject_title': journal.subject_title,
                'journal': path, 'lesson': lesson.id, 'number': lesson.number,
                'topic': lesson.topic, 'lesson_type': lesson.lesson_type,
                'homework': lesson.homework, 'homework_due': lesson.homework_due,
                'files': homework_files(lesson),
                'marks': _marks(entry.get('marks', ()), kind_title, weights),
                'attendance': _attendance(entry.get('attendance')),
                'comment': entry.get('comment', '')})
    # cells of journals the student no longer belongs to (a subgroup changed): from the index
    titles = {}
    for key, entry in student.entries(monday, sunday, refs, besides=seen):
        day = datetime.date.fromisoformat(key[0])
        subject, title = _journal_title(find_root(student), key[1], titles)
        days[day].append({
            'subject': subject, 'subject_title': title,
            'journal': key[1], 'lesson': key[2], 'number': int(key[2][len(key[0]) + 1:]),
            'topic': '', 'lesson_type': 'lesson', 'homework': '', 'homework_due': None,
            'files': [], 'marks': _marks(entry.get('marks', ()), kind_title, weights),
            'attendance': _attendance(entry.get('attendance')),
            'comment': entry.get('comment', '')})
    remarks = {}
    absences = []
    file = student.diary
    if file is not None:
        for (iso, _seq), remark in file.remarks_between(monday, sunday):
            remarks.setdefault(datetime.date.fromisoformat(iso), []).append(remark)
        absences = file.absences_between(monday, sunday)
    result = []
    for day, lessons in days.items():
        lessons.sort(key=lambda l: (l['number'], l['subject_title']))
        if day.weekday() == 6 and not lessons and not remarks.get(day):
            continue
        result.append({'date': day, 'lessons': lessons, 'remarks': remarks.get(day, []),
                       'absences': [a for a in absences if a['start'] <= day <= a['end']]})
    return {'start': monday, 'end': sunday, 'days': result,
            'prev': monday - datetime.timedelta(days=7),
            'next': monday + datetime.timedelta(days=7)}


def week_stamp(student, any_day):
    """A value that changes whenever ``week(student, any_day)`` would, read without
    building the week: ZODB serials (the id of the transaction that last wrote an object)
    of the school and the reference books it reads (mark kinds and weights: the averages)
    and the student's record, and of each of their journals
    that week (titles), each journal's lessons counter and the student's records counter
    (marks, attendance, comments, remarks, absences: ``journal.counters``). Only
    committed writes move serials and counters, which is all a reader sees."""
    monday = monday_of(any_day)
    sunday = monday + datetime.timedelta(days=6)
    school = school_of(student)
    parts = [student.__name__, monday.toordinal(), serial(school), serial(student)]
    parts.append(school.books_stamp())
    parts.append(student.records_version())
    for journal, lo, hi in student_journals(student, monday, sunday):
        parts.append(journal._p_oid)
        parts.append(serial(journal))
        parts.append(journal.lessons_version())
    return parts


def summary_stamp(student, start, end):
    """A value that changes whenever ``summary(student, start, end)`` would: the
    student's record (enrolments decide the periods) and records counter (marks,
    attendance, period marks), the school (mark kinds) and its years (periods), and the
    journals of the student's period marks (a subject known only by its period mark
    takes its title from there)."""
    school = school_of(student)
    root = find_root(student)
    parts = [student.__name__, start.toordinal(), end.toordinal(), serial(school),
             school.books_stamp(), serial(student), student.records_version()]
    parts.extend((year.__name__, serial(year)) for year in school.years())
    for path in sorted({path for path, _period in student.period_marks.keys()}):
        journal = item_at(root, path)
        parts.append((path, serial(journal) if journal is not None else None))
    return parts


def _journal_title(root, path, cache):
    """(subject, subject title) of the journal at ``path`` (the diary's entries hold
    neither); the path's last name where no journal is."""
    if path not in cache:
        journal = item_at(root, path)
        if journal is not None and hasattr(journal, 'subject_title'):
            cache[path] = (journal.subject, journal.subject_title)
        else:
            cache[path] = (path.rsplit('/', 1)[-1], path.rsplit('/', 1)[-1])
    return cache[path]


def summary(student, start, end):
    """Per subject (journal) the marks between ``start`` and ``end``, their weighted average,
    the period marks of the periods that lie in the range, and absences counted by code.

    -> {start, end, subjects: [{journal, subject, subject_title, marks, average,
    period_marks: [(period, value)], absences: {code: n}}], absences: {code: n},
    absences_total, late, periods}"""
    school = school_of(student)
    root = find_root(student)
    kind_title = school.kind_title
    weights = school.kind_weights()
    subjects = OrderedDict()
    titles = {}

    def subject(path):
        if path not in subjects:
            subj, title = _journal_title(root, path, titles)
            subjects[path] = {'journal': path, 'subject': subj, 'subject_title': title,
                              'raw': [], 'period_marks': [], 'absences': {}}
        return subjects[path]

    totals = {}
    for (iso, path, _lid), entry in student.entries(start, end):
        item = subject(path)
        item['raw'].extend(entry.get('marks', ()))
        code = entry.get('attendance')
        if code:
            item['absences'][code] = item['absences'].get(code, 0) + 1
            totals[code] = totals.get(code, 0) + 1
    periods = []
    for year in school.years():
        if year.start > end or year.end < start:
            continue
        year_periods = periods_of(student, year)
        for period in year_periods:
            if period.start >= start and period.end <= end:
                periods.append((year, period))
        last = year_periods[-1].end if year_periods else year.end
        if year.start >= start and last <= end:
            periods.append((year, Period('year', _('Year'), year.start, last)))
    wanted = {p.id for _y, p in periods}
    for (path, period_id), value in student.period_marks.items():
        if period_id in wanted and _in_years(path, [y for y, _p in periods]):
            subject(path)['period_marks'].append((period_id, value))
    result = []
    for item in subjects.values():
        average = school.average(item['raw'])
        item['marks'] = _marks(item.pop('raw'), kind_title, weights)
        item['average'] = average
        result.append(item)
    result.sort(key=lambda i: i['subject_title'])
    missed = sum(totals.get(c, 0) for c in ABSENCE_CODES)
    return {'start': start, 'end': end, 'subjects': result, 'absences': totals,
            'absences_total': missed, 'late': totals.get('оп', 0),
            'periods': [p for _y, p in periods]}


def _in_years(path, years):
    return any(path.startswith(resource_path(y) + '/') for y in years)


def year_view(student, year):
    """Per subject of ``year``: for each period its average and period mark, then the year
    mark. -> {year, periods, rows: [{subject_title, cells: [{average, mark}], year_mark}]}"""
    prefix = resource_path(year) + '/'
    rows = OrderedDict()
    root = find_root(student)
    titles = {}
    periods = periods_of(student, year)
    refs = DiaryRefs(year.__parent__)
    for period in periods:
        for (iso, path, _lid), entry in student.entries(period.start, period.end, refs):
            if not path.startswith(prefix):
                continue
            row = rows.setdefault(path, {'journal': path, 'raw': {}, 'marks': {}})
            row['raw'].setdefault(period.id, []).extend(entry.get('marks', ()))
    for (path, period_id), value in student.period_marks.items(min=(prefix,),
                                                                 max=(prefix + '\uffff',)):
        row = rows.setdefault(path, {'journal': path, 'raw': {}, 'marks': {}})
        row['marks'][period_id] = value
    result = []
    for path, row in rows.items():
        _subj, title = _journal_title(root, path, titles)
        cells = []
        for period in periods:
            average = year.__parent__.average(row['raw'].get(period.id, ()))['value']
            cells.append({'period': period.id, 'average': average,
                          'mark': row['marks'].get(period.id, '')})
        result.append({'journal': path, 'subject_title': title, 'cells': cells,
                       'year_mark': row['marks'].get('year', '')})
    result.sort(key=lambda r: r['subject_title'])
    return {'year': year, 'periods': periods, 'rows': result}

"""The paper journal: a class's journal for a period or a year in the classic printed form
(title page, list of students, a spread per run of lessons of each subject, the summary of
period marks, attendance totals, signatures), as plain data for ``journal/paper.pt``.

Clause 1 of the school's order wants the electronic journal kept as a normative document on
paper; this is that document. It reads the journal through the same grid the screens use,
so the paper and the screens show the same numbers.
"""
from ejportal.journal import grading
from ejportal.journal.grid import grid

# Dates per spread: as many columns as fit an A4 page in landscape at a readable size.
COLUMNS = 20
ABSENT = ('н', 'б', 'уп')   # the attendance codes that count as a missed lesson


def person_name(users, login):
    user = users.get(login) if login else None
    return (user.fullname or login) if user is not None else login


def _spreads(journal, data, students, numbered, last_of_range):
    """One period's ``grid`` of one journal as spreads of at most ``COLUMNS`` lessons: the
    left page (students × dates, the period's marks on its last spread) and the right page
    (dates, topics, homework)."""
    period, lessons, cells = data['period'], data['lessons'], data['cells']
    ids = {s.__name__ for s in data['students']}
    runs = [lessons[i:i + COLUMNS] for i in range(0, len(lessons), COLUMNS)] or [[]]
    spreads = []
    for index, run in enumerate(runs):
        last = index == len(runs) - 1
        rows = []
        for student in students:
            sid = student.__name__
            if sid not in ids:
                continue
            texts = [grading.cell_text(cells[(sid, l.id)]) if (sid, l.id) in cells else ''
                     for l in run]
            rows.append({'n': numbered[sid], 'name': student.short_name, 'cells': texts,
                         'period_mark': data['period_marks'][sid] if last else None,
                         'year_mark': journal.period_mark(sid, 'year')
                         if last and last_of_range else None})
        spreads.append({'period': period.title, 'last': last, 'year': last and last_of_range,
                        'dates': [(l.date.day, l.date.month) for l in run], 'rows': rows,
                        'lessons': [{'date': l.date, 'number': l.number, 'topic': l.topic,
                                     'homework': l.homework} for l in run]})
    return spreads


def paper_journal(school_class, periods, users, school_name, with_year=False):
    """The paper journal of ``school_class`` over ``periods`` (one, or the whole year's
    with ``with_year``: then the year marks too). ``users`` resolves logins to names."""
    year = school_class.year
    start, end = periods[0].start, periods[-1].end
    students = school_class.students(start, end)
    numbered = {s.__name__: n for n, s in enumerate(students, 1)}
    journals = sorted(school_class.journals(), key=lambda j: (j.subject_title, j.subgroup))
    subjects = []
    summary = {s.__name__: [] for s in students}
    absences = {s.__name__: [[0, 0] for _p in periods] for s in students}
    for journal in journals:
        spreads = []
        for index, period in enumerate(periods):
            data = grid(journal, period)
            spreads.extend(_spreads(journal, data, students, numbered,
                                    with_year and index == len(periods) - 1))
            for (sid, _lesson), cell in data['cells'].items():
                if sid in absences and cell['attendance'] in ABSENT:
                    absences[sid][index][0] += 1
                    absences[sid][index][1] += cell['attendance'] == 'б'
        members = {s.__name__ for s in journal.students(start, end)}
        for sid, marks in summary.items():
            if sid in members:
                marks.append([journal.period_mark(sid, p.id) for p in periods] +
                             ([journal.period_mark(sid, 'year')] if with_year else []))
            else:
                marks.append(None)  # not in this subgroup
        subjects.append({'title': journal.title,
                         'teacher': ', '.join(person_name(users, login)
                                              for login in journal.teachers),
                         'spreads': spreads})
    return {
        'school': school_name, 'class_title': school_class.title, 'year_title': year.title,
        'class_teacher': person_name(users, school_class.class_teacher),
        'range_title': year.title if with_year else periods[0].title,
        'periods': [p.title for p in periods], 'with_year': with_year,
        'students': [{'n': numbered[s.__name__], 'name': s.fullname,
                      'personal_file': s.personal_file, 'birth_date': s.birth_date}
                     for s in students],
        'subjects': subjects,
        'summary': [{'n': numbered[s.__name__], 'name': s.fullname,
                     'marks': list(zip([j['title'] for j in subjects], summary[s.__name__]))}
                    for s in students],
        'attendance': [{'n': numbered[s.__name__], 'name': s.short_name,
                        'periods': absences[s.__name__],
                        'total': [sum(c[0] for c in absences[s.__name__]),
                                  sum(c[1] for c in absences[s.__name__])]}
                       for s in students],
    }

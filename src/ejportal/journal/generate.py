"""A generated school of realistic size for benchmarks (``ejportal-admin generate-school
--size small|full`` calls ``generate_school``).

``full``: 44 classes (grades 1-11, letters а-г) of 25 students (1,100), 90 staff, 15
subjects per class at two lessons a week, a whole year of lessons with marks (about 300,000
marks). ``small``: 4 classes of 25, 12 staff, marks up to the current day."""
import datetime
import random

import transaction

from ejportal.core.content import create
from ejportal.journal.demo import SUBJECTS, fill_journal
from ejportal.journal.resources import (
    Student, Subject, add_class, add_journal, default_year, enrol, school_year_start)

SURNAMES = ('Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов',
            'Михайлов', 'Новиков', 'Фёдоров', 'Морозов', 'Волков', 'Алексеев', 'Лебедев')
NAMES = ('Александр', 'Дмитрий', 'Максим', 'Сергей', 'Андрей', 'Алексей', 'Артём', 'Илья')


SIZES = {
    'small': {'classes': 4, 'students_per_class': 25, 'staff': 12, 'full_year': False},
    'full': {'classes': 44, 'students_per_class': 25, 'staff': 90, 'full_year': True},
}


def generate_school(portal, size='full', today=None, seed=1, savepoints=True):
    """Generate a school of ``size`` ('small' or 'full', see the module) into ``portal``
    and return a one-line summary. The caller commits; with ``savepoints`` each class is
    written to a savepoint, so memory stays bounded however large the school."""
    if size not in SIZES:
        raise ValueError('size must be one of %s' % ', '.join(sorted(SIZES)))
    options = SIZES[size]
    today = today or datetime.date.today()
    year = generate_year(portal, classes=options['classes'],
                         students_per_class=options['students_per_class'],
                         staff=options['staff'], today=today, seed=seed,
                         full_year=options['full_year'], savepoints=savepoints)
    journals = lessons = marks = students = 0
    for school_class in year['classes'].values():
        students += len(school_class.members)
        for journal in school_class['journals'].values():
            journals += 1
            lessons += len(journal.lessons)
            marks += sum(len(cell['marks']) for cell in journal.cells.values())
    return ('generated %s (%s): %d classes, %d students, %d staff, %d journals, %d lessons, '
            '%d marks' % (year.__name__, size, len(year['classes']), students,
                          options['staff'], journals, lessons, marks))


def generate_year(portal, classes=44, students_per_class=25, staff=90, weeks=None,
                  today=None, seed=1, full_year=False, savepoints=False):
    """Add a year with ``classes`` classes to ``portal``; ``weeks`` limits the marks to
    the first weeks of the year (None: up to today, the rest of the year without marks;
    ``full_year``: marks in every lesson of the year). Returns the year."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    school = portal['journal']
    school.ensure_structure()
    for name, title in SUBJECTS:
        if name not in school['subjects']:
            school['subjects'].add(name, Subject(title=title), send_events=False)
    start = school_year_start(today)
    name = school.unique_name('gen-%d-%d' % (start, start + 1))
    year = school.add(name, default_year(start), send_events=False)
    if weeks is not None:
        today = year.start + datetime.timedelta(weeks=weeks)
    elif full_year:
        today = year.end
    users = portal['people']['users']
    teachers = []
    for n in range(staff):
        login = 'gen-teacher-%03d' % n
        if login not in users:
            users.add(login, create('User', surname=rng.choice(SURNAMES),
                                    first_name=rng.choice(NAMES), roles=('teacher',)),
                      send_events=False)
        teachers.append(login)
    subjects = [school['subjects'][s] for s, _t in SUBJECTS[:15] if s in school['subjects']]
    letters = 'абвг'
    made = 0
    for grade in range(1, 12):
        for letter in letters:
            if made >= classes:
                break
            made += 1
            school_class = add_class(year, grade, letter, rng.choice(teachers))
            for s in range(students_per_class):
                sid = school['students'].unique_name('g%05d' % len(school['students']))
                student = school['students'].add(sid, Student(
                    surname=rng.choice(SURNAMES), first_name=rng.choice(NAMES),
                    personal_file=sid),
                    send_events=False)
                enrol(student, school_class, year.start)
            for index, subject in enumerate(subjects):
                journal = add_journal(school_class, subject, teachers[(made + index) % staff])
                slots = [((index + k) % 5, 1 + (index + k) % 7) for k in range(2)]
                fill_journal(journal, dict(slots).items(), today, rng)
            if savepoints:
                transaction.savepoint(optimistic=True)
    return year

"""A generated school of realistic size for benchmarks (``ejportal-admin generate-school``
is to call this; the console command is wired elsewhere).

Defaults: 44 classes (grades 1-11, letters а-г) of 25 students, 90 staff, a year of lessons
of 15 subjects per class (about 300,000 marks for a full year)."""
import datetime
import random

from ejportal.journal.demo import SUBJECTS, fill_journal
from ejportal.journal.resources import (
    Student, Subject, add_class, add_journal, default_year, enrol, school_year_start)

SURNAMES = ('Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов',
            'Михайлов', 'Новиков', 'Фёдоров', 'Морозов', 'Волков', 'Алексеев', 'Лебедев')
NAMES = ('Александр', 'Дмитрий', 'Максим', 'Сергей', 'Андрей', 'Алексей', 'Артём', 'Илья')


def generate_school(portal, classes=44, students_per_class=25, staff=90, weeks=None,
                    today=None, seed=1):
    """Add a year with ``classes`` classes to ``portal``; ``weeks`` limits the lessons to
    the first weeks of the year (None: up to today, the rest of the year without marks).
    The caller commits (in batches if it wishes: each class is independent)."""
    from ejportal.principals.resources import User
    rng = random.Random(seed)
    today = today or datetime.date.today()
    school = portal['journal']
    school.ensure_structure()
    for name, title in SUBJECTS:
        if name not in school['subjects']:
            school['subjects'].add(name, Subject(title=title), send_events=False)
    start = school_year_start(today)
    name = 'gen-%d-%d' % (start, start + 1)
    year = school.add(name, default_year(start), send_events=False)
    if weeks is not None:
        today = year.start + datetime.timedelta(weeks=weeks)
    users = portal['people']['users']
    teachers = []
    for n in range(staff):
        login = 'gen-teacher-%03d' % n
        if login not in users:
            users.add(login, User(surname=rng.choice(SURNAMES), first_name=rng.choice(NAMES),
                                  roles=('teacher',)), send_events=False)
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
                    surname=rng.choice(SURNAMES), first_name=rng.choice(NAMES)),
                    send_events=False)
                enrol(student, school_class, year.start)
            for index, subject in enumerate(subjects):
                journal = add_journal(school_class, subject, teachers[(made + index) % staff])
                slots = [((index + k) % 5, 1 + (index + k) % 7) for k in range(2)]
                fill_journal(journal, dict(slots).items(), today, rng)
    return year

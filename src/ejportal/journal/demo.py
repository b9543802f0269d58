"""The demo school: the current school year, classes 5 А (class teacher ``class_teacher``,
the demo ``student``) and 7 Б (``student2``, the demo ``parent``'s second child); the demo
``teacher`` teaches mathematics and informatics (group 1) in 5 А and mathematics in 7 Б.
Lessons run through the whole year; past ones have marks and attendance."""
import datetime
import random

from ejportal.core.content import create
from ejportal.core.passwords import DEMO_PASSWORD
from ejportal.journal import grading
from ejportal.journal.resources import (
    Student, Subject, add_class, add_journal, default_year, enrol, school_year_start,
    split_subgroups)

SUBJECTS = (
    ('math', 'Математика'), ('russian', 'Русский язык'), ('literature', 'Литература'),
    ('informatics', 'Информатика'), ('english', 'Английский язык'), ('history', 'История'),
    ('physics', 'Физика'), ('biology', 'Биология'), ('geography', 'География'),
    ('pe', 'Физическая культура'), ('music', 'Музыка'), ('art', 'ИЗО'),
    ('technology', 'Технология'), ('chemistry', 'Химия'),
)

STUDENTS_5A = (
    ('Иванов', 'Дмитрий', 'Сергеевич', 'student'),
    ('Алексеева', 'Мария', 'Андреевна', ''), ('Белов', 'Кирилл', 'Олегович', ''),
    ('Васильева', 'Анна', 'Петровна', ''), ('Григорьев', 'Максим', 'Ильич', ''),
    ('Зайцева', 'Полина', 'Романовна', ''), ('Козлов', 'Артём', 'Денисович', ''),
    ('Морозова', 'София', 'Алексеевна', ''),
)
STUDENTS_7B = (
    ('Иванова', 'Екатерина', 'Сергеевна', 'student2'),
    ('Лебедев', 'Никита', 'Павлович', ''), ('Новикова', 'Виктория', 'Игоревна', ''),
    ('Орлов', 'Егор', 'Владимирович', ''), ('Павлова', 'Дарья', 'Михайловна', ''),
)

TOPICS = {
    'math': ('Натуральные числа', 'Сложение и вычитание', 'Умножение и деление',
             'Уравнения', 'Обыкновенные дроби', 'Десятичные дроби', 'Проценты',
             'Углы и их измерение', 'Площади и объёмы'),
    'informatics': ('Информация вокруг нас', 'Компьютер и его устройства',
                    'Текстовый редактор', 'Алгоритмы', 'Исполнители'),
    'russian': ('Звуки и буквы', 'Состав слова', 'Имя существительное', 'Имя прилагательное',
                'Глагол', 'Синтаксис и пунктуация'),
}

# (class, subject, subgroup, teacher, weekdays with lesson numbers)
SCHEDULE = (
    ('5a', 'math', '', 'teacher', ((0, 2), (1, 3), (2, 1), (3, 2), (4, 4))),
    ('5a', 'informatics', '1', 'teacher', ((2, 5),)),
    ('5a', 'informatics', '2', '', ((3, 6),)),
    ('5a', 'russian', '', 'class_teacher', ((0, 1), (1, 1), (3, 1), (4, 2))),
    ('7b', 'math', '', 'teacher', ((0, 4), (1, 5), (3, 3), (4, 1))),
)


def ensure_student_user(portal, login, names, password):
    users = portal['people']['users']
    if login not in users:
        surname, first, patronymic = names
        user = create('User', surname=surname, first_name=first, patronymic=patronymic,
                      roles=('student',), email='%s@school4.example' % login)
        user.set_password(password)
        users.add(login, user)
    return users[login]


def build_demo_school(portal, today=None):
    today = today or datetime.date.today()
    rng = random.Random(4)
    school = portal['journal']
    school.ensure_structure()
    for name, title in SUBJECTS:
        if name not in school['subjects']:
            school['subjects'].add(name, Subject(title=title), send_events=False)
    start_year = school_year_start(today)
    year_name = '%d-%d' % (start_year, start_year + 1)
    if year_name in school:
        return
    year = school.add(year_name, default_year(start_year), send_events=False)
    ensure_student_user(portal, 'student2', STUDENTS_7B[0][:3], DEMO_PASSWORD)
    classes = {'5a': add_class(year, 5, 'а', 'class_teacher'), '7b': add_class(year, 7, 'б')}
    students = school['students']
    for class_name, rows in (('5a', STUDENTS_5A), ('7b', STUDENTS_7B)):
        for surname, first, patronymic, login in rows:
            sid = students.unique_name('s%04d' % (len(students) + 1))
            student = students.add(sid, Student(
                surname=surname, first_name=first, patronymic=patronymic, login=login,
                personal_file='%s-%d' % (surname[0], 100 + len(students)),
                parents=('parent',) if login in ('student', 'student2') else (),
                birth_date=datetime.date(start_year - (4 if class_name == '5a' else 6) - 6,
                                         rng.randint(1, 12), rng.randint(1, 28))),
                send_events=False)
            enrol(student, classes[class_name], year.start)
    ids = [s.__name__ for s in classes['5a'].students()]
    split_subgroups(classes['5a'], 'informatics', {'1': ids[::2], '2': ids[1::2]})
    subjects = school['subjects']
    for class_name, subject, subgroup, teacher, slots in SCHEDULE:
        journal = add_journal(classes[class_name], subjects[subject], teacher, subgroup)
        fill_journal(journal, slots, today, rng)


def fill_journal(journal, slots, today, rng, plan_topics=None):
    """Lessons on the weekly ``slots`` [(weekday, number)] for the whole year; marks and
    attendance for the past ones. Written without audit entries (a generated past)."""
    year = journal.year
    topics = plan_topics or TOPICS.get(journal.subject, ('Тема',))
    slot_of = dict(slots)
    students = [s.__name__ for s in journal.students()]
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    weights = grading.kind_weights()
    count = 0
    for day in year.school_days():
        number = slot_of.get(day.weekday())
        if number is None:
            continue
        count += 1
        lesson_type = 'test' if count % 12 == 0 else 'lesson'
        topic = topics[(count // 8) % len(topics)]
        lesson = journal.add_lesson(
            day, number, audit=False, topic='%s (урок %d)' % (topic, count),
            lesson_type=lesson_type, ict=('board',) if count % 3 == 0 else (),
            homework='§ %d, № %d–%d' % (count, count * 3, count * 3 + 4) if day <= week_end else '',
            homework_due=day + datetime.timedelta(days=7) if day <= week_end else None)
        if day > today:
            continue
        kind = journal.default_kind(lesson)
        for sid in students:
            roll = rng.random()
            marks, attendance = (), ''
            if roll < 0.05:
                attendance = rng.choice(('н', 'б', 'б', 'уп'))
            elif lesson_type == 'test' or roll < 0.3:
                value = rng.choice('5554443332')
                marks = ((value, kind, weights[kind]),)
            elif roll < 0.32:
                attendance = 'оп'
            if marks or attendance:
                journal.set_cell(sid, lesson.id, marks, attendance, audit=False,
                                 check_closed=False)
    return journal

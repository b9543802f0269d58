"""The deputy's periodic control of the journal: per journal of a year, for one period,
the lessons held against the plan, lessons held without a topic or homework, how many
marks each student has ("накопляемость отметок"), when the journal was last filled, how
timely its topics and marks were entered, the period marks missing, and the changes made
after the period was closed.

Timeliness: the delay of an entry is the days from its lesson to the day it was written
(the topic's first entry, ``Lesson.topic_time``; a cell's marks, the cell's last write).
Entries the portal wrote itself (the demo, imports: the system actor) and lessons from
before topics kept their time are left out: their timeliness is unknown, not good."""
import datetime

from ejportal.core.actor import SYSTEM
from ejportal.journal.plan import plan_report

MIN_MARKS = 3      # fewer marks than this in a period is worth a remark
STALE_DAYS = 7     # a journal not filled for a week of lessons is late
LATE_DAYS = 3      # an entry more than this many days after its lesson is late (Settings)


def control_period(journal, period_id, reference=None):
    """The journal's period ``period_id``, or for a grade with other periods the one
    holding ``reference``'s first day."""
    period = journal.period(period_id) if period_id else None
    if period is None and reference is not None:
        period = journal.period_of(reference.start) or journal.period_of(reference.end)
    return period


def delay_days(lesson_date, written):
    """Whole days from the lesson to the (school-local) day of ``written``; never below 0
    (a topic planned ahead is on time)."""
    return max((written.astimezone().date() - lesson_date).days, 0)


def _by_person(userid):
    return bool(userid) and userid != SYSTEM.userid


def _summary(delays):
    if not delays:
        return None, None
    return round(sum(delays) / len(delays), 1), max(delays)


def journal_control(journal, period, today=None, min_marks=MIN_MARKS, late_days=LATE_DAYS):
    today = today or datetime.date.today()
    plan = plan_report(journal, today)
    row = {'journal': journal, 'planned': plan['planned'], 'held_year': plan['held'],
           'behind': plan['behind'], 'period': period, 'lessons': 0, 'held': 0,
           'no_topic': 0, 'no_homework': 0, 'students': 0, 'marks': 0,
           'marks_per_student': None, 'min_marks': None, 'few_marks': [],
           'last_filled': None, 'last_write': None, 'late': False, 'issues': 0,
           # issue 12
           'late_days': late_days, 'without_topic': [], 'without_homework': [],
           'topic_delay': None, 'topic_delay_max': None, 'topic_timed': 0,
           'marks_delay': None, 'marks_delay_max': None, 'marks_timed': 0,
           'late_entries': [], 'period_over': False, 'missing_period_marks': [],
           'corrections': [], 'changed_after_closing': 0}
    if period is None:
        return row
    lessons = journal.lessons_of(period)
    held = [l for l in lessons if l.date <= today]
    students = journal.students(period.start, period.end)
    row['without_topic'] = [l for l in held if not l.topic.strip()]
    row['without_homework'] = [l for l in held if not l.homework.strip()]
    row.update(lessons=len(lessons), held=len(held), students=len(students),
               no_topic=len(row['without_topic']), no_homework=len(row['without_homework']))
    late = row['late_entries']
    topic_delays = []
    for lesson in held:
        if lesson.topic.strip() and lesson.topic_time is not None and \
                _by_person(lesson.topic_userid):
            delay = delay_days(lesson.date, lesson.topic_time)
            topic_delays.append(delay)
            if delay > late_days:
                late.append({'kind': 'topic', 'lesson': lesson, 'student': None,
                             'delay': delay, 'time': lesson.topic_time,
                             'userid': lesson.topic_userid})
    counts, marks_delays = {}, []
    cells = journal.cells
    for student in students:
        sid, count = student.__name__, 0
        for lesson in held:
            cell = cells.get((sid, lesson.id))
            if not cell:
                continue
            count += len(cell['marks'])
            if cell['marks'] or cell['attendance']:
                if row['last_filled'] is None or lesson.date > row['last_filled']:
                    row['last_filled'] = lesson.date
            written = cell.get('time')
            if written is not None and (row['last_write'] is None or written > row['last_write']):
                row['last_write'] = written
            if cell['marks'] and written is not None and _by_person(cell.get('userid')) \
                    and not cell.get('correction'):
                delay = delay_days(lesson.date, written)
                marks_delays.append(delay)
                if delay > late_days:
                    late.append({'kind': 'marks', 'lesson': lesson, 'student': student,
                                 'delay': delay, 'time': written, 'userid': cell['userid']})
        counts[sid] = count
    late.sort(key=lambda e: (e['lesson'].date, e['lesson'].number,
                             e['student'].__name__ if e['student'] else ''))
    row['topic_delay'], row['topic_delay_max'] = _summary(topic_delays)
    row['marks_delay'], row['marks_delay_max'] = _summary(marks_delays)
    row['topic_timed'], row['marks_timed'] = len(topic_delays), len(marks_delays)
    if students:
        total = sum(counts.values())
        row['marks'] = total
        row['marks_per_student'] = round(total / len(students), 1)
        row['min_marks'] = min(counts.values())
        row['few_marks'] = [s for s in students if counts[s.__name__] < min_marks]
    # period marks are due once the period is over (or closed)
    row['period_over'] = period.end < today or journal.year.is_closed(period.id)
    row['missing_period_marks'] = [s for s in students
                                   if not journal.period_mark(s.__name__, period.id)]
    # changes after closing: correction requests for this period's cells
    ids = {l.id for l in lessons}
    row['corrections'] = sorted((c for c in journal.corrections.values() if c.lesson in ids),
                                key=lambda c: c.id)
    row['changed_after_closing'] = sum(1 for c in row['corrections']
                                       if c.review_state == 'approved')
    last_lesson = held[-1].date if held else None
    row['late'] = bool(last_lesson and (row['last_filled'] is None or (
        last_lesson - row['last_filled']).days > STALE_DAYS))
    row['issues'] = (row['no_topic'] + row['no_homework'] + len(row['few_marks']) +
                     (1 if row['behind'] else 0) + (1 if row['late'] else 0) +
                     len(late) + row['changed_after_closing'] +
                     (len(row['missing_period_marks']) if row['period_over'] else 0))
    return row


def control_report(year, period_id=None, today=None, min_marks=MIN_MARKS,
                   late_days=LATE_DAYS, teacher=None, class_name=None, subject=None):
    """-> {'year', 'period' (the year's own), 'rows': one per journal of the current
    classes, by class}; only the journals of ``teacher``, ``class_name``, ``subject``
    when named."""
    today = today or datetime.date.today()
    reference = year.period(period_id) if period_id else None
    reference = reference or year.current_period(today)
    rows = []
    for school_class in year['classes'].current():
        if class_name and school_class.__name__ != class_name:
            continue
        for journal in school_class.journals():
            if (teacher and teacher not in journal.teachers) or \
                    (subject and journal.subject != subject):
                continue
            period = control_period(journal, reference.id if reference else None, reference)
            rows.append(journal_control(journal, period, today, min_marks, late_days))
    return {'year': year, 'period': reference, 'rows': rows, 'min_marks': min_marks,
            'late_days': late_days}


def filter_options(year):
    """(teachers, classes, subjects) of the year's current journals for the report's
    choices: sorted lists of ids, and (id, title) pairs."""
    teachers, classes, subjects = set(), [], {}
    for school_class in year['classes'].current():
        classes.append((school_class.__name__, school_class.title))
        for journal in school_class.journals():
            teachers.update(journal.teachers)
            subjects.setdefault(journal.subject, journal.subject_title)
    return sorted(teachers), classes, sorted(subjects.items(), key=lambda s: s[1])

"""The deputy's periodic control of the journal: per journal of a year, for one period,
the lessons held against the plan, lessons held without a topic or homework, how many
marks each student has ("накопляемость отметок") and when the journal was last filled."""
import datetime

from ejportal.journal.plan import plan_report

MIN_MARKS = 3      # fewer marks than this in a period is worth a remark
STALE_DAYS = 7     # a journal not filled for a week of lessons is late


def control_period(journal, period_id, reference=None):
    """The journal's period ``period_id``, or for a grade with other periods the one
    holding ``reference``'s first day."""
    period = journal.period(period_id) if period_id else None
    if period is None and reference is not None:
        period = journal.period_of(reference.start) or journal.period_of(reference.end)
    return period


def journal_control(journal, period, today=None, min_marks=MIN_MARKS):
    today = today or datetime.date.today()
    plan = plan_report(journal, today)
    row = {'journal': journal, 'planned': plan['planned'], 'held_year': plan['held'],
           'behind': plan['behind'], 'period': period, 'lessons': 0, 'held': 0,
           'no_topic': 0, 'no_homework': 0, 'students': 0, 'marks': 0,
           'marks_per_student': None, 'min_marks': None, 'few_marks': [],
           'last_filled': None, 'last_write': None, 'late': False, 'issues': 0}
    if period is None:
        return row
    lessons = journal.lessons_of(period)
    held = [l for l in lessons if l.date <= today]
    students = journal.students(period.start, period.end)
    row.update(lessons=len(lessons), held=len(held), students=len(students),
               no_topic=sum(1 for l in held if not l.topic.strip()),
               no_homework=sum(1 for l in held if not l.homework.strip()))
    counts = {}
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
        counts[sid] = count
    if students:
        total = sum(counts.values())
        row['marks'] = total
        row['marks_per_student'] = round(total / len(students), 1)
        row['min_marks'] = min(counts.values())
        row['few_marks'] = [s for s in students if counts[s.__name__] < min_marks]
    last_lesson = held[-1].date if held else None
    row['late'] = bool(last_lesson and (row['last_filled'] is None or (
        last_lesson - row['last_filled']).days > STALE_DAYS))
    row['issues'] = (row['no_topic'] + row['no_homework'] + len(row['few_marks']) +
                     (1 if row['behind'] else 0) + (1 if row['late'] else 0))
    return row


def control_report(year, period_id=None, today=None, min_marks=MIN_MARKS):
    """-> {'year', 'period' (the year's own), 'rows': one per journal of the current
    classes, by class}."""
    today = today or datetime.date.today()
    reference = year.period(period_id) if period_id else None
    reference = reference or year.current_period(today)
    rows = []
    for school_class in year['classes'].current():
        for journal in school_class.journals():
            period = control_period(journal, reference.id if reference else None, reference)
            rows.append(journal_control(journal, period, today, min_marks))
    return {'year': year, 'period': reference, 'rows': rows, 'min_marks': min_marks}

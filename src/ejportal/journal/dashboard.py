"""The director's dashboard: how completely, well and timely the journal is kept, per
teacher and for the school, for a period. The figures are sums of the control report's rows
(``journal.control``), never counted a second time:

- completeness: of the lessons held, the share with both a topic and homework written;
- quality: of the students of each journal, the share with at least the expected number of
  marks in the period (``few_marks``); the period marks missing once the period is over;
- timeliness: of the entries whose delay is known (topics and marks written by a person),
  the share written within the days the settings allow (``late_entries``), and the longest
  delay.

A teacher's figures are over the journals they keep; the school's over every journal. A
share of nothing is None (no lessons held yet is not 0 %)."""
import datetime

from ejportal.journal.control import MIN_MARKS, LATE_DAYS, control_report


def share(part, whole):
    """``part`` of ``whole`` in per cent, to a tenth; None of nothing."""
    return round(100.0 * part / whole, 1) if whole else None


def figures(rows):
    """The dashboard's figures of control rows (one teacher's, or the school's)."""
    found = {'journals': len(rows), 'held': 0, 'complete': 0, 'without_topic': 0,
             'without_homework': 0, 'students': 0, 'enough_marks': 0, 'few_marks': 0,
             'missing_period_marks': 0, 'timed': 0, 'late': 0, 'delay_max': None,
             'remarks': 0}
    for row in rows:
        incomplete = {lesson.id for lesson in row['without_topic']} | {
            lesson.id for lesson in row['without_homework']}
        found['held'] += row['held']
        found['complete'] += row['held'] - len(incomplete)
        found['without_topic'] += row['no_topic']
        found['without_homework'] += row['no_homework']
        found['students'] += row['students']
        found['few_marks'] += len(row['few_marks'])
        if row['period_over']:
            found['missing_period_marks'] += len(row['missing_period_marks'])
        found['timed'] += row['topic_timed'] + row['marks_timed']
        found['late'] += len(row['late_entries'])
        longest = [d for d in (row['topic_delay_max'], row['marks_delay_max'], found[
            'delay_max']) if d is not None]
        found['delay_max'] = max(longest) if longest else None
        found['remarks'] += row['issues']
    found['enough_marks'] = found['students'] - found['few_marks']
    found['completeness'] = share(found['complete'], found['held'])
    found['quality'] = share(found['enough_marks'], found['students'])
    found['timeliness'] = share(found['timed'] - found['late'], found['timed'])
    return found


def dashboard(year, period_id=None, today=None, min_marks=MIN_MARKS, late_days=LATE_DAYS):
    """-> {'year', 'period', 'min_marks', 'late_days', 'teachers': [(login, figures)] by
    login ('' for journals without a teacher), 'school': figures, 'rows': the control
    rows}."""
    today = today or datetime.date.today()
    report = control_report(year, period_id, today, min_marks=min_marks, late_days=late_days)
    by_teacher = {}
    for row in report['rows']:
        # a journal two teachers keep counts for each of them
        for login in row['journal'].teachers or ('',):
            by_teacher.setdefault(login, []).append(row)
    return {'year': year, 'period': report['period'], 'min_marks': min_marks,
            'late_days': late_days, 'rows': report['rows'],
            'teachers': [(login, figures(rows)) for login, rows in sorted(by_teacher.items())],
            'school': figures(report['rows'])}

"""The control of the journal against figures computed by hand on a small school (issue
12): lessons without topic or homework, marks per student, timeliness of topics and marks,
late entries, missing period marks, changes after closing."""
import datetime

import pytest

from ejportal.core.actor import SYSTEM, Actor, acting_as
from ejportal.journal import grading, resources
from ejportal.journal.control import control_report, journal_control
from ejportal.journal.resources import (
    Student, Subject, add_class, add_journal, default_year, enrol)
from ejportal.site.resources import make_portal

D = datetime.date
UTC = datetime.timezone.utc
TEACHER = Actor(userid='teacher')

pytestmark = pytest.mark.usefixtures('portal_registry')


def at(day, hour=12):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def marks(value):
    return grading.make_marks([{'value': value, 'kind': 'answer'}])


@pytest.fixture
def clock(monkeypatch):
    """``clock.day = date``: what the journal takes as the time of its writes."""
    class Clock:
        day = D(2025, 9, 1)
    monkeypatch.setattr(resources, 'now', lambda: at(Clock.day))
    return Clock


@pytest.fixture
def small(clock):
    """5 А, math, teacher 'teacher', students s1 s2 s3; quarter I (1.09-26.10.2025).

    lesson          topic entered       homework   cells (written on)
    L1 1.09  A      1.09  (0 days)      yes        s1 5 (1.09: 0), s2 4 (5.09: 4 late)
    L2 2.09  B      8.09  (6 late)      no         s1 3 (2.09: 0), s3 н (10.09: no mark)
    L3 3.09  —      —                   yes        s3 5 (30.09, by the portal: not timed)
    L4 10.10 D      10.10 (0 days)      yes        —
    """
    portal = make_portal()
    school = portal['journal']
    school['subjects'].add('math', Subject(title='Математика'))
    year = school.add('2025-2026', default_year(2025))
    a = add_class(year, 5, 'а')
    for sid, surname in (('s1', 'Алексеев'), ('s2', 'Борисова'), ('s3', 'Васильев')):
        enrol(school['students'].add(sid, Student(surname=surname, first_name='И')), a,
              year.start)
    journal = add_journal(a, school['subjects']['math'], 'teacher')
    english = add_journal(a, school['subjects'].add('english', Subject(title='Англ.')), 'other')
    with acting_as(TEACHER):
        clock.day = D(2025, 9, 1)
        journal.add_lesson(D(2025, 9, 1), 1, topic='A', homework='§1')
        journal.set_cell('s1', '2025-09-01-1', marks('5'))
        clock.day = D(2025, 9, 2)
        lesson2 = journal.add_lesson(D(2025, 9, 2), 1, topic='')
        journal.set_cell('s1', '2025-09-02-1', marks('3'))
        clock.day = D(2025, 9, 3)
        journal.add_lesson(D(2025, 9, 3), 1, topic='', homework='§2')
        clock.day = D(2025, 9, 5)
        journal.set_cell('s2', '2025-09-01-1', marks('4'))
        clock.day = D(2025, 9, 8)
        journal.edit_lesson(lesson2, {'topic': 'B'})
        clock.day = D(2025, 9, 10)
        journal.set_cell('s3', '2025-09-02-1', (), 'н')
        clock.day = D(2025, 10, 10)
        journal.add_lesson(D(2025, 10, 10), 1, topic='D', homework='§3')
    with acting_as(SYSTEM):
        clock.day = D(2025, 9, 30)
        journal.set_cell('s3', '2025-09-03-1', marks('5'))
    return {'year': year, 'journal': journal, 'english': english, 'class': a}


def test_figures_in_the_quarter(small):
    journal = small['journal']
    q1 = journal.period('q1')
    row = journal_control(journal, q1, today=D(2025, 10, 1), min_marks=2, late_days=3)
    assert (row['lessons'], row['held']) == (4, 3)
    assert [l.id for l in row['without_topic']] == ['2025-09-03-1']
    assert [l.id for l in row['without_homework']] == ['2025-09-02-1']
    assert row['marks'] == 4 and row['marks_per_student'] == 1.3 and row['min_marks'] == 1
    assert [s.__name__ for s in row['few_marks']] == ['s2', 's3']
    # topics: L1 0 days, L2 6 days (L3 has none) -> 3.0 on average, 6 at most
    assert (row['topic_delay'], row['topic_delay_max'], row['topic_timed']) == (3.0, 6, 2)
    # marks: s1 L1 0, s2 L1 4, s1 L2 0 (the portal's own write is not timed) -> 4/3
    assert (row['marks_delay'], row['marks_delay_max'], row['marks_timed']) == (1.3, 4, 3)
    assert [(e['kind'], e['lesson'].id, e['student'] and e['student'].__name__, e['delay'])
            for e in row['late_entries']] == [('marks', '2025-09-01-1', 's2', 4),
                                              ('topic', '2025-09-02-1', None, 6)]
    # the quarter is not over: its marks are not due yet
    assert not row['period_over'] and len(row['missing_period_marks']) == 3
    assert row['behind'] == 0 and not row['late']
    # remarks: 1 without topic + 1 without homework + 2 few marks + 2 late entries
    assert row['issues'] == 6
    # a looser rule: nothing is late after 6 days
    assert journal_control(journal, q1, today=D(2025, 10, 1), min_marks=2,
                           late_days=6)['late_entries'] == []


def test_figures_after_the_quarter_with_a_correction(small, clock):
    journal, year = small['journal'], small['year']
    q1 = journal.period('q1')
    with acting_as(TEACHER):
        clock.day = D(2025, 10, 27)
        journal.set_period_mark('s1', 'q1', '4')
        year.close_period('q1')
        clock.day = D(2025, 11, 5)
        request = journal.request_correction('s1', '2025-09-01-1', marks('4'), '', '',
                                             'ошибка')
        journal.decide_correction(request.id, approve=True)
    row = journal_control(journal, q1, today=D(2025, 11, 6), min_marks=2, late_days=3)
    assert row['held'] == 4 and row['no_topic'] == 1 and row['no_homework'] == 1
    assert row['period_over']
    assert [s.__name__ for s in row['missing_period_marks']] == ['s2', 's3']
    assert [c.id for c in row['corrections']] == [request.id]
    assert row['changed_after_closing'] == 1
    # the corrected cell is a change after closing, not a late entry: s2 L1 4, s1 L2 0
    assert (row['marks_delay'], row['marks_delay_max'], row['marks_timed']) == (2.0, 4, 2)
    # nothing entered for L4 (10.10) while the last filled lesson is L3 (3.09): stale
    assert row['late'] and row['last_filled'] == D(2025, 9, 3)
    # 1 + 1 + few (s2, s3) 2 + stale 1 + late 2 + missing 2 + changed 1
    assert row['issues'] == 10


def test_report_filters(small):
    year = small['year']
    rows = control_report(year, 'q1', today=D(2025, 10, 1))['rows']
    assert {r['journal'].subject for r in rows} == {'math', 'english'}
    assert [r['journal'].subject for r in control_report(
        year, 'q1', today=D(2025, 10, 1), teacher='teacher')['rows']] == ['math']
    assert [r['journal'].subject for r in control_report(
        year, 'q1', today=D(2025, 10, 1), subject='english')['rows']] == ['english']
    assert control_report(year, 'q1', today=D(2025, 10, 1), class_name='9z')['rows'] == []


def test_old_lessons_have_no_topic_time(small):
    """Lessons from before the topic's time was kept read as untimed, not late."""
    journal = small['journal']
    for lesson in journal.lessons.values():
        lesson.topic_time = None
    row = journal_control(journal, journal.period('q1'), today=D(2025, 10, 1))
    assert row['topic_timed'] == 0 and row['topic_delay'] is None
    assert all(e['kind'] == 'marks' for e in row['late_entries'])

"""The director's dashboard's figures against figures computed by hand on the small school
of ``test_journal_control_figures`` (issue 12): completeness, quality and timeliness per
teacher and for the school, summed from the control report's rows."""
import datetime

import pytest

from ejportal.core.actor import Actor, acting_as
from ejportal.journal.dashboard import dashboard, figures, share

from test_journal_control_figures import clock, small  # noqa: F401  (fixtures)

D = datetime.date

pytestmark = pytest.mark.usefixtures('portal_registry')


def test_share():
    assert share(1, 3) == 33.3 and share(2, 3) == 66.7 and share(0, 5) == 0.0
    assert share(0, 0) is None


def test_figures_of_nothing():
    found = figures([])
    assert found['journals'] == found['held'] == found['remarks'] == 0
    assert found['completeness'] is found['quality'] is found['timeliness'] is None
    assert found['delay_max'] is None


def test_per_teacher_and_school_in_the_quarter(small):
    """Math (teacher): 3 lessons held, L2 without homework and L3 without topic: 1 of 3
    complete; s2 and s3 have fewer than 2 marks: 1 student of 3; 5 entries timed (topics
    L1 0 and L2 6 days; marks 0, 4, 0 days), 2 late (L2's topic, s2's mark): 3 of 5 on
    time; the longest 6 days; 6 remarks. English (other): nothing held, none of its 3
    students has 2 marks (3 remarks)."""
    found = dashboard(small['year'], 'q1', today=D(2025, 10, 1), min_marks=2, late_days=3)
    assert found['period'].id == 'q1'
    teachers = dict(found['teachers'])
    assert sorted(teachers) == ['other', 'teacher']
    math = teachers['teacher']
    assert (math['journals'], math['held'], math['complete']) == (1, 3, 1)
    assert (math['without_topic'], math['without_homework']) == (1, 1)
    assert math['completeness'] == 33.3
    assert (math['students'], math['enough_marks'], math['few_marks']) == (3, 1, 2)
    assert math['quality'] == 33.3
    assert (math['timed'], math['late'], math['timeliness']) == (5, 2, 60.0)
    assert math['delay_max'] == 6
    assert math['missing_period_marks'] == 0     # the quarter is not over yet
    assert math['remarks'] == 6
    english = teachers['other']
    assert (english['held'], english['completeness']) == (0, None)
    assert (english['students'], english['few_marks'], english['quality']) == (3, 3, 0.0)
    assert (english['timed'], english['timeliness'], english['remarks']) == (0, None, 3)
    school = found['school']
    assert (school['journals'], school['held'], school['complete']) == (2, 3, 1)
    assert (school['students'], school['enough_marks'], school['quality']) == (6, 1, 16.7)
    assert (school['timed'], school['late'], school['timeliness']) == (5, 2, 60.0)
    assert school['completeness'] == 33.3 and school['delay_max'] == 6
    assert school['remarks'] == 9


def test_after_the_quarter(small, clock):
    """Closed, with one period mark given (s1's): s2 and s3 miss theirs in math, all three
    in English; L4 (10.10) is held now and complete: 2 of 4."""
    with acting_as(Actor(userid='teacher')):
        clock.day = D(2025, 10, 27)
        small['journal'].set_period_mark('s1', 'q1', '4')
        small['year'].close_period('q1')
    found = dashboard(small['year'], 'q1', today=D(2025, 11, 6), min_marks=2, late_days=3)
    math = dict(found['teachers'])['teacher']
    assert (math['held'], math['complete'], math['completeness']) == (4, 2, 50.0)
    assert math['missing_period_marks'] == 2
    assert found['school']['missing_period_marks'] == 5
    # a looser rule: nothing is late within 6 days
    looser = dashboard(small['year'], 'q1', today=D(2025, 11, 6), min_marks=2, late_days=6)
    assert looser['school']['late'] == 0 and looser['school']['timeliness'] == 100.0

"""The roll-out plan's calendar: occurrences of repeating steps, the archive rule, and the
evidence links' same-site check."""
import datetime

import colander
import pytest

from ejportal.documents.resources import RolloutPlan, period_of, previous_period
from ejportal.documents.schemas import same_site_path

D = datetime.date


def plan(steps, school_year=''):
    made = RolloutPlan()
    made.steps = steps
    made.school_year = school_year
    made.created = datetime.datetime(2012, 8, 15, tzinfo=datetime.timezone.utc)
    return made


def test_periods():
    assert period_of('year', D(2012, 9, 1)) == ('2012-2013', D(2012, 9, 1), D(2013, 8, 31))
    assert period_of('year', D(2013, 8, 31))[0] == '2012-2013'
    assert period_of('quarter', D(2013, 2, 14)) == ('2013-Q1', D(2013, 1, 1), D(2013, 3, 31))
    assert previous_period('quarter', D(2013, 1, 5))[0] == '2012-Q4'


def test_a_plan_ends_with_its_school_year():
    assert plan([], '2012-2013').ends() == D(2013, 8, 31)
    # without a year: the school year of its last dated deadline
    assert plan([{'number': 1, 'deadline': '2013-05'}]).ends() == D(2013, 8, 31)
    assert plan([{'number': 1, 'deadline': '2012-09-10'}]).ends() == D(2013, 8, 31)
    standing = plan([{'number': 1, 'repeat': 'quarter'}])
    assert standing.ends() is None and not standing.archived(D(2030, 1, 1))
    assert plan([], '2012-2013').archived(D(2013, 9, 1))
    assert not plan([], '2012-2013').archived(D(2013, 8, 31))


def test_a_quarterly_step_comes_back_in_its_quarters_only():
    made = plan([{'number': 18, 'repeat': 'quarter', 'quarters': [1, 3]}], '2012-2013')
    step = made.step(18)
    assert step.occurrence(D(2012, 11, 5)) == '2013-Q1'   # the next quarter it is due in
    assert step.occurrence(D(2013, 2, 1)) == '2013-Q1'
    # the III quarter of 2012, which the plan began in, was left unmarked
    assert step.status(D(2013, 2, 1)) == 'overdue'
    made.mark_done(18, 'psychologist', today=D(2013, 2, 1))
    assert step.status(D(2013, 3, 30)) == 'done'
    assert step.status(D(2013, 4, 2)) == 'planned'     # Q2 is not its quarter: Q3 next
    assert step.occurrence(D(2013, 4, 2)) == '2013-Q3'
    assert step.status(D(2013, 7, 2)) == 'planned'
    # the year is over: read as on its last day, archived, kept as done
    assert step.status(D(2014, 1, 1)) == 'done'


def test_a_missed_occurrence_makes_the_step_overdue_until_marked():
    made = plan([{'number': 17, 'repeat': 'quarter'}], '2012-2013')
    step = made.step(17)
    assert step.status(D(2012, 10, 1)) == 'overdue'   # Q3 2012 began with the plan, unmarked
    made.mark_done(17, 'admin', today=D(2012, 10, 1))
    assert step.status(D(2012, 10, 2)) == 'done'
    assert step.status(D(2013, 1, 2)) == 'planned'    # Q4 marked, Q1 open
    assert step.status(D(2013, 4, 2)) == 'overdue'    # Q1 left unmarked
    made.reopen(17, today=D(2012, 10, 3))
    assert step.marks() == []


@pytest.mark.parametrize('value', ['http://evil.example/x', '//evil.example/x', 'javascript:1',
                                   'ftp://localhost/x', 'documents/x', '/a/../b', '/a\\b', ''])
def test_evidence_must_be_a_path_of_this_site(value):
    class Request:
        host_url = 'http://localhost'
    with pytest.raises(colander.Invalid):
        same_site_path(colander.SchemaNode(colander.String()), value, Request())


def test_evidence_of_this_site_is_kept_as_a_path():
    class Request:
        host_url = 'https://school4.example'
    node = colander.SchemaNode(colander.String())
    assert same_site_path(node, 'https://SCHOOL4.example/documents/x?a=1#b', Request()) == \
        '/documents/x?a=1#b'
    assert same_site_path(node, ' /people/users ', Request()) == '/people/users'

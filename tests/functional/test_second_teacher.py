"""A journal taught by two (a subgroup's second teacher, a substitute): the one the class's
journals were assigned to stays its teacher, and whoever Sharing gives "Teaches here" keeps
it too — on their start page, in the journal's JSON, in the control report's filter and the
dashboard's per-teacher figures, on the schedule form and in the paper journal. Before, a
teacher given the role could edit the journal but found it nowhere."""
import datetime

from pyramid.traversal import find_resource

from conftest import api_token
from ejportal.journal.dashboard import dashboard
from ejportal.journal.paper import paper_journal
from ejportal.journal.resources import school_year_start

START = school_year_start(datetime.date.today())
YEAR = '/journal/%d-%d' % (START, START + 1)
MATH = YEAR + '/classes/5a/journals/math'


def bearer(testapp, login_name):
    return {'Accept': 'application/json',
            'Authorization': 'Bearer ' + api_token(testapp, login_name)}


def share_math(testapp, login_name):
    testapp.post_json(MATH + '/@sharing', {'entries': [
        {'id': login_name, 'type': 'user', 'roles': {'teacher': True}}]},
        headers=bearer(testapp, 'admin'), status=204)


def text_of(page):
    return ' '.join(page.html.get_text().split())


def test_a_second_teacher_keeps_the_journal_too(testapp, as_user, root):
    share_math(testapp, 'class_teacher')
    data = testapp.get(MATH, headers=bearer(testapp, 'deputy')).json
    assert data['teacher'] == 'teacher'  # assigned first: alphabetical order does not win
    assert data['teachers'] == ['class_teacher', 'teacher']
    as_user('class_teacher')
    start = testapp.get('/@@start')
    panel = start.html.find('h2', string='My lessons today and journals').find_parent()
    assert '5 А, Математика' in ' '.join(panel.get_text().split())
    control = testapp.get('/journal/@control?teacher=class_teacher',
                          headers=bearer(testapp, 'deputy')).json
    assert 'math' in [row['journal']['id'] for row in control['items']]
    root._p_jar.sync()
    journal = find_resource(root, MATH)
    assert journal.teacher == 'teacher' and journal.teachers == ('class_teacher', 'teacher')


def test_the_dashboard_and_the_paper_journal_name_both(testapp, root):
    share_math(testapp, 'class_teacher')
    root._p_jar.sync()
    journal = find_resource(root, MATH)
    year = journal.school_class.__parent__.__parent__
    kept = {login for login, _figures in dashboard(year)['teachers']}
    assert {'teacher', 'class_teacher'} <= kept
    data = paper_journal(journal.school_class, year.all_periods()[:1],
                         root['people']['users'], 'Школа')
    names = [s['teacher'] for s in data['subjects'] if s['title'] == 'Математика']
    assert len(names) == 1 and ', ' in names[0], names


def test_without_a_second_teacher_nothing_changes(testapp, root):
    data = testapp.get(MATH, headers=bearer(testapp, 'deputy')).json
    assert data['teacher'] == 'teacher' and data['teachers'] == ['teacher']

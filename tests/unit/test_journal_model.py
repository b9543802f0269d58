import datetime

import pytest

from ejportal.core.audit import get_audit_log
from ejportal.journal import grading
from ejportal.journal.resources import (
    PeriodClosed, Student, Subject, add_class, add_journal, default_year, enrol,
    split_subgroups)
from ejportal.site.resources import make_portal

D = datetime.date

pytestmark = pytest.mark.usefixtures('portal_registry')


@pytest.fixture
def school():
    portal = make_portal()
    school = portal['journal']
    school['subjects'].add('math', Subject(title='Математика'))
    school['subjects'].add('english', Subject(title='Английский язык'))
    year = school.add('2025-2026', default_year(2025))
    a = add_class(year, 5, 'а')
    b = add_class(year, 5, 'б')
    for sid, surname in (('s1', 'Яковлев'), ('s2', 'Абрамова'), ('s3', 'Миронов')):
        student = school['students'].add(sid, Student(surname=surname, first_name='И'))
        enrol(student, a, year.start)
    journal = add_journal(a, school['subjects']['math'], 'teacher')
    journal.add_lesson(D(2025, 9, 1), 1, topic='Натуральные числа')
    journal.add_lesson(D(2025, 9, 2), 2, topic='Сложение')
    journal.add_lesson(D(2025, 11, 10), 1, topic='Дроби')
    return {'portal': portal, 'school': school, 'year': year, 'a': a, 'b': b,
            'journal': journal}


def marks(*values, kind='answer'):
    return grading.make_marks([{'value': v, 'kind': kind} for v in values])


def test_students_are_alphabetical(school):
    assert [s.__name__ for s in school['journal'].students()] == ['s2', 's3', 's1']


def test_teacher_gets_local_role_on_journal(school):
    assert school['journal'].get_local_roles('user:teacher') == ('teacher',)
    log = get_audit_log(school['portal'])
    assert any(e['action'] == 'sharing' for e in log.entries())


def test_cell_write_keeps_history_index_and_audit(school):
    journal, portal = school['journal'], school['portal']
    journal.set_cell('s1', '2025-09-01-1', marks('4'))
    journal.set_cell('s1', '2025-09-01-1', marks('5'), 'оп', 'исправил')
    cell = journal.cell('s1', '2025-09-01-1')
    assert cell['marks'] == (('5', 'answer', 1),) and cell['attendance'] == 'оп'
    history = journal.history('s1', '2025-09-01-1')
    assert [h['marks'] for h in history] == [(('4', 'answer', 1),), (('5', 'answer', 1),)]
    student = school['school']['students']['s1']
    [(key, entry)] = list(student.entries(D(2025, 9, 1), D(2025, 9, 7)))
    assert key == ('2025-09-01', '/journal/2025-2026/classes/5a/journals/math', '2025-09-01-1')
    assert entry['marks'] == (('5', 'answer', 1),) and entry['attendance'] == 'оп'
    entries = [e for e in get_audit_log(portal).entries() if e['action'] == 'cell']
    assert entries[-1]['details']['old'] == {'marks': ['4'], 'attendance': '', 'comment': ''}
    assert entries[-1]['details']['new'] == {'marks': ['5'], 'attendance': 'оп',
                                             'comment': 'исправил'}
    # clearing the cell removes it from the student's index
    journal.set_cell('s1', '2025-09-01-1', ())
    assert list(student.entries(D(2025, 9, 1), D(2025, 9, 7))) == []


def test_average_per_period(school):
    journal, year = school['journal'], school['year']
    journal.set_cell('s1', '2025-09-01-1', marks('5'))
    journal.set_cell('s1', '2025-09-02-2', marks('3', kind='test'))
    journal.set_cell('s1', '2025-11-10-1', marks('2'))
    q1 = journal.lessons_of(year.period('q1'))
    assert [l.id for l in q1] == ['2025-09-01-1', '2025-09-02-2']
    assert str(journal.average('s1', q1)['value']) == '3.67'
    assert journal.average('s2', q1)['value'] is None
    assert str(journal.average('s1', journal.lessons_of(year.period('q2')))['value']) == '2.00'


def test_closed_period_locks_cells_and_period_marks(school):
    journal, year = school['journal'], school['year']
    journal.set_period_mark('s1', 'q1', '4')
    year.close_period('q1')
    with pytest.raises(PeriodClosed):
        journal.set_cell('s1', '2025-09-01-1', marks('5'))
    with pytest.raises(PeriodClosed):
        journal.set_period_mark('s1', 'q1', '5')
    journal.set_cell('s1', '2025-11-10-1', marks('5'))  # q2 is open
    year.reopen_period('q1')
    journal.set_cell('s1', '2025-09-01-1', marks('5'))


def test_correction_request_approved_and_rejected(school):
    journal, year = school['journal'], school['year']
    journal.set_cell('s1', '2025-09-01-1', marks('3'))
    year.close_period('q1')
    with pytest.raises(grading.GradingError):
        journal.request_correction('s1', '2025-09-01-1', marks('4'), '', '', '  ')
    request = journal.request_correction('s1', '2025-09-01-1', marks('4'), '', '',
                                         'ошибка при вводе')
    assert journal.cell('s1', '2025-09-01-1')['marks'][0][0] == '3'
    journal.decide_correction(request.id, approve=True)
    cell = journal.cell('s1', '2025-09-01-1')
    assert cell['marks'][0][0] == '4' and cell['correction'] == request.id
    assert [h['marks'][0][0] for h in journal.history('s1', '2025-09-01-1')] == ['3', '4']
    other = journal.request_correction('s1', '2025-09-01-1', marks('5'), '', '', 'ещё')
    journal.decide_correction(other.id, approve=False, note='нет оснований')
    assert journal.cell('s1', '2025-09-01-1')['marks'][0][0] == '4'
    assert journal.pending_corrections() == []
    with pytest.raises(ValueError):
        journal.decide_correction(other.id, approve=True)


def test_enrolment_move_keeps_marks_in_both_classes(school):
    a, b, year, sch = school['a'], school['b'], school['year'], school['school']
    journal_a = school['journal']
    journal_b = add_journal(b, sch['subjects']['math'], 'teacher')
    journal_b.add_lesson(D(2025, 11, 11), 1)
    journal_a.set_cell('s1', '2025-09-01-1', marks('5'))
    student = sch['students']['s1']
    enrol(student, b, D(2025, 11, 1))
    journal_b.set_cell('s1', '2025-11-11-1', marks('4'))
    q1, q2 = year.period('q1'), year.period('q2')
    assert 's1' in [s.__name__ for s in journal_a.students(q1.start, q1.end)]
    assert 's1' not in [s.__name__ for s in journal_a.students(q2.start, q2.end)]
    assert 's1' in [s.__name__ for s in journal_b.students(q2.start, q2.end)]
    assert student.class_path == '/journal/2025-2026/classes/5b'
    assert [e[1] for e in student.enrolments] == ['5a', '5b']
    assert student.enrolments[0][3] == D(2025, 10, 31)
    assert journal_a.cell('s1', '2025-09-01-1')['marks'][0][0] == '5'
    assert len(list(student.entries(year.start, year.end))) == 2


def test_subgroup_journals_show_their_group(school):
    a, sch = school['a'], school['school']
    split_subgroups(a, 'english', {'1': ['s1', 's2'], '2': ['s3']})
    one = add_journal(a, sch['subjects']['english'], 'teacher', '1')
    two = add_journal(a, sch['subjects']['english'], '', '2')
    assert [s.__name__ for s in one.students()] == ['s2', 's1']
    assert [s.__name__ for s in two.students()] == ['s3']
    assert one.__name__ == 'english-1' and one.title == 'Английский язык (1)'
    with pytest.raises(ValueError):
        split_subgroups(a, 'english', {'1': ['s1'], '2': ['s1']})


def test_student_acl_isolates_family(school):
    from pyramid.authorization import ACLHelper
    student = school['school']['students']['s1']
    student.login, student.parents = 'kid', ('mum',)
    helper = ACLHelper()
    for principals, allowed in ((['user:kid', 'role:student'], True),
                                (['user:mum', 'role:parent'], True),
                                (['user:other', 'role:parent'], False),
                                (['user:x', 'role:deputy'], True)):
        principals = ['system.Everyone', 'system.Authenticated'] + principals
        assert bool(helper.permits(student, principals, 'view_diary')) is allowed


def test_period_mark_index(school):
    journal = school['journal']
    journal.set_period_mark('s2', 'q1', '5')
    student = school['school']['students']['s2']
    assert student.period_marks[(journal_path := '/journal/2025-2026/classes/5a/journals/math', 'q1')] == '5'
    journal.set_period_mark('s2', 'q1', '')
    assert (journal_path, 'q1') not in student.period_marks
    with pytest.raises(grading.GradingError):
        journal.set_period_mark('s2', 'q1', '7')


def test_generate_school_small_returns_a_summary():
    from ejportal.journal.generate import generate_school
    portal = make_portal()
    summary = generate_school(portal, size='small', today=D(2025, 10, 1), savepoints=False)
    assert summary.startswith('generated gen-2025-2026 (small): 4 classes, 100 students')
    assert '\n' not in summary
    year = portal['journal']['gen-2025-2026']
    journal = year['classes']['1a']['journals']['math']
    assert journal.lessons and journal.cells
    assert int(summary.rsplit(', ', 1)[1].split()[0]) > 0  # marks
    with pytest.raises(ValueError):
        generate_school(portal, size='huge')


def test_evolve_step_adds_missing_reference_folders_idempotently(portal_registry):
    step = portal_registry.portal.evolve_steps['journal: subjects and students folders'].function
    portal = make_portal()
    school = portal['journal']
    school['subjects'].add('math', Subject(title='Математика'))
    school.remove('students', send_events=False)
    step(portal)
    assert 'students' in school and 'math' in school['subjects']
    step(portal)
    assert 'students' in school


def test_grid_cells_html_escapes_and_marks_days_outside_the_enrolment(school):
    from ejportal.journal.grid import cells_html
    journal = school['journal']
    lessons = list(journal.lessons.values())
    spans = [(D(2025, 9, 2), None)]   # joined after the first lesson
    html = cells_html('s1', 'O"Brien <b>', lessons, {}, spans, True, '/h')
    assert html.count('<input') == 2 and html.count('class="cell out"') == 1
    assert '<b>' not in html and '&lt;b&gt;' in html and '&quot;' in html
    everywhere = cells_html('s1', 'X', lessons, {}, [(D(2025, 9, 1), None)], True, '/h')
    assert everywhere.count('<input') == 3 and ' out' not in everywhere
    read_only = cells_html('s1', 'X', lessons, {}, [(D(2025, 9, 1), None)], False, '/h')
    assert read_only.count('href="/h?student=s1&amp;lesson=') == 3

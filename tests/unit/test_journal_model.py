import datetime

import pytest

from ejportal.core.actor import Actor, acting_as
from ejportal.core.audit import get_audit_log
from ejportal.core.workflow import WorkflowError
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
    assert [[m[:2] for m in h['marks']] for h in history] == [[('4', 'answer')],
                                                              [('5', 'answer')]]
    assert [h['attendance'] for h in history] == ['', 'оп']
    student = school['school']['students']['s1']
    [(key, entry)] = list(student.entries(D(2025, 9, 1), D(2025, 9, 7)))
    assert key == ('2025-09-01', '/journal/2025-2026/classes/5a/journals/math', '2025-09-01-1')
    assert entry['marks'] == (('5', 'answer', 1),) and entry['attendance'] == 'оп'
    entries = [e for e in get_audit_log(portal).entries() if e['action'] == 'cell']
    assert entries[-1]['details']['old'] == {'marks': ['4']}  # empty fields left out
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
    with pytest.raises(WorkflowError):
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


def _russian_layout():
    """The page's layout helper, as a Russian reader's page has it (the rows macro asks it
    for decimals and formulas)."""
    from pyramid import testing
    from ejportal.site.layout import Layout
    request = testing.DummyRequest()
    request.locale_name = 'ru'
    return Layout(request, None)


def render_row(student_name, cells, can_edit=True):
    """One grid row through the rows macro (``journal/grid_rows.pt``), as the grid page uses
    it."""
    from collections import namedtuple
    from chameleon import PageTemplate, PageTemplateFile
    from ejportal.paths import template
    page = PageTemplate(
        '<table><metal:rows use-macro="grid_rows.macros[\'rows\']"/></table>')
    return page(grid_rows=PageTemplateFile(template('journal/grid_rows.pt')),
                rows=[{'id': 's1', 'name': student_name, 'fullname': student_name,
                       'cells': cells, 'average': {'value': None}, 'explain': '',
                       'suggested': None, 'period_mark': ''}],
                can_edit=can_edit, layout=_russian_layout(),
                period=namedtuple('P', 'title')('I четверть'))


def test_grid_row_escapes_and_marks_days_outside_the_enrolment(school):
    from ejportal.journal.grid import row_cells
    journal = school['journal']
    lessons = list(journal.lessons.values())
    spans = [(D(2025, 9, 2), None)]   # joined after the first lesson
    cells = {('s1', lessons[1].id): {'marks': (('<5>', 'answer', 1),), 'attendance': '',
                                     'comment': '', 'revision': 1}}
    html = render_row('O"Brien <b>', row_cells('s1', 'O"Brien <b>', lessons, cells, spans,
                                               True, '/h'))
    assert html.count('<input class="c"') == 2 and html.count('class="cell out"') == 1
    assert '<b>' not in html and '&lt;b&gt;' in html and '&quot;' in html
    assert 'class="cell corrected"' in html and 'value="&lt;5&gt;"' in html
    everywhere = row_cells('s1', 'X', lessons, {}, [(D(2025, 9, 1), None)], True, '/h')
    html = render_row('X', everywhere)
    assert html.count('<input class="c"') == 3 and ' out' not in html
    read_only = render_row('X', row_cells('s1', 'X', lessons, {}, [(D(2025, 9, 1), None)],
                                          False, '/h'), can_edit=False)
    assert read_only.count('href="/h?student=s1&amp;lesson=') == 3


# -- a cell's history is in the audit log --------------------------------------------------
def test_a_cells_history_is_read_from_the_audit_log(school):
    journal, portal = school['journal'], school['portal']
    with acting_as(Actor('teacher')):
        journal.set_cell('s1', '2025-09-01-1', marks('4'))
    journal.set_cell('s1', '2025-09-01-1', marks('5', kind='test'), 'оп', 'исправил')
    journal.set_cell('s2', '2025-09-01-1', marks('3'))       # another cell, same chunk
    cell = journal.cell('s1', '2025-09-01-1')
    assert 'history' not in cell and cell['revision'] == 1  # the values are not copied
    log = get_audit_log(portal)
    history = journal.history('s1', '2025-09-01-1')
    assert [(h['userid'], [m[:2] for m in h['marks']], h['comment']) for h in history] == [
        ('teacher', [('4', 'answer')], ''), ('system', [('5', 'test')], 'исправил')]
    entries = [e for e in log.entries() if e['action'] == 'cell'][:2]
    assert [h['time'] for h in history] == [
        datetime.datetime.fromisoformat(e['time']) for e in entries]


def test_a_cells_history_keeps_values_the_audit_log_does_not_hold(school):
    """A value written without an audit entry (the demo school), and a cell written before
    the log held the cells' history (its earlier values in the cell), keep their values."""
    journal = school['journal']
    journal.set_cell('s1', '2025-09-01-1', marks('2'), audit=False)
    assert [h['marks'][0][0] for h in journal.history('s1', '2025-09-01-1')] == ['2']
    journal.set_cell('s1', '2025-09-01-1', marks('3'))
    assert [h['marks'][0][0] for h in journal.history('s1', '2025-09-01-1')] == ['2', '3']
    old_time = datetime.datetime(2025, 9, 1, 9, tzinfo=datetime.timezone.utc)
    journal.cells[('s2', '2025-09-01-1')] = {   # as stored before
        'marks': marks('5'), 'attendance': '', 'reason': '', 'comment': '',
        'history': ((old_time, 'teacher', marks('4'), '', ''),),
        'time': old_time + datetime.timedelta(minutes=5), 'userid': 'teacher'}
    assert [h['marks'][0][0] for h in journal.history('s2', '2025-09-01-1')] == ['4', '5']
    journal.set_cell('s2', '2025-09-01-1', marks('3'))
    assert [h['marks'][0][0] for h in journal.history('s2', '2025-09-01-1')] == [
        '4', '5', '3']
    assert journal.cell('s2', '2025-09-01-1')['revision'] == 2


def test_a_correction_request_is_workflow_content(school):
    journal, year, portal = school['journal'], school['year'], school['portal']
    journal.set_cell('s1', '2025-09-01-1', marks('3'))
    year.close_period('q1')
    with acting_as(Actor('teacher')):
        request = journal.request_correction('s1', '2025-09-01-1', marks('4'), '', '',
                                             'ошибка при вводе')
    assert request.type_name == 'CorrectionRequest' and request.review_state == 'pending'
    assert (request.__parent__, request.__name__) == (journal, str(request.id))
    assert request.requested_by == 'teacher'
    with acting_as(Actor('deputy')):
        journal.decide_correction(request.id, approve=True, note='верно')
    assert [(h['transition'], h['to'], h['userid']) for h in request.workflow_history] == [
        (None, 'pending', 'teacher'), ('approve', 'approved', 'deputy')]
    assert (request.state, request.decided_by, request.decision_note) == (
        'approved', 'deputy', 'верно')
    actions = [e['action'] for e in get_audit_log(portal).entries()]
    assert actions[-3:] == ['correction-request', 'correction-approved', 'cell']


# -- the change counters the diary's cache reads --------------------------------------------
def test_the_models_send_events_and_subscribers_move_the_counters(school):
    """Without the journal's subscribers (a bare registry) no counter moves: the models do
    not move them themselves; with them, each change moves its counter once."""
    from pyramid import threadlocal
    from pyramid.registry import Registry
    from ejportal.diary.resources import student_file
    from ejportal.journal.plan import apply_plan_topics, set_plan
    journal, student = school['journal'], school['school']['students']['s1']
    lesson = journal.lessons['2025-09-01-1']

    def counters():
        return student.records_version() - records, journal.lessons_version() - lessons
    records, lessons = student.records_version(), journal.lessons_version()

    def changes():
        journal.set_cell('s1', lesson.id, marks('4' if journal.cell('s1', lesson.id) else '5'))
        journal.edit_lesson(lesson, {'homework': lesson.homework + '!'})
        student_file(student, create=True).add_remark(D(2025, 9, 1), 'Молодец', 'praise')
    threadlocal.manager.push({'registry': Registry('bare'), 'request': None})
    try:
        changes()
        journal.remove_lesson('2025-11-10-1')
    finally:
        threadlocal.manager.pop()
    assert counters() == (0, 0)
    changes()                                   # the portal's registry
    assert counters() == (2, 1)
    journal.add_lesson(D(2025, 11, 10), 1)
    journal.remove_lesson('2025-11-10-1')
    set_plan(journal, [{'number': 1, 'topic': 'Из плана', 'hours': 1, 'section': ''}])
    apply_plan_topics(journal, keep_own=False)
    assert counters() == (2, 4) and lesson.topic == 'Из плана'
    assert '__setattr__' not in vars(type(lesson))


def test_a_remark_does_not_rewrite_the_students_file(tmp_path):
    """The file is not touched to move its serial: the counter tells the diary."""
    import transaction
    import ZODB
    import ZODB.FileStorage
    from ejportal.diary.resources import student_file
    database = ZODB.DB(ZODB.FileStorage.FileStorage(str(tmp_path / 'Data.fs')))
    conn = database.open()
    portal = conn.root()['ejportal'] = make_portal()
    student = portal['journal']['students'].add('s1', Student(surname='Яковлев'))
    file = student_file(student, create=True)
    for day in range(1, 29):        # enough remarks for the BTree to have buckets
        file.add_remark(D(2025, 9, day), 'Замечание %d' % day, 'info')
    transaction.commit()
    version = student.records_version()
    file.add_remark(D(2025, 9, 29), 'Молодец', 'praise')
    assert not file._p_changed and student.records_version() == version + 1
    transaction.abort()
    conn.close()
    database.close()

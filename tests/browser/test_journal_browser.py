"""A teacher keeping the journal in a real browser: typing marks with the keyboard into the
grid (each cell saved on its own), seeing them after a reload; and the same journal without
JavaScript, through the per-lesson column form."""
import datetime

import pytest

from browsing import browser_login

from ejportal.journal.resources import school_year_start

pytestmark = pytest.mark.browser

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
MATH_5A = '/journal/%d-%d/classes/5a/journals/math' % (Y, Y + 1)


def open_period(root, path=MATH_5A):
    """An open period of the journal with at least four lessons, and a student in it."""
    from pyramid.traversal import find_resource
    journal = find_resource(root, path)
    year = journal.year
    for period in [year.current_period()] + list(year.periods):
        lessons = journal.lessons_of(period)
        if not year.is_closed(period.id) and len(lessons) >= 4:
            student = journal.students(period.start, period.end)[-1]
            return period, [l.id for l in lessons], student.__name__
    raise AssertionError('no open period with lessons')


def different(root, student, lesson, wanted, path=MATH_5A):
    """``wanted``, or another value if the cell already holds it (typing the same value
    changes nothing, so nothing would be saved)."""
    from pyramid.traversal import find_resource
    from ejportal.journal.grading import cell_text
    current = cell_text(find_resource(root, path).cell(student, lesson))
    for value in (wanted, '4', '3', '5'):
        if value != current:
            return value


def cell(page, student, lesson):
    return page.locator('tr[data-student="%s"] input.c[data-lesson="%s"]' % (student, lesson))


def wait_saved(page, locator):
    locator.page.wait_for_function(
        'el => el.classList.contains("saved") || el.classList.contains("error")',
        arg=locator.element_handle())


def test_teacher_types_a_row_of_marks_and_sees_them_after_reload(page, live_server, root):
    period, lessons, student = open_period(root)
    browser_login(page, live_server.url, 'teacher')
    page.goto(live_server.url + MATH_5A + '?period=' + period.id)
    typed = {lessons[0]: different(root, student, lessons[0], '5'),
             lessons[1]: different(root, student, lessons[1], '4'),
             lessons[2]: different(root, student, lessons[2], 'н'),
             lessons[3]: different(root, student, lessons[3], '3 5')}
    values = list(typed.values())
    posts = []
    page.on('request', lambda r: posts.append(r.post_data_json)
            if r.method == 'POST' and r.url.endswith('/@cell') else None)
    cell(page, student, lessons[0]).focus()
    # a row: digits and letters enter, Tab and the right arrow move along the row
    page.keyboard.type(values[0])
    page.keyboard.press('Tab')
    page.keyboard.type(values[1])
    page.keyboard.press('ArrowRight')
    page.keyboard.type(values[2])
    page.keyboard.press('Tab')
    page.keyboard.type(values[3])
    page.keyboard.press('Enter')           # Enter saves and moves down the column
    for lesson in typed:
        wait_saved(page, cell(page, student, lesson))
        assert 'saved' in cell(page, student, lesson).get_attribute('class'), lesson
    # one POST per typed cell (Enter saves, and the blur after it does not save again)
    page.wait_for_timeout(200)
    assert sorted(p['lesson'] for p in posts) == sorted(typed), posts
    average = page.locator('tr[data-student="%s"] td.avg .a' % student).inner_text()
    assert average not in ('', '—')
    explain = page.locator('tr[data-student="%s"] td.avg' % student).get_attribute('title')
    assert '×' in explain and '=' in explain
    page.reload()
    for lesson, text in typed.items():
        assert cell(page, student, lesson).input_value() == text, lesson
    assert page.locator('#grid-status').inner_text() == ''


def test_a_value_outside_the_scale_shows_an_error_and_is_not_saved(page, live_server, root):
    period, lessons, student = open_period(root)
    browser_login(page, live_server.url, 'teacher')
    page.goto(live_server.url + MATH_5A + '?period=' + period.id)
    target = cell(page, student, lessons[1])
    before = target.input_value()
    target.focus()
    page.keyboard.type('7')
    page.keyboard.press('Enter')
    wait_saved(page, target)
    assert 'error' in target.get_attribute('class')
    assert page.locator('#grid-status').inner_text()
    page.reload()
    assert cell(page, student, lessons[1]).input_value() == before


def test_arrows_move_between_rows_without_saving_unchanged_cells(page, live_server, root):
    period, lessons, student = open_period(root)
    browser_login(page, live_server.url, 'teacher')
    page.goto(live_server.url + MATH_5A + '?period=' + period.id)
    rows = page.locator('#journal-grid tbody tr')
    first_student = rows.nth(0).get_attribute('data-student')
    second_student = rows.nth(1).get_attribute('data-student')
    cell(page, first_student, lessons[0]).focus()
    page.keyboard.press('ArrowDown')
    focused = page.evaluate('document.activeElement.closest("tr").dataset.student')
    assert focused == second_student
    assert page.evaluate('document.activeElement.dataset.lesson') == lessons[0]
    page.keyboard.press('ArrowUp')
    assert page.evaluate('document.activeElement.closest("tr").dataset.student') == \
        first_student
    assert page.locator('input.saving, input.saved, input.error').count() == 0


def test_the_journal_works_without_javascript(chromium, live_server, root):
    period, lessons, student = open_period(root)
    context = chromium.new_context(java_script_enabled=False, locale='ru-RU')
    page = context.new_page()
    page.set_default_timeout(10000)
    try:
        browser_login(page, live_server.url, 'teacher')
        page.goto(live_server.url + MATH_5A + '?period=' + period.id)
        # without JavaScript each date heads a link to the lesson's column form
        page.click('a[href*="column?lesson=%s"]' % lessons[2])
        text = different(root, student, lessons[2], '4 5')
        page.fill('#cell-' + student, text)
        page.fill('#topic', 'Проверка без скриптов')
        page.click('form.lesson-column button[type=submit]')
        page.wait_for_load_state()
        assert '/@@column' not in page.url and '/column' not in page.url
        assert cell(page, student, lessons[2]).input_value() == text
        assert 'Проверка без скриптов' in page.content()
        # a bad value: the form comes back with the error next to the cell, nothing saved
        page.click('a[href*="column?lesson=%s"]' % lessons[3])
        page.fill('#cell-' + student, '9')
        page.click('form.lesson-column button[type=submit]')
        page.wait_for_load_state()
        assert page.locator('.text-danger').count() >= 1
    finally:
        context.close()


def test_a_save_that_meets_concurrent_saves_every_time_says_not_saved_and_enter_resends(
        page, live_server, root, app):
    """Others write the same cell at the moment of every attempt, so the server answers 409:
    the cell says it was not saved, keeps what was typed, and Enter sends it again."""
    import transaction
    from conftest import subscribed
    from ejportal.journal.records import Cell
    from ejportal.journal.resources import RecordsChanged
    period, lessons, student = open_period(root)
    lesson = lessons[2]
    db = app.registry._zodb_databases['']

    def write_the_same_cell(event):
        tm = transaction.TransactionManager()
        conn = db.open(tm)
        try:
            journal = conn.root()['ejportal']
            for name in MATH_5A.strip('/').split('/'):
                journal = journal[name]
            old = journal.cells.get((student, lesson))
            journal.cells[(student, lesson)] = Cell(
                revision=(old['revision'] if old else 0) + 1, userid='other',
                marks=(('2', 'answer', 1),) if not old or old['marks'] != (
                    ('2', 'answer', 1),) else (('3', 'answer', 1),))
            tm.commit()
        finally:
            conn.close()

    browser_login(page, live_server.url, 'teacher')
    page.goto(live_server.url + MATH_5A + '?period=' + period.id)
    target = cell(page, student, lesson)
    typed = different(root, student, lesson, '5')
    with subscribed(app.registry, write_the_same_cell, RecordsChanged):
        target.focus()
        page.keyboard.type(typed)
        page.keyboard.press('Enter')
        wait_saved(page, target)
    assert 'error' in target.get_attribute('class')
    not_saved = page.locator('#journal-grid').get_attribute('data-not-saved')
    assert target.get_attribute('title') == not_saved
    assert page.locator('#grid-status').inner_text() == not_saved
    assert target.input_value() == typed
    target.focus()
    page.keyboard.press('Enter')  # the others are done: sent again, it is saved
    page.wait_for_function('el => el.classList.contains("saved")',
                           arg=target.element_handle())
    page.reload()
    assert cell(page, student, lesson).input_value() == typed

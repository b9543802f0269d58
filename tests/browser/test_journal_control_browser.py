"""The control of the journal in a real browser (issue 12): the deputy's check from remark
to closed (the deputy writes it on the journal's checks screen, the teacher finds it on the
start page, answers and marks it fixed, the deputy sends it back once, then closes it); and
the grid saying why a lesson after today takes no mark."""
import datetime

import pytest

from browsing import browser_login

from ejportal.journal.resources import school_year_start

pytestmark = pytest.mark.browser

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
MATH_5A = '/journal/%d-%d/classes/5a/journals/math' % (Y, Y + 1)
REMARK = 'Не записаны домашние задания за последнюю неделю'


def step(page, transition, comment=''):
    if comment:
        page.fill('#k-comment', comment)
    page.click('form.check-step button[name=transition][value=%s]' % transition)
    page.wait_for_load_state()


def state(page):
    return page.locator('.check-state').inner_text()


def as_user(page, live_server, login):
    page.context.clear_cookies()
    browser_login(page, live_server.url, login)


def test_deputys_check_from_remark_to_closed(page, live_server):
    as_user(page, live_server, 'deputy')
    page.goto(live_server.url + MATH_5A)
    page.click('p.journal-checks a')
    page.wait_for_load_state()
    page.fill('#k-text', REMARK)
    page.click('#write-check button')
    page.wait_for_load_state()
    check_url = page.url
    assert REMARK in page.locator('.check-text').inner_text()
    assert state(page) == 'открыта'
    assert page.locator('form.check-step').count() == 0   # the teacher's move now

    as_user(page, live_server, 'teacher')
    page.goto(live_server.url + '/@@start')
    link = page.locator('.panel a[href="%s"]' % check_url)
    assert link.count() == 1
    link.click()
    page.wait_for_load_state()
    assert page.locator('form.check-step button[value=close]').count() == 0
    step(page, 'fix', 'Записал задания')
    assert state(page).startswith('исправлено')

    as_user(page, live_server, 'deputy')
    page.goto(live_server.url + '/@@start')
    page.click('.panel a[href="%s"]' % check_url)
    page.wait_for_load_state()
    assert 'Записал задания' in page.locator('.check-history').inner_text()
    step(page, 'reopen', 'Не на все уроки')
    assert state(page) == 'открыта'

    as_user(page, live_server, 'teacher')
    page.goto(check_url)
    step(page, 'fix', 'Теперь на все')

    as_user(page, live_server, 'deputy')
    page.goto(check_url)
    step(page, 'close')
    assert state(page) == 'закрыта'
    assert page.locator('form.check-step').count() == 0
    history = page.locator('.check-history li')
    assert history.count() == 4
    page.goto(live_server.url + '/journal/@@checks?state=closed')
    assert page.locator('tr.check-closed a[href="%s"]' % check_url).count() == 2


def test_grid_says_why_a_future_lesson_takes_no_mark(page, live_server, root):
    from pyramid.traversal import find_resource
    journal = find_resource(root, MATH_5A)
    period = journal.year.current_period(TODAY)
    ahead = [l for l in journal.lessons_of(period) if l.date > TODAY]
    if not ahead:
        return   # the period's last day: no lesson ahead in its grid
    lesson = ahead[0]
    student = journal.students(lesson.date, lesson.date)[0].__name__
    as_user(page, live_server, 'teacher')
    page.goto(live_server.url + MATH_5A + '?period=' + period.id)
    cell = page.locator('tr[data-student="%s"] input.c[data-lesson="%s"]' % (student,
                                                                          lesson.id))
    cell.fill('5')
    cell.press('Enter')
    page.wait_for_function('el => el.classList.contains("error")',
                           arg=cell.element_handle())
    message = page.locator('#grid-status').inner_text()
    assert 'ещё не проведён' in message and lesson.date.strftime('%d.%m.%Y') in message
    assert 'ещё не проведён' in cell.get_attribute('title')

"""A parent asks the class teacher from a phone and reads the answer on the start page; the
pages of the questions area fit the phone's width."""
import pytest

from browsing import browser_login

pytestmark = pytest.mark.browser

PHONE = {'width': 375, 'height': 740}


def fits(page):
    return page.evaluate('document.documentElement.scrollWidth') <= PHONE['width']


def test_parent_asks_and_reads_the_answer_on_a_phone(chromium, live_server):
    context = chromium.new_context(locale='ru-RU', viewport=PHONE, is_mobile=True,
                                   has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10000)
    try:
        browser_login(page, live_server.url, 'parent')
        assert 'Есть ответ' in page.locator('main').inner_text()
        assert fits(page)
        page.click('footer a.support-link')
        page.wait_for_load_state()
        assert fits(page)
        page.select_option('select[name=to]', 'class_teacher')
        page.select_option('select[name=student]', 's0001')
        page.fill('input[name=title]', 'Учебник по математике')
        page.fill('textarea[name=body]', 'Какой учебник купить?')
        page.click('button[name=save]')
        page.wait_for_load_state()
        assert 'Новый' in page.locator('main').inner_text() and fits(page)
        item = page.url
        for path in ('/questions', '/questions/question-demo',
                     '/questions/consultation-demo'):
            page.goto(live_server.url + path)
            assert fits(page), path
        # the class teacher answers; the parent reads it on the start page
        page.goto(live_server.url + '/@@start')
        page.locator('header form button').click()     # log out
        page.wait_for_load_state()
        browser_login(page, live_server.url, 'class_teacher')
        page.click('text=Учебник по математике')
        page.wait_for_url(item)
        page.click('main a.btn-primary')
        page.wait_for_load_state()
        page.fill('textarea[name=answer]', 'Мордкович, 5 класс.')
        page.click('button[name=save]')
        page.wait_for_load_state()
        page.locator('header form button').click()
        page.wait_for_load_state()
        browser_login(page, live_server.url, 'parent')
        assert 'Есть ответ: Мордкович, 5 класс.' in page.locator('main').inner_text()
    finally:
        context.close()

"""On a phone, the demo parent finds step 13's announcement on the start page, reads it (it
is then read), and answers the open satisfaction survey from the start page: no page wider
than the screen, no script error."""
import pytest

from browsing import browser_login, watch

pytestmark = pytest.mark.browser

PHONE = {'width': 390, 'height': 844}
ANNOUNCEMENT = 'Школа переходит на электронный журнал и дневник'
SURVEY = 'Удовлетворённость родителей электронным журналом'


def fits(page):
    width = page.evaluate('document.documentElement.scrollWidth')
    assert width <= PHONE['width'], '%s is %dpx wide on a phone' % (page.url, width)


def test_parent_reads_the_announcement_and_answers_the_survey_on_a_phone(chromium,
                                                                         live_server):
    context = chromium.new_context(locale='ru-RU', viewport=PHONE, is_mobile=True,
                                   has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10000)
    errors = watch(page)
    try:
        browser_login(page, live_server.url, 'parent')
        page.goto(live_server.url + '/@@start')
        fits(page)
        panel = page.locator('.panel', has=page.locator('h2:has-text("Объявления")'))
        assert 'непрочитанных 1' in panel.locator('h2').inner_text()
        assert 'новое' in panel.locator('li', has_text=ANNOUNCEMENT).inner_text()

        panel.locator('a', has_text=ANNOUNCEMENT).click()
        page.wait_for_url('**/announcements/journal-start/')
        fits(page)
        assert page.locator('h1').inner_text() == ANNOUNCEMENT
        text = page.locator('article.announcement').inner_text()
        assert 'Логин и временный пароль' in text and 'классный руководитель' in text
        assert page.locator('.announcement-reads').count() == 0

        page.goto(live_server.url + '/@@start')
        fits(page)
        panel = page.locator('.panel', has=page.locator('h2:has-text("Объявления")'))
        assert 'непрочитанных' not in panel.locator('h2').inner_text()
        assert 'прочитано' in panel.locator('li', has_text=ANNOUNCEMENT).inner_text()
        panel.locator('a', has_text='Все объявления').click()
        page.wait_for_url('**/announcements/')
        fits(page)
        assert page.locator('.announcement-list li.read', has_text=ANNOUNCEMENT).count() == 1
        assert page.locator('.announce-unread-count').count() == 0
        page.go_back()
        page.wait_for_url('**/@@start')

        page.click('text=' + SURVEY)
        page.wait_for_url('**/surveys/satisfaction-q1/')
        fits(page)
        page.check('#q1-o1')
        page.check('#q2-o1')
        page.check('#q2-o2')
        page.check('input[name=q3][value="5"]')
        page.fill('textarea[name=q4]', 'Объявление получили, спасибо')
        page.click('button.btn-primary:has-text("Отправить")')
        page.wait_for_load_state()
        fits(page)
        assert 'Вы ответили на эту анкету' in page.content()
        assert page.locator('form.survey-answer').count() == 0
        assert errors == []
    finally:
        context.close()

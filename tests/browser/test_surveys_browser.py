"""A parent finds the I quarter's questionnaire on the start page of a phone and answers it."""
import pytest

from browsing import browser_login

pytestmark = pytest.mark.browser


def test_parent_answers_the_survey_on_a_phone(chromium, live_server):
    context = chromium.new_context(locale='ru-RU', viewport={'width': 375, 'height': 740},
                                   is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10000)
    try:
        browser_login(page, live_server.url, 'parent')
        page.click('text=Удовлетворённость родителей электронным журналом')
        page.wait_for_url('**/surveys/satisfaction-q1/')
        # the form fits the phone: nothing wider than the screen
        assert page.evaluate('document.documentElement.scrollWidth') <= 375
        page.click('button.btn-primary:has-text("Отправить")')
        page.wait_for_load_state()
        assert 'Обязательно' in page.locator('#question-q1').inner_text()
        page.check('#q1-o2')
        page.check('#q2-o1')
        page.check('#q2-o3')
        page.check('input[name=q3][value="4"]')
        page.fill('textarea[name=q4]', 'Спасибо за дневник')
        page.click('button.btn-primary:has-text("Отправить")')
        page.wait_for_load_state()
        assert 'Вы ответили на эту анкету' in page.content()
        assert page.locator('form.survey-answer').count() == 0
    finally:
        context.close()

"""Issue 11 in the browser: the grid's average, worked out again after a mark is saved, keeps
the reader's decimal comma; the page that asks before cancelling an order works."""
import re

import pytest

from browsing import browser_login
from test_journal_browser import MATH_5A, cell, different, open_period, wait_saved

pytestmark = pytest.mark.browser


def test_the_average_after_a_save_reads_with_a_comma(page, live_server, root):
    period, lessons, student = open_period(root)
    browser_login(page, live_server.url, 'teacher')
    page.goto(live_server.url + MATH_5A + '?period=' + period.id)
    target = cell(page, student, lessons[0])
    target.fill(different(root, student, lessons[0], '5'))
    target.press('Enter')
    wait_saved(page, target)
    average = page.locator('tr[data-student="%s"] td.avg .a' % student).inner_text()
    assert re.fullmatch(r'\d,\d\d', average), average
    explain = page.locator('tr[data-student="%s"] td.avg' % student).get_attribute('title')
    assert not re.search(r'\d\.\d', explain), explain


def test_cancelling_an_order_asks_on_a_page_and_cancel_goes_back(page, live_server):
    browser_login(page, live_server.url, 'director')
    order = live_server.url + '/documents/order-2012-od-181/'
    page.goto(order)
    button = page.locator('.workflow-danger button[value=cancel]')
    assert 'btn-outline-danger' in button.get_attribute('class')
    button.click()
    page.wait_for_load_state()
    assert page.locator('.confirm-box').is_visible()
    page.click('.confirm-box a.btn-outline-secondary')
    page.wait_for_load_state()
    assert page.url == order
    assert page.locator('.workflow-danger button[value=cancel]').count() == 1


def test_deforms_widgets_work_with_the_current_jquery(page, live_server, root):
    """The sequence (a second clause added in the page), the date, the rich-text editor and
    the file upload, on jQuery 3: what the forms post is saved."""
    import transaction
    errors = []
    page.on('pageerror', lambda e: errors.append(str(e)))
    browser_login(page, live_server.url, 'director')
    page.goto(live_server.url + '/documents/@@add-order')
    assert page.evaluate('jQuery.fn.jquery').startswith('3.')
    page.fill('input[name=title]', 'О двух пунктах')
    page.click('.deform-seq-add')
    page.locator('textarea[name=text]').first.fill('Первый пункт')
    page.click('.deform-seq-add')
    page.locator('textarea[name=text]').nth(1).fill('Второй пункт')
    page.locator('input[name=date]').nth(1).fill('2026-12-25')
    page.click('button[name=save]')
    page.wait_for_load_state()
    assert '/documents/order' in page.url or page.url.count('/') > 4, page.url
    transaction.begin()
    found = [d for d in root['documents'].values() if getattr(d, 'title', '') == 'О двух пунктах']
    assert found and [c['text'] for c in found[0].clauses] == ['Первый пункт', 'Второй пункт']
    assert str(found[0].clauses[1]['deadline']) == '2026-12-25'

    page.goto(live_server.url + '/documents/regulation-1/@@edit')
    page.wait_for_selector('.tox-tinymce', timeout=20000)
    page.frame_locator('.tox-edit-area iframe').locator('body').fill('Новый текст положения')
    page.click('button[name=save]')
    page.wait_for_load_state()
    transaction.begin()
    assert 'Новый текст положения' in root['documents']['regulation-1'].body

    page.goto(live_server.url + '/news/@@add')
    page.fill('input[name=title]', 'Новость с картинкой')
    page.fill('textarea[name=body]', 'Текст новости')
    import io
    from PIL import Image
    picture = io.BytesIO()
    Image.new('RGB', (40, 30), 'red').save(picture, 'PNG')
    page.set_input_files('input[type=file]', files=[{
        'name': 'pic.png', 'mimeType': 'image/png', 'buffer': picture.getvalue()}])
    page.click('button[name=save]')
    page.wait_for_load_state()
    transaction.begin()
    items = [n for n in root['news'].values() if getattr(n, 'title', '') == 'Новость с картинкой']
    assert items and 'Текст новости' in items[0].body and items[0].picture is not None
    assert errors == []

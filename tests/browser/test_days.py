"""A scripted day for each role of issue 11, in real Chromium and the Russian interface,
each step photographed into var/screenshots/<role>/<nn>-<step>.png (made by the test, kept
out of git): the director approves and publishes a local act choosing its order in the
picker; the secretary drafts an order with a PDF attachment and sends it for review; the
teacher types a row of marks with an absence, a lesson's topic and its homework; the parent
reads the week on a phone and switches between the children.

Elements are found by name, id and data, not by Russian words, except where the words are
what is checked."""
import datetime
import io
import os

import pytest

from browsing import browser_login

from ejportal.journal.resources import school_year_start

pytestmark = pytest.mark.browser

SCREENSHOTS = os.path.join(os.path.dirname(__file__), '..', '..', 'var', 'screenshots')
PHONE = {'width': 390, 'height': 844}
TODAY = datetime.date.today()
Y = school_year_start(TODAY)
MATH_5A = '/journal/%d-%d/classes/5a/journals/math' % (Y, Y + 1)


class Camera:
    """Numbered screenshots of one role's day."""

    def __init__(self, page, role):
        self.page, self.folder, self.count = page, os.path.join(SCREENSHOTS, role), 0
        os.makedirs(self.folder, exist_ok=True)

    def __call__(self, step):
        self.count += 1
        self.page.screenshot(path=os.path.join(self.folder, '%02d-%s.png' % (
            self.count, step)), full_page=True)


def fits(page):
    return page.evaluate('document.scrollingElement.scrollWidth') <= \
        page.viewport_size['width']


def state_of(page):
    return page.locator('.doc-meta [class*="state-"]').first.get_attribute('class')


def a_pdf():
    from pypdf import PdfWriter
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    data = io.BytesIO()
    writer.write(data)
    return data.getvalue()


def test_the_directors_day_approves_and_publishes_a_local_act(page, live_server, root):
    shot = Camera(page, 'director')
    act = root['documents']['regulation-1']
    assert act.review_state == 'draft' and not act.approved_by
    signed = [o for o in root['documents'].values()
              if getattr(o, 'type_name', '') == 'Order' and o.review_state == 'signed']
    assert signed
    browser_login(page, live_server.url, 'director')
    shot('start')
    page.goto(live_server.url + '/documents/regulation-1/@@edit')
    shot('edit')
    picker = page.locator('select[name=approved_by]')
    # the picker names orders as people know them («№ 181 от 15.08.2012 — …»), never by id
    labels = picker.locator('option').all_inner_texts()
    assert any('№ 181 от 15.08.2012' in label for label in labels), labels
    assert not any('order-' in label for label in labels), labels
    picker.select_option(signed[0].__name__)
    shot('order-picked')
    page.click('form.deform button[type=submit][name=save]')
    page.wait_for_load_state()
    assert page.url.rstrip('/').endswith('/documents/regulation-1')
    assert '№ 181' in page.locator('main').inner_text()
    shot('saved')
    for transition, state in (('submit', 'review'), ('approve', 'approved'),
                              ('publish', 'published')):
        page.click('form.workflow button[name=transition][value=%s]' % transition)
        page.wait_for_load_state()
        assert 'state-' + state in state_of(page), transition
        assert 'state-' not in page.locator('.flash').inner_text()
        shot(transition)
    page.goto(live_server.url + '/')
    assert page.locator('a[href*="regulation-1/@@public"]').count() >= 1
    shot('on-the-site')


def test_the_secretarys_day_drafts_an_order_with_a_pdf_and_sends_it(page, live_server,
                                                                     tmp_path):
    shot = Camera(page, 'secretary')
    browser_login(page, live_server.url, 'secretary')
    shot('start')
    page.goto(live_server.url + '/documents/@@add-order')
    page.fill('input[name=title]', 'О проведении школьной олимпиады')
    page.fill('textarea[name=preamble]', 'На основании плана работы школы')
    page.click('.deform-seq-add')
    page.locator('[name=text]').first.fill('Провести школьный этап олимпиады')
    shot('draft')
    page.click('form.deform button[type=submit][name=save]')
    page.wait_for_load_state()
    assert page.locator('.doc-meta .state-draft').count() == 1, page.url
    shot('saved')
    pdf = tmp_path / 'Положение об олимпиаде.pdf'
    pdf.write_bytes(a_pdf())
    page.set_input_files('#upload-file', str(pdf))
    page.click('form.upload button[type=submit]')
    page.wait_for_load_state()
    files = page.locator('.attachments li')
    assert files.count() == 1 and '.pdf' in files.inner_text()
    assert 'КБ' in files.inner_text() or 'Б)' in files.inner_text(), files.inner_text()
    shot('attached')
    page.click('form.workflow button[name=transition][value=submit]')
    page.wait_for_load_state()
    assert page.locator('.doc-meta .state-review').count() == 1
    assert 'state-' not in page.locator('.flash').inner_text()
    shot('sent')


def test_the_teachers_day_types_marks_an_absence_a_topic_and_homework(page, live_server,
                                                                       root):
    from test_journal_browser import cell, different, open_period, wait_saved
    shot = Camera(page, 'teacher')
    period, lessons, student = open_period(root)
    browser_login(page, live_server.url, 'teacher')
    shot('start')
    page.goto(live_server.url + MATH_5A + '?period=' + period.id)
    shot('journal')
    typed = {lessons[0]: different(root, student, lessons[0], '5'),
             lessons[1]: different(root, student, lessons[1], 'н'),
             lessons[2]: different(root, student, lessons[2], '4')}
    cell(page, student, lessons[0]).focus()
    for lesson, value in typed.items():
        page.keyboard.type(value)
        page.keyboard.press('Tab')
    for lesson, value in typed.items():
        wait_saved(page, cell(page, student, lesson))
        assert 'saved' in cell(page, student, lesson).get_attribute('class'), lesson
    shot('marks-typed')
    page.click('#lesson-%s a' % lessons[2])
    page.wait_for_load_state()
    page.fill('#topic', 'Сложение дробей')
    page.fill('#homework', '№ 215, 217')
    shot('lesson-form')
    page.click('form.lesson-column button[type=submit]')
    page.wait_for_load_state()
    topics = page.locator('tr.topics').inner_text()
    assert 'Сложение дробей' in topics and '№ 215, 217' in topics, topics
    page.reload()
    for lesson, value in typed.items():
        assert cell(page, student, lesson).input_value() == value, lesson
    shot('after-reload')


def test_the_parents_day_reads_the_week_on_a_phone_and_switches_children(chromium,
                                                                          live_server):
    context = chromium.new_context(locale='ru-RU', viewport=PHONE, is_mobile=True,
                                   has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(10000)
    shot = Camera(page, 'parent')
    try:
        browser_login(page, live_server.url, 'parent')
        assert fits(page)
        shot('start')
        page.locator('a[href$="/journal/students/s0001/diary"]').first.click()
        page.wait_for_load_state()
        assert 'Иванов Дмитрий' in page.locator('h1').inner_text()
        assert page.locator('.mark').count() > 0 and fits(page)
        shot('week-dmitry')
        page.click('nav.diary-children a[href$="/s0009/diary"]')
        page.wait_for_load_state()
        assert 'Иванова Екатерина' in page.locator('h1').inner_text()
        assert fits(page)
        shot('week-ekaterina')
        page.click('a[rel=next]')
        page.wait_for_load_state()
        assert page.url.endswith('week=%s' % (TODAY - datetime.timedelta(
            days=TODAY.weekday() - 7)).isoformat()) and fits(page)
        shot('next-week')
    finally:
        context.close()

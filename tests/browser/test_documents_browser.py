"""The director signs an order with the workflow button and a teacher acknowledges it, in
real Chromium (the Russian interface: elements are found by name, id and data, not by
English words)."""
import pytest
import transaction

from browsing import browser_login

pytestmark = pytest.mark.browser

NAME = 'order-browser-test'
PATH = '/documents/' + NAME


def order_on_review(root):
    """A draft order sent for review by the secretary, for the teacher to acknowledge."""
    from ejportal.core.actor import Actor, acting_as
    from ejportal.core.content import create
    from ejportal.core.workflow import do_transition
    with acting_as(Actor('secretary')):
        order = root['documents'].add(NAME, create(
            'Order', register='od', title='О проведении педагогического совета',
            preamble='На основании плана работы школы',
            clauses=[{'text': 'Провести педагогический совет 30 августа', 'responsible': '',
                      'deadline': None}],
            signatory='С.А. Кузьмина', acknowledge_by=['user:teacher']))
        do_transition(order, 'submit')
    transaction.commit()


def test_director_signs_and_teacher_acknowledges(page, live_server, root):
    order_on_review(root)
    url = live_server.url + PATH + '/'

    browser_login(page, live_server.url, 'director')
    page.goto(url)
    assert page.locator('.doc-meta .state-review').count() == 1
    page.fill('#wf-comment', 'Подписываю')
    page.click('form.workflow button[name=transition][value=sign]')
    page.wait_for_load_state()
    assert page.locator('.doc-meta .state-signed').count() == 1
    assert page.locator('.integrity.alert-success').count() == 1
    assert '№ 1 от' in page.locator('h1').inner_text()
    assert page.locator('form.workflow button[value=sign]').count() == 0

    page.context.clear_cookies()
    browser_login(page, live_server.url, 'teacher')
    page.goto(live_server.url + '/@@start')
    link = page.locator('a[href="%s"]' % url)
    assert link.count() == 1
    assert 'Просим ознакомиться с приказом' in page.locator('.panel').first.inner_text()
    link.click()
    page.wait_for_load_state()
    page.click('form[action$="@@acknowledge"] button[type=submit]')
    page.wait_for_load_state()
    assert page.locator('.alert-success').count() >= 1
    assert page.locator('form[action$="@@acknowledge"]').count() == 0
    page.goto(live_server.url + '/@@start')
    assert page.locator('a[href="%s"]' % url).count() == 0

    transaction.begin()
    root._p_jar.sync()
    order = root['documents'][NAME]
    entry = order.sheet.entries[(order.signed_version, 'teacher')]
    assert entry['sha256'] == order.last_signed.sha256 and entry['address'] == '127.0.0.1'

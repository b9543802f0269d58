"""Buttons that cannot be taken back (issue 11, finding 10): they look dangerous, stand apart
and ask first, on a page that works without JavaScript; "sign the amendment" is offered only
when there is one."""
import transaction

from conftest import csrf_token, login
from test_documents import transition

ORDER = '/documents/order-2012-od-181'


def buttons(page, selector):
    return {b['value']: b for b in page.html.select(selector)}


def test_a_signed_orders_dangerous_buttons_stand_apart_and_nothing_to_sign(testapp):
    login(testapp, 'director')
    page = testapp.get(ORDER)
    danger = buttons(page, '.workflow-danger button[name=transition]')
    assert set(danger) == {'cancel', 'supersede'}
    assert all('btn-outline-danger' in b['class'] for b in danger.values())
    everything = buttons(page, 'button[name=transition]')
    # no amendment: nothing to sign
    assert 'sign_amendment' not in everything, list(everything)


def test_sign_the_amendment_is_offered_once_there_is_one(testapp):
    login(testapp, 'director')
    testapp.post(ORDER + '/@@amend', {'csrf_token': csrf_token(testapp)}, status=303)
    page = testapp.get(ORDER)
    assert 'sign_amendment' in buttons(page, 'form.workflow button[name=transition]')
    assert 'sign_amendment' not in buttons(page, '.workflow-danger button')


def test_cancelling_an_order_asks_first(testapp, root):
    login(testapp, 'director')
    asked = testapp.post(ORDER + '/@@workflow', {
        'transition': 'cancel', 'comment': 'ошибочно', 'csrf_token': csrf_token(testapp)},
        status=200)
    transaction.abort()
    assert root['documents']['order-2012-od-181'].review_state == 'signed'
    assert 'cannot be undone' in asked.text
    form = [f for f in asked.forms.values() if 'transition' in f.fields][0]
    assert form['transition'].value == 'cancel' and form['comment'].value == 'ошибочно'
    assert asked.html.find('a', string='Cancel')['href'].endswith(ORDER + '/')
    done = form.submit('confirmed', status=303).follow()
    transaction.abort()
    assert root['documents']['order-2012-od-181'].review_state == 'cancelled'
    assert 'Done: Cancelled.' in done.text


def test_a_published_act_offers_no_approval_of_changes_and_repealing_asks(testapp, root):
    login(testapp, 'director')
    path = '/documents/regulation-3'
    form = testapp.get(path + '/@@edit').forms['deform']
    form['approved_by'] = 'order-2012-od-181'
    form.submit('save', status=303)
    for step in ('submit', 'approve', 'publish'):
        transition(testapp, path, step)
    page = testapp.get(path)
    assert 'approve_amendment' not in buttons(page, 'button[name=transition]')
    assert set(buttons(page, '.workflow-danger button')) == {'repeal'}
    testapp.post(path + '/@@workflow', {'transition': 'repeal',
                                        'csrf_token': csrf_token(testapp)}, status=200)
    transaction.abort()
    assert root['documents']['regulation-3'].review_state == 'published'


def test_closing_a_period_asks_and_then_says_what_it_did(testapp, root):
    from test_journal import YEAR
    login(testapp, 'deputy')
    token = csrf_token(testapp)
    asked = testapp.post(YEAR + '/@@periods', {'csrf_token': token, 'period': 'q1',
                                               'close': ''}, status=200)
    assert 'Close "' in asked.text
    transaction.abort()
    from pyramid.traversal import find_resource
    assert not find_resource(root, YEAR).is_closed('q1')
    done = testapp.post(YEAR + '/@@periods', {'csrf_token': token, 'period': 'q1',
                                              'close': '', 'confirmed': '1'},
                        status=303).follow()
    assert 'Closed.' in done.text
    done = testapp.post(YEAR + '/@@periods', {'csrf_token': token, 'period': 'q1',
                                              'reopen': ''}, status=303).follow()
    assert 'Reopened.' in done.text

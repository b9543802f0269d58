"""Notices on the start page do not pile up (issue 11, finding 9): a new device is named as
people name it ("Chrome on Linux") and noticed once while the notice is unread, and the
request to acknowledge an order leaves the list once the order is acknowledged."""
import transaction

from conftest import EnglishClient, csrf_token, login

CHROME_LINUX = ('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) '
                'Chrome/120.0.0.0 Safari/537.36')


def notices(client):
    panel = client.get('/@@start').html.find('h2', string='Notices')
    return [li.get_text(' ', strip=True) for li in panel.parent.select('li')] if panel else []


def test_a_new_kind_of_device_is_noticed_once_by_name(app, as_user, testapp):
    as_user('director')
    for address in ('10.9.9.1', '10.9.9.2', '10.9.9.3'):
        browser = EnglishClient(app, extra_environ={'REMOTE_ADDR': address,
                                                    'HTTP_USER_AGENT': CHROME_LINUX})
        login(browser, 'director')
    found = [n for n in notices(browser) if 'new device' in n]
    assert len(found) == 1, found
    assert 'Chrome on Linux' in found[0] and 'Mozilla' not in found[0], found
    assert '10.9.9.3' in found[0]
    account = browser.get('/@@account').text
    assert 'Chrome on Linux' in account


def test_device_titles():
    from ejportal.principals.devices import device_title
    def title(agent):
        found = device_title(agent)
        return found.interpolate() if hasattr(found, 'interpolate') else found
    assert title(CHROME_LINUX) == 'Chrome on Linux'
    assert title('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 '
                 '(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1') == \
        'Safari on iPhone'
    assert title('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like '
                 'Gecko) Chrome/120.0 Safari/537.36 Edg/120.0') == 'Edge on Windows'
    assert title('Mozilla/5.0 (Windows NT 10.0; rv:121.0) Gecko/20100101 Firefox/121.0') == \
        'Firefox on Windows'
    assert title('') == 'an unknown device'


def test_an_acknowledged_order_leaves_the_notices(testapp, as_user, root):
    from ejportal.core.actor import Actor, acting_as
    from ejportal.core.content import create
    from ejportal.core.workflow import do_transition
    with acting_as(Actor('secretary')):
        order = root['documents'].add('order-notice', create(
            'Order', register='od', title='О дежурстве', clauses=[
                {'text': 'Назначить дежурных', 'responsible': '', 'deadline': None}],
            signatory='С.А. Кузьмина', acknowledge_by=['user:teacher']))
        do_transition(order, 'submit')
    with acting_as(Actor('director')):
        do_transition(order, 'sign')
    transaction.commit()
    as_user('teacher')
    assert [n for n in notices(testapp) if 'О дежурстве' in n]
    testapp.post('/documents/order-notice/@@acknowledge',
                 {'csrf_token': csrf_token(testapp)}, status=303)
    assert not [n for n in notices(testapp) if 'О дежурстве' in n]

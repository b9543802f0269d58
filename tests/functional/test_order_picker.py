"""The approving order of a local act is picked, not typed as an id (issue 11, item 3): the
edit form offers the orders as «№ 181 от 15.08.2012 — title»; the API takes the order's id
or its number; anything else gets a message saying what to give; the act's page names the
order it is approved by."""
from conftest import api_token, login

DRAFT = '/documents/regulation-1'
JSON = {'Accept': 'application/json'}


def test_the_form_offers_the_orders_by_number_date_and_title(testapp):
    login(testapp, 'director')
    form = testapp.get(DRAFT + '/@@edit').forms['deform']
    options = dict((value, text) for value, _selected, text in form['approved_by'].options)
    assert options['order-2012-od-181'].startswith('№ 181 от 15.08.2012 — ')
    form['approved_by'] = 'order-2012-od-181'
    form.submit('save', status=303)
    page = testapp.get(DRAFT)
    assert 'Approving order:' in page.text and '№ 181 от 15.08.2012' in page.text


def test_the_api_takes_the_orders_number_and_explains_a_wrong_one(testapp):
    director = {'Authorization': 'Bearer ' + api_token(testapp, 'director'), **JSON}
    refused = testapp.patch_json(DRAFT, {'approved_by': '999'}, headers=director, status=400)
    assert 'type its number' in refused.json['error']['fields']['approved_by']
    testapp.patch_json(DRAFT, {'approved_by': '№ 181'}, headers=director, status=204)
    assert testapp.get(DRAFT, headers=director).json['approved_by'] == 'order-2012-od-181'
    testapp.post_json(DRAFT + '/@workflow/submit', {}, headers=director)
    result = testapp.post_json(DRAFT + '/@workflow/approve', {}, headers=director).json
    assert result['state']['id'] == 'approved'

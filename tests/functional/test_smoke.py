from conftest import login


def test_anonymous_sees_public_site_and_is_sent_to_login(testapp):
    assert testapp.get('/').status_int == 200
    response = testapp.get('/documents', status=303)
    assert '/@@login?came_from=%2Fdocuments' in response.location


def test_demo_director_logs_in(testapp):
    response = login(testapp, 'director')
    assert response.status_int == 303
    assert response.location.endswith('/@@start')
    page = response.follow()
    assert 'Кузьмина' in page.text

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


def test_asset_and_page_links_follow_the_host_asked_for(testapp):
    """Static URLs are remembered per application URL, never across hosts."""
    first = testapp.get('/')
    assert 'http://localhost/static-deform/css/bootstrap.min.css' in first.text
    other = testapp.get('/', extra_environ={'HTTP_HOST': 'school.example'})
    assert 'http://school.example/static-deform/css/bootstrap.min.css' in other.text
    assert 'http://school.example/static/ejportal.css' in other.text
    assert 'http://localhost/' not in other.text

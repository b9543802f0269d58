"""Every link a page shows opens: crawled from the start page (and the front page) for each
demo role, no link answers 4xx or 5xx (issue 11, finding 7: the family's breadcrumbs, the
admin's ``/people``, links to screens the role may not open). Breadcrumbs to a page the user
may not open are plain text; logging out (a POST) is not a link."""
import pytest

from conftest import login
from crawling import crawl

ROLES = ['anonymous', 'admin', 'director', 'deputy', 'secretary', 'teacher', 'class_teacher',
         'psychologist', 'student', 'student2', 'parent']


@pytest.mark.parametrize('role', ROLES)
def test_every_link_opens(testapp, role):
    if role != 'anonymous':
        login(testapp, role)
    found = crawl(testapp)
    dead = {url: seen for url, seen in found.items() if seen[0] >= 400}
    assert dead == {}
    assert len(found) > 5


def test_people_section_leads_to_users_and_groups(testapp, as_user):
    as_user('admin')
    page = testapp.get('/people/')
    assert page.html.find('a', href='http://localhost/people/users/')
    assert page.html.find('a', href='http://localhost/people/groups/')
    users = testapp.get('/people/users/')
    crumbs = [a['href'] for a in users.html.select('.breadcrumb a')]
    assert 'http://localhost/people/' in crumbs


def test_family_breadcrumbs_link_only_what_opens(testapp, as_user):
    as_user('parent')
    page = testapp.get('/journal/students/s0001/diary')
    crumbs = page.html.select('.breadcrumb li')
    assert len(crumbs) >= 3
    assert [a['href'] for a in page.html.select('.breadcrumb a')] == ['http://localhost/']


def test_public_document_pages_have_the_site_header_and_a_way_back(testapp):
    front = testapp.get('/')
    public = [a['href'] for a in front.html.select('a') if '@@public' in a['href']]
    assert public
    for url in public:
        page = testapp.get(url.replace('http://localhost', ''))
        assert page.html.select_one('header.site-header .school-name')
        assert page.html.find('a', href='http://localhost/', string=True)
        assert page.html.select_one('.print-doc h1')

"""What the browser sweep (tests/browser/test_sweep.py) found, each held here in WebTest:
names, not logins or ids, where people read them (issue 11, finding 4)."""
import re

from conftest import login
from test_login_watch import admin_notices, client, flags
from test_russian_pages import russian

LOGINS = re.compile(r'\b(?:admin|director|deputy|secretary|teacher|class_teacher|psychologist|'
                    r'student|student2|parent)\b')


def test_the_order_picker_names_a_draft_by_its_title(testapp):
    login(testapp, 'director')
    form = testapp.get('/documents/regulation-1/@@edit').forms['deform']
    labels = [text for value, _selected, text in form['approved_by'].options if value]
    assert labels and not [label for label in labels if 'order-' in label], labels
    assert 'draft: О создании совета (рабочей группы) по внедрению электронного журнала' \
        in labels


def test_the_sharing_picker_offers_people_by_name(testapp):
    login(testapp, 'admin')
    form = testapp.get('/journal/@@sharing').forms['deform']
    labels = [text for _value, _selected, text in form['principal'].options]
    assert 'Петрова Анна Ивановна' in labels
    assert not [label for label in labels if LOGINS.search(label)], labels


def test_the_audit_log_links_who_and_action_to_their_filter_and_names_roles(testapp):
    russian(testapp)
    login(testapp, 'admin')
    page = testapp.get('/settings/@@audit')
    table = page.html.select_one('table.listing')
    assert not table.select('td:nth-of-type(3) [title], td:nth-of-type(5) [title]')
    text = ' '.join(table.stripped_strings)
    assert not LOGINS.search(text), LOGINS.search(text)
    # a sharing entry names the local role; a check's teacher by name
    assert 'стало: Ведёт предмет' in text and 'учитель: Петрова Анна Ивановна' in text
    who = table.select_one('tbody tr td:nth-of-type(3) a')['href']
    assert '@@audit?userid=' in who
    action = table.select_one('tbody tr td:nth-of-type(5) a')['href']
    assert '@@audit?action=' in action
    assert testapp.get(action.replace('http://localhost', '')).status_int == 200


def test_an_untitled_objects_crumb_is_its_kind_not_its_id(testapp):
    login(testapp, 'director')
    page = testapp.get('/consents/c-1/')
    crumbs = [li.get_text(strip=True) for li in page.html.select('.breadcrumb li')]
    assert 'c-1' not in crumbs and crumbs[-1] == 'Personal-data consent', crumbs


def test_the_login_watch_tells_the_admin_names(app, root):
    assert login(client(app, '10.9.9.9'), 'student').status_int == 303
    assert login(client(app, '10.9.9.9'), 'teacher').status_int == 303
    assert flags(root, 'login-shared-place')     # and the connection sees the login's commit
    notices = admin_notices(root)
    notice = [t for t in notices if 'may be working under a teacher' in t]
    assert notice, notices
    notice = notice[0]
    assert 'Петрова Анна Ивановна' in notice and 'Иванов Дмитрий' in notice, notice
    assert not LOGINS.search(notice.split('from')[0]), notice

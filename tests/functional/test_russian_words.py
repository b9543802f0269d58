"""The Russian pages show words, not the portal's codes (issue 11, finding 4): a state's
title after a transition, people by name where the portal stores logins, the audit log's
actions by title with readable details, file sizes in Russian units. (Needs the compiled
catalogs, which `make test` builds.)"""
import re

import pytest
import transaction

from conftest import csrf_token, login
from crawling import crawl
from test_journal import MATH_5A, YEAR, close_q1
from test_russian_pages import russian

CODE = re.compile(r"state-[a-z]+|\{'|'\}|\bs00\d\d\b|\b(?:period-close|period-reopen|"
                  r"correction-request|pending|approved|rejected)\b")


# what a code looks like on a page: a state's or a type's id, a Python dict, a student's id,
# a size in English units, a correction's state
PAGE_CODE = re.compile(r"\b(?:state|type|section|audit|person|size)-[a-z-]+|\{'|\bs\d{4}\b|"
                       r"\d KB\b|\b(?:pending|approved|rejected)\b")


@pytest.mark.parametrize('role', ['admin', 'director', 'deputy', 'class_teacher', 'parent'])
def test_no_codes_on_the_russian_pages_of_each_role(testapp, role):
    russian(testapp)
    login(testapp, role)
    for url, (status, _origin, _form) in crawl(testapp).items():
        page = testapp.get(url, status='*', expect_errors=True) if status == 200 else None
        if page is None or 'html' not in page.content_type:
            continue
        for tag in page.html(['script', 'style']):
            tag.decompose()
        found = PAGE_CODE.search(page.html.get_text(' '))
        assert not found, (url, found.group(0))


def text_of(page, selector='main'):
    return ' '.join(page.html.select_one(selector).stripped_strings)


def test_a_transition_says_the_state_by_its_title(testapp, root):
    from ejportal.core.actor import Actor, acting_as
    from ejportal.core.content import create
    from ejportal.core.workflow import do_transition
    with acting_as(Actor('secretary')):
        order = root['documents'].add('order-words', create(
            'Order', register='od', title='О дежурстве', clauses=[
                {'text': 'Назначить дежурных', 'responsible': '', 'deadline': None}],
            signatory='С.А. Кузьмина'))
        do_transition(order, 'submit')
    transaction.commit()
    russian(testapp)
    login(testapp, 'director')
    page = testapp.post('/documents/order-words/@@workflow',
                        {'transition': 'sign', 'csrf_token': csrf_token(testapp)}).follow()
    flash = page.html.select_one('.flash .alert-success').get_text()
    assert 'Подписан' in flash and 'state-' not in flash, flash
    # the signatory by name, not by login
    meta = text_of(page, '.integrity')
    assert 'Кузьмина С.А.' in meta and 'director' not in meta, meta


def test_people_by_name_in_history_and_correction_requests(testapp, as_user, root):
    journal, lesson, student = close_q1(root)
    russian(testapp)
    as_user('teacher')
    testapp.post(MATH_5A + '/@@correction', {
        'student': student, 'lesson': lesson, 'text': '2', 'reason': 'ошибка ввода',
        'csrf_token': csrf_token(testapp)})
    sid, lid = next(key for key in journal.cells.keys() if journal.history(*key))
    history = testapp.get(MATH_5A + '/@@history', params={'student': sid, 'lesson': lid})
    cells = [td.get_text() for td in history.html.select('table.listing td:nth-of-type(2)')]
    assert cells and not {'system', 'teacher'} & set(cells), cells
    testapp.reset()
    russian(testapp)
    as_user('deputy')
    page = testapp.get('/journal/@@corrections')
    assert 'Петрова Анна' in text_of(page) and '(teacher)' not in page.text
    assert not CODE.search(text_of(page)), CODE.search(text_of(page))


def test_audit_log_reads_as_words(testapp, as_user, root):
    from pyramid.traversal import find_resource
    find_resource(root, YEAR).close_period('q1')
    transaction.commit()
    russian(testapp)
    as_user('admin')
    page = testapp.get('/settings/@@audit')
    rows = page.html.select('table.listing tbody tr')
    actions = {tr.select('td')[4].get_text(strip=True) for tr in rows}
    assert {'Вход', 'Период закрыт', 'Создание'} <= actions, actions
    assert not [a for a in actions if re.fullmatch(r'[a-z-]+', a)], actions
    table = ' '.join(page.html.select_one('table.listing').stripped_strings)
    assert not CODE.search(table), CODE.search(table)
    assert 'период: q1' in table
    who = {tr.select('td')[2].get_text(strip=True) for tr in rows}
    assert 'Смирнов А.П.' in who and 'admin' not in who and 'system' not in who
    # the filter still takes the code the log keeps
    assert 'Период закрыт' in testapp.get('/settings/@@audit?action=period-close').text


def test_file_sizes_in_the_readers_units():
    from pyramid.i18n import make_localizer
    from ejportal.paths import LOCALES
    from ejportal.site.names import file_size

    class Reader:
        def __init__(self, lang):
            self.locale_name = lang
            self.localizer = make_localizer(lang, [str(LOCALES)])

    ru, en = Reader('ru'), Reader('en')
    assert file_size(ru, 7 * 1024) == '7 КБ'
    assert file_size(ru, 1536 * 1024) == '1,5 МБ'
    assert file_size(ru, 20 * 1024 * 1024) == '20 МБ'
    assert file_size(en, 1536 * 1024) == '1.5 MB'
    assert file_size(ru, 300) == '300 Б'

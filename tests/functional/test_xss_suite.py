"""XSS and exports: known vectors through every text field, read back everywhere.

Each vector (``tests/fixtures/xss_vectors.txt``, OWASP's filter-evasion shapes) is written
at once into the text fields users fill: a teacher's names and position, a group's title
and description, the school's names and address, a draft order's title, preamble and
clause, a local act's title, rich body and approver, a lesson's topic, homework and note,
the lesson plan's topics, a deputy's remark on the journal, a student's names (the class
teacher's form) and a remark to the family. Then:

- every page of the access table (as a role that sees it) is parsed with lxml and compared
  with the same page before any vector: no element of a kind the page did not have, no
  more scripts, frames, objects, forms, styles or bases than it had, no ``on*``
  attribute, no ``javascript:``/``vbscript:``/``data:`` address it did not have;
- the order's PDF and the student's report PDF hold the text literally (pypdf);
- the student's XLSX report and the audit CSV hold text, never a formula.

``make test`` runs a spread of the vectors, each read back on a share of the pages (every
page sees several); ``EJPORTAL_SOAK=1`` runs every vector on every page.
"""
import csv
import io
import json
import os
import re
from collections import Counter

import lxml.html
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from webtest import TestApp

from conftest import EnglishClient, api_token, login
from functional import hostile
from functional.test_access_matrix import ACCESS, ANON, CLASS, DRAFT, MATH, OWN, RANGE

HERE = os.path.dirname(__file__)
with open(os.path.join(HERE, '..', 'fixtures', 'xss_vectors.txt'), encoding='utf-8') as f:
    ALL_VECTORS = [line.rstrip('\n') for line in f if line.strip() and not line.startswith('# ')]
VECTORS = ALL_VECTORS if hostile.SOAK else ALL_VECTORS[::max(len(ALL_VECTORS) // 50, 1)][:50]
SHARES = 1 if hostile.SOAK else 4   # make test: each vector is read back on 1/4 of the pages

ROLES = ('admin', 'director', 'deputy', 'teacher', 'class_teacher', 'secretary',
         'psychologist', 'parent', 'student')
# Elements that run or load something: a page never gains one from data. (Forms, inputs
# and images repeat with the rows of a page, a version's restore button...: those are
# checked through their attributes.)
RISKY_TAGS = {'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'style',
              'link', 'meta', 'base', 'svg', 'math', 'video', 'audio', 'source', 'details',
              'marquee', 'template', 'isindex', 'keygen', 'noscript'}
URL_ATTRIBUTES = {'href', 'src', 'action', 'formaction', 'data', 'background', 'srcdoc',
                  'xlink:href', 'poster', 'codebase', 'code', 'content', 'style'}
BAD_URL = re.compile(r'(javascript|vbscript|data\s*:\s*text/html|expression\s*\()', re.I)
ORDER_ID = 'order-xss'
PLAIN = 'Обыкновенный текст 1'
ORDER = '/documents/' + ORDER_ID


def pages(places):
    """(url, role): every HTML page of the access table, as the first role that sees it."""
    found = []
    for key, rows in sorted(ACCESS.items()):
        for method, url, allowed in rows:
            allowed = hostile.allowed_roles(allowed, ROLES)
            role = next((r for r in ROLES if r in allowed), ANON if ANON in allowed else None)
            url = hostile.fill(url, places)
            if method != 'GET' or role is None or url is None or \
                    '/@' in url.replace('/@@', '') or url.split('?')[0].endswith(
                        ('.csv', '@@pdf', 'public-pdf', 'certificate', 'homework-file')):
                continue
            found.append((url, role))
    return found


# -- reading a page ------------------------------------------------------------------------
def is_address_meta(element):
    """A ``<meta>`` whose ``content`` is followed as an address: a refresh, or the link
    preview's URL and picture."""
    return (element.get('http-equiv') or '').lower() == 'refresh' or \
        (element.get('property') or '').lower() in ('og:url', 'og:image')


def profile(html):
    """What an injection would change in a page: its tag kinds, how many risky elements,
    its event-handler attributes and its script-capable addresses."""
    tree = lxml.html.document_fromstring(html)
    tags, handlers, addresses = Counter(), set(), set()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tags[element.tag.lower()] += 1
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith('on'):
                handlers.add((element.tag, name))
            if element.tag == 'meta' and name == 'content' and not is_address_meta(element):
                continue    # a description or a title for link previews: text, not an address
            if name in URL_ATTRIBUTES or name.endswith(':href'):
                compact = re.sub(r'[\x00-\x20]', '', value)
                if BAD_URL.search(compact):
                    addresses.add((element.tag, name, value))
    return tags, handlers, addresses


def injected(before, after):
    """What ``after`` has that ``before`` (the same page, no vector) did not."""
    tags_before, handlers_before, addresses_before = before
    tags_after, handlers_after, addresses_after = after
    problems = []
    new_tags = set(tags_after) - set(tags_before)
    if new_tags:
        problems.append('new kinds of element: %s' % sorted(new_tags))
    more = {tag: (tags_before[tag], tags_after[tag]) for tag in RISKY_TAGS
            if tags_after[tag] > tags_before[tag]}
    if more:
        problems.append('more elements that run or load: %s' % more)
    if handlers_after - handlers_before:
        problems.append('event handlers: %s' % sorted(handlers_after - handlers_before))
    if addresses_after - addresses_before:
        problems.append('script addresses: %s' % sorted(addresses_after - addresses_before))
    return problems


# -- the portal, its writers and readers ---------------------------------------------------
class Portal(hostile.ModuleApp):

    def __init__(self, demo_template, directory):
        super().__init__(demo_template, directory)
        self.places = hostile.school_places(self.app)
        setup = TestApp(self.app, extra_environ={'REMOTE_ADDR': '10.0.7.1',
                                                 'HTTP_HOST': 'localhost'})
        self.tokens = {role: api_token(setup, role) for role in ROLES}
        self.browsers = {}
        order = self.api('director', 'POST', '/documents/@json',
                         {'@type': 'Order', 'id': ORDER_ID, 'title': 'Приказ'})
        assert order.status_int == 201, order.text
        self.lesson = self.latest_lesson()
        self.pages = pages(self.places) + [(ORDER, 'director'), (ORDER + '/@@print', 'director'),
                                (MATH + '?period=', 'teacher')]

    def latest_lesson(self):
        journal = self.api('teacher', 'GET', MATH + '/@json').json
        lessons = journal.get('lessons') or []
        assert lessons, sorted(journal)
        return lessons[-1]

    def api(self, role, method, url, body=None):
        client = TestApp(self.app, extra_environ={'REMOTE_ADDR': '10.0.7.2',
                                                  'HTTP_HOST': 'localhost'})
        headers = {'Accept': 'application/json',
                   'Authorization': 'Bearer ' + self.tokens[role]}
        if method == 'GET':
            return client.get(url, headers=headers, status='*')
        return client.request(url, method=method, headers=headers, status='*',
                              body=json.dumps(body).encode('utf-8'),
                              content_type='application/json')

    def browser(self, role):
        if role not in self.browsers:
            client = EnglishClient(self.app, extra_environ={'REMOTE_ADDR': '10.0.7.3',
                                                            'HTTP_HOST': 'localhost'})
            if role != ANON:
                assert login(client, role).status_int == 303
            self.browsers[role] = client
        return self.browsers[role]

    def read(self, url, role):
        response = self.browser(role).get(url, status='*')
        assert response.status_int < 500, (url, role, response.text[:1500])
        if 'html' not in (response.content_type or '') or not response.text.strip():
            return None
        return profile(response.text)

    # every writer: (what, role, how); each must take the vector (2xx/303) or refuse it
    # on its field (4xx), never fail
    def write(self, vector):
        short = vector[:200]
        lesson = self.lesson
        calls = [
            ('teacher', 'admin', 'PATCH', '/people/users/teacher/@json',
             {'surname': short, 'first_name': short, 'patronymic': short, 'position': vector}),
            ('group', 'admin', 'PATCH', '/people/groups/teachers/@json',
             {'title': short, 'description': vector}),
            ('settings', 'admin', 'PATCH', '/settings/@json',
             {'school_name': short, 'school_full_name': vector, 'school_address': vector,
              'director_name': short}),
            ('order', 'director', 'PATCH', ORDER + '/@json',
             {'title': short, 'preamble': vector,
              'clauses': [{'text': vector, 'deadline': '', 'responsible': []}]}),
            ('regulation', 'director', 'PATCH', DRAFT + '/@json',
             {'title': short, 'body': vector}),
            ('lesson', 'teacher', 'PATCH', MATH + '/@lesson',
             {'lesson': lesson['id'], 'topic': vector, 'homework': vector, 'note': vector}),
            ('plan', 'teacher', 'POST', MATH + '/@plan',
             {'rows': [{'number': 1, 'topic': vector, 'hours': 1, 'section': short}]}),
            ('journal comment', 'deputy', 'POST', MATH + '/@comment', {'text': vector}),
        ]
        taken = []
        for what, role, method, url, body in calls:
            response = self.api(role, method, url, body)
            assert response.status_int < 500, (what, vector, response.text[:1500])
            if response.status_int < 300:
                taken.append(what)
            elif vector == PLAIN:
                raise AssertionError((what, response.status, response.text[:500]))
        taken += self.write_by_forms(vector)
        return taken

    def write_by_forms(self, vector):
        taken = []
        desk = self.browser('class_teacher')
        page = desk.get(CLASS + '/@@desk-student?student=s0001')
        form = page.forms['student-form']
        for name in ('surname', 'first_name', 'patronymic'):
            form[name] = vector[:100]
        response = form.submit('save', status='*')
        assert response.status_int < 500, (vector, response.text[:1500])
        if response.status_int == 303:
            taken.append('student names')
        page = desk.get(CLASS + '/@@desk-remark?student=s0001')
        form = page.forms['remark']
        form['text'] = vector
        response = form.submit('save', status='*')
        assert response.status_int < 500, (vector, response.text[:1500])
        if response.status_int == 303:
            taken.append('remark')
        desk.get('/@@start')  # the flash messages of the writes, shown once, here
        return taken


@pytest.fixture(scope='module')
def portal(demo_template, tmp_path_factory):
    module_portal = Portal(demo_template, tmp_path_factory.mktemp('xss'))
    # the pages as they are with plain text in every field (a plan row, a remark...)
    taken = module_portal.write(PLAIN)
    assert len(taken) == 10, taken
    module_portal.baseline = {(url, role): module_portal.read(url, role)
                              for url, role in module_portal.pages}
    yield module_portal
    module_portal.close()


@pytest.mark.parametrize('number', range(len(VECTORS)))
def test_a_vector_in_every_field_injects_nothing(portal, number):
    vector = VECTORS[number]
    taken = portal.write(vector)
    assert len(taken) >= 5, (vector, taken)  # the vectors are text any field may hold
    problems = []
    for index, (url, role) in enumerate(portal.pages):
        if index % SHARES != number % SHARES:
            continue
        before = portal.baseline[(url, role)]
        after = portal.read(url, role)
        if before is None or after is None:
            continue
        for problem in injected(before, after):
            problems.append('%s as %s: %s' % (url, role, problem))
    assert not problems, (vector, problems)


# -- the exports ------------------------------------------------------------------------------
def compact(text):
    return re.sub(r'\s+', '', text)


EXPORT_VECTORS = VECTORS if hostile.SOAK else VECTORS[::5]
REPORTED = []
RAN_EXPORTS = []


@pytest.mark.parametrize('number', range(len(EXPORT_VECTORS)))
def test_exports_hold_a_vector_as_text(portal, number):
    vector = EXPORT_VECTORS[number]
    RAN_EXPORTS.append(vector)
    taken = portal.write(vector)
    short = vector[:200]
    # the order's PDF: its title and preamble, as written
    pdf = portal.browser('director').get(ORDER + '/@@pdf')
    text = compact(''.join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.body)).pages))
    assert compact(short) in text, (vector, text[:1000])
    # the student's report: the names (class teacher's form) and the school's, as text
    if 'student names' in taken:
        REPORTED.append(vector)
        parent = portal.browser('parent')
        book = load_workbook(io.BytesIO(parent.get(OWN + '/@@report?format=xlsx&' + RANGE).body))
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows()
                 for cell in row if cell.value is not None]
        assert not [c for c in cells if c.data_type == 'f'], vector
        assert any(isinstance(c.value, str) and vector[:100] in c.value for c in cells), vector
        report = parent.get(OWN + '/@@report?format=pdf&' + RANGE)
        text = compact(''.join(p.extract_text() for p in PdfReader(io.BytesIO(report.body)).pages))
        assert compact(vector[:100]) in text, (vector, text[:1000])
    # the audit's CSV: no cell a spreadsheet would run
    body = portal.browser('admin').get('/settings/@@audit.csv').text
    for row in csv.reader(io.StringIO(body)):
        for cell in row:
            assert not cell[:1] in ('=', '+', '-', '@', '\t', '\r'), (vector, row)


def test_zz_the_reports_were_really_read():
    """Guard against the export test passing by reading no report (runs after it)."""
    if len(EXPORT_VECTORS) >= 10 and len(RAN_EXPORTS) == len(EXPORT_VECTORS):
        assert len(REPORTED) >= len(EXPORT_VECTORS) // 2, REPORTED

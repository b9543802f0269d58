"""The role-by-view access table, in one place, tested whole.

``ACCESS`` names every registered view (context type, view name) with the URLs to try it on
in the demo school and the roles allowed there. ``test_every_view_is_in_the_table`` finds
the views by introspection, so a new view without a row fails. Each row is then driven over
real HTTP as every role: an allowed role is let through, a denied one gets 403 (or, when
anonymous, the login page). POSTs are sent without a CSRF token: an allowed role then gets
400 and a denied one 403, since the permission is checked first — nothing changes.
"""
import datetime

import pytest
from webtest import TestApp

from ejportal.journal.resources import school_year_start

from conftest import login

ANON = 'anonymous'
ROLES = (ANON, 'admin', 'director', 'deputy', 'secretary', 'teacher', 'class_teacher',
         'psychologist', 'student', 'parent')
ALL = frozenset(ROLES)
USERS = ALL - {ANON}
STAFF = frozenset({'admin', 'director', 'deputy', 'secretary', 'teacher', 'class_teacher',
                   'psychologist'})
ADMIN = frozenset({'admin'})
DIRECTION = frozenset({'director', 'deputy'})
DOC_AUTHORS = frozenset({'director', 'deputy', 'secretary'})   # ADD_DOCUMENT
# who may read and change a draft: its author (the deputy), the director, the secretary
DRAFT_EDITORS = DOC_AUTHORS
FAMILY = frozenset({'student', 'parent'})
JOURNAL_READERS = frozenset({'admin', 'director', 'deputy'})    # every journal

SHARING = frozenset({'admin', 'director'})
AUDIT = frozenset({'admin', 'director'})

START = school_year_start(datetime.date.today())
YEAR = '/journal/%d-%d' % (START, START + 1)
CLASS = YEAR + '/classes/5a'             # class teacher: class_teacher
OTHER_CLASS = YEAR + '/classes/7b'       # no class teacher
MATH = CLASS + '/journals/math'          # taught by teacher
RUSSIAN = CLASS + '/journals/russian'    # taught by class_teacher
MATH_7B = OTHER_CLASS + '/journals/math'  # taught by teacher, not class_teacher's class
OWN = '/journal/students/s0001'          # student, child of parent
SIBLING = '/journal/students/s0009'      # student2, also parent's child
STRANGER = '/journal/students/s0002'     # another family in 5a
ORDER = '/documents/order-2012-od-181'   # signed
PLAN = ORDER + '/appendix-1'
DRAFT = '/documents/regulation-1'        # a draft local act by the deputy
WEEK = datetime.date.today().isoformat()
RANGE = 'from=%d-09-01&to=%s' % (START, WEEK)
OWN_DIARY_READERS = FAMILY | DIRECTION | {'class_teacher'}
STRANGER_DIARY_READERS = DIRECTION | {'class_teacher'}

# (context type, view name): [(method, url, allowed roles), ...]
ACCESS = {
    # the public site, login and own account
    ('Portal', ''): [('GET', '/', ALL)],
    ('Portal', 'set-language'): [('GET', '/@@set-language?lang=en', ALL)],
    ('Portal', 'login'): [('GET', '/@@login', ALL)],
    ('Portal', 'login-code'): [('GET', '/@@login-code', ALL)],
    ('Portal', 'logout'): [('POST', '/@@logout', ALL)],
    ('Portal', 'start'): [('GET', '/@@start', USERS)],
    ('Portal', 'account'): [('GET', '/@@account', USERS)],
    ('Portal', 'notices-read'): [('POST', '/@@notices-read', USERS)],
    ('Portal', 'change-password'): [('GET', '/@@change-password', USERS)],
    ('Portal', 'second-factor'): [('GET', '/@@second-factor', USERS)],
    ('Portal', 'end-session'): [('POST', '/@@end-session', USERS)],
    # users, groups, sharing, settings, audit
    ('Users', ''): [('GET', '/people/users', ADMIN)],
    ('Users', 'add'): [('GET', '/people/users/@@add', ADMIN)],
    ('User', ''): [('GET', '/people/users/teacher', ADMIN)],
    ('User', 'reset-password'): [('POST', '/people/users/teacher/@@reset-password', ADMIN)],
    ('User', 'set-enabled'): [('POST', '/people/users/teacher/@@set-enabled', ADMIN)],
    ('User', 'reset-second-factor'): [
        ('POST', '/people/users/teacher/@@reset-second-factor', ADMIN)],
    ('Groups', ''): [('GET', '/people/groups', ADMIN)],
    ('Groups', 'add'): [('GET', '/people/groups/@@add', ADMIN)],
    ('Group', ''): [('GET', '/people/groups/teachers', ADMIN)],
    ('Folder', 'sharing'): [('GET', '/documents/@@sharing', SHARING),
                            ('GET', '/people/users/@@sharing', SHARING)],
    ('Folder', 'sharing-revoke'): [('POST', '/documents/@@sharing-revoke', SHARING)],
    ('Settings', ''): [('GET', '/settings', ADMIN)],
    ('Settings', 'audit'): [('GET', '/settings/@@audit', AUDIT)],
    ('Settings', 'audit.csv'): [('GET', '/settings/@@audit.csv', AUDIT)],
    ('Settings', 'audit-verify'): [('GET', '/settings/@@audit-verify', AUDIT)],
    # the JSON API's generic services
    ('Portal', '@login'): [('POST', '/@login', ALL)],
    ('Portal', '@logout'): [('POST', '/@logout', USERS)],
    ('Portal', '@json'): [('GET', '/@json', ALL)],
    ('Resource', '@json'): [('GET', '/people/users/@json', ADMIN),
                            ('GET', '/documents/@json', STAFF),
                            ('POST', '/people/groups/@json', ADMIN),
                            ('PATCH', '/people/users/teacher/@json', ADMIN),
                            # the settings are the administrator's alone (the director
                            # edits everywhere else)
                            ('GET', '/settings/@json', ADMIN),
                            ('PATCH', '/settings/@json', ADMIN),
                            ('DELETE', '/people/groups/teachers/@json', ADMIN)],
    # the sections
    ('Documents', ''): [('GET', '/documents', STAFF)],
    ('School', ''): [('GET', '/journal', STAFF)],
    # documents
    ('Documents', 'search'): [('GET', '/documents/@@search?q=%D0%B6%D1%83%D1%80%D0%BD%D0%B0%D0%BB',
                               STAFF)],
    ('Portal', '@search'): [('GET', '/@search?SearchableText=%D0%B6%D1%83%D1%80%D0%BD%D0%B0%D0%BB',
                             ALL)],
    ('ReferenceBook', ''): [('GET', '/settings/order-registers', ADMIN)],
    ('Settings', 'order-registers'): [('GET', '/settings/@@order-registers', ADMIN)],
    ('Settings', 'regulation-kinds'): [('GET', '/settings/@@regulation-kinds', ADMIN)],
    ('Documents', 'add-order'): [('GET', '/documents/@@add-order', DOC_AUTHORS)],
    ('Documents', 'add-regulation'): [('GET', '/documents/@@add-regulation', DOC_AUTHORS)],
    ('Document', ''): [('GET', ORDER, STAFF), ('GET', PLAN, STAFF),
                       ('GET', DRAFT, DRAFT_EDITORS)],
    ('Document', 'print'): [('GET', ORDER + '/@@print', STAFF)],
    ('Document', 'pdf'): [('GET', ORDER + '/@@pdf', STAFF)],
    ('Document', 'history'): [('GET', ORDER + '/@@history', STAFF),
                              ('GET', DRAFT + '/@@history', DRAFT_EDITORS)],
    ('Document', 'workflow'): [('POST', DRAFT + '/@@workflow', DRAFT_EDITORS)],
    # on a signed order the edit screen offers the amendment instead
    ('Document', 'edit'): [('GET', DRAFT + '/@@edit', DRAFT_EDITORS),
                           ('GET', ORDER + '/@@edit', frozenset({'director', 'secretary'}))],
    ('Document', 'amend'): [('POST', ORDER + '/@@amend', frozenset({'director', 'secretary'}))],
    ('Document', 'cancel-amendment'): [('POST', DRAFT + '/@@cancel-amendment',
                                        DRAFT_EDITORS)],
    ('Document', 'revert'): [('POST', DRAFT + '/@@revert', DRAFT_EDITORS)],
    ('Document', 'attach'): [('POST', DRAFT + '/@@attach', DRAFT_EDITORS)],
    ('Document', '@workflow'): [('GET', ORDER + '/@workflow', STAFF),
                                ('POST', DRAFT + '/@workflow/submit',
                                 DRAFT_EDITORS)],
    ('Document', '@history'): [('GET', ORDER + '/@history', STAFF)],
    # appendices are added while the order is a draft; the signed one takes none
    ('Order', 'add-appendix'): [('GET', ORDER + '/@@add-appendix', frozenset())],
    ('Order', 'add-plan'): [('GET', ORDER + '/@@add-plan', frozenset())],
    ('Order', 'acknowledge'): [('POST', ORDER + '/@@acknowledge', STAFF)],
    ('Order', '@acknowledge'): [('POST', ORDER + '/@acknowledge', STAFF)],
    ('Order', 'sheet'): [('GET', ORDER + '/@@sheet', DOC_AUTHORS)],
    ('Order', '@acknowledgements'): [('GET', ORDER + '/@acknowledgements', DOC_AUTHORS)],
    ('Order', 'remind'): [('POST', ORDER + '/@@remind', DOC_AUTHORS)],
    ('Order', 'public'): [('GET', ORDER + '/@@public', ALL)],
    ('Order', 'public-pdf'): [('GET', ORDER + '/@@public-pdf', ALL)],
    ('Regulation', 'public'): [('GET', DRAFT + '/@@public', frozenset())],
    ('Regulation', 'public-pdf'): [('GET', DRAFT + '/@@public-pdf', frozenset())],
    ('RolloutPlan', 'step'): [('POST', PLAN + '/@@step', STAFF)],
    ('Attachment', ''): [('GET', '{attachment}', DRAFT_EDITORS)],
    ('Attachment', 'public'): [('GET', '{attachment}/@@public', frozenset())],
    ('Attachment', 'delete'): [('POST', '{attachment}/@@delete', DRAFT_EDITORS)],
    # the diary
    ('Portal', 'diary'): [('GET', '/@@diary', FAMILY)],
    ('Portal', '@diary'): [('GET', '/@diary?week=' + WEEK, FAMILY)],
    ('Portal', '@report'): [('GET', '/@report?' + RANGE, FAMILY)],
    ('Student', 'diary'): [('GET', OWN + '/@@diary', OWN_DIARY_READERS),
                           ('GET', SIBLING + '/@@diary', frozenset({'parent'}) | DIRECTION),
                           ('GET', STRANGER + '/@@diary', STRANGER_DIARY_READERS)],
    ('Student', 'diary-period'): [('GET', OWN + '/@@diary-period', OWN_DIARY_READERS),
                                  ('GET', STRANGER + '/@@diary-period', STRANGER_DIARY_READERS)],
    ('Student', 'diary-year'): [('GET', OWN + '/@@diary-year', OWN_DIARY_READERS),
                                ('GET', STRANGER + '/@@diary-year', STRANGER_DIARY_READERS)],
    ('Student', 'report'): [('GET', OWN + '/@@report?' + RANGE, OWN_DIARY_READERS),
                            ('GET', STRANGER + '/@@report?' + RANGE, STRANGER_DIARY_READERS)],
    ('Student', '@diary'): [('GET', OWN + '/@diary?week=' + WEEK, OWN_DIARY_READERS),
                            ('GET', STRANGER + '/@diary?week=' + WEEK, STRANGER_DIARY_READERS)],
    ('Student', '@report'): [('GET', OWN + '/@report?' + RANGE, OWN_DIARY_READERS),
                             ('GET', STRANGER + '/@report?' + RANGE, STRANGER_DIARY_READERS)],
    ('Student', 'homework-file'): [
        ('GET', OWN + '/@@homework-file?journal=x&lesson=y&name=z', OWN_DIARY_READERS),
        ('GET', STRANGER + '/@@homework-file?journal=x&lesson=y&name=z', STRANGER_DIARY_READERS)],
    ('Student', 'diary-subscription'): [('GET', OWN + '/@@diary-subscription',
                                         frozenset({'parent'}))],
    # the class teacher's desk
    ('SchoolClass', 'desk'): [('GET', CLASS + '/@@desk', frozenset({'class_teacher'})),
                              ('GET', OTHER_CLASS + '/@@desk', frozenset())],
    ('SchoolClass', 'desk-student'): [('GET', CLASS + '/@@desk-student?student=s0001',
                                       frozenset({'class_teacher'}))],
    ('SchoolClass', 'desk-add'): [('POST', CLASS + '/@@desk-add', frozenset({'class_teacher'}))],
    ('SchoolClass', 'desk-move-out'): [('POST', CLASS + '/@@desk-move-out',
                                        frozenset({'class_teacher'}))],
    ('SchoolClass', 'desk-logins'): [('POST', CLASS + '/@@desk-logins',
                                      frozenset({'class_teacher'}))],
    ('SchoolClass', 'desk-reset'): [('POST', CLASS + '/@@desk-reset',
                                     frozenset({'class_teacher'}))],
    ('SchoolClass', 'desk-remark'): [('POST', CLASS + '/@@desk-remark',
                                      frozenset({'class_teacher'}))],
    ('SchoolClass', 'desk-absence'): [('GET', CLASS + '/@@desk-absence',
                                       frozenset({'class_teacher'}))],
    ('SchoolClass', 'desk-certificate'): [('GET', CLASS + '/@@desk-certificate?student=s0001&absence=0',
                                           frozenset({'class_teacher'}))],
    ('SchoolClass', 'overview'): [('GET', CLASS + '/@@overview', frozenset({'class_teacher'}))],
    # the journal
    ('Portal', '@journals'): [('GET', '/@journals', STAFF)],
    ('Journal', ''): [('GET', MATH, JOURNAL_READERS | {'teacher', 'class_teacher'}),
                      ('GET', MATH_7B, JOURNAL_READERS | {'teacher'})],
    ('Journal', '@json'): [('GET', MATH + '/@json', JOURNAL_READERS | {'teacher', 'class_teacher'}),
                           ('GET', MATH_7B + '/@json', JOURNAL_READERS | {'teacher'})],
    ('Journal', 'history'): [('GET', MATH + '/@@history', JOURNAL_READERS | {'teacher', 'class_teacher'})],
    ('Journal', 'plan'): [('GET', MATH + '/@@plan', JOURNAL_READERS | {'teacher', 'class_teacher'})],
    ('Journal', 'column'): [('GET', MATH + '/@@column', frozenset({'teacher'})),
                            ('GET', RUSSIAN + '/@@column', frozenset({'class_teacher'}))],
    ('Journal', '@cell'): [('POST', MATH + '/@cell', frozenset({'teacher'})),
                           ('POST', RUSSIAN + '/@cell', frozenset({'class_teacher'}))],
    ('Journal', '@period-mark'): [('POST', MATH + '/@period-mark', frozenset({'teacher'}))],
    ('Journal', '@correction'): [('POST', MATH + '/@correction', frozenset({'teacher'}))],
    ('Journal', 'correction'): [('POST', MATH + '/@@correction', frozenset({'teacher'}))],
    ('Journal', 'period-marks'): [('GET', MATH + '/@@period-marks',
                                   JOURNAL_READERS | {'teacher', 'class_teacher'}),
                                  ('POST', MATH + '/@@period-marks', frozenset({'teacher'}))],
    ('Journal', '@comment'): [('POST', MATH + '/@comment', DIRECTION)],
    ('Journal', 'comment'): [('POST', MATH + '/@@comment', DIRECTION)],
    ('Journal', 'homework-file'): [('GET', MATH + '/@@homework-file?lesson=x&name=y',
                                    JOURNAL_READERS | {'teacher', 'class_teacher'})],
    ('Journal', 'subgroups'): [('GET', MATH + '/@@subgroups',
                                frozenset({'admin', 'teacher', 'class_teacher'}))],
    ('Journal', '@subgroups'): [('GET', MATH + '/@subgroups',
                                 frozenset({'admin', 'teacher', 'class_teacher'}))],
    ('Journal', '@lessons'): [('POST', MATH + '/@lessons', frozenset({'teacher'}))],
    ('Journal', '@lesson'): [('POST', MATH + '/@lesson', frozenset({'teacher'})),
                             ('DELETE', MATH + '/@lesson?lesson=x', frozenset({'teacher'}))],
    ('Journal', '@plan'): [('GET', MATH + '/@plan', JOURNAL_READERS | {'teacher', 'class_teacher'}),
                           ('POST', MATH + '/@plan', frozenset({'teacher'}))],
    ('Journal', 'plan-edit'): [('GET', MATH + '/@@plan-edit', frozenset({'teacher'}))],
    ('Journal', 'plan-topics'): [('POST', MATH + '/@@plan-topics', frozenset({'teacher'}))],
    ('Journal', 'schedule'): [('GET', MATH + '/@@schedule', frozenset({'teacher'}))],
    ('Journal', '@schedule'): [('GET', MATH + '/@schedule', frozenset({'teacher'}))],
    ('School', 'control'): [('GET', '/journal/@@control', DIRECTION)],
    ('School', '@control'): [('GET', '/journal/@control', DIRECTION)],
    ('SchoolClass', 'archive'): [('GET', CLASS + '/@@archive', ADMIN)],
    ('SchoolClass', '@archive'): [('GET', CLASS + '/@archive', ADMIN)],
    ('Subject', 'archive'): [('GET', '/journal/subjects/math/@@archive', ADMIN)],
    ('Subject', '@archive'): [('GET', '/journal/subjects/math/@archive', ADMIN)],
    ('School', 'corrections'): [('GET', '/journal/@@corrections', DIRECTION)],
    ('School', 'years'): [('GET', '/journal/@@years', ADMIN)],
    ('School', '@years'): [('GET', '/journal/@years', ADMIN)],
    ('SchoolYear', 'periods'): [('GET', YEAR + '/@@periods', DIRECTION)],
    ('SchoolYear', 'classes'): [('GET', YEAR + '/@@classes', ADMIN)],
    ('SchoolYear', '@classes'): [('GET', YEAR + '/@classes', ADMIN)],
    ('SchoolYear', 'settings'): [('GET', YEAR + '/@@settings', ADMIN)],
    ('SchoolYear', '@settings'): [('GET', YEAR + '/@settings', ADMIN)],
    ('SchoolClass', ''): [('GET', CLASS, JOURNAL_READERS | {'class_teacher'}),
                          ('GET', OTHER_CLASS, JOURNAL_READERS)],
    ('SchoolClass', 'manage'): [('GET', CLASS + '/@@manage', ADMIN)],
    ('SchoolClass', '@manage'): [('GET', CLASS + '/@manage', ADMIN)],
    ('SchoolClass', 'assignments'): [('GET', CLASS + '/@@assignments', ADMIN)],
    ('SchoolClass', '@assignments'): [('GET', CLASS + '/@assignments', ADMIN)],
    ('SchoolClass', 'enrol'): [('GET', CLASS + '/@@enrol', ADMIN)],
    ('SchoolClass', '@enrol'): [('GET', CLASS + '/@enrol', ADMIN)],
    ('SchoolClass', 'move'): [('GET', CLASS + '/@@move', ADMIN)],
    ('SchoolClass', '@move'): [('GET', CLASS + '/@move', ADMIN)],
    ('SchoolClass', 'schedule'): [('GET', CLASS + '/@@schedule', ADMIN)],
    ('SchoolClass', '@schedule'): [('GET', CLASS + '/@schedule', ADMIN)],
    ('SchoolClass', 'subgroups'): [('GET', CLASS + '/@@subgroups',
                                    frozenset({'admin', 'class_teacher'}))],
    ('SchoolClass', '@subgroups'): [('GET', CLASS + '/@subgroups',
                                     frozenset({'admin', 'class_teacher'}))],
    ('Subjects', 'manage'): [('GET', '/journal/subjects/@@manage', ADMIN)],
    ('Subjects', '@manage'): [('GET', '/journal/subjects/@manage', ADMIN)],
    ('Subject', 'edit'): [('GET', '/journal/subjects/math/@@edit', ADMIN)],
    ('Subject', '@edit'): [('GET', '/journal/subjects/math/@edit', ADMIN)],
}


# -- j-plan (issue 12): the roll-out plan's checklist. Kept apart so that the rewrite of the
# table above merges cleanly. A POST without the CSRF token: whoever may view the plan gets
# the 400, before the step's own rule (403 for whom it is not assigned to; test_api_matrix).
ACCESS.update({
    ('RolloutPlan', '@step'): [('POST', PLAN + '/@step/18', STAFF)],
})

# -- s-news (issue 14): the school site's news and events, kept apart so that the rewrite of
# the table above merges cleanly. Those who write for the site: WRITE_NEWS. The published
# demo items are everyone's; a draft answers 404 to the others (tests/functional/test_news.py),
# which this table, counting a 404 as let through, cannot tell apart.
NEWS_WRITERS = frozenset({'admin', 'director', 'deputy', 'secretary'})
NEWS = '/news/olympiad'                  # published
EVENT = '/events/parents-meeting'        # published, upcoming
ACCESS.update({
    ('NewsSection', ''): [('GET', '/news', ALL)],
    ('NewsSection', 'add'): [('GET', '/news/@@add', NEWS_WRITERS)],
    ('NewsSection', 'feed.atom'): [('GET', '/news/@@feed.atom', ALL)],
    ('NewsItem', ''): [('GET', NEWS, ALL)],
    ('NewsItem', 'picture'): [('GET', NEWS + '/@@picture', ALL)],   # 404: it has none
    ('NewsItem', 'edit'): [('GET', NEWS + '/@@edit', NEWS_WRITERS)],
    ('NewsItem', 'workflow'): [('POST', NEWS + '/@@workflow', NEWS_WRITERS)],
    ('NewsItem', 'delete'): [('POST', NEWS + '/@@delete', NEWS_WRITERS)],
    ('EventsSection', ''): [('GET', '/events', ALL)],
    ('EventsSection', 'add'): [('GET', '/events/@@add', NEWS_WRITERS)],
    ('EventsSection', 'calendar.ics'): [('GET', '/events/@@calendar.ics', ALL)],
    ('Event', ''): [('GET', EVENT, ALL)],
    ('Event', 'event.ics'): [('GET', EVENT + '/@@event.ics', ALL)],
    ('Event', 'edit'): [('GET', EVENT + '/@@edit', NEWS_WRITERS)],
    ('Event', 'workflow'): [('POST', EVENT + '/@@workflow', NEWS_WRITERS)],
    ('Event', 'delete'): [('POST', EVENT + '/@@delete', NEWS_WRITERS)],
})


def registered_views(app):
    """(context type name, view name) of every view the app registered for a resource."""
    found = set()
    for item in app.registry.introspector.get_category('views'):
        intr = item['introspectable']
        context = intr['context']
        if context is None or not isinstance(context, type):
            continue
        if issubclass(context, BaseException):
            continue  # exception views: error pages, not places
        found.add((context.__name__, intr['name']))
    return found


def test_every_view_names_a_permission(app):
    unprotected = []
    for item in app.registry.introspector.get_category('views'):
        intr = item['introspectable']
        context = intr['context']
        if context is not None and not isinstance(context, type):
            continue  # Pyramid's own exception-response view (an interface context)
        if isinstance(context, type) and issubclass(context, BaseException):
            continue
        if intr['route_name'] and intr['route_name'].startswith('__'):
            continue  # static assets
        permissions = [r['value'] for r in item['related'] if r.category_name == 'permissions']
        if not permissions or permissions == ['__no_permission_required__']:
            unprotected.append((getattr(context, '__name__', context), intr['name']))
    assert not unprotected, unprotected


def test_every_view_is_in_the_table(app):
    missing = registered_views(app) - set(ACCESS)
    assert not missing, 'views without a row in ACCESS: %s' % sorted(missing)


def test_every_row_is_a_registered_view(app):
    assert not set(ACCESS) - registered_views(app)


def client_for(app, role):
    client = TestApp(app, extra_environ={'REMOTE_ADDR': '10.0.0.1', 'HTTP_HOST': 'localhost'})
    if role != ANON:
        assert login(client, role).status_int == 303
    return client


def outcome(client, method, url):
    """'allowed' or 'denied', from a real request."""
    headers = {'Accept': 'application/json'} if '/@' in url and '/@@' not in url else {}
    if method == 'GET':
        response = client.get(url, headers=headers, status='*')
    else:
        response = client.request(url, method=method, headers=headers, status='*')
    if response.status_int in (401, 403):
        return 'denied'
    if response.status_int in (301, 302, 303) and '@@login?came_from' in response.location:
        return 'denied'
    assert response.status_int < 500, '%s %s: %s' % (method, url, response.status)
    return 'allowed'


def place_attachment(app):
    """An attachment on the draft local act, uploaded by its author."""
    client = client_for(app, 'deputy')
    page = client.get(DRAFT)
    token = page.html.find('meta', attrs={'name': 'csrf-token'})['content']
    client.post(DRAFT + '/@@attach', {'csrf_token': token},
                upload_files=[('file', 'plan.pdf', PDF)], status=303)
    db = app.registry._zodb_databases['']
    with db.transaction() as conn:
        draft = conn.root()['ejportal']['documents']['regulation-1']
        names = [name for name, child in draft.items() if child.type_name == 'Attachment']
    return DRAFT + '/' + names[0]


PDF = (b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]'
       b'/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')


@pytest.mark.parametrize('key', sorted(ACCESS), ids=lambda k: '%s:%s' % k)
def test_access(app, key):
    cases = ACCESS[key]
    if any('{attachment}' in url for _m, url, _a in cases):
        attachment = place_attachment(app)
        cases = [(m, url.format(attachment=attachment), a) for m, url, a in cases]
    clients = {role: client_for(app, role) for role in ROLES}
    wrong = []
    for method, url, allowed in cases:
        for role in ROLES:
            expected = 'allowed' if role in allowed else 'denied'
            got = outcome(clients[role], method, url)
            if got != expected:
                wrong.append('%s %s as %s: %s, expected %s' % (method, url, role, got, expected))
    assert not wrong, '\n'.join(wrong)

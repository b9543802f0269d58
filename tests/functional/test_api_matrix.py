"""Every JSON endpoint, with every method, as every role: one table, tested whole.

The endpoints are found by introspection: every view whose name starts with ``@`` (``@json``
included), on every content type it answers for, each tried on one representative object
of that type in the demo school (``TARGETS``). A view registered for a base class
(``@json`` on ``Resource``, ``@workflow`` on ``Document``) is tried on every type below it,
since each type brings its own ACL. ``API`` says, for each (type, endpoint) and each of
GET, POST, PATCH and DELETE, which roles are let through; a method left out of a row is
answered by no view: 405 (with ``Allow`` naming the row's methods) to a role that sees the
object, the 404 of a missing object to one that does not.

The calls go through the API door: a bearer token (no CSRF token needed, so the view itself
runs), ``Accept: application/json`` and an empty JSON object as the body. So *allowed* means
the permission let the call in: anything but 401 or 403 (a 400 for the empty body, a 404
for a missing lesson, a 409 are fine). A role not allowed gets 401 when anonymous, 403 where
it sees the object and 404 where it does not (``SEEN`` in ``test_access_matrix.py``; a
method no view answers is 401 to anonymous there too). Nothing answers 500. Every call is
rolled back (pyramid_tm's commit veto), so a DELETE that is allowed removes nothing for the
calls after it, and one app serves the whole module.
"""
import datetime
import json

import pytest
from pyramid.traversal import find_resource
from webtest import TestApp

from conftest import api_token, app_settings, close_app
from test_access_matrix import ADMIN, ALL, ANON, DIRECTION, DOC_AUTHORS, FAMILIES, FAMILY, \
    JOURNAL_READERS, PROBE, ROLES, STAFF, USERS, copy_of, prepare_school, roll_back_probes, \
    seen_by

from ejportal import main
from ejportal.core.content import Resource
from ejportal.journal.resources import school_year_start

METHODS = ('GET', 'POST', 'PATCH', 'DELETE')

START = school_year_start(datetime.date.today())
YEAR = '/journal/%d-%d' % (START, START + 1)
CLASS = YEAR + '/classes/5a'             # class teacher: class_teacher
MATH = CLASS + '/journals/math'          # taught by teacher
OWN = '/journal/students/s0001'          # student, child of parent
ORDER = '/documents/order-2012-od-181'   # signed
DRAFT = '/documents/regulation-1'        # a draft local act by the deputy
WEEK = datetime.date.today().isoformat()
RANGE = 'from=%d-09-01&to=%s' % (START, WEEK)

# One representative per content type. '{attachment}' and '{appendix}' are made by the
# module's fixture: the demo school has none.
TARGETS = {
    'Portal': '/',
    'Documents': '/documents',
    'Order': ORDER,
    'RolloutPlan': ORDER + '/appendix-1',
    'Appendix': '{appendix}',
    'Regulation': DRAFT,
    'Attachment': '{attachment}',
    'People': '/people',
    'Users': '/people/users',
    'User': '/people/users/teacher',
    'Groups': '/people/groups',
    'Group': '/people/groups/teachers',
    'Settings': '/settings',
    'ReferenceBook': '/settings/order-registers',
    'School': '/journal',
    'SchoolYear': YEAR,
    'Classes': YEAR + '/classes',
    'SchoolClass': CLASS,
    'Journals': CLASS + '/journals',
    'Journal': MATH,
    'Students': '/journal/students',
    'Student': OWN,
    'Subjects': '/journal/subjects',
    'Subject': '/journal/subjects/math',
    'PaperEditions': CLASS + '/paper',
    'PaperEdition': '{edition}',
    'Jobs': '/settings/jobs',
    'Job': '/settings/jobs/backup',
    'RidExports': '/settings/rid-exports',
    'RidRun': '{rid_run}',
}
# Base classes: no object is of exactly this type.
ABSTRACT = {'Resource', 'Folder', 'OrderedFolder', 'Document'}
# Query strings some endpoints read (the same for every method).
QUERIES = {'@diary': 'week=' + WEEK, '@report': RANGE, '@lesson': 'lesson=x',
           '@search': 'SearchableText=%D0%B6%D1%83%D1%80%D0%BD%D0%B0%D0%BB'}
# A transition to ask for: the door lets in whoever may view the document, then the
# transition's own permission decides (403), or the state (400).
SUBPATHS = {'@workflow': 'submit'}
# Bodies other than {}: a login that succeeds shows who may log in (anyone).
BODIES = {'@login': {'login': 'teacher', 'password': 'demo'}}

GET, POST, PATCH, DELETE = METHODS
NOBODY = frozenset()
MANAGERS = frozenset({'admin', 'director'})     # hold ADD and EDIT on every folder
TEACHERS = frozenset({'teacher', 'class_teacher'})
TEACHER = frozenset({'teacher'})                 # teaches MATH
CLASS_TEACHER = frozenset({'class_teacher'})     # of CLASS
OWN_DIARY_READERS = FAMILY | DIRECTION | CLASS_TEACHER
SIGNERS = frozenset({'director', 'secretary'})   # may amend a signed order
# A structural container (a section, the people folders, a year and its folders): the
# admin's DELETE is let through and refused by the model (409, tests/functional/
# test_content_doors.py); nothing is added to it through the generic POST.
STRUCTURE = {GET: STAFF, POST: NOBODY, PATCH: MANAGERS, DELETE: ADMIN}
# Settings and its reference books: the administrator's alone.
SETTINGS = {GET: ADMIN, POST: NOBODY, PATCH: ADMIN, DELETE: ADMIN}

# (type, endpoint): {method: the roles let through}. A method left out: no view answers it.
# POST on @json adds a child: let through are those who may add one of the types addable
# there (the others get 403 whatever they send).
API = {
    # the site, the API's own services
    ('Portal', '@json'): {GET: ALL, POST: NOBODY, PATCH: MANAGERS, DELETE: ADMIN},  # 409
    ('Portal', '@login'): {POST: ALL},
    ('Portal', '@logout'): {POST: USERS},
    ('Portal', '@search'): {GET: ALL},
    ('Portal', '@journals'): {GET: STAFF},
    ('Portal', '@diary'): {GET: FAMILIES},
    ('Portal', '@report'): {GET: FAMILIES},
    # the console's door answers no one here (the app holds no console key): 404, as no view
    ('Portal', '@console'): {POST: None},
    # people and settings
    ('People', '@json'): {GET: ADMIN, POST: NOBODY, PATCH: ADMIN, DELETE: ADMIN},  # 409
    ('Users', '@json'): {GET: ADMIN, POST: ADMIN, PATCH: ADMIN, DELETE: ADMIN},   # 409
    ('User', '@json'): {GET: ADMIN, POST: NOBODY, PATCH: ADMIN, DELETE: ADMIN},   # 409
    ('Groups', '@json'): {GET: ADMIN, POST: ADMIN, PATCH: ADMIN, DELETE: ADMIN},  # 409
    ('Group', '@json'): {GET: ADMIN, POST: NOBODY, PATCH: ADMIN, DELETE: ADMIN},
    ('Settings', '@json'): SETTINGS,
    ('Settings', '@backups'): {GET: ADMIN},
    ('Jobs', '@json'): SETTINGS,
    ('Job', '@json'): SETTINGS,
    ('Job', '@run'): {POST: ADMIN},
    ('Job', '@runs'): {GET: ADMIN},
    ('RidExports', '@json'): SETTINGS,
    ('RidRun', '@json'): SETTINGS,
    # /@rid without a subpath names nothing: 404 to all (let through)
    ('Portal', '@rid'): {GET: ALL},
    ('ReferenceBook', '@json'): SETTINGS,
    # documents
    ('Documents', '@json'): dict(STRUCTURE, **{POST: DOC_AUTHORS}),
    ('Order', '@json'): {GET: STAFF, POST: NOBODY, PATCH: SIGNERS, DELETE: NOBODY},
    # the door lets in who may view; a signed order is submitted by nobody (409)
    ('Order', '@workflow'): {GET: STAFF, POST: STAFF},
    ('Order', '@history'): {GET: STAFF},
    ('Order', '@acknowledge'): {POST: STAFF},
    ('Order', '@acknowledgements'): {GET: DOC_AUTHORS},
    ('RolloutPlan', '@json'): {GET: STAFF, POST: NOBODY, PATCH: SIGNERS, DELETE: NOBODY},
    ('RolloutPlan', '@history'): {GET: STAFF},
    # the director's draft order's appendix: its author, the director, the secretary
    ('Appendix', '@json'): {GET: DOC_AUTHORS, POST: NOBODY, PATCH: SIGNERS,
                            DELETE: SIGNERS},
    ('Appendix', '@history'): {GET: DOC_AUTHORS},
    # the deputy's draft local act: its author, the director, the secretary
    ('Regulation', '@json'): {GET: DOC_AUTHORS, POST: NOBODY, PATCH: DOC_AUTHORS,
                              DELETE: DOC_AUTHORS},
    ('Regulation', '@workflow'): {GET: DOC_AUTHORS, POST: DOC_AUTHORS},
    ('Regulation', '@history'): {GET: DOC_AUTHORS},
    ('Attachment', '@json'): {GET: DOC_AUTHORS, POST: NOBODY, PATCH: DOC_AUTHORS,
                              DELETE: DOC_AUTHORS},
    # the journal's structure: managed by the admin
    ('School', '@json'): STRUCTURE,
    ('School', '@control'): {GET: DIRECTION},
    ('School', '@years'): {GET: ADMIN, POST: ADMIN},
    ('SchoolYear', '@json'): STRUCTURE,                      # 409: it holds classes
    ('SchoolYear', '@classes'): {GET: ADMIN, POST: ADMIN},
    ('SchoolYear', '@settings'): {GET: ADMIN, POST: ADMIN},
    ('SchoolYear', '@close-period'): {POST: DIRECTION},
    ('Classes', '@json'): STRUCTURE,
    ('SchoolClass', '@json'): {GET: STAFF, POST: NOBODY, PATCH: MANAGERS, DELETE: ADMIN},
    ('SchoolClass', '@manage'): {GET: ADMIN, POST: ADMIN},
    ('SchoolClass', '@enrol'): {GET: ADMIN, POST: ADMIN},
    ('SchoolClass', '@move'): {GET: ADMIN, POST: ADMIN},
    ('SchoolClass', '@assignments'): {GET: ADMIN, POST: ADMIN},
    ('SchoolClass', '@schedule'): {GET: ADMIN, POST: ADMIN},
    ('SchoolClass', '@archive'): {GET: ADMIN, POST: ADMIN},
    ('SchoolClass', '@subgroups'): {GET: ADMIN | CLASS_TEACHER, POST: ADMIN | CLASS_TEACHER},
    ('SchoolClass', '@paper'): {GET: JOURNAL_READERS | CLASS_TEACHER},
    ('SchoolClass', '@paper-editions'): {GET: JOURNAL_READERS | CLASS_TEACHER},
    ('PaperEditions', '@json'): STRUCTURE,
    ('PaperEdition', '@json'): {GET: STAFF, POST: NOBODY, PATCH: MANAGERS, DELETE: ADMIN},
    # the door lets in who may view; the transition's permission (the director's) decides
    ('PaperEdition', '@workflow'): {GET: STAFF, POST: STAFF},
    ('Journals', '@json'): STRUCTURE,                        # 409: the journals stay
    ('Journal', '@json'): {GET: JOURNAL_READERS | TEACHERS, POST: NOBODY, PATCH: MANAGERS,
                           DELETE: ADMIN},                   # 409
    ('Journal', '@plan'): {GET: JOURNAL_READERS | TEACHERS, POST: TEACHER},
    ('Journal', '@cell'): {POST: TEACHER},
    ('Journal', '@period-mark'): {POST: TEACHER},
    ('Journal', '@correction'): {POST: TEACHER},
    ('Journal', '@lessons'): {POST: TEACHER},
    ('Journal', '@lesson'): {POST: TEACHER, PATCH: TEACHER, DELETE: TEACHER},
    ('Journal', '@schedule'): {GET: TEACHER, POST: TEACHER},
    ('Journal', '@subgroups'): {GET: ADMIN | TEACHERS, POST: ADMIN | TEACHERS},
    ('Journal', '@comment'): {POST: DIRECTION},
    ('Subjects', '@json'): STRUCTURE,
    ('Subjects', '@manage'): {GET: ADMIN, POST: ADMIN},
    ('Subject', '@json'): {GET: STAFF, POST: NOBODY, PATCH: MANAGERS, DELETE: ADMIN},  # 409
    ('Subject', '@edit'): {GET: ADMIN, POST: ADMIN},
    ('Subject', '@archive'): {GET: ADMIN, POST: ADMIN},
    ('Students', '@json'): STRUCTURE,
    ('Student', '@json'): {GET: STAFF, POST: NOBODY, PATCH: MANAGERS, DELETE: ADMIN},  # 409
    ('Student', '@diary'): {GET: OWN_DIARY_READERS},
    ('Student', '@report'): {GET: OWN_DIARY_READERS},
}

# -- j-plan (issue 12): the roll-out plan's checklist, kept apart so that the rewrite of the
# table above merges cleanly. Step 18 is the psychologist's (by role and by login): the others
# are refused (403) whatever the body; the psychologist's empty body is a 400.
SUBPATHS['@step'] = '18'
API.update({
    ('RolloutPlan', '@step'): {POST: frozenset({'psychologist'})},
})

# -- issue 12, j-refs: the reference books and the ban on students under a teacher's login.
API.update({
    # a book's entries: the administrator's (PATCH and DELETE without an entry: 404)
    ('ReferenceBook', '@entries'): {GET: ADMIN, POST: ADMIN, PATCH: ADMIN, DELETE: ADMIN},
    # every user reads the undertaking; the action refuses (403) who keeps no journal
    # (class_teacher_other, the module's class teacher of 7 Б, keeps a class: a teacher too)
    ('Portal', '@undertaking'): {GET: USERS, POST: TEACHERS | {'class_teacher_other'}},
    ('Portal', '@undertakings'): {GET: DIRECTION},
})


# -- j-control (issue 12): checks of the journal -------------------------------------------
# (a separate block, merged into TARGETS and API, while the tables above are rewritten;
# the check is the demo's: the deputy's remark to the math teacher of 5a)
CHECK_READERS = DIRECTION | TEACHER    # the direction and the check's own teacher
TARGETS.update({'JournalChecks': '/journal/checks', 'JournalCheck': '/journal/checks/1'})
J_CONTROL_API = {
    ('Journal', '@checks'): {GET: JOURNAL_READERS | TEACHERS, POST: DIRECTION},
    ('School', '@checks'): {GET: DIRECTION},
    # records: made by the journal's @checks, moved by their workflow, never edited
    ('JournalChecks', '@json'): {GET: DIRECTION, POST: NOBODY, PATCH: NOBODY,
                                 DELETE: NOBODY},
    ('JournalCheck', '@json'): {GET: CHECK_READERS, POST: NOBODY, PATCH: NOBODY,
                                DELETE: NOBODY},
    # the door lets in who may view; the transition's permission decides (400 here:
    # a check has no 'submit')
    ('JournalCheck', '@workflow'): {GET: CHECK_READERS, POST: CHECK_READERS},
}
API.update(J_CONTROL_API)

# -- o-consents (issue 13): the consent registry's endpoints, the admin's and the director's
# and the group 'personal-data' (the demo's class teacher); the read-log the admin's and the
# director's; changed only through its own doors.
CONSENT_READERS = frozenset({'admin', 'director', 'class_teacher'})
TARGETS.update({'ConsentRegistry': '/consents', 'Consent': '/consents/c-1'})
API.update({
    ('ConsentRegistry', '@json'): {GET: CONSENT_READERS, POST: NOBODY, PATCH: NOBODY,
                                   DELETE: NOBODY},
    ('Consent', '@json'): {GET: CONSENT_READERS, POST: NOBODY, PATCH: NOBODY, DELETE: NOBODY},
    ('ConsentRegistry', '@consents'): {GET: CONSENT_READERS, POST: CONSENT_READERS},
    ('ConsentRegistry', '@report'): {GET: CONSENT_READERS},
    ('ConsentRegistry', '@reads'): {GET: frozenset({'admin', 'director'})},
    ('Consent', '@withdraw'): {POST: CONSENT_READERS},
})


# -- s-surveys (issue 14): the satisfaction surveys, kept apart like the block above. The
# demo survey is open for the parents of 5a; @answer lets in anyone logged in, whose empty
# body is a 400 (the audience is checked after the body: test_surveys.py). The generic
# doors answer as on any resource: VIEW (staff) reads @workflow, DELETE is the admin's.
SURVEY_MANAGERS = frozenset({'psychologist', 'director', 'deputy'})
SURVEY_READERS = SURVEY_MANAGERS | ADMIN
TARGETS.update({'Surveys': '/surveys', 'Survey': '/surveys/satisfaction-q1'})
API.update({
    ('Surveys', '@json'): {GET: USERS, POST: SURVEY_MANAGERS, PATCH: MANAGERS, DELETE: ADMIN},
    ('Survey', '@json'): {GET: SURVEY_READERS | {'parent', 'parent_other'}, POST: NOBODY,
                          PATCH: SURVEY_MANAGERS, DELETE: ADMIN},
    ('Survey', '@answer'): {POST: USERS},
    ('Survey', '@results'): {GET: SURVEY_READERS},
    ('Survey', '@workflow'): {GET: STAFF, POST: STAFF},
})

# -- s-news (issue 14): news and events, kept apart for the same reason. The sections are
# structure; a published item is everyone's to read, and its @workflow door lets in whoever
# may read it (the transition's own permission, WRITE_NEWS, then decides: 403, or 400 for
# the matrix's 'submit', which this workflow does not have); nothing is added inside an item
# (403), but a visitor, let through the door since the item is public, is stopped first by
# the CSRF check (400: a visitor has no bearer token).
NEWS_WRITERS = frozenset({'admin', 'director', 'deputy', 'secretary'})
TARGETS.update({'NewsSection': '/news', 'NewsItem': '/news/olympiad',
                'EventsSection': '/events', 'Event': '/events/parents-meeting'})
API.update({
    ('NewsSection', '@json'): dict(STRUCTURE, **{POST: NEWS_WRITERS}),
    ('EventsSection', '@json'): dict(STRUCTURE, **{POST: NEWS_WRITERS}),
    ('NewsItem', '@json'): {GET: ALL, POST: frozenset({ANON}), PATCH: NEWS_WRITERS,
                            DELETE: NEWS_WRITERS},
    ('NewsItem', '@workflow'): {GET: ALL, POST: ALL},
    ('NewsItem', '@picture'): {POST: NEWS_WRITERS, DELETE: NEWS_WRITERS},
    ('Event', '@json'): {GET: ALL, POST: frozenset({ANON}), PATCH: NEWS_WRITERS,
                         DELETE: NEWS_WRITERS},
    ('Event', '@workflow'): {GET: ALL, POST: ALL},
})

# -- dashboard (issue 12): the director's dashboard, the direction's (VIEW_CONTROL)
QUERIES['@dashboard'] = 'period=q1'
API.update({
    ('School', '@dashboard'): {GET: DIRECTION},
})

# -- sharing (issue 12): ``@sharing`` (local roles, plone.restapi's shape) answers GET and
# POST on every place that has the sharing screen (every folder, and a single journal) to
# whoever may use the screen (MANAGE_SHARING: the admin and the director); PATCH and DELETE
# are answered by no view. An empty body is a 400 for those let through.
ABSTRACT.add('Shareable')
SHARING = frozenset({'admin', 'director'})
SHARING_PLACES = ('Portal', 'Documents', 'Order', 'RolloutPlan', 'Appendix', 'Regulation',
                  'People', 'Users', 'Groups', 'Settings', 'Jobs', 'RidExports', 'School',
                  'SchoolYear', 'Classes', 'SchoolClass', 'Journals', 'Journal', 'Students',
                  'Subjects', 'PaperEditions', 'JournalChecks', 'ConsentRegistry', 'Surveys',
                  'NewsSection', 'EventsSection')
API.update({(place, '@sharing'): {GET: SHARING, POST: SHARING} for place in SHARING_PLACES})
# places with an ACL of their own, as on their sharing screen: the consent registry's is
# changed only through its own doors, the checks are records no one shares
API.update({('ConsentRegistry', '@sharing'): {GET: NOBODY, POST: NOBODY},
            ('JournalChecks', '@sharing'): {GET: NOBODY, POST: NOBODY}})


# -- helppages (issue 14): help pages and courses, kept apart for the same reason. Everyone
# logged in reads a page, a course's people (here the staff's) its lessons; only the admin
# adds, changes and deletes (the section's ACL denies EDIT, ADD and DELETE to every other
# role, the director's included); nothing is added inside a page or a lesson (403).
TARGETS.update({'HelpSection': '/help', 'HelpPage': '/help/entering-marks',
                'Course': '/help/staff-course', 'CourseLesson': '/help/staff-course/login'})
API.update({
    ('HelpSection', '@json'): {GET: ALL, POST: ADMIN, PATCH: ADMIN, DELETE: ADMIN},
    ('HelpPage', '@json'): {GET: USERS, POST: NOBODY, PATCH: ADMIN, DELETE: ADMIN},
    ('Course', '@json'): {GET: STAFF, POST: ADMIN, PATCH: ADMIN, DELETE: ADMIN},
    ('Course', '@progress'): {GET: ADMIN},
    ('CourseLesson', '@json'): {GET: STAFF, POST: NOBODY, PATCH: ADMIN, DELETE: ADMIN},
    ('CourseLesson', '@done'): {POST: STAFF},
})


# -- imports (issue 13): the import of people and classes, the administrator's; its log and
# its entries are the settings' (changed only by an import). Kept apart like the blocks above.
TARGETS.update({'PeopleImports': '/settings/people-imports', 'PeopleImport': '{people_import}'})
API.update({
    ('Settings', '@import'): {POST: ADMIN},
    ('Settings', '@imports'): {GET: ADMIN},
    ('PeopleImports', '@json'): SETTINGS,
    ('PeopleImport', '@json'): SETTINGS,
})


# -- s-announce (issue 14): announcements, kept apart for the same reason. The section is
# structure whose list everyone logged in reads (their own) and to which the class teachers,
# the director and the admin send (an empty body: 400); the demo's announcement is its
# author's and its recipient's alone, and a record: no generic door changes it (403 to them,
# 404 to everyone else).
ANNOUNCE_SENDERS = frozenset({'admin', 'director', 'class_teacher', 'class_teacher_other'})
ANNOUNCEMENT_READERS = frozenset({'class_teacher', 'parent'})
TARGETS.update({'Announcements': '/announcements',
                'Announcement': '/announcements/journal-start'})
API.update({
    ('Announcements', '@json'): dict(STRUCTURE, **{GET: USERS, POST: ANNOUNCE_SENDERS}),
    ('Announcement', '@json'): {GET: ANNOUNCEMENT_READERS, POST: NOBODY, PATCH: NOBODY,
                                DELETE: NOBODY},
})


# -- s-questions (issue 14): questions and consultations, kept apart for the same reason.
# The section takes everyone's question (an empty body: 400) and is structure otherwise; an
# item is its readers' (``QUESTION_READERS``...: 404 to all others), changed only by its
# own doors: the generic POST, PATCH and DELETE refuse even its readers (403). @answer is
# the addressee's; @workflow lets its readers in (the transition then decides).
from test_access_matrix import CONSULTATION_READERS, QUESTION_READERS  # noqa: E402
ABSTRACT.add('Inquiry')
TARGETS.update({'Questions': '/questions', 'Question': '/questions/question-demo',
                'Consultation': '/questions/consultation-demo'})
API.update({
    ('Questions', '@json'): dict(STRUCTURE, **{GET: USERS, POST: USERS}),
    ('Question', '@json'): {GET: QUESTION_READERS, POST: NOBODY, PATCH: NOBODY,
                            DELETE: NOBODY},
    ('Question', '@workflow'): {GET: QUESTION_READERS, POST: QUESTION_READERS},
    ('Question', '@answer'): {POST: frozenset({'class_teacher'})},
    ('Consultation', '@json'): {GET: CONSULTATION_READERS, POST: NOBODY, PATCH: NOBODY,
                                DELETE: NOBODY},
    ('Consultation', '@workflow'): {GET: CONSULTATION_READERS, POST: CONSULTATION_READERS},
    ('Consultation', '@answer'): {POST: frozenset({'psychologist'})},
})

def concrete_types():
    """The portal's resource classes by name (not the ones unit tests make for themselves)."""
    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)
    return {cls.__name__: cls for cls in below(Resource)
            if cls.__module__.startswith('ejportal.')} | {'Resource': Resource}


def api_endpoints(app):
    """(type name, endpoint) for every ``@`` view, on every concrete type it answers for."""
    types = concrete_types()
    found = set()
    for item in app.registry.introspector.get_category('views'):
        intr = item['introspectable']
        context, name = intr['context'], intr['name']
        if not isinstance(context, type) or issubclass(context, BaseException):
            continue
        if not name.startswith('@'):
            continue
        for type_name, cls in types.items():
            if type_name not in ABSTRACT and issubclass(cls, context):
                found.add((type_name, name))
    return found


class Matrix:
    """One app on a copy of the demo school, and a bearer token per role."""

    def __init__(self, app, places):
        self.app = app
        self.places = places
        setup = TestApp(app, extra_environ={'REMOTE_ADDR': '10.0.0.1', 'HTTP_HOST': 'localhost'})
        self.tokens = {role: api_token(setup, role) for role in ROLES if role != ANON}
        self.client = TestApp(app, extra_environ={'REMOTE_ADDR': '10.0.0.1',
                                                  'HTTP_HOST': 'localhost'})

    def url(self, type_name, endpoint):
        path = TARGETS[type_name].format(**self.places).rstrip('/')
        subpath, query = SUBPATHS.get(endpoint), QUERIES.get(endpoint)
        return (path + '/' + endpoint + ('/' + subpath if subpath else '')
                + ('?' + query if query else ''))

    def call(self, role, method, url, body=None):
        self.client.reset()     # nothing but the token says who calls
        headers = {'Accept': 'application/json', PROBE: '1'}
        if role != ANON:
            headers['Authorization'] = 'Bearer ' + self.tokens[role]
        if method == 'GET':
            return self.client.get(url, headers=headers, status='*')
        return self.client.request(url, method=method, headers=headers,
                                   body=json.dumps(body or {}).encode('utf-8'),
                                   content_type='application/json', status='*')


@pytest.fixture(scope='module')
def matrix(demo_template, tmp_path_factory):
    directory = copy_of(demo_template, tmp_path_factory.mktemp('api-matrix'))
    app = main({}, **app_settings(directory, **{'tm.commit_veto': roll_back_probes}))
    # the setup's own requests carry no probe header: they are committed
    yield Matrix(app, prepare_school(app))
    close_app(app)


def routed_methods(app, type_name, endpoint):
    """The methods some view answers for ``endpoint`` on an object of this type."""
    cls = concrete_types()[type_name]
    methods = set()
    for item in app.registry.introspector.get_category('views'):
        intr = item['introspectable']
        context = intr['context']
        if intr['name'] != endpoint or not isinstance(context, type) or \
                not issubclass(cls, context):
            continue
        allowed = intr['request_methods']
        if allowed is None:
            methods.update(METHODS)
        else:
            methods.update({allowed} if isinstance(allowed, str) else set(allowed))
    return methods & set(METHODS)


def test_every_endpoint_is_in_the_table(matrix):
    missing = api_endpoints(matrix.app) - set(API)
    assert not missing, 'endpoints without a row in API: %s' % sorted(missing)


def test_every_row_is_an_endpoint(matrix):
    assert not set(API) - api_endpoints(matrix.app)


def test_every_type_has_a_representative(matrix):
    assert {t for t, _e in api_endpoints(matrix.app)} <= set(TARGETS)
    for type_name in TARGETS:
        path = TARGETS[type_name].format(**matrix.places)
        with matrix.app.registry._zodb_databases[''].transaction() as conn:
            found = find_resource(conn.root()['ejportal'], path)
            assert type(found).__name__ == type_name, (path, type(found))


def test_the_calls_change_nothing(matrix):
    """The matrix's DELETE of a group, allowed to the admin, leaves the group in place for
    the calls after it."""
    url = matrix.url('Group', '@json')
    assert matrix.call('admin', 'DELETE', url).status_int == 204
    assert matrix.call('admin', 'GET', url).status_int == 200


def test_each_row_names_the_methods_a_view_answers(matrix):
    wrong = {key: (sorted(API[key]), sorted(routed_methods(matrix.app, *key)))
             for key in API if set(API[key]) != routed_methods(matrix.app, *key)}
    assert not wrong, 'rows (table, routed): %s' % wrong


# A method left out of a row (``None`` in a row is a door the view itself keeps closed).
NO_VIEW = object()


def expected_statuses(allowed, role, url, places):
    """Let through: anything but 401/403 (a 404 for a missing lesson is the view's own).
    Refused: 401 anonymous, 403 where the role sees the object, 404 where it does not. No
    view for the method: 405 where the role sees the object, 404 (401 to anonymous) where
    it does not."""
    if allowed in (None, NO_VIEW) and role == ANON and ANON not in seen_by(url, places):
        return 'sent to log in (401)', lambda status: status == 401
    if allowed is None:
        return 'a closed door (404)', lambda status: status == 404
    if allowed is NO_VIEW and role in seen_by(url, places):
        return 'no view (405)', lambda status: status == 405
    if allowed is NO_VIEW:
        return 'hidden (404)', lambda status: status == 404
    if role in allowed:
        return 'let through', lambda status: status < 500 and status not in (401, 403)
    if role == ANON:
        return 'refused (401)', lambda status: status == 401
    if role in seen_by(url, places):
        return 'refused (403)', lambda status: status == 403
    return 'hidden (404)', lambda status: status == 404


@pytest.mark.parametrize('key', sorted(API), ids=lambda key: '%s:%s' % key)
def test_api(matrix, key):
    url = matrix.url(*key)
    wrong = []
    for method in METHODS:
        allowed = API[key].get(method, NO_VIEW)
        for role in ROLES:
            response = matrix.call(role, method, url, BODIES.get(key[1]))
            expected, fits = expected_statuses(allowed, role, url, matrix.places)
            if response.status_int >= 500 or not fits(response.status_int):
                wrong.append('%s %s as %s: %s, expected %s' % (
                    method, url, role, response.status, expected))
            elif response.status_int == 405 and \
                    set(response.headers['Allow'].split(', ')) & set(METHODS) != set(API[key]):
                wrong.append('%s %s as %s: Allow: %s, the row has %s' % (
                    method, url, role, response.headers['Allow'], sorted(API[key])))
    assert not wrong, '\n'.join(wrong)


# -- sharing on the sections that came with issues 13 and 14 (merged after ``@sharing``)
API.update({(place, '@sharing'): {GET: SHARING, POST: SHARING}
            for place in ('HelpSection', 'Course', 'Announcements', 'Questions',
                          'PeopleImports')})

"""The role-by-view access table, in one place, tested whole.

``ACCESS`` names every registered view (context type, view name) with the URLs to try it on
in the demo school — documents in each workflow state among them — and the roles allowed
there. ``test_every_view_is_in_the_table`` finds the views by introspection, so a new view
without a row fails. Each row is then driven over real HTTP as every role in ``ROLES``.

Three outcomes. An allowed role is let through (anything but 401/403, the login form, or a
404 from the refusal). A role not allowed is *denied* (403; anonymous: the login form) where
it may see the object the URL names, and finds it *hidden* (404, exactly as a missing id)
where it may not: ``SEEN`` says who sees each object (issue 10: a refusal told a family the
names of other children). POSTs are sent without a CSRF token: an allowed role then gets 400
and a denied one 403 or 404, since the permission is checked first.

One app serves the module: every call of the table carries a probe header and is rolled back
(pyramid_tm's commit veto), so nothing the table does is seen by the calls after it. The JSON
API's per-method table (``API`` in ``test_api_matrix.py``) uses these roles and ``SEEN``.
"""
import contextlib
import datetime
import shutil

import pytest
from pyramid import threadlocal
from pyramid.traversal import find_resource
from webtest import TestApp

from ejportal import main
from ejportal.core.actor import Actor, acting_as
from ejportal.core.content import create
from ejportal.core.passwords import DEMO_PASSWORD
from ejportal.journal.resources import assign_class_teacher, school_year_start

from conftest import api_token, app_settings, close_app, csrf_token, login

ANON = 'anonymous'
# The roles: the demo accounts (README), and two the module adds where the demo has
# none: ``parent_other`` (the parent of s0002 only: a parent of another child) and
# ``class_teacher_other`` (the class teacher of 7 Б). ``teacher`` teaches MATH and MATH_7B;
# ``class_teacher`` is the class teacher of 5 А and the subject teacher of another journal
# (RUSSIAN); ``student`` is s0001; ``parent`` is the parent of s0001 and s0009.
ROLES = (ANON, 'admin', 'director', 'deputy', 'secretary', 'teacher', 'class_teacher',
         'class_teacher_other', 'psychologist', 'student', 'parent', 'parent_other')
ALL = frozenset(ROLES)
USERS = ALL - {ANON}
STAFF = frozenset({'admin', 'director', 'deputy', 'secretary', 'teacher', 'class_teacher',
                   'class_teacher_other', 'psychologist'})
ADMIN = frozenset({'admin'})
DIRECTION = frozenset({'director', 'deputy'})
DOC_AUTHORS = frozenset({'director', 'deputy', 'secretary'})   # ADD_DOCUMENT
OFFICE = DOC_AUTHORS                                           # see every draft
# who may read and change a draft: its author (the deputy), the director, the secretary
DRAFT_EDITORS = DOC_AUTHORS
WORKING_GROUP = frozenset({'admin', 'director', 'deputy', 'class_teacher'})  # see reviews
SIGNERS = frozenset({'director', 'secretary'})                 # amend what is in force
FAMILIES = frozenset({'student', 'parent', 'parent_other'})    # have a diary to read
FAMILY = frozenset({'student', 'parent'})                      # s0001's
JOURNAL_READERS = frozenset({'admin', 'director', 'deputy'})    # every journal

SHARING = frozenset({'admin', 'director'})
AUDIT = frozenset({'admin', 'director'})

START = school_year_start(datetime.date.today())
YEAR_NAME = '%d-%d' % (START, START + 1)
YEAR = '/journal/' + YEAR_NAME
CLASS = YEAR + '/classes/5a'             # class teacher: class_teacher
OTHER_CLASS = YEAR + '/classes/7b'       # class teacher: class_teacher_other
MATH = CLASS + '/journals/math'          # taught by teacher
RUSSIAN = CLASS + '/journals/russian'    # taught by class_teacher
MATH_7B = OTHER_CLASS + '/journals/math'  # taught by teacher, not class_teacher's class
OWN = '/journal/students/s0001'          # student, child of parent
SIBLING = '/journal/students/s0009'      # student2, also parent's child
STRANGER = '/journal/students/s0002'     # another family in 5a: parent_other's child
# Documents in every workflow state. The demo has the signed order and the drafts; the
# module's fixture takes the others on (``{...}``: made there).
ORDER = '/documents/order-2012-od-181'   # signed (public)
PLAN = ORDER + '/appendix-1'
DRAFT = '/documents/regulation-1'        # a draft local act by the deputy
REVIEW = '/documents/regulation-2'       # on review
PUBLISHED = '/documents/regulation-3'    # approved and published
REPEALED = '/documents/regulation-4'     # no longer in force
REVIEW_ORDER = '{review_order}'          # the director's order on review
EDITION = '{edition}'                    # 5 А's paper journal of the closed first quarter
CANCELLED = '{cancelled_order}'          # signed, then cancelled
WEEK = datetime.date.today().isoformat()
RANGE = 'from=%d-09-01&to=%s' % (START, WEEK)
# the homework file the fixture puts on a MATH lesson of this week ('{lesson}')
HOMEWORK_FILE = 'journal=%s&lesson={lesson}&name=task.pdf' % MATH.replace('/', '%2F')
# Rows whose URL names nothing the view finds (the demo has no absence certificate): an
# allowed role gets the view's own 404, so there only the refused roles are told apart.
NOTHING_THERE = {('SchoolClass', 'desk-certificate')}
# Doors closed in the tests' app, 404 to everyone.
CLOSED = {('Portal', '@console')}
OWN_DIARY_READERS = FAMILY | DIRECTION | {'class_teacher'}
STRANGER_DIARY_READERS = DIRECTION | {'class_teacher', 'parent_other'}
SIBLING_DIARY_READERS = DIRECTION | {'parent', 'class_teacher_other'}

# Who may know that an object exists (``security.may_see``): a role refused on it gets 403
# here, 404 elsewhere. An object not listed is seen as its nearest listed parent is.
# Anonymous visitors are sent to log in for a refusal anywhere and for a missing address
# below what they see (the front page, public documents): where they see, a missing view
# is a 404.
SEEN = {
    '/': ALL,
    '/documents': STAFF,
    ORDER: ALL,                   # signed and public: on the school's site
    DRAFT: OFFICE,
    REVIEW: OFFICE | WORKING_GROUP,
    PUBLISHED: ALL,
    REPEALED: STAFF,
    REVIEW_ORDER: OFFICE | WORKING_GROUP,
    CANCELLED: STAFF,
    '/documents/order-matrix': OFFICE,     # the director's draft order (``make_appendix``)
    '/people': ADMIN,
    '/settings': ADMIN,
    '/journal': STAFF,
    OWN: STAFF | FAMILY,
    SIBLING: STAFF | {'parent'},
    STRANGER: STAFF | {'parent_other'},
}


def seen_by(url, places=None):
    """The roles that see the object ``url`` names (its path up to the view name)."""
    path = url.split('?')[0]
    names = []
    for name in path.split('/'):
        if name.startswith('@'):
            break
        names.append(name)
    path = '/'.join(names).rstrip('/') or '/'
    seen = {key.format(**(places or {})).rstrip('/') or '/': roles
            for key, roles in SEEN.items()}
    while path not in seen:
        path = path.rsplit('/', 1)[0] or '/'
    return seen[path]


# (context type, view name): [(method, url, allowed roles), ...]
ACCESS = {
    # the public site, login and own account
    ('Portal', ''): [('GET', '/', ALL)],
    ('Portal', 'set-language'): [('GET', '/@@set-language?lang=en', ALL)],
    ('Portal', 'favicon.ico'): [('GET', '/favicon.ico', ALL)],
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
    ('People', ''): [('GET', '/people', ADMIN)],
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
    ('Shareable', 'sharing'): [('GET', '/documents/@@sharing', SHARING),
                               ('GET', '/people/users/@@sharing', SHARING),
                               ('GET', MATH + '/@@sharing', SHARING)],
    ('Shareable', 'sharing-revoke'): [('POST', '/documents/@@sharing-revoke', SHARING),
                                      ('POST', MATH + '/@@sharing-revoke', SHARING)],
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
    ('Documents', 'add-order'): [('GET', '/documents/@@add-order', DOC_AUTHORS)],
    ('Documents', 'add-regulation'): [('GET', '/documents/@@add-regulation', DOC_AUTHORS)],
    # a document in each workflow state: who views it, who edits it
    ('Document', ''): [('GET', ORDER, STAFF), ('GET', PLAN, STAFF),
                       ('GET', DRAFT, DRAFT_EDITORS),
                       ('GET', REVIEW, OFFICE | WORKING_GROUP),
                       ('GET', PUBLISHED, STAFF), ('GET', REPEALED, STAFF),
                       ('GET', REVIEW_ORDER, OFFICE | WORKING_GROUP),
                       ('GET', CANCELLED, STAFF)],
    ('Document', 'print'): [('GET', ORDER + '/@@print', STAFF)],
    ('Document', 'pdf'): [('GET', ORDER + '/@@pdf', STAFF)],
    ('Document', 'history'): [('GET', ORDER + '/@@history', STAFF),
                              ('GET', DRAFT + '/@@history', DRAFT_EDITORS),
                              ('GET', REVIEW + '/@@history', OFFICE | WORKING_GROUP),
                              ('GET', PUBLISHED + '/@@history', STAFF),
                              ('GET', REPEALED + '/@@history', STAFF),
                              ('GET', CANCELLED + '/@@history', STAFF)],
    ('Document', 'workflow'): [('POST', DRAFT + '/@@workflow', DRAFT_EDITORS)],
    # on a signed order the edit screen offers the amendment instead
    ('Document', 'edit'): [('GET', DRAFT + '/@@edit', DRAFT_EDITORS),
                           ('GET', ORDER + '/@@edit', SIGNERS),
                           ('GET', REVIEW + '/@@edit', DRAFT_EDITORS),
                           ('GET', PUBLISHED + '/@@edit', SIGNERS),
                           ('GET', REPEALED + '/@@edit', frozenset()),
                           ('GET', REVIEW_ORDER + '/@@edit', SIGNERS),
                           ('GET', CANCELLED + '/@@edit', frozenset())],
    ('Document', 'amend'): [('POST', ORDER + '/@@amend', frozenset({'director', 'secretary'}))],
    ('Document', 'cancel-amendment'): [('POST', DRAFT + '/@@cancel-amendment',
                                        DRAFT_EDITORS)],
    ('Document', 'revert'): [('POST', DRAFT + '/@@revert', DRAFT_EDITORS)],
    ('Document', 'attach'): [('POST', DRAFT + '/@@attach', DRAFT_EDITORS)],
    ('WorkflowAware', '@workflow'): [('GET', ORDER + '/@workflow', STAFF),
                                ('POST', DRAFT + '/@workflow/submit',
                                 DRAFT_EDITORS),
                                ('GET', REVIEW + '/@workflow', OFFICE | WORKING_GROUP),
                                ('GET', PUBLISHED + '/@workflow', STAFF),
                                ('GET', REPEALED + '/@workflow', STAFF),
                                ('GET', REVIEW_ORDER + '/@workflow', OFFICE | WORKING_GROUP),
                                ('GET', CANCELLED + '/@workflow', STAFF),
                                ('GET', EDITION + '/@workflow', STAFF)],
    ('Document', '@history'): [('GET', ORDER + '/@history', STAFF)],
    # appendices are added while the order is a draft; the signed one takes none
    ('Order', 'add-appendix'): [('GET', ORDER + '/@@add-appendix', frozenset())],
    ('Order', 'add-plan'): [('GET', ORDER + '/@@add-plan', frozenset())],
    ('Order', 'acknowledge'): [('POST', ORDER + '/@@acknowledge', STAFF),
                               ('POST', REVIEW_ORDER + '/@@acknowledge', frozenset()),
                               ('POST', CANCELLED + '/@@acknowledge', frozenset())],
    ('Order', '@acknowledge'): [('POST', ORDER + '/@acknowledge', STAFF)],
    ('Order', 'sheet'): [('GET', ORDER + '/@@sheet', DOC_AUTHORS),
                         ('GET', CANCELLED + '/@@sheet', DOC_AUTHORS)],
    ('Order', '@acknowledgements'): [('GET', ORDER + '/@acknowledgements', DOC_AUTHORS)],
    ('Order', 'remind'): [('POST', ORDER + '/@@remind', DOC_AUTHORS)],
    ('Order', 'public'): [('GET', ORDER + '/@@public', ALL),
                          ('GET', REVIEW_ORDER + '/@@public', frozenset()),
                          ('GET', CANCELLED + '/@@public', frozenset())],
    ('Order', 'public-pdf'): [('GET', ORDER + '/@@public-pdf', ALL)],
    ('Regulation', 'public'): [('GET', DRAFT + '/@@public', frozenset()),
                               ('GET', REVIEW + '/@@public', frozenset()),
                               ('GET', PUBLISHED + '/@@public', ALL),
                               ('GET', REPEALED + '/@@public', frozenset())],
    ('Regulation', 'public-pdf'): [('GET', DRAFT + '/@@public-pdf', frozenset()),
                                   ('GET', PUBLISHED + '/@@public-pdf', ALL)],
    ('RolloutPlan', 'step'): [('POST', PLAN + '/@@step', STAFF)],
    ('Attachment', ''): [('GET', '{attachment}', DRAFT_EDITORS)],
    ('Attachment', 'public'): [('GET', '{attachment}/@@public', frozenset())],
    ('Attachment', 'delete'): [('POST', '{attachment}/@@delete', DRAFT_EDITORS)],
    # the diary
    ('Portal', 'diary'): [('GET', '/@@diary', FAMILIES)],
    ('Portal', '@diary'): [('GET', '/@diary?week=' + WEEK, FAMILIES)],
    ('Portal', '@report'): [('GET', '/@report?' + RANGE, FAMILIES)],
    ('Student', 'diary'): [('GET', OWN + '/@@diary', OWN_DIARY_READERS),
                           ('GET', SIBLING + '/@@diary', SIBLING_DIARY_READERS),
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
        ('GET', OWN + '/@@homework-file?' + HOMEWORK_FILE, OWN_DIARY_READERS),
        ('GET', STRANGER + '/@@homework-file?' + HOMEWORK_FILE, STRANGER_DIARY_READERS)],
    ('Student', 'diary-subscription'): [('GET', OWN + '/@@diary-subscription',
                                         frozenset({'parent'}))],
    # the class teacher's desk
    ('SchoolClass', 'desk'): [('GET', CLASS + '/@@desk', frozenset({'class_teacher'})),
                              ('GET', OTHER_CLASS + '/@@desk',
                               frozenset({'class_teacher_other'}))],
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
    # the class's readers: its class teacher, the leaders, whoever the class is shared with
    ('SchoolClass', 'overview'): [('GET', CLASS + '/@@overview',
                                   JOURNAL_READERS | {'class_teacher'})],
    # the journal
    ('Portal', '@journals'): [('GET', '/@journals', STAFF)],
    ('Journal', ''): [('GET', MATH, JOURNAL_READERS | {'teacher', 'class_teacher'}),
                      ('GET', MATH_7B, JOURNAL_READERS | {'teacher', 'class_teacher_other'})],
    ('Journal', '@json'): [('GET', MATH + '/@json', JOURNAL_READERS | {'teacher', 'class_teacher'}),
                           ('GET', MATH_7B + '/@json',
                            JOURNAL_READERS | {'teacher', 'class_teacher_other'})],
    ('Journal', 'history'): [('GET', MATH + '/@@history?student=s0001&lesson={lesson}',
                              JOURNAL_READERS | {'teacher', 'class_teacher'})],
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
    ('Journal', 'homework-file'): [('GET', MATH + '/@@homework-file?lesson={lesson}&name=task.pdf',
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
                          ('GET', OTHER_CLASS, JOURNAL_READERS | {'class_teacher_other'})],
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
    # the paper journal: the class's readers; the director signs an edition
    ('SchoolClass', 'paper-journal'): [
        ('GET', CLASS + '/@@paper-journal', JOURNAL_READERS | {'class_teacher'}),
        ('GET', OTHER_CLASS + '/@@paper-journal', JOURNAL_READERS | {'class_teacher_other'})],
    ('SchoolClass', '@paper'): [('GET', CLASS + '/@paper?period=q1',
                                 JOURNAL_READERS | {'class_teacher'})],
    ('SchoolClass', '@paper-editions'): [('GET', CLASS + '/@paper-editions',
                                          JOURNAL_READERS | {'class_teacher'})],
    ('PaperEditions', ''): [('GET', CLASS + '/paper', JOURNAL_READERS | {'class_teacher'})],
    ('PaperEdition', ''): [('GET', EDITION, JOURNAL_READERS | {'class_teacher'})],
    ('PaperEdition', 'sign'): [('POST', EDITION + '/@@sign', frozenset({'director'}))],
    ('SchoolYear', '@close-period'): [('POST', YEAR + '/@close-period', DIRECTION)],
    # scheduled jobs and backups: the administrator's
    ('Jobs', ''): [('GET', '/settings/jobs', ADMIN)],
    ('Job', ''): [('GET', '/settings/jobs/backup', ADMIN)],
    ('Job', 'schedule'): [('GET', '/settings/jobs/backup/@@schedule', ADMIN)],
    ('Job', 'run-now'): [('POST', '/settings/jobs/backup/@@run-now', ADMIN)],
    ('Job', '@run'): [('POST', '/settings/jobs/backup/@run', ADMIN)],
    ('Job', '@runs'): [('GET', '/settings/jobs/backup/@runs', ADMIN)],
    ('Settings', 'backups'): [('GET', '/settings/@@backups', ADMIN)],
    ('Settings', '@backups'): [('GET', '/settings/@backups', ADMIN)],
    # the regional export: its published schema for anyone, its runs the administrator's
    ('Portal', '@rid'): [('GET', '/@rid/schema', ALL), ('GET', '/@rid/runs', ADMIN)],
    ('RidExports', ''): [('GET', '/settings/rid-exports', ADMIN)],
    ('RidRun', ''): [('GET', '{rid_run}', ADMIN)],
    # the console's door: its own key, no user's role (``OWN_KEY``); closed (404) where the
    # app holds no console key, as here (``CLOSED``)
    ('Portal', '@console'): [('POST', '/@console', frozenset())],
}

# -- issue 12, j-refs: the reference books and the ban on students under a teacher's login.
# (The documents' own book screens at /settings/@@order-registers|regulation-kinds gave way
# to the one book screen, the ReferenceBook row above.)
ACCESS.update({
    ('ReferenceBook', 'entry'): [('POST', '/settings/mark-kinds/@@entry', ADMIN)],
    ('ReferenceBook', '@entries'): [('GET', '/settings/mark-kinds/@entries', ADMIN),
                                    ('GET', '/settings/order-registers/@entries/od', ADMIN)],
    ('Portal', 'undertaking'): [('GET', '/@@undertaking', USERS),
                                ('POST', '/@@undertaking', USERS)],
    ('Portal', '@undertaking'): [('GET', '/@undertaking', USERS)],
    ('Portal', '@undertakings'): [('GET', '/@undertakings', DIRECTION)],
})


# -- j-plan (issue 12): the roll-out plan's checklist. Kept apart so that the rewrite of the
# table above merges cleanly. A POST without the CSRF token: whoever may view the plan gets
# the 400, before the step's own rule (403 for whom it is not assigned to; test_api_matrix).
ACCESS.update({
    ('RolloutPlan', '@step'): [('POST', PLAN + '/@step/18', STAFF)],
})


# -- j-control (issue 12): checks of the journal, the control report ---------------------
# (a separate block, merged into ACCESS, while the table above is being rewritten)
CHECKS = '/journal/checks'
CHECK = CHECKS + '/1'      # the demo's: the deputy's remark to the math teacher of 5a
CHECK_READERS = DIRECTION | {'teacher'}    # the direction and the check's own teacher
J_CONTROL_ACCESS = {
    ('Journal', 'checks'): [('GET', MATH + '/@@checks',
                             JOURNAL_READERS | {'teacher', 'class_teacher'}),
                            ('POST', MATH + '/@@checks', DIRECTION)],
    ('Journal', '@checks'): [('GET', MATH + '/@checks',
                              JOURNAL_READERS | {'teacher', 'class_teacher'}),
                             ('POST', MATH + '/@checks', DIRECTION)],
    ('School', 'checks'): [('GET', '/journal/@@checks', DIRECTION)],
    ('School', '@checks'): [('GET', '/journal/@checks', DIRECTION)],
    ('JournalChecks', ''): [('GET', CHECKS, DIRECTION)],
    ('JournalCheck', ''): [('GET', CHECK, CHECK_READERS)],
    ('JournalCheck', '@json'): [('GET', CHECK + '/@json', CHECK_READERS)],
    ('JournalCheck', 'step'): [('POST', CHECK + '/@@step', CHECK_READERS)],
}
ACCESS.update(J_CONTROL_ACCESS)
# a check, and the folder of them, are hidden (404) from whoever may not read them
SEEN.update({CHECKS: DIRECTION, CHECK: CHECK_READERS})
# the generic @workflow (api/workflow.py, on every WorkflowAware), tried here on a check: its
# door lets in who may view it; the transition's own permission decides after (403)
ACCESS.setdefault(('WorkflowAware', '@workflow'), []).extend([
    ('GET', CHECK + '/@workflow', CHECK_READERS),
    ('POST', CHECK + '/@workflow/fix', CHECK_READERS)])
# -- o-consents (issue 13): personal data (152-ФЗ). The consent registry and its scans: the
# admin, the director and the group 'personal-data' (in the demo: the class teacher, who
# reads her class's cards); the read-log: the admin and the director; who read a child's
# card: whoever reads the child's diary. The demo's first consent (the parent's for s0001)
# has no scan: its download is the view's own 404.
CONSENT_READERS = frozenset({'admin', 'director', 'class_teacher'})
READ_LOG_READERS = frozenset({'admin', 'director'})
SEEN['/consents'] = CONSENT_READERS
NOTHING_THERE.add(('Consent', 'scan'))
ACCESS.update({
    ('ConsentRegistry', ''): [('GET', '/consents', CONSENT_READERS)],
    ('ConsentRegistry', 'register'): [('GET', '/consents/@@register', CONSENT_READERS),
                                      ('POST', '/consents/@@register', CONSENT_READERS)],
    ('ConsentRegistry', 'report'): [('GET', '/consents/@@report', CONSENT_READERS)],
    ('ConsentRegistry', 'reads'): [('GET', '/consents/@@reads', READ_LOG_READERS)],
    ('ConsentRegistry', '@consents'): [('GET', '/consents/@consents', CONSENT_READERS),
                                       ('POST', '/consents/@consents', CONSENT_READERS)],
    ('ConsentRegistry', '@report'): [('GET', '/consents/@report', CONSENT_READERS)],
    ('ConsentRegistry', '@reads'): [('GET', '/consents/@reads', READ_LOG_READERS)],
    ('Consent', ''): [('GET', '/consents/c-1', CONSENT_READERS)],
    ('Consent', 'withdraw'): [('GET', '/consents/c-1/@@withdraw', CONSENT_READERS),
                              ('POST', '/consents/c-1/@@withdraw', CONSENT_READERS)],
    ('Consent', 'scan'): [('GET', '/consents/c-1/@@scan', CONSENT_READERS)],
    ('Consent', '@withdraw'): [('POST', '/consents/c-1/@withdraw', CONSENT_READERS)],
    ('Student', 'card-reads'): [('GET', OWN + '/@@card-reads', OWN_DIARY_READERS),
                                ('GET', STRANGER + '/@@card-reads', STRANGER_DIARY_READERS)],
})


# -- s-surveys (issue 14): the satisfaction surveys. Kept apart so that the rewrite of the
# table above merges cleanly. The demo survey is open for the parents of 5a: they and
# those who read results see it; an open survey takes a POST from anyone logged in (the
# action then checks the audience: test_surveys.py), so without the CSRF token they get 400.
SURVEY = '/surveys/satisfaction-q1'
SURVEY_MANAGERS = frozenset({'psychologist', 'director', 'deputy'})
SURVEY_READERS = SURVEY_MANAGERS | ADMIN
SURVEY_AUDIENCE = frozenset({'parent', 'parent_other'})   # parents of 5a (the rewrite has both)
# who sees the section and the open survey: everyone logged in (where the table has SEEN)
globals().get('SEEN', {}).update({'/surveys': USERS, SURVEY: USERS})
ACCESS.update({
    ('Surveys', ''): [('GET', '/surveys', USERS)],
    ('Surveys', '@json'): [('GET', '/surveys/@json', USERS),
                           ('POST', '/surveys/@json', SURVEY_MANAGERS)],
    ('Surveys', 'add-survey'): [('GET', '/surveys/@@add-survey', SURVEY_MANAGERS)],
    ('Survey', ''): [('GET', SURVEY, SURVEY_READERS | SURVEY_AUDIENCE)],
    ('Survey', '@json'): [('GET', SURVEY + '/@json', SURVEY_READERS | SURVEY_AUDIENCE),
                          ('PATCH', SURVEY + '/@json', SURVEY_MANAGERS)],
    ('Survey', 'edit'): [('GET', SURVEY + '/@@edit', SURVEY_MANAGERS)],
    ('Survey', 'answer'): [('POST', SURVEY + '/@@answer', USERS)],
    ('Survey', '@answer'): [('POST', SURVEY + '/@answer', USERS)],
    ('Survey', 'workflow'): [('POST', SURVEY + '/@@workflow', SURVEY_MANAGERS)],
    ('Survey', 'copy'): [('POST', SURVEY + '/@@copy', SURVEY_MANAGERS)],
    ('Survey', 'results'): [('GET', SURVEY + '/@@results', SURVEY_READERS)],
    ('Survey', '@results'): [('GET', SURVEY + '/@results', SURVEY_READERS)],
    ('Survey', 'results.xlsx'): [('GET', SURVEY + '/@@results.xlsx', SURVEY_READERS)],
})


# -- s-questions (issue 14): questions, consultations and support requests, kept apart so
# that the rewrite of the table above merges cleanly. The demo parent's question to the
# class teacher (answered) is seen by the two of them only; the consultation with the
# psychologist (requested) by the two of them and the director, who reads the school's
# consultations and answers none (403). Everyone else, parent_other among them, gets 404.
# Everyone logged in asks; POSTs without a CSRF token are the allowed roles' 400.
QUESTION = '/questions/question-demo'
CONSULTATION = '/questions/consultation-demo'
QUESTION_READERS = frozenset({'parent', 'class_teacher'})
CONSULTATION_READERS = frozenset({'parent', 'psychologist', 'director'})
globals().get('SEEN', {}).update({'/questions': USERS, QUESTION: QUESTION_READERS,
                                  CONSULTATION: CONSULTATION_READERS})
ACCESS.update({
    ('Questions', ''): [('GET', '/questions', USERS)],
    ('Questions', '@json'): [('GET', '/questions/@json', USERS),
                             ('POST', '/questions/@json', USERS)],
    ('Questions', 'ask'): [('GET', '/questions/@@ask', USERS),
                           ('POST', '/questions/@@ask', USERS)],
    ('Questions', 'support'): [('GET', '/questions/@@support', ADMIN)],
    ('Inquiry', ''): [('GET', QUESTION, QUESTION_READERS),
                      ('GET', CONSULTATION, CONSULTATION_READERS)],
    ('Inquiry', '@json'): [('GET', QUESTION + '/@json', QUESTION_READERS),
                           ('GET', CONSULTATION + '/@json', CONSULTATION_READERS)],
    ('Inquiry', 'answer'): [('GET', QUESTION + '/@@answer', {'class_teacher'}),
                            ('POST', QUESTION + '/@@answer', {'class_teacher'}),
                            ('GET', CONSULTATION + '/@@answer', {'psychologist'})],
    ('Inquiry', '@answer'): [('POST', QUESTION + '/@answer', {'class_teacher'}),
                             ('POST', CONSULTATION + '/@answer', {'psychologist'})],
    ('Inquiry', 'workflow'): [('POST', QUESTION + '/@@workflow', QUESTION_READERS),
                              ('POST', CONSULTATION + '/@@workflow', CONSULTATION_READERS)],
})


# -- s-news (issue 14): the school site's news and events, kept apart so that the rewrite of
# the table above merges cleanly. Those who write for the site: WRITE_NEWS. The published
# demo items are everyone's; a draft answers 404 to the others (tests/functional/test_news.py),
# which this table, counting a 404 as let through, cannot tell apart.
NEWS_WRITERS = frozenset({'admin', 'director', 'deputy', 'secretary'})
NEWS = '/news/olympiad'                  # published
EVENT = '/events/parents-meeting'        # published, upcoming
NOTHING_THERE.add(('NewsItem', 'picture'))   # the demo's news have no picture: the view's 404
ACCESS.update({
    ('NewsSection', ''): [('GET', '/news', ALL)],
    ('NewsSection', 'add'): [('GET', '/news/@@add', NEWS_WRITERS)],
    ('NewsSection', 'feed.atom'): [('GET', '/news/@@feed.atom', ALL)],
    ('NewsItem', ''): [('GET', NEWS, ALL)],
    ('NewsItem', 'picture'): [('GET', NEWS + '/@@picture', ALL)],   # 404: it has none
    ('NewsItem', '@picture'): [('POST', NEWS + '/@picture', NEWS_WRITERS)],
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


# -- dashboard (issue 12): the director's dashboard, for the direction (VIEW_CONTROL); the
# other staff see the school and are refused (403), the families do not see it (404)
ACCESS.update({
    ('School', 'dashboard'): [('GET', '/journal/@@dashboard', DIRECTION),
                              ('GET', '/journal/@@dashboard?period=q1', DIRECTION)],
    ('School', '@dashboard'): [('GET', '/journal/@dashboard?period=q1', DIRECTION)],
    ('School', 'dashboard.xlsx'): [('GET', '/journal/@@dashboard.xlsx?period=q1', DIRECTION)],
})

# -- sharing (issue 12): local roles through the JSON API, on a folder and on a journal (the
# per-method rows for every place are in test_api_matrix.py).
ACCESS.update({
    ('Shareable', '@sharing'): [('GET', '/documents/@sharing', SHARING),
                                ('GET', MATH + '/@sharing', SHARING),
                                ('GET', OWN.rsplit('/', 1)[0] + '/@sharing', SHARING),
                                ('POST', CLASS + '/@sharing', SHARING)],
})


# -- helppages (issue 14): help pages and training courses. Kept apart so that the rewrite of
# the table above merges cleanly. Everyone logged in reads the help pages, a visitor the
# public one (the forgotten password); each course is read by its people and the admin, who
# alone edits and sees who has finished. The POSTs carry no CSRF token: 400 to who may.
HELP_PAGE = '/help/entering-marks'
HELP_PUBLIC = '/help/forgotten-password'
STAFF_COURSE = '/help/staff-course'
STAFF_LESSON = STAFF_COURSE + '/login'
PARENTS_COURSE = '/help/parents-course'
PARENTS_LESSON = PARENTS_COURSE + '/week'
PARENTS = frozenset({'parent', 'parent_other'})
SEEN.update({'/help': ALL, HELP_PAGE: USERS, HELP_PUBLIC: ALL, STAFF_COURSE: STAFF,
             PARENTS_COURSE: PARENTS | ADMIN})
ACCESS.update({
    ('HelpSection', ''): [('GET', '/help', ALL)],
    ('HelpSection', '@json'): [('GET', '/help/@json', ALL)],
    ('HelpPage', ''): [('GET', HELP_PAGE, USERS), ('GET', HELP_PUBLIC, ALL)],
    ('HelpPage', '@json'): [('GET', HELP_PAGE + '/@json', USERS),
                            ('GET', HELP_PUBLIC + '/@json', ALL)],
    ('HelpPage', 'edit'): [('GET', HELP_PAGE + '/@@edit', ADMIN),
                           ('GET', HELP_PUBLIC + '/@@edit', ADMIN)],
    ('Course', ''): [('GET', STAFF_COURSE, STAFF), ('GET', PARENTS_COURSE, PARENTS | ADMIN)],
    ('Course', '@json'): [('GET', STAFF_COURSE + '/@json', STAFF),
                          ('GET', PARENTS_COURSE + '/@json', PARENTS | ADMIN)],
    ('Course', 'edit'): [('GET', STAFF_COURSE + '/@@edit', ADMIN),
                         ('GET', PARENTS_COURSE + '/@@edit', ADMIN)],
    ('Course', 'progress'): [('GET', STAFF_COURSE + '/@@progress', ADMIN),
                             ('GET', PARENTS_COURSE + '/@@progress', ADMIN)],
    ('Course', '@progress'): [('GET', STAFF_COURSE + '/@progress', ADMIN),
                              ('GET', PARENTS_COURSE + '/@progress', ADMIN)],
    ('CourseLesson', ''): [('GET', STAFF_LESSON, STAFF),
                           ('GET', PARENTS_LESSON, PARENTS | ADMIN)],
    ('CourseLesson', '@json'): [('GET', STAFF_LESSON + '/@json', STAFF),
                                ('GET', PARENTS_LESSON + '/@json', PARENTS | ADMIN)],
    ('CourseLesson', 'edit'): [('GET', STAFF_LESSON + '/@@edit', ADMIN),
                               ('GET', PARENTS_LESSON + '/@@edit', ADMIN)],
    ('CourseLesson', 'done'): [('POST', STAFF_LESSON + '/@@done', STAFF),
                               ('POST', PARENTS_LESSON + '/@@done', PARENTS)],
    ('CourseLesson', '@done'): [('POST', STAFF_LESSON + '/@done', STAFF),
                                ('POST', PARENTS_LESSON + '/@done', PARENTS)],
})


# -- imports (issue 13): the import of people and classes under the settings, the
# administrator's (who keeps the users); kept apart so that the tables above merge cleanly.
ACCESS.update({
    ('Settings', 'import'): [('GET', '/settings/@@import', ADMIN),
                             ('POST', '/settings/@@import', ADMIN)],
    ('Settings', 'imports'): [('GET', '/settings/@@imports', ADMIN)],
    ('Settings', 'import-template'): [('GET', '/settings/@@import-template?format=xlsx',
                                       ADMIN)],
    ('Settings', '@import'): [('POST', '/settings/@import', ADMIN)],
    ('Settings', '@imports'): [('GET', '/settings/@imports', ADMIN)],
})


# -- s-announce (issue 14): announcements to families and staff, kept apart like the blocks
# above. Everyone logged in reads their own list; the class teachers (by role: which class
# the action then asks of the class), the director and the admin write. The demo's
# announcement went to the parents of 5a when the demo was built (parent_other, added by this
# module later, is no recipient): only its author and its recipient know it exists.
ANNOUNCEMENT = '/announcements/journal-start'
ANNOUNCE_SENDERS = frozenset({'admin', 'director', 'class_teacher', 'class_teacher_other'})
ANNOUNCEMENT_READERS = frozenset({'class_teacher', 'parent'})
globals().get('SEEN', {}).update({'/announcements': USERS,
                                  ANNOUNCEMENT: ANNOUNCEMENT_READERS})
ACCESS.update({
    ('Announcements', ''): [('GET', '/announcements', USERS)],
    ('Announcements', '@json'): [('GET', '/announcements/@json', USERS),
                                 ('POST', '/announcements/@json', ANNOUNCE_SENDERS)],
    ('Announcements', 'write'): [('GET', '/announcements/@@write', ANNOUNCE_SENDERS),
                                 ('POST', '/announcements/@@write', ANNOUNCE_SENDERS)],
    ('Announcement', ''): [('GET', ANNOUNCEMENT, ANNOUNCEMENT_READERS)],
    ('Announcement', '@json'): [('GET', ANNOUNCEMENT + '/@json', ANNOUNCEMENT_READERS)],
})

# -- console13: a new user through the API is the users screen's action (add-user)
ACCESS.update({
    ('Users', '@json'): [('POST', '/people/users/@json', ADMIN)],
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


# Views that authenticate by a key of their own, not by a user's permission.
OWN_KEY = {('Portal', '@console')}   # the console's key beside Data.fs (scripts/remote.py)


def test_every_view_names_a_permission(school):
    unprotected = []
    for item in school.app.registry.introspector.get_category('views'):
        intr = item['introspectable']
        context = intr['context']
        if context is not None and not isinstance(context, type):
            continue  # Pyramid's own exception-response view (an interface context)
        if isinstance(context, type) and issubclass(context, BaseException):
            continue
        if intr['route_name'] and intr['route_name'].startswith('__'):
            continue  # static assets
        if (getattr(context, '__name__', context), intr['name']) in OWN_KEY:
            continue
        permissions = [r['value'] for r in item['related'] if r.category_name == 'permissions']
        if not permissions or permissions == ['__no_permission_required__']:
            unprotected.append((getattr(context, '__name__', context), intr['name']))
    assert not unprotected, unprotected


def test_every_view_is_in_the_table(school):
    missing = registered_views(school.app) - set(ACCESS)
    assert not missing, 'views without a row in ACCESS: %s' % sorted(missing)


def test_every_row_is_a_registered_view(school):
    assert not set(ACCESS) - registered_views(school.app)


PROBE = 'X-Matrix-Probe'


def roll_back_probes(request, response):
    """pyramid_tm's commit veto: the tables' calls change nothing. Other requests keep
    pyramid_tm's rule without a veto (an error page's transaction is aborted)."""
    return PROBE in request.headers or getattr(request, 'exc_info', None) is not None


def client_for(app, role):
    client = TestApp(app, extra_environ={'REMOTE_ADDR': '10.0.0.1', 'HTTP_HOST': 'localhost'})
    if role != ANON:
        assert login(client, role).status_int == 303
    return client


def outcome(client, method, url):
    """'allowed', 'denied' (403, 401, the login form) or 'hidden' (404), from a real
    request. The client's cookies are kept whatever the answer says (a logout)."""
    headers = {'Accept': 'application/json'} if '/@' in url and '/@@' not in url else {}
    headers[PROBE] = '1'
    cookies = list(client.cookiejar)
    if method == 'GET':
        response = client.get(url, headers=headers, status='*')
    else:
        response = client.request(url, method=method, headers=headers, status='*')
    client.cookiejar.clear()
    for cookie in cookies:
        client.cookiejar.set_cookie(cookie)
    assert response.status_int < 500, '%s %s: %s' % (method, url, response.status)
    if response.status_int in (401, 403):
        return 'denied'
    if response.status_int in (301, 302, 303) and '@@login?came_from' in response.location:
        return 'denied'
    if response.status_int == 404:
        return 'hidden'
    return 'allowed'


def expected_outcome(role, allowed, url, places, nothing_there=False):
    if role in allowed:
        return 'hidden' if nothing_there else 'allowed'
    if role == ANON or role in seen_by(url, places):
        return 'denied'
    return 'hidden'


PDF = (b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]'
       b'/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')


def place_attachment(app):
    """An attachment on the draft local act, uploaded by its author."""
    client = client_for(app, 'deputy')
    client.post(DRAFT + '/@@attach', {'csrf_token': csrf_token(client)},
                upload_files=[('file', 'plan.pdf', PDF)], status=303)
    db = app.registry._zodb_databases['']
    with db.transaction() as conn:
        draft = conn.root()['ejportal']['documents']['regulation-1']
        names = [name for name, child in draft.items() if child.type_name == 'Attachment']
    return DRAFT + '/' + names[0]


def add_people(app):
    """The two roles the demo lacks: a parent of another child (s0002) and the class
    teacher of 7 Б."""
    db = app.registry._zodb_databases['']
    threadlocal.manager.push({'registry': app.registry, 'request': None})
    try:
        with acting_as(Actor(userid='admin', address='local', user_agent='tests')), \
                db.transaction() as conn:
            portal = conn.root()['ejportal']
            users = portal['people']['users']
            for login_name, surname, roles, groups in (
                    ('parent_other', 'Алексеева', ('parent',), ()),
                    ('class_teacher_other', 'Лебедева', ('teacher', 'class_teacher'),
                     ('teachers', 'class-teachers'))):
                user = create('User', surname=surname, first_name='Ольга',
                              patronymic='Ивановна', roles=roles, groups=groups,
                              email='%s@school4.example' % login_name)
                user.set_password(DEMO_PASSWORD)
                users.add(login_name, user)
            portal['journal']['students']['s0002'].update({'parents': ('parent_other',)})
            assign_class_teacher(portal['journal'][YEAR_NAME]['classes']['7b'],
                                 'class_teacher_other')
    finally:
        threadlocal.manager.pop()


def take_documents_through_their_states(app):
    """Regulation 2 on review, 3 published, 4 repealed; two orders of the director's, one
    on review and one cancelled: through the screens, as the director."""
    from test_documents import new_order, transition
    client = client_for(app, 'director')
    for path, steps in ((REVIEW, ('submit',)), (PUBLISHED, ('submit', 'approve', 'publish')),
                        (REPEALED, ('submit', 'approve', 'publish', 'repeal'))):
        if 'approve' in steps:
            form = client.get(path + '/@@edit').forms['deform']
            form['approved_by'] = 'order-2012-od-181'
            form.submit('save', status=303)
        for step in steps:
            transition(client, path, step)
    places = {'review_order': new_order(client, 'О дежурстве', public=True),
              'cancelled_order': new_order(client, 'О субботнике', public=True)}
    transition(client, places['review_order'], 'submit')
    for step in ('submit', 'sign', 'cancel'):
        transition(client, places['cancelled_order'], step)
    return places


def add_homework_file(app):
    """A file on the latest MATH lesson up to this week's end; its id."""
    from ZODB.blob import Blob
    db = app.registry._zodb_databases['']
    today = datetime.date.today()
    with db.transaction() as conn:
        journal = find_resource(conn.root()['ejportal'], MATH)
        week_end = today + datetime.timedelta(days=6 - today.weekday())
        lesson = journal.lessons_between(journal.year.start, week_end)[-1]
        blob = Blob()
        with blob.open('w') as out:
            out.write(PDF)
        journal.set_lesson_files(lesson, ({'name': 'task.pdf', 'kind': 'pdf',
                                           'size': len(PDF), 'blob': blob},))
        return lesson.id


def make_appendix(app):
    """A draft order of the director's with one appendix: the demo school has no plain
    appendix. Made through the API, as a client would."""
    client = TestApp(app, extra_environ={'REMOTE_ADDR': '10.0.0.1', 'HTTP_HOST': 'localhost'})
    headers = {'Authorization': 'Bearer ' + api_token(client, 'director'),
               'Accept': 'application/json'}
    order = client.post_json('/documents/@json', {
        '@type': 'Order', 'id': 'order-matrix', 'title': 'Приказ для матрицы доступа'},
        headers=headers, status=201)
    appendix = client.post_json('/documents/order-matrix/@json', {
        '@type': 'Appendix', 'id': 'appendix-matrix', 'title': 'Приложение'},
        headers=headers, status=201)
    assert order.json['@type'] == 'Order' and appendix.json['@type'] == 'Appendix'
    return '/documents/order-matrix/appendix-matrix'


def close_the_first_quarter(app):
    """The deputy closes the first quarter: its paper editions are frozen. The path of 5 А's
    journal edition."""
    client = TestApp(app, extra_environ={'REMOTE_ADDR': '10.0.0.1', 'HTTP_HOST': 'localhost'})
    headers = {'Authorization': 'Bearer ' + api_token(client, 'deputy'),
               'Accept': 'application/json'}
    made = client.post_json(YEAR + '/@close-period', {'period': 'q1'}, headers=headers).json
    return [e['@id'] for e in made['items'] if '/classes/5a/' in e['@id']
            and e['kind'] == 'journal'][0].replace('http://localhost', '').rstrip('/')


def export_to_the_region(app):
    """One run of the regional export (into a folder): the demo school has none."""
    import tempfile
    import transaction
    from pyramid import threadlocal
    from ejportal.core.jobs import run_job
    tm = transaction.TransactionManager()
    conn = app.registry._zodb_databases[''].open(tm)
    threadlocal.manager.push({'registry': app.registry, 'request': None})
    try:
        portal = conn.root()['ejportal']
        portal['settings'].rid_destination = tempfile.mkdtemp(prefix='ejportal-rid-')
        tm.commit()
        outcome, _last, _log = run_job(portal, 'rid-export', app.registry.settings, tm,
                                       'access-matrix', 'admin', registry=app.registry)
        assert outcome == 'ok'
    finally:
        threadlocal.manager.pop()
        conn.close()
    return '/settings/rid-exports/run-1'


def import_people(app):
    """One import of people (a member of staff, through the API): the demo school has none.
    The path of its log entry."""
    client = TestApp(app, extra_environ={'REMOTE_ADDR': '10.0.0.1', 'HTTP_HOST': 'localhost'})
    headers = {'Authorization': 'Bearer ' + api_token(client, 'admin'),
               'Accept': 'application/json'}
    body = 'Логин;Фамилия;Имя;Роли\r\nmatrix.t;Тестова;Ирина;teacher\r\n'.encode('utf-8')
    made = client.post('/settings/@import', {}, upload_files=[('file', 'staff.csv', body)],
                       headers=headers, status=201).json
    return made['@id'].replace('http://localhost', '')


def prepare_school(app):
    """What the tables need beyond the demo school; returns the made places by name."""
    add_people(app)
    places = {'lesson': add_homework_file(app)}
    places.update(take_documents_through_their_states(app))
    places['attachment'] = place_attachment(app)
    places['appendix'] = make_appendix(app)
    places['edition'] = close_the_first_quarter(app)
    places['rid_run'] = export_to_the_region(app)
    places['people_import'] = import_people(app)
    return places


class School:
    def __init__(self, app, places):
        self.app = app
        self.places = places
        self.clients = {role: client_for(app, role) for role in ROLES}


def copy_of(demo_template, directory):
    for name in ('Data.fs', 'blobs'):
        source = demo_template / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, directory / name)
    return directory


@contextlib.contextmanager
def opened_school(demo_template, directory):
    """The app on a copy of the demo school, prepared, with a logged-in client per role."""
    app = main({}, **app_settings(copy_of(demo_template, directory),
                                  **{'tm.commit_veto': roll_back_probes}))
    try:
        yield School(app, prepare_school(app))
    finally:
        close_app(app)


@pytest.fixture(scope='module')
def school(demo_template, tmp_path_factory):
    with opened_school(demo_template, tmp_path_factory.mktemp('access-matrix')) as found:
        yield found


def test_the_school_has_every_state(school):
    db = school.app.registry._zodb_databases['']
    with db.transaction() as conn:
        documents = conn.root()['ejportal']['documents']
        states = {documents[path.format(**school.places).rsplit('/', 1)[1]].review_state
                  for path in (DRAFT, REVIEW, PUBLISHED, REPEALED, ORDER, REVIEW_ORDER,
                               CANCELLED)}
    assert states == {'draft', 'review', 'published', 'repealed', 'signed', 'cancelled'}


@pytest.mark.parametrize('key', sorted(ACCESS), ids=lambda k: '%s:%s' % k)
def test_access(school, key):
    wrong = []
    for method, url, allowed in ACCESS[key]:
        url = url.format(**school.places)
        for role in ROLES:
            expected = 'hidden' if key in CLOSED else expected_outcome(
                role, allowed, url, school.places, key in NOTHING_THERE)
            got = outcome(school.clients[role], method, url)
            if got != expected:
                wrong.append('%s %s as %s: %s, expected %s' % (method, url, role, got, expected))
    assert not wrong, '\n'.join(wrong)

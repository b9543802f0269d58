"""Permissions, roles, and the security policy. Every permission is named here once, and
what each role grants is declared here once.

A role is held either across the whole school (a user's global roles, principal
``role:<id>``) or on one container and everything below it (a local role granted on the
sharing screen, principal ``local:<id>``, Plone's model). The two tables below say what a
role grants in each case: a global ``teacher`` is a member of the teaching staff, while a
local ``teacher`` on a journal may keep that journal.
"""
from pyramid.authorization import ACLHelper, Allow, Authenticated, DENY_ALL, Everyone
from webob.cookies import make_cookie

from ejportal.core.audit import record
from ejportal.core.catalog import DISCRIMINATORS, keyword_index
from ejportal.core.content import lineage
from ejportal.core.events import ObjectModified, notify
from ejportal.i18n import _

# -- permissions -----------------------------------------------------------------------
VIEW_PUBLIC = 'view_public'            # the public school site
OWN_ACCOUNT = 'own_account'            # own password, sessions, second factor
VIEW = 'view'                          # see a resource inside the portal
EDIT = 'edit'
ADD = 'add'
DELETE = 'delete'
MANAGE_SHARING = 'manage_sharing'      # grant local roles
MANAGE_USERS = 'manage_users'
MANAGE_SETTINGS = 'manage_settings'    # reference books, parameters, backups, regional export
VIEW_AUDIT = 'view_audit'
# documents
ADD_DOCUMENT = 'add_document'
REVIEW_DOCUMENT = 'review_document'    # comment on drafts, send for review
SIGN_ORDER = 'sign_order'              # sign orders, approve regulations
ACKNOWLEDGE = 'acknowledge'            # sign off "С приказом ознакомлен"
MANAGE_ACKNOWLEDGEMENTS = 'manage_acknowledgements'
# journal
MANAGE_SCHOOL = 'manage_school'        # years, classes, subjects, assignments
MANAGE_CLASS = 'manage_class'          # the class teacher's desk
SPLIT_SUBGROUPS = 'split_subgroups'
VIEW_JOURNAL = 'view_journal'
EDIT_JOURNAL = 'edit_journal'
COMMENT_JOURNAL = 'comment_journal'
APPROVE_CORRECTION = 'approve_correction'
VIEW_CONTROL = 'view_control'          # fill and quality reports for deputies and director
ANSWER_CHECK = 'answer_check'          # a check's teacher answers it (granted by the check)
# diary
VIEW_DIARY = 'view_diary'              # further limited to own family by the student's ACL
# personal data (152-ФЗ): granted on the consent registry only, by its own ACL (the admin, the
# director and the group the admin keeps)
PERSONAL_DATA = 'personal_data'

# Who holds none of an object's *seeing* permissions may not know that it exists: a refusal
# is then answered as if nothing were there (404), so that neither the page nor the status
# tells a foreign child's name or which ids exist. A type names its own when more than
# ``view`` shows it (``seeing_permissions``: the family reads a student's diary, everyone a
# public document).
SEEING = (VIEW,)


def may_see(request, context):
    """Whether the requester (signed in or anonymous) may know that ``context`` exists.
    The portal root is the public site: everyone sees it."""
    if context is None or getattr(context, '__parent__', None) is None:
        return True
    permissions = getattr(context, 'seeing_permissions', SEEING)
    return any(request.has_permission(permission, context) for permission in permissions)

# surveys (each survey's state narrows them further: surveys.workflows)
MANAGE_SURVEYS = 'manage_surveys'      # make, edit, open, close, copy surveys
VIEW_SURVEY = 'view_survey'            # see a survey (the audience: only while it is open)
ANSWER_SURVEY = 'answer_survey'        # answer an open survey one is in the audience of
VIEW_SURVEY_RESULTS = 'view_survey_results'
# the school site
WRITE_NEWS = 'write_news'              # write, publish and archive news and events
# help and training (granted by the help section's and each course's own ACL: help.resources)
READ_HELP = 'read_help'                # read help pages and the courses meant for one
TAKE_COURSE = 'take_course'            # mark a course's lessons done
VIEW_COURSE_PROGRESS = 'view_course_progress'  # who has finished a course (the admin)
# announcements to families (news.announcements): each announcement's own ACL names its
# author and recipients; who may address which class is asked of the class (MANAGE_CLASS)
READ_ANNOUNCEMENTS = 'read_announcements'    # one's own announcements (received or sent)
SEND_ANNOUNCEMENTS = 'send_announcements'    # write to the parents of one's own class
ANNOUNCE_TO_SCHOOL = 'announce_to_school'    # ...to all parents, a grade, any class, staff
SEE_ANNOUNCEMENT_READS = 'see_announcement_reads'  # who has read it (its author)
# questions, consultations and support requests (each item's state narrows them:
# questions.workflows gives them to its asker and its addressees only)
ASK_QUESTION = 'ask_question'          # ask a question, request a consultation or support
ANSWER_QUESTION = 'answer_question'    # an addressee answers or proposes a slot
CLOSE_QUESTION = 'close_question'      # the asker or an addressee closes or cancels

ROLES = {
    'admin': _('role-admin', default='Administrator'),
    'director': _('role-director', default='Director'),
    'deputy': _('role-deputy', default='Deputy director'),
    'secretary': _('role-secretary', default='Secretary'),
    'teacher': _('role-teacher', default='Teacher'),
    'class_teacher': _('role-class_teacher', default='Class teacher'),
    'psychologist': _('role-psychologist', default='Psychologist'),
    'student': _('role-student', default='Student'),
    'parent': _('role-parent', default='Parent'),
}
STAFF_ROLES = ('admin', 'director', 'deputy', 'secretary', 'teacher', 'class_teacher',
               'psychologist')
FAMILY_ROLES = ('student', 'parent')
# The local roles a student's or parent's account may hold (the rest are staff's: the
# school's order forbids students to work under a teacher's rights).
FAMILY_LOCAL_ROLES = ('reader',)

_STAFF = {VIEW, ACKNOWLEDGE}

# What a role grants where a user holds it for the whole school.
ROLE_PERMISSIONS = {
    'admin': {VIEW, EDIT, ADD, DELETE, MANAGE_SHARING, MANAGE_USERS, MANAGE_SETTINGS,
              VIEW_AUDIT, MANAGE_SCHOOL, SPLIT_SUBGROUPS, VIEW_JOURNAL, ACKNOWLEDGE,
              WRITE_NEWS},
    'director': _STAFF | {EDIT, ADD, MANAGE_SHARING, VIEW_AUDIT, ADD_DOCUMENT,
                          REVIEW_DOCUMENT, SIGN_ORDER, MANAGE_ACKNOWLEDGEMENTS, VIEW_JOURNAL,
                          COMMENT_JOURNAL, APPROVE_CORRECTION, VIEW_CONTROL, WRITE_NEWS},
    'deputy': _STAFF | {ADD_DOCUMENT, REVIEW_DOCUMENT, MANAGE_ACKNOWLEDGEMENTS, VIEW_JOURNAL,
                        COMMENT_JOURNAL, APPROVE_CORRECTION, VIEW_CONTROL, WRITE_NEWS},
    'secretary': _STAFF | {ADD_DOCUMENT, REVIEW_DOCUMENT, MANAGE_ACKNOWLEDGEMENTS, WRITE_NEWS},
    'teacher': set(_STAFF),
    'class_teacher': set(_STAFF),
    'psychologist': set(_STAFF),
    'student': {VIEW_DIARY},
    'parent': {VIEW_DIARY},
}

# Who reads every student's diary and records, past the family barrier on each student
# (a student's records are closed to everyone else but the family and the class teacher).
SCHOOL_WIDE_DIARY_READERS = ('director', 'deputy')

# What a role grants on the container where it is held locally, and below it.
LOCAL_ROLES = {
    'teacher': _('local-teacher', default='Teaches here'),
    'class_teacher': _('local-class_teacher', default='Class teacher here'),
    'editor': _('local-editor', default='Can edit'),
    'reviewer': _('local-reviewer', default='Can review'),
    'reader': _('local-reader', default='Can view'),
}
LOCAL_ROLE_PERMISSIONS = {
    'teacher': {VIEW, VIEW_JOURNAL, EDIT_JOURNAL, SPLIT_SUBGROUPS},
    'class_teacher': {VIEW, VIEW_JOURNAL, MANAGE_CLASS, SPLIT_SUBGROUPS},
    'editor': {VIEW, EDIT, ADD, ADD_DOCUMENT},
    'reviewer': {VIEW, REVIEW_DOCUMENT},
    # reading a class or journal shared with someone (a psychologist) is reading the journal
    'reader': {VIEW, VIEW_JOURNAL},
}


def root_acl():
    """The ACL of the portal root: the two tables above, as ACEs (built once: it is read on
    every permission check)."""
    global _ROOT_ACL
    if _ROOT_ACL is None:
        _ROOT_ACL = _build_root_acl()
    return _ROOT_ACL


_ROOT_ACL = None


def _build_root_acl():
    acl = [(Allow, Everyone, VIEW_PUBLIC), (Allow, Authenticated, OWN_ACCOUNT)]
    for role, permissions in sorted(ROLE_PERMISSIONS.items()):
        acl.append((Allow, 'role:' + role, tuple(sorted(permissions))))
    for role, permissions in sorted(LOCAL_ROLE_PERMISSIONS.items()):
        acl.append((Allow, 'local:' + role, tuple(sorted(permissions))))
    acl.append(DENY_ALL)
    return acl


def user_principal(userid):
    return 'user:' + userid


def group_principal(groupid):
    return 'group:' + groupid


def local_role_principals(context, principals):
    """``local:<role>`` for each local role any of ``principals`` holds on the lineage."""
    found = set()
    for resource in lineage(context):
        local_roles = getattr(resource, 'local_roles', None)
        if local_roles:
            for principal in principals:
                for role in local_roles.get(principal, ()):
                    found.add('local:' + role)
    return found


class LocalRolesGranting:
    """Sent before ``principal`` gets ``roles`` on ``context``: a subscriber refuses the
    grant by raising a ``UserError`` (the principals area refuses staff roles to families)."""

    def __init__(self, context, principal, roles):
        self.object = context
        self.principal = principal
        self.roles = roles


def set_local_roles(context, principal, roles):
    """Change ``principal``'s local roles on ``context``, with an audit entry: the one way
    a local grant changes (the sharing screen, and the journal for its teachers)."""
    old = context.get_local_roles(principal)
    added = set(roles) - set(old)
    if added:
        notify(LocalRolesGranting(context, principal, frozenset(added)))
    context.set_local_roles(principal, roles)
    new = context.get_local_roles(principal)
    if old != new:
        record(context, 'sharing', {'principal': principal, 'old': list(old), 'new': list(new)})
        # who may view changed: the catalog's security indexes follow this event
        notify(ObjectModified(context, changes={'local_roles': (old, new)}, audited=True))


_NO_CONTEXT = object()


AUTH_COOKIE = 'ejportal_auth'


class SecurityPolicy:
    """Identity from the login cookie or a bearer token, both carrying the id of a login
    session (``principals.sessions``): a random secret the server looks up, so the cookie
    needs no signature of its own (an auth ticket would sign what the server's record
    already decides, at a cost on every request). Principals are the user, their groups,
    global roles and the local roles found up the traversal lineage.

    ``identify(request, cookie_name)`` finds the login session (``principals.sessions``):
    given by the app, so that grants know nothing of the accounts area."""

    def __init__(self, identify, secure=False):
        self.identify = identify
        self.secure = secure
        self.acl = ACLHelper()

    def _cookie(self, value):
        # a browser-session cookie (no expiry): the login session's idle timeout and end
        # are kept by the server
        return [('Set-Cookie', make_cookie(AUTH_COOKIE, value, path='/', httponly=True,
                                           samesite='Lax', secure=self.secure))]

    def identity(self, request):
        # Pyramid asks on every use of request.identity; look the session up once.
        try:
            return request.__dict__['_ejportal_identity']
        except KeyError:
            found = request.__dict__['_ejportal_identity'] = self.identify(request, AUTH_COOKIE)
            return found

    def authenticated_userid(self, request):
        identity = request.identity
        return identity.user.__name__ if identity else None

    def principals(self, request, context):
        # A page asks about many things (navigation, buttons): the lineage walk for local
        # roles is done once per request and context.
        cache = request.__dict__.setdefault('_ejportal_principals', {})
        key = context if context is not None else _NO_CONTEXT
        try:
            return cache[key]
        except (KeyError, TypeError):
            found = self._principals(request, context)
        try:
            cache[key] = found
        except TypeError:  # an unhashable context: not cached
            pass
        return found

    def _principals(self, request, context):
        principals = [Everyone]
        identity = request.identity
        if identity is None:
            return principals
        user = identity.user
        own = [user_principal(user.__name__)] + [group_principal(g) for g in user.groups]
        principals.append(Authenticated)
        principals.extend(own)
        principals.extend('role:' + role for role in user.roles)
        if context is not None:
            principals.extend(sorted(local_role_principals(context, own)))
        return principals

    def permits(self, request, context, permission):
        return self.acl.permits(context, self.principals(request, context), permission)

    def remember(self, request, userid, session_id=None, **kw):
        """The login cookie of the session ``session_id`` (``sessions.start_session``)."""
        if not session_id:
            raise ValueError('a login cookie names a login session')
        return self._cookie(session_id)

    def forget(self, request, **kw):
        return self._cookie(None)


def includeme(config):
    """The catalog's security indexes: who holds ``view`` (``view_public``) on each object,
    so that searches are filtered by the user's principals inside the catalog."""
    config.add_catalog_index('allowed', keyword_index(DISCRIMINATORS['allowed']),
                             security_permission=VIEW)
    config.add_catalog_index('allowed_public', keyword_index(DISCRIMINATORS['allowed_public']),
                             security_permission=VIEW_PUBLIC)

"""Users and groups are ordinary content in ``/people`` (Substance D's principals folder).

A user who authored records is never deleted, only disabled: the audit log and versions
keep naming them.
"""
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from persistent.list import PersistentList

from pyramid.authorization import Allow, Deny, Everyone

from ejportal.core import passwords
from ejportal.core.content import Resource, content_type, now
from ejportal.core.folder import Folder
from ejportal.i18n import _
from ejportal.principals.ban import check_becoming_family
from ejportal.principals.schemas import GroupFields, UserFields
from ejportal.security import ADD, DELETE, EDIT, STAFF_ROLES, VIEW


@content_type('People', _('type-People', default='People'))
class People(Folder):
    """``/people``: holds ``users`` and ``groups``, and the login bookkeeping that is not
    content (sessions, throttling) in BTrees of its own."""

    title = _('section-people', default='People')
    structural = True

    # Records of people are personal data: only the user administrators read them here
    # (a teacher sees names where their work needs them, through the journal).
    __acl__ = [(Allow, 'role:admin', (VIEW, EDIT, ADD, DELETE)),
               (Deny, Everyone, (VIEW, EDIT, ADD, DELETE))]

    def __init__(self, **fields):
        super().__init__(**fields)
        self.add('users', Users(), send_events=False)
        self.add('groups', Groups(), send_events=False)
        self.login_sessions = OOBTree()
        self.login_failures = OOBTree()

    # login -> OOTreeSet of that user's session keys, so a user's sessions are found (and
    # old ones pruned) without reading every session of the school
    user_sessions = None
    # key -> PendingLogin: logins waiting for their second factor
    pending_logins = None
    # (kind, place, time, ...) -> (login, family account?): the last hour's logins by
    # address and device, which ``watch`` compares
    recent_logins = None

    def session_keys(self, userid, create=False):
        if self.user_sessions is None:
            if not create:
                return ()
            self.user_sessions = OOBTree()
        keys = self.user_sessions.get(userid)
        if keys is None:
            if not create:
                return ()
            keys = self.user_sessions[userid] = OOTreeSet()
        return keys

    def end_sessions(self, userid, keep=None):
        """End every open session of ``userid`` but ``keep`` (a session key); -> how many."""
        moment = now()
        ended = 0
        for key in self.session_keys(userid):
            session = self.login_sessions.get(key)
            if key != keep and session is not None and session.ended is None:
                session.ended = moment
                ended += 1
        return ended

    @property
    def users(self):
        return self['users']

    @property
    def groups(self):
        return self['groups']


@content_type('Users', _('type-Users', default='Users'))
class Users(Folder):
    title = _('section-users', default='Users')
    structural = True

    def by_role(self, role):
        return [u for u in self.values() if role in u.roles]


@content_type('Groups', _('type-Groups', default='Groups'))
class Groups(Folder):
    title = _('section-groups', default='Groups')
    structural = True


@content_type('User', _('type-User', default='User'), schema=UserFields,
              addable_to=('Users',), add_permission='manage_users')
class User(Resource):
    deletable = False  # disabled instead: the audit log and versions keep naming them
    surname = ''
    first_name = ''
    patronymic = ''
    position = ''         # должность, printed on acknowledgement sheets
    email = ''
    phone = ''
    roles = ()
    groups = ()
    enabled = True
    password_hash = None
    must_change_password = False
    password_changed = None
    totp_secret = None    # set once the user confirmed a code from their authenticator
    totp_last_step = None  # the time step of the last code accepted: no code works twice
    known_devices = None  # OOBTree device id -> first seen, to notice logins from new devices
    notices = None        # PersistentList of dicts shown on the start page
    undertakings = ()     # confirmations of the undertaking: ({'version', 'time', 'address'},)
    language = None

    @property
    def login(self):
        return self.__name__

    @property
    def fullname(self):
        """ФИО: surname, name, patronymic."""
        return ' '.join(p for p in (self.surname, self.first_name, self.patronymic) if p) \
            or self.__name__

    @property
    def short_name(self):
        """Кузьмина С.А."""
        initials = ''.join(p[0] + '.' for p in (self.first_name, self.patronymic) if p)
        return ('%s %s' % (self.surname, initials)).strip() or self.__name__

    @property
    def title(self):
        return self.fullname

    def set_password(self, password, must_change=False, keep_session=None):
        """A new password ends every login session of the user (browsers and API tokens)
        but ``keep_session``, the key of the session that changed it: whoever learnt the old
        password and logged in with it is out, whichever door set the new one. -> how many
        sessions ended."""
        self.password_hash = passwords.hash_password(password)
        self.must_change_password = must_change
        self.password_changed = now()
        people = getattr(self.__parent__, '__parent__', None)
        if isinstance(people, People):
            return people.end_sessions(self.__name__, keep=keep_session)
        return 0

    def check_password(self, password):
        ok = passwords.verify_password(self.password_hash, password)
        if ok and passwords.needs_rehash(self.password_hash):
            self.password_hash = passwords.hash_password(password)
        return ok

    def is_staff(self):
        return any(r in STAFF_ROLES for r in self.roles)

    def update(self, values):
        if 'roles' in values:
            check_becoming_family(self, values['roles'])
        return super().update(values)

    KEEP_NOTICES = 100

    def add_notice(self, text, kind='info', about=None):
        """A notice on the start page. A notice ``about`` something (an order to
        acknowledge, a new kind of device) replaces an unread one about the same thing,
        so that repeating a cause does not pile notices up."""
        if self.notices is None:
            self.notices = PersistentList()
        notice = {'time': now(), 'text': text, 'kind': kind, 'read': False}
        if about is not None:
            notice['about'] = about
            self.notices[:] = [n for n in self.notices
                               if n.get('read') or n.get('about') != about]
        self.notices.append(notice)
        del self.notices[:-self.KEEP_NOTICES]

    def dismiss_notices(self, about):
        """Mark read the notices about something that is done (an order acknowledged)."""
        if self.notices and any(n.get('about') == about and not n.get('read')
                                for n in self.notices):
            self.notices[:] = [dict(n, read=True) if n.get('about') == about else n
                               for n in self.notices]

    def unread_notices(self):
        return [n for n in (self.notices or ()) if not n.get('read')]

    def mark_notices_read(self):
        """Dismiss every notice (they are kept, read, up to KEEP_NOTICES)."""
        if self.notices:
            self.notices[:] = [dict(n, read=True) for n in self.notices]

    def remember_device(self, device_id):
        """True if the device is new for this user."""
        if self.known_devices is None:
            self.known_devices = OOBTree()
        if device_id in self.known_devices:
            return False
        self.known_devices[device_id] = now()
        return True


@content_type('Group', _('type-Group', default='Group'), schema=GroupFields,
              addable_to=('Groups',), add_permission='manage_users')
class Group(Resource):
    def members(self):
        users = self.__parent__.__parent__['users']
        return [u for u in users.values() if self.__name__ in u.groups]


class LoginSession(Persistent):
    """One login on one device: a browser cookie or an API token. Its own persistent object
    so that touching ``last_seen`` never conflicts with edits of the user."""

    ended = None

    def __init__(self, userid, address, user_agent, kind='browser'):
        self.userid = userid
        self.address = address
        self.user_agent = user_agent
        self.kind = kind
        self.created = self.last_seen = now()
        self.second_factor_done = False


class PendingLogin(Persistent):
    """A login whose password was right, waiting for the code of the second factor. Kept
    here, not in the browser's cookie, so that its age and its wrong codes cannot be reset
    by sending an older cookie again."""

    new_secret = None  # an authenticator being set up at this login

    def __init__(self, userid, came_from=''):
        self.userid = userid
        self.came_from = came_from
        self.created = now()
        self.wrong_codes = 0

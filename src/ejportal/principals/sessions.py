"""Login sessions: a browser cookie or an API bearer token each names one ``LoginSession``.

The session id travels only in the login cookie or as the bearer token; the database
keeps its SHA-256, so a copy of the database holds no usable token. A session opened by the
login screen is accepted only as the cookie, one opened by ``@login`` only as a bearer
token: a token handed to a script cannot become a browser login, nor a browser's cookie an
API token. Each user sees their sessions (device, address, last seen) and may end any of
them. A login waiting for its second factor (``PendingLogin``) is kept the same way: the
browser holds its random id, the server its age and its wrong codes.
"""
import datetime
import hashlib
import re
import secrets

from BTrees.OOBTree import OOBTree

from ejportal.core.content import now
from ejportal.core.cookies import cookie_value
from ejportal.principals.resources import LoginSession, PendingLogin
from ejportal.principals.watch import watch_login
from ejportal.site.resources import get_portal

# Writing last_seen on every request would turn reads into writes; once a minute is enough
# for the sessions screen and the idle timeout.
TOUCH_EVERY = datetime.timedelta(seconds=60)
# The kinds of login session: which door opened it, and the only one it is good for.
BROWSER = 'browser'
API = 'api'
# Ended sessions stay listed (and in the audit trail's terms, explainable) this long.
KEEP_ENDED = datetime.timedelta(days=30)
# A login waiting for its second factor is dropped after this long or this many wrong codes
# (each also a failed login of the account): then the password is asked again.
PENDING_FOR = datetime.timedelta(minutes=5)
PENDING_WRONG_CODES = 5


class Identity:
    def __init__(self, user, session, session_key):
        self.user = user
        self.session = session
        self.session_key = session_key

    @property
    def userid(self):
        return self.user.__name__


def _key(session_id):
    return hashlib.sha256(session_id.encode('ascii', 'replace')).hexdigest()


SESSION_ID = re.compile(r's[0-9a-f]{48}')


def _is_id(value):
    # a cookie session from before the pending login was kept here holds a dict
    return isinstance(value, str) and SESSION_ID.fullmatch(value) is not None


def new_session_id():
    return 's' + secrets.token_hex(24)


def client_address(request):
    # The peer as the WSGI server gives it, never WebOb's client_addr, which believes any
    # X-Forwarded-For a client sends: behind a proxy, waitress puts the client's address in
    # REMOTE_ADDR itself, from the proxy it is told to trust (production.ini).
    return request.remote_addr or ''


def idle_timeout(request, user):
    staff = user.is_staff()
    name = 'ejportal.idle_timeout_staff' if staff else 'ejportal.idle_timeout_family'
    return datetime.timedelta(
        minutes=int(request.registry.settings.get(name, 30 if staff else 240)))


def start_session(request, user, kind=BROWSER):
    """Open a session for ``user``; returns its id (the cookie token or the bearer token)."""
    people = get_portal(request)['people']
    session_id = new_session_id()
    key = _key(session_id)
    session = people.login_sessions[key] = LoginSession(
        user.__name__, client_address(request), request.user_agent or '', kind)
    prune_sessions(people, user.__name__)
    people.session_keys(user.__name__, create=True).add(key)
    watch_login(request, user, session)
    return session_id


def prune_sessions(people, userid, moment=None):
    """Forget the user's sessions that ended (or went idle) more than KEEP_ENDED ago."""
    moment = moment or now()
    keys = people.session_keys(userid)
    for key in list(keys):
        session = people.login_sessions.get(key)
        if session is None or moment - (session.ended or session.last_seen) > KEEP_ENDED:
            people.login_sessions.pop(key, None)
            keys.remove(key)


def end_session(request, session_key):
    session = get_portal(request)['people'].login_sessions.get(session_key)
    if session is not None and session.ended is None:
        session.ended = now()
    return session


def sessions_of(people, userid, include_ended=False):
    found = []
    for key in people.session_keys(userid):
        session = people.login_sessions.get(key)
        if session is not None and (include_ended or session.ended is None):
            found.append((key, session))
    return sorted(found, key=lambda pair: pair[1].last_seen, reverse=True)


def end_all_sessions(people, userid):
    """End every open session of ``userid``; -> how many."""
    return people.end_sessions(userid)


def start_pending_login(request, user, came_from=''):
    """Remember that ``user`` gave the right password; -> the id the browser keeps (only
    its SHA-256 is stored)."""
    people = get_portal(request)['people']
    if people.pending_logins is None:
        people.pending_logins = OOBTree()
    moment = now()
    for key, pending in list(people.pending_logins.items()):
        if moment - pending.created > PENDING_FOR:
            del people.pending_logins[key]
    pending_id = new_session_id()
    people.pending_logins[_key(pending_id)] = PendingLogin(user.__name__, came_from)
    return pending_id


def pending_login(request, pending_id):
    """The ``PendingLogin`` of ``pending_id`` while it may still take a code, else None
    (and an expired or exhausted one is dropped)."""
    people = get_portal(request)['people']
    if not _is_id(pending_id) or not people.pending_logins:
        return None
    key = _key(pending_id)
    pending = people.pending_logins.get(key)
    if pending is None:
        return None
    if now() - pending.created > PENDING_FOR or pending.wrong_codes >= PENDING_WRONG_CODES:
        del people.pending_logins[key]
        return None
    return pending


def end_pending_login(request, pending_id):
    people = get_portal(request)['people']
    if _is_id(pending_id) and people.pending_logins:
        people.pending_logins.pop(_key(pending_id), None)


def _bearer_token(request):
    header = request.environ.get('HTTP_AUTHORIZATION', '')
    if header[:7].lower() == 'bearer ':
        return header[7:].strip()
    return None


def identify(request, cookie_name):
    """The ``Identity`` of the request, or None. Called once per request by the policy."""
    token = _bearer_token(request)
    request.auth_via = 'token' if token else 'cookie'
    kind = API if token else BROWSER
    if token is None:
        token = cookie_value(request, cookie_name)
    if not token or not SESSION_ID.fullmatch(token):
        return None
    portal = get_portal(request)
    people = portal['people']
    key = _key(token)
    session = people.login_sessions.get(key)
    if session is None or session.ended is not None or session.kind != kind:
        return None
    user = people['users'].get(session.userid)
    if user is None or not user.enabled:
        return None
    moment = now()
    if moment - session.last_seen > idle_timeout(request, user):
        session.ended = moment
        request.session_expired = True
        return None
    if moment - session.last_seen > TOUCH_EVERY:
        session.last_seen = moment
        session.address = client_address(request)
    return Identity(user, session, key)

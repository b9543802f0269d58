"""Signs that a student works under a teacher's login, flagged to the administrators at each
login: a staff login from an address or device that a student's or parent's account also
used within the hour (either came first), and a staff login while the same account has a
session open elsewhere (another address).

Each flag is an audit entry (``login-shared-place``, ``login-parallel``) and a notice on
the start page of every administrator. Logins are remembered for the hour in an index of
their own, keyed by address or device and time, so a login reads only the logins of its
own place (never every session of the school), and two logins write different keys.

A school that reaches the portal through one public address (a NAT) shares that address
between everybody: there ``ejportal.shared_addresses`` names the addresses not to compare.
"""
import datetime

from BTrees.OOBTree import OOBTree

from ejportal.core.audit import record
from ejportal.core.content import now
from ejportal.i18n import _
from ejportal.principals.ban import is_family
from ejportal.site.resources import get_portal

WITHIN = datetime.timedelta(hours=1)
DEVICE_COOKIE = 'ejportal_device'


def _places(request):
    """The places of this login: ('a', address) and ('d', device id), those known."""
    places = []
    address = request.remote_addr or ''
    shared = set((request.registry.settings.get('ejportal.shared_addresses') or '').split())
    if address and address not in shared:
        places.append(('a', address))
    device = request.cookies.get(DEVICE_COOKIE) or ''
    if device:
        places.append(('d', device[:64]))
    return places


def _admins(people):
    return [u for u in people['users'].values() if 'admin' in u.roles and u.enabled]


def _flag(request, people, user, action, text, details):
    record(user, action, details)
    message = request.localizer.translate(text)
    for admin in _admins(people):
        admin.add_notice(message, kind='warning')


def watch_login(request, user, session):
    """Called as ``user``'s new ``session`` opens."""
    people = get_portal(request)['people']
    if people.recent_logins is None:
        people.recent_logins = OOBTree()
    recent = people.recent_logins
    moment = now()
    since = (moment - WITHIN).isoformat()
    family = is_family(user.roles)
    staff = user.is_staff()
    for kind, place in _places(request):
        # forget this place's logins older than the hour
        for key in list(recent.keys(min=(kind, place, ''), max=(kind, place, since))):
            del recent[key]
        others = list(recent.items(min=(kind, place, since), max=(kind, place, '\uffff')))
        if staff:
            students = sorted({login for _k, (login, fam) in others if fam})
            if students:
                _shared(request, people, user, kind, place, students)
        elif family:
            teachers = sorted({login for _k, (login, fam) in others
                               if not fam and login in people['users']
                               and people['users'][login].is_staff()})
            for teacher in teachers:
                _shared(request, people, people['users'][teacher], kind, place,
                        [user.__name__])
        recent[(kind, place, moment.isoformat(), session.created.isoformat(),
                user.__name__)] = (user.__name__, family)
    if staff:
        _parallel(request, people, user, session, moment)


def _names(people, logins):
    """The people the admin reads about, by name (the audit entry keeps the logins)."""
    users = people['users']
    return [users[login].fullname if login in users else login for login in logins]


def _shared(request, people, staff_user, kind, place, logins):
    where = _('address ${address}', mapping={'address': place}) if kind == 'a' else \
        _('one device')
    text = _('login-shared-place', default='${user} (staff) and the accounts of students or '
             'parents ${logins} logged in within one hour from ${where}: a student may be '
             'working under a teacher\'s login.', mapping={
                 'user': staff_user.fullname, 'logins': ', '.join(_names(people, logins)),
                 'where': request.localizer.translate(where)})
    _flag(request, people, staff_user, 'login-shared-place', text,
          {'place': kind + ':' + place, 'family': logins})


def _parallel(request, people, user, session, moment):
    addresses = set()
    for key in people.session_keys(user.__name__):
        other = people.login_sessions.get(key)
        if other is None or other is session or other.ended is not None:
            continue
        if moment - other.last_seen > WITHIN or not other.address:
            continue
        if other.address != session.address:
            addresses.add(other.address)
    if addresses:
        text = _('login-parallel', default='${user} (staff) logged in from ${address} while '
                 'a session of the same account is open at ${others}.', mapping={
                     'user': user.fullname, 'address': session.address,
                     'others': ', '.join(sorted(addresses))})
        _flag(request, people, user, 'login-parallel', text,
              {'address': session.address, 'others': sorted(addresses)})

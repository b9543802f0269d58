"""Personal data (152-ФЗ): the consent registry and the read-log of students' cards.

The registry (``/consents``, a section) holds one ``Consent`` per signed paper: a staff
member's for themselves, a guardian's for themselves or for one child, with its scope, date,
scanned copy, expiry and withdrawal. It lives in the diary because the family data it
governs lives here (``StudentFile.guardians``) and the desk that issues the families' logins
asks it; staff are found by their login in ``/people`` (read by traversal, so the diary
imports no other area).

Only the administrator, the director and the members of the group ``personal-data`` (kept
by the administrator on *People → Groups*) read the registry and the scans: the registry's
own ACL says so and refuses everyone else everything below it.

The read-log is kept apart from the audit log: reads are many (every opening of a card),
say nothing changed, and would drown the changes in the hash-chained log that
``audit-verify`` walks; a read entry is a small tuple in two BTrees on the registry (by
student, for the family's page; by time, for the administrator's and director's list).
"""
import datetime

from BTrees.OOBTree import OOBTree
from pyramid.authorization import Allow, DENY_ALL

from ejportal.core.actor import current_actor
from ejportal.core.audit import record
from ejportal.core.content import Resource, content_type, create, now
from ejportal.core.folder import Folder
from ejportal.i18n import _
from ejportal.security import PERSONAL_DATA, VIEW, VIEW_AUDIT, group_principal

REGISTRY = 'consents'
GROUP = 'personal-data'
KINDS = ('staff', 'guardian')
COVERS = ('self', 'child')
# what a consent allows: processing the data at all; the electronic diary (logins for the
# family); publishing (photos, names on the school's site)
SCOPES = ('processing', 'diary', 'publication')
LOGIN_SCOPE = 'diary'


def norm(name):
    return ' '.join((name or '').lower().split())


@content_type('ConsentRegistry', _('type-ConsentRegistry', default='Personal-data consents'))
class ConsentRegistry(Folder):
    """The consents, named ``c-<n>``; ``index``: (kind, student id, person, covers) ->
    tuple of names, oldest first; the read-log (``reads_by_student``, ``reads_by_time``)."""
    title = _('Personal-data consents')
    structural = True
    seeing_permissions = (PERSONAL_DATA,)
    counter = 0
    index = None
    reads_by_student = None
    reads_by_time = None

    @property
    def __acl__(self):
        return [(Allow, 'role:admin', (VIEW, PERSONAL_DATA, VIEW_AUDIT)),
                (Allow, 'role:director', (VIEW, PERSONAL_DATA, VIEW_AUDIT)),
                (Allow, group_principal(GROUP), (VIEW, PERSONAL_DATA)),
                DENY_ALL]

    def _index(self):
        if self.index is None:
            self.index = OOBTree()
        return self.index

    def add_consent(self, consent):
        self.counter += 1
        name = 'c-%d' % self.counter
        self.add(name, consent)
        key = consent.key()
        index = self._index()
        index[key] = index.get(key, ()) + (name,)
        return consent

    def find(self, kind, student, person, covers):
        names = (self.index or {}).get((kind, student or '', norm(person), covers), ())
        return [self[n] for n in names if n in self]

    def state(self, kind, student, person, covers, day, scope=None):
        """'valid', 'withdrawn', 'expired' or 'missing' for that person and day (with
        ``scope``: a consent that allows it)."""
        found = [c for c in self.find(kind, student, person, covers)
                 if scope is None or scope in c.scope]
        if any(c.valid(day) for c in found):
            return 'valid'
        if not found:
            return 'missing'
        return 'withdrawn' if found[-1].withdrawn else 'expired'


@content_type('Consent', _('type-Consent', default='Personal-data consent'))
class Consent(Resource):
    deletable = False     # a withdrawn consent stays on record
    kind = 'guardian'
    person = ''           # the staff member's login, or the guardian's full name
    student = ''          # a guardian's: the student id of the file
    covers = 'self'       # 'self', or 'child' (the student's data)
    scope = ()
    date = None
    expires = None
    scan = None           # {'name', 'kind', 'size', 'blob'}
    withdrawn = None      # date
    withdrawn_by = None
    withdrawal_note = ''

    def key(self):
        return (self.kind, self.student or '', norm(self.person), self.covers)

    def valid(self, day):
        return (self.withdrawn is None and self.date is not None and self.date <= day
                and (self.expires is None or self.expires >= day))

    def api_extra(self):
        return {'kind': self.kind, 'person': self.person, 'student': self.student,
                'covers': self.covers, 'scope': list(self.scope), 'date': self.date,
                'expires': self.expires, 'withdrawn': self.withdrawn,
                'withdrawn_by': self.withdrawn_by, 'withdrawal_note': self.withdrawal_note,
                'scan': self.scan['name'] if self.scan else None}


def consent_registry(portal):
    return portal.get(REGISTRY)


def make_registry(portal):
    """The section, where an older database lacks it."""
    registry = portal.get(REGISTRY)
    if registry is None:
        registry = portal.add(REGISTRY, create('ConsentRegistry'), send_events=False)
    return registry


def register(registry, kind, person, covers, scope, date, student='', expires=None,
             scan=None, source='registry'):
    """A new consent, audited (who, whose, scope; the scan by name only)."""
    consent = create('Consent', kind=kind, person=person, student=student or '',
                     covers=covers, scope=tuple(scope), date=date, expires=expires, scan=scan)
    registry.add_consent(consent)
    record(consent, 'consent-registered', {
        'kind': kind, 'person': person, 'student': student or '', 'covers': covers,
        'scope': list(scope), 'date': date.isoformat(),
        'expires': expires.isoformat() if expires else None, 'source': source,
        'scan': bool(scan)})
    return consent


def withdraw(consent, day, note=''):
    """-> True when a staff member left the group of those authorised to process personal
    data by it."""
    consent.withdrawn = day
    consent.withdrawn_by = current_actor().userid
    consent.withdrawal_note = note
    record(consent, 'consent-withdrawn', {'person': consent.person,
                                          'student': consent.student,
                                          'date': day.isoformat()})
    if consent.kind == 'staff':     # (the registry holds a withdrawn consent invalid at once)
        return leave_group(consent.__parent__.__parent__, consent.person, 'withdrawn')
    return False


# -- the staff authorised to process personal data -----------------------------------------
# Students' personal cards and families' contacts are read by the members of the group
# ``personal-data`` (the administrator keeps it) who have a valid consent of their own that
# allows processing: every read is logged under the reader's name and the family sees that
# name (``card-reads``), which is processing the staff member's own data. A withdrawn or
# lapsed consent takes the member out of the group (audited), so the administrator's screen
# and the registry's ACL say the same as the desk; a consent given again does not put them
# back: that is the administrator's decision.
CLEARANCE_SCOPE = 'processing'


def clearance(portal, userid, day=None):
    """None when ``userid`` may read students' personal cards and families' contacts; else
    why not: 'group' (not in the group), 'withdrawn', 'expired' or 'missing' (their own
    consent)."""
    user = portal['people']['users'].get(userid) if userid else None
    if user is None or GROUP not in user.groups:
        return 'group'
    registry = consent_registry(portal)
    if registry is None:
        return 'missing'
    state = registry.state('staff', '', userid, 'self', day or datetime.date.today(),
                           scope=CLEARANCE_SCOPE)
    return None if state == 'valid' else state


def leave_group(portal, login, reason):
    """``login`` out of the group (audited, with the reason); False if not in it."""
    user = portal['people']['users'].get(login)
    if user is None or GROUP not in user.groups:
        return False
    user.groups = tuple(g for g in user.groups if g != GROUP)
    record(user, 'personal-data-clearance-ended', {'user': login, 'group': GROUP,
                                                   'reason': reason})
    return True


def lapsed_clearances(portal, log=None, settings=None):
    """Housekeeping (the daily ``maintenance`` job): members of the group whose own consent
    has expired or was withdrawn leave it. (One never registered keeps the membership the
    administrator gave, and is refused at the card until it is registered.)"""
    group = portal['people']['groups'].get(GROUP)
    registry = consent_registry(portal)
    if group is None or registry is None:
        return ''
    left = []
    for user in group.members():
        reason = clearance(portal, user.__name__)
        if reason in ('expired', 'withdrawn') and leave_group(portal, user.__name__, reason):
            left.append(user.__name__)
    if log is not None and left:
        log.write('left the group %s (own consent lapsed): %s\n' % (GROUP, ', '.join(left)))
    return 'left the personal-data group: %d' % len(left) if left else ''


# -- what the desk asks ------------------------------------------------------------------------
def family_state(portal, student, guardian, day=None):
    """Whether the registry lets the family of ``student`` have logins through ``guardian``
    (a dict of ``StudentFile.guardians``): 'valid', 'withdrawn', 'expired' or 'missing'."""
    registry = consent_registry(portal)
    if registry is None:
        return 'missing'
    return registry.state('guardian', student.__name__, guardian.get('fullname'), 'child',
                          day or datetime.date.today(), scope=LOGIN_SCOPE)


def desk_registered(portal, student, guardian, source='desk'):
    """The class teacher typed a new consent date on the desk (or an import brought one,
    ``source='import'``): it goes into the registry (for the child, processing and the
    diary), unless a consent of that date is there."""
    registry = make_registry(portal)
    day = guardian.get('consent')
    if not day or not guardian.get('fullname'):
        return None
    for consent in registry.find('guardian', student.__name__, guardian['fullname'], 'child'):
        if consent.date == day:
            return consent
    return register(registry, 'guardian', guardian['fullname'], 'child',
                    ('processing', LOGIN_SCOPE), day, student=student.__name__,
                    source=source)


# -- reports ---------------------------------------------------------------------------------
def people(portal):
    """Everyone a consent is asked of: (kind, student id, person, title, student title) for
    each active staff member and each guardian of a student still at school."""
    for login, user in sorted(portal['people']['users'].items()):
        if user.is_staff() and user.enabled:
            yield 'staff', '', login, user.fullname, ''
    for sid, student in sorted(portal['journal']['students'].items()):
        file = student.diary
        if file is None or file.moved_out:
            continue
        for guardian in file.guardians:
            if guardian.get('fullname'):
                yield 'guardian', sid, guardian['fullname'], guardian['fullname'], \
                    student.fullname


def without_consent(portal, day):
    """Rows {kind, student, person, title, student_title, missing: [covers]}: people lacking
    a valid consent (staff for themselves; guardians for themselves and for the child)."""
    registry = consent_registry(portal)
    rows = []
    for kind, sid, person, title, student_title in people(portal):
        covers = ('self',) if kind == 'staff' else COVERS
        missing = [c for c in covers if registry is None
                   or registry.state(kind, sid, person, c, day) != 'valid']
        if missing:
            rows.append({'kind': kind, 'student': sid, 'person': person, 'title': title,
                         'student_title': student_title, 'missing': missing})
    return rows


def expiring(registry, day):
    """Valid consents whose expiry falls in ``day``'s month, soonest first."""
    first = day.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    found = [c for c in registry.values() if c.withdrawn is None and c.expires is not None
             and first <= c.expires <= last]
    return sorted(found, key=lambda c: (c.expires, c.__name__))


# -- the read-log ----------------------------------------------------------------------------
def log_read(portal, student, what, userid=None):
    """One read of ``student``'s personal data (``what``: 'card' or 'contacts')."""
    registry = consent_registry(portal)
    if registry is None:
        return
    userid = userid or current_actor().userid
    if registry.reads_by_student is None:
        registry.reads_by_student = OOBTree()
        registry.reads_by_time = OOBTree()
    time = now()
    stamp = time.isoformat()
    # the key's tail tells apart reads of one moment (two tabs)
    tail = (userid, what, len(registry.reads_by_student.keys(
        min=(student.__name__, stamp), max=(student.__name__, stamp + '~'))))
    registry.reads_by_student[(student.__name__, stamp) + tail] = True
    registry.reads_by_time[(stamp, student.__name__) + tail] = True


def reads_of(registry, sid, limit=200):
    """The reads of one student's data, newest first: [{time, userid, what}]."""
    if registry is None or registry.reads_by_student is None:
        return []
    keys = list(registry.reads_by_student.keys(min=(sid,), max=(sid, '~')))[-limit:]
    return [{'time': datetime.datetime.fromisoformat(k[1]), 'userid': k[2], 'what': k[3]}
            for k in reversed(keys)]


def all_reads(registry, limit=500):
    """The newest reads of any student's data: [{time, student, userid, what}]."""
    if registry is None or registry.reads_by_time is None:
        return []
    keys = registry.reads_by_time.keys()
    newest = [keys[i] for i in range(len(keys) - 1, max(len(keys) - limit, 0) - 1, -1)]
    return [{'time': datetime.datetime.fromisoformat(k[0]), 'student': k[1],
             'userid': k[2], 'what': k[3]} for k in newest]


def forget_reads_before(registry, cutoff):
    """Forget the reads older than ``cutoff`` (a datetime): the retention of the read-log.
    -> how many were forgotten."""
    if registry is None or registry.reads_by_time is None:
        return 0
    stamp = cutoff.isoformat()
    old = list(registry.reads_by_time.keys(max=(stamp,), excludemax=True))
    for key in old:
        stamp_of, sid, *tail = key
        registry.reads_by_student.pop((sid, stamp_of) + tuple(tail), None)
        del registry.reads_by_time[key]
    return len(old)


def years_before(moment, years):
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:      # 29 February
        return moment.replace(year=moment.year - years, day=28)


def read_log_retention(portal, log=None, settings=None):
    """Housekeeping (the daily ``maintenance`` job): the reads of students' personal data
    older than *Settings*' retention (3 years by default) are forgotten, and how many is
    recorded in the audit log."""
    registry = consent_registry(portal)
    years = portal['settings'].read_log_retention_years
    cutoff = years_before(now(), years)
    forgotten = forget_reads_before(registry, cutoff)
    if forgotten:
        record(registry, 'read-log-pruned', {'forgotten': forgotten, 'years': years,
                                             'before': cutoff.isoformat(timespec='seconds')})
    if log is not None:
        log.write('read-log: %d reads older than %d years forgotten\n' % (forgotten, years))
    return 'reads of personal data forgotten: %d' % forgotten


# -- the old dates ---------------------------------------------------------------------------
def convert_old_dates(portal):
    """Each guardian's consent date of the old family data (``guardians[...]['consent']``)
    as a registry entry for the child (processing and the diary); idempotent. -> number
    made."""
    registry = make_registry(portal)
    made = 0
    for sid, student in sorted(portal['journal']['students'].items()):
        file = student.diary
        if file is None:
            continue
        for guardian in file.guardians:
            day = guardian.get('consent')
            if not isinstance(day, datetime.date) or not guardian.get('fullname'):
                continue
            if any(c.date == day for c in registry.find('guardian', sid,
                                                         guardian['fullname'], 'child')):
                continue
            register(registry, 'guardian', guardian['fullname'], 'child',
                     ('processing', LOGIN_SCOPE), day, student=sid, source='evolve')
            made += 1
    return made


def build_demo_consents(portal):
    """The demo's consent dates in the registry, and the group of the staff authorised to
    process personal data, with the class teacher in it (the administrator keeps it)."""
    convert_old_dates(portal)
    make_group(portal)
    # the demo's class teacher reads her class's cards: in the group, with her consent
    users = portal['people']['users']
    if 'class_teacher' in users and GROUP not in users['class_teacher'].groups:
        users['class_teacher'].groups = tuple(users['class_teacher'].groups) + (GROUP,)
        register(make_registry(portal), 'staff', 'class_teacher', 'self',
                 ('processing', LOGIN_SCOPE), datetime.date.today() - datetime.timedelta(
                     days=60), source='demo')


def make_group(portal):
    groups = portal['people']['groups']
    if GROUP not in groups:
        groups.add(GROUP, create('Group', title='Обработка персональных данных'),
                   send_events=False)
    return groups[GROUP]

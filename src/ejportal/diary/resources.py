"""What the diary keeps about a student beyond the journal: the class teacher's file (address,
documents, parents / legal representatives with their consent), absences recorded by the class
teacher, remarks to the family, and the parents' report subscriptions.

It hangs on the student as ``student.diary`` (a ``StudentFile``, made on first write), so a
student's family data lives next to the family link and the class teacher of one class never
writes an object another class teacher writes.
"""
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping

from ejportal.core.actor import current_actor
from ejportal.core.content import now
from ejportal.core.events import notify
from ejportal.journal.resources import RecordsChanged, Student

RELATIONS = ('mother', 'father', 'guardian', 'other')
FREQUENCIES = ('weekly', 'monthly')


class StudentFile(Persistent):
    """``guardians``: PersistentList of dicts {fullname, relation, phone, email, login,
    consent (the date last typed on the desk, or None: the consent itself is in the registry,
    ``diary/consents.py``), no_pass_note (date or None), email_remarks (bool)};
    ``absences``: PersistentList of dicts {start, end, code, reason, certificate, time, userid};
    ``remarks``: OOBTree (date ISO, seq) -> {text, kind, author, time};
    ``subscriptions``: PersistentMapping parent login -> 'weekly' | 'monthly';
    ``reports_sent``: OOBTree (parent login, report key) -> time sent. ``__parent__`` is
    the student."""
    __parent__ = None
    address = ''
    documents = ''           # e.g. birth certificate / passport series and number
    moved_out = None         # date the student left the school (kept, never deleted)
    student_consent = None   # date the family's consent covers the student's own login

    def __init__(self):
        self.guardians = PersistentList()
        self.absences = PersistentList()
        self.remarks = OOBTree()
        self.subscriptions = PersistentMapping()
        self.reports_sent = OOBTree()

    def guardian_by_login(self, login):
        for guardian in self.guardians:
            if guardian.get('login') == login:
                return guardian
        return None

    def add_remark(self, day, text, kind):
        actor = current_actor()
        seq = 1 + len(list(self.remarks.keys(min=(day.isoformat(), 0),
                                             max=(day.isoformat(), 10 ** 9))))
        key = (day.isoformat(), seq)
        self.remarks[key] = {'text': text, 'kind': kind, 'author': actor.userid,
                             'time': now()}
        self.records_changed()
        return key

    def add_absence(self, absence):
        """Keep an absence (a dict: see the class) the class teacher recorded."""
        self.absences.append(absence)
        self.records_changed()

    def records_changed(self):
        # the diary shows remarks and absences: its student's change counter follows
        if self.__parent__ is not None:
            notify(RecordsChanged(self.__parent__))

    def remarks_between(self, start, end):
        return self.remarks.items(min=(start.isoformat(), 0), max=(end.isoformat(), 10 ** 9))

    def absences_between(self, start, end):
        return [a for a in self.absences if a['start'] <= end and a['end'] >= start]


def student_file(student, create=False):
    """The student's file, made when ``create`` (a write is coming), else maybe None."""
    if student.diary is None and create:
        student.diary = StudentFile()
        student.diary.__parent__ = student
    return student.diary


# -- the family index ------------------------------------------------------------------------
# ``school.family_index``: OOBTree login -> tuple of student ids, for every login in a
# student's family (the student's own and the parents'). Finding a user's children reads one
# key instead of scanning every student. Kept in step by ``index_family`` (the desk calls it
# where it issues logins; object events of a Student whose ``login`` or ``parents`` change
# call it too), built for existing databases by evolve step 4 and for the demo by its
# builder. Readers check ``login in student.family`` again, so a stale id never shows a
# child; access itself never depends on the index (the student's ACL decides).

def family_index(school, create=False):
    if getattr(school, 'family_index', None) is None and create:
        school.family_index = OOBTree()
    return getattr(school, 'family_index', None)


def index_family(student, old_family=()):
    """Bring the index in line with ``student.family`` (``old_family``: the logins it had
    before the change, if known)."""
    school = student.__parent__.__parent__
    index = family_index(school, create=True)
    sid = student.__name__
    family = set(student.family)
    for login in set(old_family) - family:
        ids = index.get(login, ())
        if sid in ids:
            rest = tuple(i for i in ids if i != sid)
            if rest:
                index[login] = rest
            else:
                del index[login]
    for login in family:
        ids = index.get(login, ())
        if sid not in ids:
            index[login] = tuple(sorted(ids + (sid,)))


def rebuild_family_index(school):
    """The whole index from the students' records (idempotent). -> number of logins."""
    index = family_index(school, create=True)
    found = {}
    for sid, student in school['students'].items():
        for login in student.family:
            found.setdefault(login, []).append(sid)
    for login in [l for l in index.keys() if l not in found]:
        del index[login]
    for login, ids in found.items():
        ids = tuple(sorted(ids))
        if index.get(login) != ids:
            index[login] = ids
    return len(found)


def on_student_changed(event):
    """ObjectAdded / ObjectModified of a Student: its family may have changed."""
    student = event.object
    if not isinstance(student, Student) or student.__parent__ is None:
        return
    changes = event.info.get('changes')
    if changes is not None and 'login' not in changes and 'parents' not in changes:
        return
    old = ()
    if changes:
        old_login = changes['login'][0] if 'login' in changes else student.login
        old_parents = changes['parents'][0] if 'parents' in changes else student.parents
        old = tuple(l for l in (old_login,) + tuple(old_parents or ()) if l)
    index_family(student, old)

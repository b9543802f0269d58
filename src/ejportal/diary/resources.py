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

RELATIONS = ('mother', 'father', 'guardian', 'other')
FREQUENCIES = ('weekly', 'monthly')


class StudentFile(Persistent):
    """``guardians``: PersistentList of dicts {fullname, relation, phone, email, login,
    consent (date or None), no_pass_note (date or None), email_remarks (bool)};
    ``absences``: PersistentList of dicts {start, end, code, reason, certificate, time, userid};
    ``remarks``: OOBTree (date ISO, seq) -> {text, kind, author, time};
    ``subscriptions``: PersistentMapping parent login -> 'weekly' | 'monthly';
    ``reports_sent``: OOBTree (parent login, report key) -> time sent."""
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
        return key

    def remarks_between(self, start, end):
        return self.remarks.items(min=(start.isoformat(), 0), max=(end.isoformat(), 10 ** 9))

    def absences_between(self, start, end):
        return [a for a in self.absences if a['start'] <= end and a['end'] >= start]


def student_file(student, create=False):
    """The student's file, made when ``create`` (a write is coming), else maybe None."""
    if student.diary is None and create:
        student.diary = StudentFile()
    return student.diary


def has_consent(guardian):
    """Consent to personal-data processing and the signed note not to pass the login on."""
    return bool(guardian.get('consent')) and bool(guardian.get('no_pass_note'))

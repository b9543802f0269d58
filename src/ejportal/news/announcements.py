"""``/announcements``: announcements to families and staff (step 13 of the roll-out plan:
telling the parents that the electronic journal starts).

An announcement is sent once, to the people its audience held at that moment (a class's
parents, a grade's, all parents, all staff): they are stored with it, so "who has read it"
is asked of a fixed list. Once sent it is a record: no one edits it. Its own ACL names its
author (who sees who has read it) and its recipients (who read it); anyone else is told
nothing of it (404), whatever their role.
"""
from BTrees.OOBTree import OOBTree, OOTreeSet
from pyramid.authorization import DENY_ALL, Allow, Authenticated

from ejportal.core.content import Resource, content_type, now
from ejportal.core.folder import Folder
from ejportal.i18n import _
from ejportal.security import (
    ANNOUNCE_TO_SCHOOL, READ_ANNOUNCEMENTS, SEE_ANNOUNCEMENT_READS, SEND_ANNOUNCEMENTS)

# who writes: a class teacher to the parents of their own class (asked of the class), the
# director and the administrator to anyone
SENDERS = ('role:class_teacher', 'role:director', 'role:admin')
SCHOOL_SENDERS = ('role:director', 'role:admin')


@content_type('Announcements', _('type-Announcements', default='Announcements'))
class Announcements(Folder):
    """Every announcement sent. Everyone logged in reads their own here."""
    title = _('Announcements')
    structural = True
    seeing_permissions = (READ_ANNOUNCEMENTS,)
    __acl__ = [(Allow, Authenticated, READ_ANNOUNCEMENTS)] + [
        (Allow, role, SEND_ANNOUNCEMENTS) for role in SENDERS] + [
        (Allow, role, ANNOUNCE_TO_SCHOOL) for role in SCHOOL_SENDERS]

    # (kind, login, when sent, name): 'to' each recipient, 'from' the author. A parent's
    # start page asks for their own announcements: read from here, only those are loaded,
    # not every announcement the school ever sent.
    inbox = None

    def name_for(self, obj):
        return self.unique_name('announcement-%d' % (len(self) + 1))

    def add(self, name, obj, send_events=True):
        obj = super().add(name, obj, send_events)
        self._file(obj)
        return obj

    def _file(self, announcement):
        if self.inbox is None:
            self.inbox = OOTreeSet()
        when = announcement.created.isoformat()
        name = announcement.__name__
        self.inbox.add(('from', announcement.author, when, name))
        self.inbox.update(('to', login, when, name) for login in announcement.recipients)

    def file_all(self):
        """Build the index of a section made before it (an evolve step)."""
        self.inbox = OOTreeSet()
        for announcement in self.values():
            self._file(announcement)

    def _newest_first(self, kind, userid):
        if not userid or self.inbox is None:
            return []
        keys = self.inbox.keys(min=(kind, userid), max=(kind, userid, '\uffff'))
        return [self[key[3]] for key in reversed(list(keys)) if key[3] in self]

    def received_by(self, userid):
        return self._newest_first('to', userid)

    def sent_by(self, userid):
        return self._newest_first('from', userid)


@content_type('Announcement', _('type-Announcement', default='Announcement'))
class Announcement(Resource):
    seeing_permissions = (READ_ANNOUNCEMENTS,)
    body = ''
    audience = ''          # the key it was sent to: 'class-5a', 'grade-5', 'parents', 'staff'
    audience_title = ''    # as the author chose it, e.g. 'Parents of 5 А'
    author = ''            # login
    author_name = ''       # the name as it was when sent
    recipients = None      # OOTreeSet of logins
    reads = None           # OOBTree login -> when first read
    mailed = 0             # how many got it by e-mail

    def __init__(self, **fields):
        super().__init__(**fields)
        self.recipients = OOTreeSet()
        self.reads = OOBTree()

    def set_recipients(self, logins):
        self.recipients.update(logins)
        self._v_acl = None

    @property
    def __acl__(self):
        acl = getattr(self, '_v_acl', None)
        if acl is None:
            acl = [(Allow, 'user:' + self.author, (READ_ANNOUNCEMENTS, SEE_ANNOUNCEMENT_READS))]
            acl.extend((Allow, 'user:' + login, READ_ANNOUNCEMENTS) for login in self.recipients)
            acl.append(DENY_ALL)
            self._v_acl = acl
        return acl

    def is_recipient(self, userid):
        return bool(userid) and userid in self.recipients

    def is_read(self, userid):
        return userid in self.reads

    def mark_read(self, userid):
        """The first reading of a recipient counts; True if it was unread. Written only
        then: reading again changes nothing."""
        if not self.is_recipient(userid) or userid in self.reads:
            return False
        self.reads[userid] = now()
        return True

    def read_count(self):
        return len(self.reads)

    def recipient_count(self):
        return len(self.recipients)

    def paragraphs(self):
        return [p.strip() for p in (self.body or '').replace('\r\n', '\n').split('\n\n')
                if p.strip()]

    def read_list(self, names):
        """(read, unread): [(login, name, time)] and [(login, name)], by name.
        ``names(login)`` gives a person's name."""
        read = sorted(((login, names(login), self.reads[login]) for login in self.recipients
                       if login in self.reads), key=lambda r: r[1])
        unread = sorted(((login, names(login)) for login in self.recipients
                         if login not in self.reads), key=lambda r: r[1])
        return read, unread

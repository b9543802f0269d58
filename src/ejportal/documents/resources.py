"""The documents section: orders, appendices, roll-out plans, local acts, attachments.

Every document type is ``Versionable`` (one versioning mechanism) and, where it has a life
of its own, ``WorkflowAware`` (one workflow engine, workflows in ``workflows.py``). An
appendix and an attachment live inside their document and share its state and ACL.
"""
import contextvars
import datetime
import re

from BTrees.OOBTree import OOBTree, OOTreeSet
from pyramid.authorization import Deny, Everyone
from persistent import Persistent
from persistent.mapping import PersistentMapping

from ejportal.core.content import Resource, content_type, find_root, now, type_info
from ejportal.core.events import ObjectModified, notify
from ejportal.core.folder import Folder
from ejportal.core.versioning import (
    Versionable, canonical_hash, field_changes, html_to_text,
    update_working_copy)
from ejportal.core.workflow import WorkflowAware, state_acl
from ejportal.documents import schemas
from ejportal.i18n import _
from ejportal.security import ADD_DOCUMENT, VIEW, VIEW_PUBLIC


@content_type('Documents', _('type-Documents', default='Documents'))
class Documents(Folder):
    """``/documents``: every order and local act, and the registration counters."""

    title = _('section-documents', default='Documents')
    structural = True
    counters = None  # OOBTree 'register:year' -> NumberCounter
    # userid -> OOTreeSet of the paths of orders they still have to acknowledge, so a start
    # page reads its own few entries rather than every order the school ever signed
    pending_acknowledgements = None

    def pending_for(self, userid, create=False):
        if self.pending_acknowledgements is None:
            if not create:
                return None
            self.pending_acknowledgements = OOBTree()
        pending = self.pending_acknowledgements.get(userid)
        if pending is None and create:
            pending = self.pending_acknowledgements[userid] = OOTreeSet()
        return pending

    def next_number(self, register, year):
        """The next registration number of ``register`` in ``year``: gap-free and unique.

        One ``NumberCounter`` per register and year, with no conflict resolution: two
        transactions that sign at the same moment both write it, the second gets a
        ConflictError, and pyramid_retry runs its request again with the new value."""
        if self.counters is None:
            self.counters = OOBTree()
        key = '%s:%d' % (register, year)
        counter = self.counters.get(key)
        if counter is None:
            counter = self.counters[key] = NumberCounter()
        return counter.take()

    def set_counter(self, register, year, value):
        """Start a register's numbering after ``value`` (for the paper numbers of a year)."""
        if self.counters is None:
            self.counters = OOBTree()
        key = '%s:%d' % (register, year)
        counter = self.counters.get(key)
        if counter is None:
            counter = self.counters[key] = NumberCounter()
        counter.value = value


class NumberCounter(Persistent):
    """A counter whose concurrent changes conflict (unlike ``BTrees.Length``, which would
    merge two increments into two equal numbers)."""

    value = 0

    def take(self):
        self.value += 1
        return self.value


# -- the shared base --------------------------------------------------------------------

# Set while a workflow transition saves versions (check-in of an amendment, the number
# assigned at signing): its own 'workflow' entry records them, so the audit log must not
# add an 'edit' entry for each. The catalog follows those saves all the same.
AUDITED_BY_TRANSITION = contextvars.ContextVar('documents_audited_by_transition',
                                               default=False)


class Document(Versionable, Folder):
    """A versioned document; holds its attachments (and, for an order, its appendices).

    Its fields are the values of its type's schema (plus ``extra_content``); every change
    goes through ``save_version``. Rich text is sanitised before it is stored."""

    # a document in force is public (its workflow grants ``view_public``): a refusal on it
    # may say so; a draft stays unseen by those who may not view it (``security.may_see``)
    seeing_permissions = (VIEW, VIEW_PUBLIC)
    extra_content = ()      # versioned fields that no form edits (number, date)
    review_state = None     # appendices have no workflow of their own
    workflow_history = None
    signed_version = None   # number of the version that was last signed or approved
    signed_by = None
    signed_at = None
    description = ''

    def content_names(self):
        info = type_info(self.type_name)
        return [node.name for node in info.schema().children] + list(self.extra_content)

    def edit(self, values, comment=''):
        """Save ``values`` (some or all fields) as a new version; the working copy instead
        while an amendment is open. Returns the version or the working copy."""
        content = self.content()
        content.update(self.clean(values))
        if self.working_copy is not None:
            old = dict(self.working_copy)
            working_copy = update_working_copy(self, content)
            changes = {'working_copy.' + name: change
                       for name, change in field_changes(old, dict(working_copy)).items()}
            if changes:
                notify(ObjectModified(self, changes=changes))
            return working_copy
        return self.save_version(content, comment)

    # Whether it is public decides who may see it (and its appendices) on the public site.
    security_fields = ('public',)

    def version_event_info(self):
        # a signing transition writes the one 'workflow' audit entry for its saves
        return {'audited': AUDITED_BY_TRANSITION.get()}

    def searchable_text(self):
        """Plain text of the fields the catalog's full-text index reads."""
        return ' '.join(part for part in self.text_parts() if part)

    def text_parts(self):
        return [self.title] + [html_to_text(getattr(self, name, '') or '')
                               for name in self.rich_text_fields]

    def update(self, values, comment=''):
        """A change of fields, as every door makes it (``EditContent``): a new version, or
        the open amendment's working copy; ``VersionError`` while signed."""
        return self.edit(values, comment=comment)

    def initial_version(self):
        self.save_version(self.clean(self.content()), comment='')

    def fields(self):
        return self.content()

    @property
    def deletable(self):
        """Nothing signed or approved is ever deleted."""
        return not any(v.frozen for v in (self.versions or ()))

    @property
    def last_signed(self):
        if self.signed_version is None:
            return None
        return self.get_version(self.signed_version)

    def integrity_ok(self):
        """Whether the signed version's content still hashes to the stored SHA-256."""
        version = self.last_signed
        if version is None:
            return None
        return canonical_hash(version._content) == version.sha256

    def freeze(self, reason, userid):
        version = self.freeze_current(reason)
        self.signed_version = version.number
        self.signed_by = userid
        self.signed_at = now()
        return version

    def frozen_versions(self):
        return [v for v in (self.versions or ()) if v.frozen]

    def own_date(self):
        """The date the document itself bears (an order's), if any."""
        return None

    def edition_date(self, version):
        """The date an edition is known by: the first signed one by the document's own
        date (an order of 15.08.2012 entered in the portal today is in force in its edition
        of 15.08.2012), a later one (a signed amendment) by the day it was signed."""
        frozen = self.frozen_versions()
        own = self.own_date()
        if own is not None and frozen and version.number == frozen[0].number:
            return own
        return version.time.date() if version.time else None

    def attachments(self):
        return [obj for obj in self.values() if obj.type_name == 'Attachment']

    def public_attachments(self):
        """The files that were on the document when it was last signed or approved: those
        the public site may serve (a file added to an amendment waits for its signing)."""
        if self.signed_at is None:
            return []
        return [obj for obj in self.attachments()
                if obj.created is not None and obj.created <= self.signed_at]

    def api_extra(self):
        return {'version': self.current_version.number if self.current_version else None,
                'signed_version': self.signed_version,
                'signed_sha256': self.last_signed.sha256 if self.last_signed else None,
                'integrity_ok': self.integrity_ok(),
                'checked_out': self.working_copy is not None}


# -- acknowledgement sheet ---------------------------------------------------------------

class AcknowledgementSheet(Persistent):
    """Who must acknowledge each signed version, and who did.

    ``due`` maps a version number to the user ids who must acknowledge it (fixed when that
    version is signed); ``entries`` maps (version, userid) to what was recorded. Entries of
    earlier versions stay as history."""

    def __init__(self):
        self.due = PersistentMapping()
        self.entries = OOBTree()

    def open(self, version_number, userids):
        self.due[version_number] = tuple(sorted(set(userids)))

    def current_version(self):
        return max(self.due) if self.due else None

    def must_acknowledge(self, userid, version_number=None):
        version_number = version_number or self.current_version()
        if version_number is None:
            return False
        return (userid in self.due.get(version_number, ())
                and (version_number, userid) not in self.entries)

    def record(self, version, userid, fullname, position, address):
        entry = {'userid': userid, 'fullname': fullname, 'position': position,
                 'time': now(), 'address': address, 'version': version.number,
                 'sha256': version.sha256}
        self.entries[(version.number, userid)] = entry
        return entry

    def rows(self, version_number=None):
        """(userid, entry or None) for each person due on ``version_number``."""
        version_number = version_number or self.current_version()
        if version_number is None:
            return []
        return [(userid, self.entries.get((version_number, userid)))
                for userid in self.due.get(version_number, ())]

    def history(self):
        return [entry for entry in self.entries.values()]


def resolve_principals(portal, principals):
    """The enabled users named by 'user:x', 'group:g' and 'role:r' principals."""
    if 'people' not in portal:  # a documents folder outside a portal (unit tests)
        return set()
    users = portal['people']['users']
    found = set()
    for principal in principals or ():
        kind, _sep, name = principal.partition(':')
        if kind == 'user' and name in users and users[name].enabled:
            found.add(name)
        elif kind == 'group':
            found.update(u.__name__ for u in users.values() if u.enabled and name in u.groups)
        elif kind == 'role':
            found.update(u.__name__ for u in users.values() if u.enabled and name in u.roles)
    return found


# -- orders ---------------------------------------------------------------------------

class PublishedByWorkflow(WorkflowAware):
    """A document whose state decides who sees it, and which reaches the public site only
    where its ``public`` flag allows."""

    public = False

    @property
    def __acl__(self):
        acl = state_acl(self)
        if not self.public:
            acl = [(Deny, Everyone, VIEW_PUBLIC)] + acl
        return acl


@content_type('Order', _('type-Order', default='Order'), schema=schemas.OrderFields,
              add_permission=ADD_DOCUMENT, addable_to=('Documents',))
class Order(PublishedByWorkflow, Document):
    """Приказ: number and date come at signing, per register per calendar year."""

    register = 'od'
    title = ''
    preamble = ''
    clauses = ()
    signatory = ''
    acknowledge_by = ()
    public = False
    number = None
    date = None
    extra_content = ('number', 'date')
    sheet = None  # AcknowledgementSheet, made at the first signing

    @property
    def reference(self):
        """№ 181 по о.д. от 15.08.2012 (empty while unsigned)."""
        if self.number is None:
            return ''
        return '№ %s от %s' % (self.number, self.date.strftime('%d.%m.%Y'))

    def own_date(self):
        return self.date

    def appendices(self):
        return sorted((obj for obj in self.values() if isinstance(obj, Appendix)),
                      key=lambda a: a.number)

    def text_parts(self):
        parts = [self.title, self.reference, self.preamble, self.signatory]
        for clause in self.clauses or ():
            parts += [clause.get('text'), clause.get('responsible')]
        return [p for p in parts if isinstance(p, str)]

    def next_appendix_number(self):
        return max([a.number for a in self.appendices()] or [0]) + 1

    def name_for(self, obj):
        if isinstance(obj, Appendix):
            return self.unique_name('appendix-%d' % self.next_appendix_number())
        return super().name_for(obj)

    def add(self, name, obj, send_events=True):
        # an appendix is numbered after the last one, whichever door adds it
        if isinstance(obj, Appendix) and not obj.number:
            obj.number = self.next_appendix_number()
        return super().add(name, obj, send_events)

    def assign_number(self, today=None):
        """Number and date at signing (a preset date, as the demo's paper order has, is
        kept). Numbers are never re-assigned: an amendment keeps its order's number."""
        if self.number is not None:
            return self.number
        date = self.date or today or datetime.date.today()
        documents = self.__parent__
        self.number = documents.next_number(self.register, date.year)
        self.date = date
        return self.number

    def api_extra(self):
        data = super().api_extra()
        data['reference'] = self.reference
        return data


def _appendix_number(obj):
    return obj.number


@content_type('Appendix', _('type-Appendix', default='Appendix'), schema=schemas.AppendixFields,
              add_permission=ADD_DOCUMENT, addable_to=('Order',))
class Appendix(Document):
    """Приложение к приказу: takes its number's date and reference from its order. It has
    no workflow of its own: it shares its order's state, and is frozen with it."""

    title = ''
    body = ''
    kind = 'text'      # 'text', 'table' (rich text holding a table) or 'file' (its files)
    number = 0
    rich_text_fields = ('body',)

    @property
    def order(self):
        return self.__parent__

    @property
    def date(self):
        """The order's date (the catalog's ``date`` of an appendix)."""
        return getattr(self.order, 'date', None)

    @property
    def heading(self):
        order = self.order
        ref = order.reference if order is not None else ''
        return 'Приложение %d к приказу %s' % (self.number, ref) if ref else \
            'Приложение %d' % self.number


STEP_DONE, STEP_PLANNED, STEP_OVERDUE = 'done', 'planned', 'overdue'
STEP_NOT_DONE = 'not-done'   # a step of an archived plan that was never marked
STEP_STATUS_TITLES = {
    STEP_DONE: _('step-done', default='done'),
    STEP_PLANNED: _('step-planned', default='planned'),
    STEP_OVERDUE: _('step-overdue', default='overdue'),
    STEP_NOT_DONE: _('step-not-done', default='not done (archived plan)'),
}
REPEAT_TITLES = dict(schemas.REPEAT_CHOICES)
ROMAN = {1: 'I', 2: 'II', 3: 'III', 4: 'IV'}


def occurrence_title(key):
    """'2013-Q3' as 'III квартал 2013' (a school year's key '2012-2013' stays as it is)."""
    if key and '-Q' in key:
        year, quarter = key.split('-Q')
        return _('quarter-of-year', default='quarter ${quarter} of ${year}',
                 mapping={'quarter': ROMAN[int(quarter)], 'year': year})
    return key or ''
_MONTH = re.compile(r'^(\d{4})-(\d{2})$')
_SCHOOL_YEAR = re.compile(r'^(\d{4})-(\d{4})$')


def deadline_end(deadline):
    """The last day of a deadline given as 'YYYY-MM-DD' or 'YYYY-MM' (None if none)."""
    if not deadline:
        return None
    match = _MONTH.match(deadline)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        first_next = datetime.date(year + month // 12, month % 12 + 1, 1)
        return first_next - datetime.timedelta(days=1)
    return datetime.date.fromisoformat(deadline)


def school_year_start(day):
    """The calendar year a school year begins in (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def period_of(repeat, day):
    """(key, first day, last day) of the occurrence of a repeating step that ``day`` is in:
    the school year (September to August) or the calendar quarter."""
    if repeat == 'year':
        start = school_year_start(day)
        return ('%d-%d' % (start, start + 1), datetime.date(start, 9, 1),
                datetime.date(start + 1, 8, 31))
    quarter = (day.month - 1) // 3 + 1
    first = datetime.date(day.year, 3 * quarter - 2, 1)
    return ('%d-Q%d' % (day.year, quarter), first,
            deadline_end('%d-%02d' % (day.year, 3 * quarter)))


def previous_period(repeat, day):
    """The occurrence before the one ``day`` is in."""
    _key, first, _last = period_of(repeat, day)
    return period_of(repeat, first - datetime.timedelta(days=1))


class PlanStep:
    """One step of a roll-out plan as read from the plan's current version (a view of a
    plain dict, so that steps are versioned with their plan) plus its computed status.

    A step that repeats (``repeat``: 'year' or 'quarter', in a quarter plan limited to
    ``quarters``) is marked per occurrence: marked for this quarter it is done, and it comes
    back, planned, in the next; the occurrence before left unmarked makes it overdue."""

    def __init__(self, plan, data):
        self.plan = plan
        self.number = data.get('number')
        self.content = data.get('content', '')
        self.responsible = tuple(data.get('responsible') or ())
        self.responsible_text = data.get('responsible_text', '')
        self.deadline = data.get('deadline') or ''
        self.deadline_text = data.get('deadline_text', '')
        self.how = data.get('how', '')
        self.repeat = data.get('repeat') or ''
        self.quarters = tuple(data.get('quarters') or ())

    def on_day(self, today=None):
        """The day the plan is read on: an archived plan is read as on its last day."""
        today = today or datetime.date.today()
        end = self.plan.ends()
        return min(today, end) if end is not None else today

    def occurrence(self, today=None):
        """The key under which a mark made on ``today`` is kept (None: a one-off step)."""
        if not self.repeat:
            return None
        day = self.on_day(today)
        if self.repeat == 'quarter' and self.quarters:
            # the quarter the step is due in next (or the one it is in)
            for _i in range(4):
                key, first, last = period_of('quarter', day)
                if int(key[-1]) in self.quarters:
                    return key
                day = last + datetime.timedelta(days=1)
        return period_of(self.repeat, day)[0]

    def previous_due(self, today=None):
        """(key, last day) of the last occurrence that ended before ``today`` within the
        plan's life, or None."""
        if not self.repeat:
            return None
        day = self.on_day(today)
        begins = self.plan.begins()
        for _i in range(5):
            key, first, last = previous_period(self.repeat, day)
            if begins is not None and last < begins:
                return None
            if self.repeat != 'quarter' or not self.quarters or int(key[-1]) in self.quarters:
                return key, last
            day = first
        return None

    def mark(self, today=None):
        marks = self.plan.done_steps
        if not marks:
            return None
        if not self.repeat:
            return marks.get(self.number)
        return marks.get((self.number, self.occurrence(today)))

    @property
    def done(self):
        return self.mark()

    def marks(self):
        """Every mark of the step, its occurrences' in order."""
        found = []
        for key, mark in (self.plan.done_steps or {}).items():
            if key == self.number or (isinstance(key, tuple) and key[0] == self.number):
                found.append(dict(mark, occurrence=key[1] if isinstance(key, tuple) else None))
        return sorted(found, key=lambda m: m['occurrence'] or '')

    def due(self, today=None):
        """The last day of the step's deadline (of this occurrence, if it repeats)."""
        if not self.repeat:
            return deadline_end(self.deadline)
        key = self.occurrence(today)
        if self.repeat == 'year':
            start = int(key[:4])
            return datetime.date(start + 1, 8, 31)
        year, quarter = int(key[:4]), int(key[-1])
        return deadline_end('%d-%02d' % (year, 3 * quarter))

    def status(self, today=None):
        today = today or datetime.date.today()
        if self.mark(today):
            return STEP_DONE
        if self.plan.archived(today):
            if self.repeat and self.marks():
                return STEP_DONE
            return STEP_NOT_DONE
        if self.repeat:
            previous = self.previous_due(today)
            if previous is not None and not (self.plan.done_steps or {}).get(
                    (self.number, previous[0])):
                return STEP_OVERDUE
            return STEP_PLANNED
        end = deadline_end(self.deadline)
        if end is not None and end < today:
            return STEP_OVERDUE
        return STEP_PLANNED

    def is_responsible(self, principals):
        return bool(set(self.responsible) & set(principals))

    def people(self):
        """The enabled users the step is assigned to (by login, group or role)."""
        return sorted(resolve_principals(find_root(self.plan), self.responsible))

    def as_data(self, today=None):
        """The step with its status, for the API and the reminders."""
        due = self.due(today)
        return {'number': self.number, 'content': self.content,
                'responsible': list(self.responsible), 'responsible_text': self.responsible_text,
                'people': self.people(), 'deadline': self.deadline,
                'deadline_text': self.deadline_text, 'how': self.how, 'repeat': self.repeat,
                'quarters': list(self.quarters), 'occurrence': self.occurrence(today),
                'due': due.isoformat() if due else None, 'status': self.status(today),
                'done': self.mark(today), 'marks': self.marks()}


@content_type('RolloutPlan', _('type-RolloutPlan', default='Roll-out plan'),
              schema=schemas.RolloutPlanFields, add_permission=ADD_DOCUMENT,
              addable_to=('Order',))
class RolloutPlan(Appendix):
    """Технологическая карта: an appendix whose content is a table of steps. Marking a
    step done is not an edit of the plan: it is kept beside the versions.

    A plan covers one school year (``school_year`` '2012-2013'; if not given, the year of
    its last dated deadline): once that year is over it is archived, read as on its last
    day, and nothing in it is overdue any more. A plan with neither is a standing one."""

    steps = ()
    school_year = ''
    # step number (a one-off step) or (number, occurrence) -> {'userid', 'time', 'note',
    # 'evidence': [paths]}
    done_steps = None
    reminded = None    # step number -> the ISO day its people were last e-mailed
    rich_text_fields = ()

    def plan_steps(self):
        return [PlanStep(self, data) for data in self.steps or ()]

    def text_parts(self):
        parts = [self.title]
        for step in self.steps or ():
            parts += [step.get('content'), step.get('responsible_text'),
                      step.get('deadline_text'), step.get('how')]
        return [p for p in parts if isinstance(p, str)]

    def step(self, number):
        for step in self.plan_steps():
            if step.number == number:
                return step
        raise KeyError(number)

    def begins(self):
        """The first day of the plan's life (its order's date, else its own making)."""
        date = getattr(self.__parent__, 'date', None)
        if date is None and self.created is not None:
            date = self.created.date()
        return date

    def ends(self):
        """The last day of the school year the plan covers (None: a standing plan)."""
        match = _SCHOOL_YEAR.match(self.school_year or '')
        if match:
            return datetime.date(int(match.group(2)), 8, 31)
        ends = [deadline_end(s.get('deadline')) for s in self.steps or ()
                if s.get('deadline')]
        if not ends:
            return None
        return datetime.date(school_year_start(max(ends)) + 1, 8, 31)

    def archived(self, today=None):
        end = self.ends()
        return end is not None and end < (today or datetime.date.today())

    def mark_done(self, number, userid, note='', evidence=(), today=None):
        step = self.step(number)
        if self.done_steps is None:
            self.done_steps = PersistentMapping()
        key = number if not step.repeat else (number, step.occurrence(today))
        self.done_steps[key] = {'userid': userid, 'time': now(), 'note': note,
                                'evidence': list(evidence)}
        return key

    def reopen(self, number, today=None):
        step = self.step(number)
        key = number if not step.repeat else (number, step.occurrence(today))
        if self.done_steps and key in self.done_steps:
            del self.done_steps[key]
        return key

    def api_extra(self):
        data = super().api_extra()
        data['archived'] = self.archived()
        data['steps'] = [step.as_data() for step in self.plan_steps()]
        return data


# -- local acts -------------------------------------------------------------------------

@content_type('Regulation', _('type-Regulation', default='Local act'),
              schema=schemas.RegulationFields, add_permission=ADD_DOCUMENT,
              addable_to=('Documents',))
class Regulation(PublishedByWorkflow, Document):
    """Локальный акт: approved by a signed order, then published on the school site."""

    kind = 'polozhenie'
    title = ''
    body = ''
    effective_date = None
    approved_by = ''   # the name of the approving order in /documents
    public = True
    rich_text_fields = ('body',)

    def own_date(self):
        return self.effective_date

    @property
    def date(self):
        """The date a register of local acts files it under: in force from, else approved,
        else drafted (the catalog's ``date``)."""
        if self.effective_date is not None:
            return self.effective_date
        if self.signed_at is not None:
            return self.signed_at.date()
        return self.created.date() if self.created else None

    @property
    def approving_order(self):
        if not self.approved_by or self.__parent__ is None:
            return None
        order = self.__parent__.get(self.approved_by)
        return order if isinstance(order, Order) else None


# -- attachments -------------------------------------------------------------------------

@content_type('Attachment', _('type-Attachment', default='Attachment'))
class Attachment(Resource):
    """A file on a document: kept as a ZODB blob, its type found from its content."""

    seeing_permissions = (VIEW, VIEW_PUBLIC)    # public with its document (``Document``)
    filename = ''
    content_type = 'application/octet-stream'
    size = 0
    blob = None

    @property
    def deletable(self):
        """The files of a signed or approved version stay with it."""
        document = self.__parent__
        version = getattr(document, 'current_version', None)
        return version is None or not version.frozen

    @property
    def title(self):
        return self.filename

    def open(self):
        return self.blob.open('r')


def documents_of(portal):
    return portal['documents']


def portal_of(resource):
    return find_root(resource)

"""Frozen editions of the paper journal: what closing a period leaves behind.

Closing a period (or the year) renders every class's paper journal of it and keeps the PDF
as an edition: the file as a blob, its SHA-256, who closed and when, and until when it is
kept (class journals and summary pages have different retention, set under *Settings*).
The director signs an edition off (a transition of ``EDITION_WORKFLOW``). An approved
correction of a closed period makes a new edition beside the old ones: an edition is never
rewritten, so the hash a director signed stays true of the file.

Editions of a class live in its ``paper`` folder, named ``<period>-<kind>-<n>``.
"""
import hashlib

import colander
from ZODB.blob import Blob

from ejportal.core.actions import Action
from ejportal.core.audit import record
from ejportal.core.content import Resource, content_type, create, now
from ejportal.core.errors import Conflict, Invalid
from ejportal.core.folder import Folder
from ejportal.core.workflow import State, Transition, Workflow, WorkflowAware
from ejportal.i18n import _
from ejportal.journal.resources import SchoolClass
from ejportal.security import APPROVE_CORRECTION, SIGN_ORDER

YEAR = 'year'   # the "period" of a whole year's edition
# kind -> the Settings field holding its retention in years, and its default
KINDS = {'journal': ('journal_retention_years', 5),
         'summary': ('summary_retention_years', 25)}

EDITION_WORKFLOW = Workflow(
    'paper-edition',
    states=(
        State('frozen', _('edition-state-frozen', default='frozen, awaiting signature')),
        State('signed', _('edition-state-signed', default='signed')),
    ),
    transitions=(
        Transition('sign', _('edition-sign', default='Sign the edition'), ('frozen',),
                   'signed', SIGN_ORDER),
    ),
    initial='frozen')


@content_type('PaperEditions', _('type-PaperEditions', default='Paper journal editions'))
class PaperEditions(Folder):
    title = _('Paper journal editions')
    structural = True


@content_type('PaperEdition', _('type-PaperEdition', default='Paper journal edition'))
class PaperEdition(WorkflowAware, Resource):
    """One frozen PDF. ``period``: a period id or ``YEAR``; ``kind``: 'journal' (the whole
    paper journal) or 'summary' (the summary of marks and attendance); ``edition``: 1, 2...
    per class, period and kind; ``reason``: why it was made (closing, a correction)."""
    deletable = False
    period = ''
    period_title = ''
    kind = 'journal'
    edition = 1
    reason = ''
    sha256 = ''
    size = 0
    retain_until = None
    blob = None

    @property
    def title(self):
        return '%s, %s' % (self.period_title, self.kind)

    @property
    def signed_by(self):
        for entry in reversed(self.workflow_history or ()):
            if entry['transition'] == 'sign':
                return entry['userid']
        return None

    def pdf(self):
        with self.blob.open('r') as f:
            return f.read()


def editions_folder(school_class, create_missing=False):
    folder = school_class.get('paper')
    if folder is None and create_missing:
        folder = school_class.add('paper', create('PaperEditions'), send_events=False)
    return folder


def editions_of(school_class):
    folder = editions_folder(school_class)
    return sorted(folder.values(), key=lambda e: (e.created, e.__name__)) if folder else []


def periods_of(school_class, period_id):
    """The periods an edition of ``period_id`` covers in the class's grade: one, or all of
    the year's for ``YEAR``. None when the class's grade has no such period."""
    year = school_class.year
    if period_id == YEAR:
        periods = list(year.periods_for(school_class.grade))
        return periods or None
    period = year.period(period_id, school_class.grade)
    return [period] if period is not None else None


def freeze(school_class, period_id, render, settings, reason='close'):
    """New editions (one per kind) of the class's paper journal for ``period_id``.
    ``render(school_class, periods, with_year, summary_only)`` gives the PDF bytes."""
    periods = periods_of(school_class, period_id)
    if periods is None:
        return []
    folder = editions_folder(school_class, create_missing=True)
    made = []
    today = now().date()
    for kind, (setting, default) in KINDS.items():
        pdf = render(school_class, periods, period_id == YEAR, kind == 'summary')
        number = 1 + sum(1 for e in folder.values()
                         if e.period == period_id and e.kind == kind)
        blob = Blob()
        with blob.open('w') as out:
            out.write(pdf)
        years = getattr(settings, setting, default) or default
        edition = create(
            'PaperEdition', period=period_id, kind=kind, edition=number, reason=reason,
            period_title=(school_class.year.title if period_id == YEAR
                          else periods[0].title),
            sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf), blob=blob,
            retain_until=_years_after(today, years))
        folder.add('%s-%s-%d' % (period_id, kind, number), edition, send_events=False)
        record(edition, 'edition-made', {'period': period_id, 'kind': kind,
                                         'edition': number, 'sha256': edition.sha256,
                                         'reason': reason})
        made.append(edition)
    return made


def _years_after(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:           # 29 February
        return day.replace(year=day.year + years, day=28)


class ClosePeriodSchema(colander.MappingSchema):
    period = colander.SchemaNode(colander.String(), title=_('Period'),
                                 validator=colander.Length(1, 20))


class ClosePeriod(Action):
    """Close a period of the year (or, with ``YEAR``, the year) and freeze the paper
    journal of every class that has it. ``render`` is the PDF renderer (the door's)."""
    schema = ClosePeriodSchema
    permission = APPROVE_CORRECTION

    def __init__(self, context, request=None, render=None, settings=None):
        super().__init__(context, request)
        self.render = render
        self.settings = settings

    def check(self, appstruct):
        year = self.context
        period_id = appstruct['period']
        known = {p.id for p in year.all_periods()} | {YEAR}
        if period_id not in known:
            message = _('edition-no-period', mapping={'period': period_id},
                        default='This year has no period "${period}".')
            raise Invalid(message, {'period': message})
        if year.is_closed(period_id):
            message = _('edition-closed-already', default='This period is closed already.')
            raise Conflict(message, {'period': message})

    def perform(self, appstruct):
        year, period_id = self.context, appstruct['period']
        year.close_period(period_id)
        made = []
        for school_class in year['classes'].values():
            if isinstance(school_class, SchoolClass):
                made.extend(freeze(school_class, period_id, self.render, self.settings))
        return made


def refreeze_after_correction(journal, day, render, settings):
    """An approved correction changed ``journal`` on ``day`` of a closed period: a new
    edition of its class's paper journal for that period, and for the year if the year was
    frozen too."""
    school_class = journal.school_class
    folder = editions_folder(school_class)
    if folder is None:
        return []
    period = journal.period_of(day)
    frozen = {e.period for e in folder.values()}
    made = []
    for period_id in ((period.id,) if period is not None else ()) + (YEAR,):
        if period_id in frozen:
            made.extend(freeze(school_class, period_id, render, settings,
                               reason='correction'))
    return made

"""A check is a record (справка): a deputy's (or the director's) remark on how a journal is
kept, addressed to its teacher, who answers and marks it fixed; the deputy closes it, or
reopens it when the fix falls short. Each step is a transition of ``CHECK_WORKFLOW`` on the
one workflow engine, so ``@workflow`` serves it as it serves documents; the transition's
event writes the audit entry and tells the other side (start-page notice and e-mail).

Checks live in the school's ``checks`` folder (``/journal/checks/<n>``), made with the
first one; each names its journal by path and keeps the teacher it was written to, who
reads and answers it there whatever becomes of the journal's assignment later."""
import colander
from pyramid.authorization import Allow, Deny, Everyone
from pyramid.threadlocal import get_current_request

from ejportal.core.actions import Action
from ejportal.core.actor import Actor, acting_as
from ejportal.core.audit import record
from ejportal.core.content import Resource, content_type, create, find_root, item_at, resource_path
from ejportal.core.errors import Conflict
from ejportal.core.folder import Folder
from ejportal.core.mail import send
from ejportal.core.workflow import State, Transition, Workflow, WorkflowAware, state_acl
from ejportal.i18n import _
from ejportal.journal.actions import refuse
from ejportal.security import (
    ADD, ANSWER_CHECK, COMMENT_JOURNAL, DELETE, EDIT, MANAGE_SHARING, VIEW)
from ejportal.site.resources import get_portal

# The checks' readers and writers: who holds COMMENT_JOURNAL school-wide.
CHECKERS = ('director', 'deputy')
RECORD_ONLY = (ADD, EDIT, DELETE, MANAGE_SHARING)

CHECK_WORKFLOW = Workflow(
    'journal-check',
    states=(
        State('open', _('check-state-open', default='open')),
        State('fixed', _('check-state-fixed', default='fixed, awaiting the deputy')),
        State('closed', _('check-state-closed', default='closed')),
    ),
    transitions=(
        Transition('fix', _('check-fix', default='Answer: fixed'), ('open',), 'fixed',
                   ANSWER_CHECK),
        Transition('close', _('check-close', default='Close the check'), ('fixed',),
                   'closed', COMMENT_JOURNAL),
        Transition('reopen', _('check-reopen', default='Reopen: not fixed'), ('fixed',),
                   'open', COMMENT_JOURNAL),
    ),
    initial='open')


@content_type('JournalChecks', _('type-JournalChecks', default='Journal checks'))
class JournalChecks(Folder):
    title = _('Journal checks')
    structural = True
    # a check opens to its own teacher (its ACL, read before this one); the folder only
    # to those who write checks. Checks are records: made by ``WriteCheck`` and moved by
    # their workflow only, never edited, added, removed or shared through the generic doors.
    __acl__ = [(Allow, 'role:' + role, VIEW) for role in CHECKERS] + [
        (Deny, Everyone, (VIEW,) + RECORD_ONLY)]


@content_type('JournalCheck', _('type-JournalCheck', default='Journal check'))
class JournalCheck(WorkflowAware, Resource):
    """``journal``: the journal's path; ``teacher``: the login it is written to;
    ``text``: the remark; ``number``: its number in the school. The answers and decisions
    are the comments of its ``workflow_history``."""
    deletable = False
    number = 0
    journal = ''
    journal_title = ''
    teacher = ''
    text = ''
    period = ''

    @property
    def title(self):
        return '№ %d: %s' % (self.number, self.journal_title)

    @property
    def __acl__(self):
        return state_acl(self) + [
            (Allow, 'user:' + self.teacher, (VIEW, ANSWER_CHECK)),
            *[(Allow, 'role:' + role, (VIEW, COMMENT_JOURNAL)) for role in CHECKERS],
            (Deny, Everyone, (VIEW, ANSWER_CHECK, COMMENT_JOURNAL) + RECORD_ONLY)]

    def journal_object(self):
        return item_at(find_root(self), self.journal)

    def answers(self):
        """The steps after the remark, oldest first: {transition, userid, time, comment}."""
        return [h for h in (self.workflow_history or ())[1:]]


def checks_folder(school, create_missing=False):
    folder = school.get('checks')
    if folder is None and create_missing:
        folder = school.add('checks', create('JournalChecks'), send_events=False)
    return folder


def checks_of(school, journal=None):
    """The school's checks, newest first; or one journal's."""
    folder = checks_folder(school)
    if folder is None:
        return []
    path = resource_path(journal) if journal is not None else None
    found = [c for c in folder.values() if isinstance(c, JournalCheck)
             and (path is None or c.journal == path)]
    return sorted(found, key=lambda c: c.number, reverse=True)


class CheckSchema(colander.MappingSchema):
    text = colander.SchemaNode(colander.String(), title=_('Remark'),
                               validator=colander.Length(1, 4000))
    period = colander.SchemaNode(colander.String(), title=_('Period'), missing='',
                                 validator=colander.Length(0, 20))


class WriteCheck(Action):
    """A deputy's remark on a journal, to its teacher: a new check, open. Returns it."""
    schema = CheckSchema
    permission = COMMENT_JOURNAL

    def check(self, appstruct):
        if not appstruct['text'].strip():
            message = _('Write the remark.')
            raise refuse(message, 'text')
        if not self.context.teacher:
            message = _('check-no-teacher',
                        default='The journal has no teacher to write the check to.')
            raise Conflict(message, {'text': message})
        if appstruct['period'] and self.context.period(appstruct['period']) is None:
            message = _('No such period.')
            raise refuse(message, 'period')

    def perform(self, appstruct):
        check = write_check(self.context, appstruct['text'].strip(), appstruct['period'])
        tell(check, check.teacher, _('check-new', mapping={
            'journal': check.journal_title, 'text': check.text[:200]},
            default='A check of your journal ${journal}: ${text}'), self.request)
        return check


def write_check(journal, text, period=''):
    """A new open check of ``journal`` to its teacher, audited (the action's change)."""
    folder = checks_folder(journal.school, create_missing=True)
    number = max([c.number for c in folder.values()] or [0]) + 1
    check = create('JournalCheck', number=number, journal=resource_path(journal),
                   journal_title='%s, %s' % (journal.school_class.title, journal.title),
                   teacher=journal.teacher, text=text, period=period)
    folder.add(str(number), check, send_events=False)
    record(journal, 'check-open', {'check': number, 'teacher': check.teacher, 'text': text})
    return check


def build_demo_checks(portal):
    """The demo school's first check: the deputy's remark on 5 А's mathematics, open."""
    school = portal['journal']
    year = school.current_year()
    school_class = year['classes'].get('5a') if year is not None else None
    journal = school_class['journals'].get('math') if school_class is not None else None
    if journal is None or not journal.teacher:
        return
    with acting_as(Actor(userid='deputy')):
        write_check(journal, 'Проверьте запись домашних заданий: на части уроков '
                             'задание не записано.')



def tell(check, userid, text, request=None):
    """A start-page notice and an e-mail to ``userid`` about ``check``."""
    if not userid:
        return
    user = find_root(check)['people']['users'].get(userid)
    if user is None:
        return
    user.add_notice(text, kind='check')
    request = request or get_current_request()
    if request is not None and user.email:
        body = _('check-mail', default='${text}\n\n${url}',
                 mapping={'text': request.localizer.translate(text),
                          'url': request.resource_url(check)})
        send(request, [user.email], _('check-mail-subject', default='A check of your journal'),
             body)


def on_check_transitioned(event):
    """Audit the step (whichever door took it) and tell the other side."""
    check = event.object
    if not isinstance(check, JournalCheck):
        return
    transition, comment = event.info['transition'], event.info.get('comment', '')
    record(check, 'check-' + transition, {'check': check.number, 'journal': check.journal,
                                           'state': event.info['new_state'],
                                           'comment': comment})
    mapping = {'number': check.number, 'journal': check.journal_title}
    if transition == 'fix':
        tell(check, check.creator, _(
            'check-fixed', mapping=mapping,
            default='Check № ${number} (${journal}) is answered as fixed.'))
    elif transition == 'reopen':
        tell(check, check.teacher, _(
            'check-reopened', mapping=mapping,
            default='Check № ${number} (${journal}) is reopened: not fixed yet.'))


def checks_panel(request):
    """The start page: checks waiting for the user — open ones written to them (a
    teacher), answered ones they wrote (a deputy)."""
    user = request.user
    if user is None or not user.is_staff():
        return None
    portal_school = get_portal(request).get('journal')
    if portal_school is None:
        return None
    login = user.__name__
    mine = [c for c in checks_of(portal_school) if login in (c.teacher, c.creator)]
    if not mine:
        return None
    waiting = [c for c in mine if (c.teacher == login and c.review_state == 'open')
               or (c.creator == login and c.review_state == 'fixed')]
    return {'title': _('Journal checks'),
            'items': [{'title': '%s — %s' % (c.title, c.text[:80]),
                       'url': request.resource_url(c),
                       'note': request.localizer.translate(
                           CHECK_WORKFLOW.states[c.review_state].title)}
                      for c in waiting],
            'empty': _('No checks waiting for you.')}

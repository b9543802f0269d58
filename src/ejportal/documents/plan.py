"""The roll-out plan as a living checklist: marking a step (one action for the page's button
and ``POST <plan>/@step/<number>``), the evidence links, and the e-mail to the people of
overdue steps (``plan_reminders``, for the scheduled jobs and ``ejportal-admin
plan-reminders``)."""
import datetime

from persistent.mapping import PersistentMapping
from pyramid.threadlocal import get_current_registry
from pyramid.traversal import find_resource
from pyramid_mailer import get_mailer
from pyramid_mailer.message import Message

from ejportal.core.actions import Action
from ejportal.core.audit import record
from ejportal.core.content import find_root, resource_path
from ejportal.core.errors import Conflict, Forbidden, NotFound
from ejportal.documents.acknowledgement import school_localizer
from ejportal.documents.resources import STEP_OVERDUE, Order, RolloutPlan
from ejportal.documents.schemas import MarkStepSchema
from ejportal.i18n import _
from ejportal.security import VIEW


def user_principals(user):
    return (['user:' + user.__name__] + ['group:' + g for g in user.groups]
            + ['role:' + r for r in user.roles])


def may_mark(plan, step, user):
    """Only the people a step is assigned to (by login, group or role) mark it, or unmark
    it; only while its order is in force and the plan is not archived."""
    return (user is not None and user.enabled
            and step.is_responsible(user_principals(user)))


def plan_in_force(plan):
    order = plan.__parent__
    return isinstance(order, Order) and order.review_state == 'signed'


class MarkStep(Action):
    """``{"number", "done": true|false, "note"?, "evidence"?: [links]}``: a step marked
    done (for its current occurrence, if it repeats) with who, when, the note and the links
    to what fulfils it; ``done: false`` takes the mark back. Audited."""

    permission = VIEW
    schema = MarkStepSchema
    system_allowed = False

    def check_permission(self):
        super().check_permission()
        # who the step is assigned to is known from the number alone: refuse the others
        # before their body is read (403 rather than a 400 on a body they may not send)
        number = getattr(self, 'number', None)
        if number is not None:
            self.check_assigned(self.find_step(number))

    def find_step(self, number):
        try:
            return self.context.step(number)
        except KeyError:
            raise NotFound(_('No such step: ${number}.', mapping={'number': number}))

    def check_assigned(self, step):
        if self.request is None or not may_mark(self.context, step, self.request.user):
            raise Forbidden(_('This step is not assigned to you.'))

    def check(self, appstruct):
        step = self.find_step(appstruct['number'])
        self.check_assigned(step)
        if not plan_in_force(self.context):
            raise Conflict(_('Steps are marked in a plan whose order is signed.'))
        if self.context.archived():
            raise Conflict(_('This plan is archived: its school year is over.'))
        if not appstruct['done'] and not step.mark():
            raise Conflict(_('This step is not marked done.'))

    def perform(self, appstruct):
        number, plan = appstruct['number'], self.context
        if appstruct['done']:
            key = plan.mark_done(number, self.request.authenticated_userid,
                                 note=appstruct['note'], evidence=appstruct['evidence'])
            record(plan, 'plan-step-done', {'step': number, 'occurrence': occurrence(key),
                                            'note': appstruct['note'],
                                            'evidence': appstruct['evidence']})
        else:
            key = plan.reopen(number)
            record(plan, 'plan-step-reopened', {'step': number, 'occurrence': occurrence(key)})
        return plan.step(number)


def occurrence(key):
    return key[1] if isinstance(key, tuple) else None


def evidence_links(request, paths):
    """[{'url', 'title'}] of a mark's evidence: the title and the link of the page where the
    path leads to something the reader may see; else the path as text with no link (``url``
    None), so that nobody is sent to a page that answers "not found" for them."""
    portal = find_root(request.context)
    links = []
    for path in paths or ():
        title = path
        try:
            found = find_resource(portal, path.split('?')[0].split('#')[0])
        except (KeyError, ValueError):
            found = None
        url = None
        if found is not None and request.has_permission(VIEW, found):
            title = request.localizer.translate(found.title) if found.title else path
            if getattr(found, 'reference', ''):
                title = '%s %s' % (found.reference, title)
            url = request.application_url + path
        links.append({'url': url, 'title': title})
    return links


# -- reminders ----------------------------------------------------------------------------

def plans_in_force(portal):
    for order in portal['documents'].values():
        if isinstance(order, Order) and order.review_state == 'signed':
            for child in order.values():
                if isinstance(child, RolloutPlan):
                    yield child


def plan_reminders(portal, mailer, localizer, base_url, today=None, sender=None):
    """E-mail the people of each overdue step of the plans in force (none archived): one
    message per person per step, once a day at most however often it runs (the day is
    written on the plan in the same transaction that hands the messages to the mailer).
    Returns [(plan path, step number, login)] mailed; the caller commits."""
    today = today or datetime.date.today()
    sender = sender or 'portal@school.local'
    users = portal['people']['users']
    translate = localizer.translate
    sent = []
    for plan in plans_in_force(portal):
        if plan.archived(today):
            continue
        path = resource_path(plan)
        for step in plan.plan_steps():
            if step.status(today) != STEP_OVERDUE:
                continue
            if (plan.reminded or {}).get(step.number) == today.isoformat():
                continue
            subject = translate(_('plan-reminder-subject',
                                  default='Overdue step ${number} of the roll-out plan',
                                  mapping={'number': step.number}))
            body = translate(_('plan-reminder-body', default='Step ${number} of the roll-out '
                               'plan ${plan} is overdue (due ${due}):\n\n${content}\n\n${url}',
                               mapping={'number': step.number, 'plan': plan.title,
                                        'due': step.deadline_text or step.deadline,
                                        'content': step.content,
                                        'url': base_url.rstrip('/') + path + '#step-%d'
                                        % step.number}))
            for login in step.people():
                user = users.get(login)
                if user is None or not user.email:
                    continue
                mailer.send(Message(subject=subject, sender=sender, recipients=[user.email],
                                    body=body))
                sent.append((path, step.number, login))
            if plan.reminded is None:
                plan.reminded = PersistentMapping()
            plan.reminded[step.number] = today.isoformat()
    return sent


def reminders_job(portal, log, settings):
    """The scheduled job ``reminders``: the people of overdue roll-out plan steps."""
    registry = get_current_registry()
    sent = plan_reminders(portal, get_mailer(registry), school_localizer(registry),
                          portal['settings'].portal_url or 'http://localhost',
                          sender=settings.get('mail.default_sender'))
    for path, number, login in sent:
        log.write('%s step %d: %s\n' % (path, number, login))
    return 'plan reminders sent: %d' % len(sent)

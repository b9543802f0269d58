"""The changes of the questions area, one action each, called by the forms and the API;
each tells the other side by e-mail where it has an address."""
from ejportal.core.actions import Action
from ejportal.core.audit import record
from ejportal.core.content import create, find_root, now
from ejportal.core.errors import Invalid
from ejportal.core.mail import send
from ejportal.core.workflow import do_transition
from ejportal.i18n import _
from ejportal.questions.addressees import Unresolved, resolve
from ejportal.questions.schemas import AnswerFields, AskFields, SlotFields
from ejportal.security import ANSWER_QUESTION, ASK_QUESTION


def users_of(context, principals):
    """The enabled users the principals name ('user:x', 'role:y')."""
    users = find_root(context)['people']['users']
    logins = {p[5:] for p in principals if p.startswith('user:')}
    roles = {p[5:] for p in principals if p.startswith('role:')}
    return [u for u in users.values() if u.enabled and
            (u.__name__ in logins or roles & set(u.roles))]


def item_url(request, item):
    return request.resource_url(item) if request is not None else ''


def tell(request, users, subject, body):
    """Mail to those of ``users`` who have an address (nothing without a request: the
    console does not mail)."""
    if request is None:
        return False
    return send(request, [u.email for u in users if u.email], subject, body)


class Ask(Action):
    """A question or a request for a consultation, by the caller, to the addressee the
    form names; the addressees are told."""
    permission = ASK_QUESTION
    schema = AskFields
    system_allowed = False

    def check(self, appstruct):
        try:
            self.found = resolve(self.context, self.request.user, appstruct['to'],
                                 appstruct.get('student', ''), appstruct.get('teacher', ''))
        except Unresolved as refused:
            raise Invalid(_('Some fields are not valid.'), {refused.field: refused.message})
        if 'user:' + self.request.user.__name__ in self.found[0]:
            raise Invalid(_('Some fields are not valid.'), {'to': _(
                'q-not-yourself', default='You cannot ask yourself.')})

    def perform(self, appstruct):
        principals, name, student = self.found
        type_name = 'Consultation' if appstruct['kind'] == 'consultation' else 'Question'
        item = create(type_name)
        item.title, item.body, item.to = appstruct['title'], appstruct['body'], appstruct['to']
        item.addressees, item.addressee_name = tuple(principals), name
        if student is not None:
            item.student, item.student_name = student.__name__, student.fullname
        if type_name == 'Consultation':
            item.wished = appstruct.get('wished', '')
        prefix = 'support' if item.is_support else type_name.lower()
        item = self.context.add(self.context.new_name(prefix), item)
        user = self.request.user
        tell(self.request, users_of(item, principals),
             _('q-mail-new-subject', default='A new question: ${title}',
               mapping={'title': item.title}),
             _('q-mail-new-body', default='${name} asks you:\n\n${body}\n\nAnswer it on the '
               'portal: ${url}', mapping={'name': user.fullname, 'body': item.body,
                                          'url': item_url(self.request, item)}))
        return item


class Answer(Action):
    """An addressee's answer to a question, or the slot of a consultation (again, to move
    it); the asker is told."""
    permission = ANSWER_QUESTION
    system_allowed = False

    @property
    def schema(self):
        return SlotFields if self.context.kind == 'consultation' else AnswerFields

    def perform(self, appstruct):
        item, request = self.context, self.request
        item.answer = appstruct.get('answer', '')
        item.answered_by = request.user.__name__
        item.answered_at = item.modified = now()
        if item.kind == 'consultation':
            item.slot_date, item.slot_time, item.place = (
                appstruct['date'], appstruct['time'], appstruct['place'])
            do_transition(item, 'schedule', request)
            subject = _('q-mail-slot-subject', default='Your consultation: ${title}',
                        mapping={'title': item.title})
            body = _('q-mail-slot-body', default='${name} invites you on ${date} at ${time}, '
                     '${place}.\n\n${answer}\n\n${url}', mapping={
                         'name': request.user.fullname, 'date': item.slot_date.isoformat(),
                         'time': item.slot_time, 'place': item.place, 'answer': item.answer,
                         'url': item_url(request, item)})
        else:
            do_transition(item, 'answer', request)
            subject = _('q-mail-answer-subject', default='An answer to your question: '
                        '${title}', mapping={'title': item.title})
            body = _('q-mail-answer-body', default='${name} answers:\n\n${answer}\n\n${url}',
                     mapping={'name': request.user.fullname, 'answer': item.answer,
                              'url': item_url(request, item)})
        record(item, 'question-answer', {'by': item.answered_by})
        tell(request, users_of(item, ['user:' + item.asker]), subject, body)
        return item


def tell_cancelled(request, item):
    """A cancelled consultation: the other side is told (the addressees when the asker
    cancels, the asker when an addressee does)."""
    if request is None or request.user is None:
        return False
    if request.user.__name__ == item.asker:
        users = users_of(item, item.addressees)
    else:
        users = users_of(item, ['user:' + item.asker])
    return tell(request, users,
                _('q-mail-cancel-subject', default='Consultation cancelled: ${title}',
                  mapping={'title': item.title}),
                _('q-mail-cancel-body', default='${name} has cancelled the consultation '
                  '"${title}".\n\n${url}', mapping={'name': request.user.fullname,
                                                     'title': item.title,
                                                     'url': item_url(request, item)}))

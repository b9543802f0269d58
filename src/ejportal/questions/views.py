"""The screens and JSON doors of the questions area: thin views over ``actions``."""
import deform
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ejportal.core.catalog import search
from ejportal.core.forms import FormView, back_on_refusal
from ejportal.core.jsonapi import json_body
from ejportal.core.responses import json_response, jsonable
from ejportal.core.traversal import JSON_VIEW
from ejportal.core.workflow import current_state, do_transition, transitions_for
from ejportal.i18n import _
from ejportal.paths import template
from ejportal.questions.actions import Answer, Ask
from ejportal.questions.addressees import children, teacher_choices
from ejportal.questions.resources import (
    ADDRESSEE_TITLES, OPEN_STATES, WAITING, Inquiry, Questions)
from ejportal.questions.schemas import AnswerForm, AskForm, SlotForm
from ejportal.security import (
    ANSWER_QUESTION, ASK_QUESTION, CLOSE_QUESTION, MANAGE_SETTINGS, VIEW)
from ejportal.site.resources import get_portal

TYPES = ['Question', 'Consultation']
# the transitions taken by the answer form, not by a button of their own
BY_FORM = ('answer', 'schedule')


def principals_of(user):
    return (['user:' + user.__name__] + ['group:' + g for g in user.groups]
            + ['role:' + r for r in user.roles])


def visible_items(request, portal=None):
    """Every item the user may see (the catalog's security index decides), newest first."""
    user = request.user
    if user is None:
        return []
    portal = portal if portal is not None else get_portal(request)
    _total, found = search(portal, principals_of(user), type_name=TYPES, size=2000)
    return sorted(found, key=lambda item: item.created, reverse=True)


def grouped(request, items):
    """(asked by the user, addressed to the user, others the user may read)."""
    login, principals = request.user.__name__, principals_of(request.user)
    mine = [i for i in items if i.asker == login]
    to_me = [i for i in items if i.asker != login and i.is_addressee(principals)]
    others = [i for i in items if i.asker != login and not i.is_addressee(principals)]
    return mine, to_me, others


def person(request, login):
    user = get_portal(request)['people']['users'].get(login)
    return user.short_name if user is not None else login


def state_title(item):
    state = current_state(item)
    return state.title if state else item.review_state


def item_json(request, item):
    return {'@id': request.resource_url(item).rstrip('/'), '@type': item.type_name,
            'id': item.__name__, 'kind': item.kind, 'support': item.is_support,
            'to': item.to, 'to_title': ADDRESSEE_TITLES.get(item.to, ''),
            'addressee': item.addressee_title, 'student': item.student_name or None,
            'title': item.title, 'body': item.body, 'asker': person(request, item.asker),
            'created': item.created, 'review_state': item.review_state,
            'state_title': state_title(item), 'answer': item.answer or None,
            'answered_by': person(request, item.answered_by) if item.answered_by else None,
            'answered_at': item.answered_at,
            'wished': getattr(item, 'wished', None) or None,
            'slot': getattr(item, 'slot', None),
            'may_answer': bool(request.has_permission(ANSWER_QUESTION, item))}


def row(request, item):
    """An item as the lists show it."""
    slot = getattr(item, 'slot', None)
    return {'item': item, 'url': request.resource_url(item), 'state': state_title(item),
            'to': item.addressee_title, 'asker': person(request, item.asker),
            'slot': slot, 'open': item.review_state in OPEN_STATES}


# -- start page -------------------------------------------------------------------------

def slot_note(item):
    slot = item.slot
    return '%s %s, %s' % (slot['date'].isoformat(), slot['time'], slot['place'])


def to_answer_panel(request):
    """For an addressee: what waits for an answer, and the consultations to come."""
    if request.user is None:
        return None
    _mine, to_me, _others = grouped(request, visible_items(request))
    translate = request.localizer.translate
    items = []
    for item in to_me:
        if item.review_state in WAITING:
            note = translate(state_title(item))
        elif item.review_state == 'scheduled':
            note = slot_note(item)
        else:
            continue
        items.append({'title': '%s — %s' % (item.title, person(request, item.asker)),
                      'url': request.resource_url(item), 'note': note})
    if not items:
        return None
    return {'title': _('q-panel-to-answer', default='Questions and consultations for you'),
            'items': items}


def my_questions_panel(request):
    """For the asker: the status, answer and slot of each open item."""
    if request.user is None:
        return None
    mine, _to_me, _others = grouped(request, visible_items(request))
    translate = request.localizer.translate
    items = []
    for item in mine:
        if item.review_state not in OPEN_STATES:
            continue
        note = translate(state_title(item))
        if item.review_state == 'scheduled':
            note += ': ' + slot_note(item)
        elif item.answer:
            note += ': ' + item.answer[:200]
        items.append({'title': '%s (%s)' % (item.title, translate(item.addressee_title)),
                      'url': request.resource_url(item), 'note': note})
    if not items:
        return None
    return {'title': _('q-panel-mine', default='My questions and consultations'),
            'items': items}


# -- the section ------------------------------------------------------------------------

@view_config(context=Questions, request_method='GET', permission=ASK_QUESTION,
             renderer=template('questions/listing.pt'))
def listing(context, request):
    mine, to_me, others = grouped(request, visible_items(request))
    return {'title': _('Questions and consultations'),
            'mine': [row(request, i) for i in mine],
            'to_me': [row(request, i) for i in to_me],
            'others': [row(request, i) for i in others],
            'support': request.has_permission(MANAGE_SETTINGS, context)}


@view_config(context=Questions, name=JSON_VIEW, request_method='GET', permission=ASK_QUESTION)
def listing_json(context, request):
    items = [dict(item_json(request, i), mine=i.asker == request.user.__name__)
             for i in visible_items(request)]
    return json_response(jsonable({'@id': request.resource_url(context).rstrip('/'),
                                   'items': items}, request.localizer))


@view_config(context=Questions, name=JSON_VIEW, request_method='POST', permission=ASK_QUESTION)
def ask_json(context, request):
    item = Ask(context, request)(json_body(request))
    return json_response(jsonable(item_json(request, item), request.localizer), 201)


@view_config(context=Questions, name='ask', permission=ASK_QUESTION,
             renderer=template('form.pt'))
class AskQuestionForm(FormView):
    schema = AskForm
    buttons = (deform.Button('save', _('q-send', default='Send')),)
    title = _('q-ask-title', default='Ask a question or request a consultation')

    def bind_kw(self):
        portal, user = get_portal(self.request), self.request.user
        return dict(super().bind_kw(),
                    children=[(s.__name__, s.fullname) for s in children(portal, user)],
                    teachers=teacher_choices(portal, user))

    def appstruct(self):
        params = self.request.params
        found = {}
        if params.get('kind') in ('question', 'consultation'):
            found['kind'] = params['kind']
        if params.get('to') in ADDRESSEE_TITLES:
            found['to'] = params['to']
        return found or super().appstruct()

    def save_success(self, appstruct):
        item = Ask(self.context, self.request).run(appstruct)
        self.request.session.flash(_('q-sent', default='Sent: you will see the answer on '
                                     'your start page.'), 'success')
        return HTTPSeeOther(self.request.resource_url(item))


@view_config(context=Questions, name='support', request_method='GET',
             permission=MANAGE_SETTINGS, renderer=template('questions/support.pt'))
def support_list(context, request):
    """The system administrator's support requests, the open ones first."""
    items = [i for i in visible_items(request) if i.is_support]
    items.sort(key=lambda i: i.review_state not in OPEN_STATES)
    return {'title': _('q-support-title', default='Support requests'),
            'rows': [row(request, i) for i in items]}


# -- an item ----------------------------------------------------------------------------

@view_config(context=Inquiry, request_method='GET', permission=VIEW,
             renderer=template('questions/item.pt'))
def item_page(context, request):
    return {'title': context.title, 'info': item_json(request, context),
            'to_title': ADDRESSEE_TITLES.get(context.to, ''),
            'asker': person(request, context.asker),
            'may_answer': request.has_permission(ANSWER_QUESTION, context),
            'buttons': [t for t in transitions_for(context, request) if t.id not in BY_FORM],
            'may_close': request.has_permission(CLOSE_QUESTION, context)}


@view_config(context=Inquiry, name=JSON_VIEW, request_method='GET', permission=VIEW)
def item_get_json(context, request):
    return json_response(jsonable(item_json(request, context), request.localizer))


@view_config(context=Inquiry, name='answer', permission=ANSWER_QUESTION,
             renderer=template('form.pt'))
class AnswerQuestionForm(FormView):
    buttons = (deform.Button('save', _('q-send', default='Send')),)

    @property
    def title(self):
        if self.context.kind == 'consultation':
            return _('q-slot-title', default='Propose the date, time and place')
        return _('q-answer-title', default='Answer the question')

    @property
    def schema(self):
        return SlotForm if self.context.kind == 'consultation' else AnswerForm

    def appstruct(self):
        item = self.context
        found = {'answer': item.answer} if item.answer else {}
        if item.kind == 'consultation' and item.slot_date is not None:
            found.update(date=item.slot_date, time=item.slot_time, place=item.place)
        return found or super().appstruct()

    def save_success(self, appstruct):
        Answer(self.context, self.request).run(appstruct)
        self.request.session.flash(_('q-answered', default='Sent to the asker.'), 'success')
        return HTTPSeeOther(self.request.resource_url(self.context))


@view_config(context=Inquiry, name='@answer', request_method='POST',
             permission=ANSWER_QUESTION)
def answer_json(context, request):
    Answer(context, request)(json_body(request))
    return json_response(jsonable(item_json(request, context), request.localizer))


@view_config(context=Inquiry, name='workflow', request_method='POST', permission=VIEW,
             decorator=back_on_refusal())
def workflow_action(context, request):
    """A button of the item's page: close, cancel, hold, ask again (the transition asks
    its own permission)."""
    do_transition(context, request.POST.get('transition', ''), request)
    request.session.flash(_('Done: ${state}.', mapping={'state': state_title(context)}),
                          'success')
    return HTTPSeeOther(request.resource_url(context))

"""The doors of the checks (``journal.checks``): the journal's checks screen and
``<journal>/@checks`` (list; a deputy writes one), the school's list for deputies and the
director (``/journal/@@checks``, ``/journal/@checks``), a check's page and JSON, and its
steps through the workflow engine (the page's buttons, or ``<check>/@workflow/<id>``)."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ejportal.core.errors import UserError
from ejportal.core.jsonapi import json_body
from ejportal.core.responses import json_response, jsonable
from ejportal.core.traversal import JSON_VIEW
from ejportal.core.workflow import current_state, do_transition, transitions_for
from ejportal.i18n import _
from ejportal.journal.checks import (
    CHECK_WORKFLOW, JournalCheck, JournalChecks, WriteCheck, checks_of)
from ejportal.journal.manage import user_name
from ejportal.journal.resources import Journal, School
from ejportal.paths import template
from ejportal.security import COMMENT_JOURNAL, VIEW, VIEW_JOURNAL

STATES = tuple(CHECK_WORKFLOW.states)


def check_json(request, check):
    state = current_state(check)
    journal = check.journal_object()
    return {
        '@id': request.resource_url(check).rstrip('/'), '@type': 'JournalCheck',
        'number': check.number, 'text': check.text, 'period': check.period or None,
        'journal': {'@id': request.resource_url(journal).rstrip('/') if journal is not None
                    else None, 'path': check.journal, 'title': check.journal_title},
        'teacher': check.teacher, 'author': check.creator, 'created': check.created,
        'review_state': check.review_state, 'state_title': state.title if state else '',
        'history': [{'action': h['transition'], 'review_state': h['to'],
                     'actor': h['userid'], 'time': h['time'], 'comments': h['comment']}
                    for h in check.workflow_history or ()],
        'transitions': [{'@id': request.resource_url(check, '@workflow', t.id).rstrip('/'),
                         'id': t.id, 'title': t.title}
                        for t in transitions_for(check, request)]}


def visible(request, checks):
    return [c for c in checks if request.has_permission(VIEW, c)]


def _items(request, checks):
    return jsonable({'items': [check_json(request, c) for c in checks]}, request.localizer)


def _state_filter(request, checks):
    state = request.params.get('state')
    return [c for c in checks if c.review_state == state] if state in STATES else checks


# -- JSON ----------------------------------------------------------------------------------
@view_config(context=Journal, name='@checks', request_method='GET', permission=VIEW_JOURNAL)
def journal_checks_json(context, request):
    """The journal's checks the user may read (its teacher, deputies, the director)."""
    return json_response(_items(request, _state_filter(
        request, visible(request, checks_of(context.school, journal=context)))))


@view_config(context=Journal, name='@checks', request_method='POST',
             permission=COMMENT_JOURNAL)
def write_check_json(context, request):
    """``{"text", "period"?}`` -> 201 the check, open, written to the journal's teacher."""
    check = WriteCheck(context, request)(json_body(request))
    return json_response(jsonable(check_json(request, check), request.localizer), 201)


@view_config(context=School, name='@checks', request_method='GET',
             permission=COMMENT_JOURNAL)
def school_checks_json(context, request):
    """Every check of the school (``?state=open|fixed|closed``), newest first."""
    return json_response(_items(request, _state_filter(request, checks_of(context))))


@view_config(context=JournalCheck, name=JSON_VIEW, request_method='GET', permission=VIEW)
def check_json_view(context, request):
    return json_response(jsonable(check_json(request, context), request.localizer))


# -- screens -------------------------------------------------------------------------------
def rows(request, checks):
    return [{'check': c, 'url': request.resource_url(c),
             'state': current_state(c).title if current_state(c) else c.review_state,
             'teacher': user_name(request, c.teacher), 'author': user_name(request, c.creator)}
            for c in checks]


@view_config(context=Journal, name='checks', request_method='GET', permission=VIEW_JOURNAL,
             renderer=template('journal/checks.pt'))
def journal_checks(context, request, errors=None, text=''):
    """The journal's checks; a deputy or the director writes a new one here."""
    return {'title': _('Journal checks'), 'journal': context,
            'rows': rows(request, visible(request, checks_of(context.school, journal=context))),
            'may_write': bool(request.has_permission(COMMENT_JOURNAL, context)),
            'periods': context.periods, 'errors': errors or {}, 'text': text,
            'states': (), 'state': None, 'list_url': None}


@view_config(context=Journal, name='checks', request_method='POST',
             permission=COMMENT_JOURNAL, renderer=template('journal/checks.pt'))
def write_check(context, request):
    try:
        check = WriteCheck(context, request)({'text': request.POST.get('text', ''),
                                              'period': request.POST.get('period', '')})
    except UserError as error:
        request.response.status = error.status
        request.tm.doom()
        translate = request.localizer.translate
        errors = {k: translate(v) for k, v in error.fields.items()} or {
            'text': translate(error.message)}
        return journal_checks(context, request, errors, request.POST.get('text', ''))
    request.session.flash(_('check-written', mapping={'number': check.number},
                            default='Check № ${number} is written to the teacher.'),
                          'success')
    return HTTPSeeOther(request.resource_url(check))


@view_config(context=School, name='checks', request_method='GET', permission=COMMENT_JOURNAL,
             renderer=template('journal/checks.pt'))
def school_checks(context, request):
    """All checks of the school for deputies and the director, by state."""
    checks = _state_filter(request, checks_of(context))
    return {'title': _('Journal checks'), 'journal': None, 'rows': rows(request, checks),
            'may_write': False, 'periods': (), 'errors': {}, 'text': '',
            'states': [(s.id, s.title) for s in CHECK_WORKFLOW.states.values()],
            'state': request.params.get('state'),
            'list_url': request.resource_url(context, 'checks')}


@view_config(context=JournalChecks, request_method='GET', permission=VIEW)
def checks_folder_view(context, request):
    return HTTPSeeOther(request.resource_url(context.__parent__, '@@checks'))


@view_config(context=JournalCheck, request_method='GET', permission=VIEW,
             renderer=template('journal/check.pt'))
def check_page(context, request):
    journal = context.journal_object()
    journal_url = None
    if journal is not None and request.has_permission(VIEW_JOURNAL, journal):
        journal_url = request.resource_url(
            journal, query={'period': context.period} if context.period else None)
    return {'title': context.title, 'check': context, 'journal_url': journal_url,
            'state': current_state(context), 'teacher': user_name(request, context.teacher),
            'author': user_name(request, context.creator),
            'history': [dict(h, who=user_name(request, h['userid']),
                             action=CHECK_WORKFLOW.transitions[h['transition']].title)
                        for h in context.answers()],
            'transitions': transitions_for(context, request),
            'list_url': request.resource_url(context.__parent__.__parent__, '@@checks')
            if request.has_permission(COMMENT_JOURNAL, context.__parent__.__parent__)
            else None}


@view_config(context=JournalCheck, name='step', request_method='POST', permission=VIEW)
def check_step(context, request):
    """The page's buttons: ``transition`` with the ``comment`` (the teacher's answer, the
    deputy's note). The engine checks who may take it."""
    try:
        do_transition(context, request.POST.get('transition', ''), request,
                      comment=request.POST.get('comment', '').strip()[:2000])
        request.session.flash(_('Saved.'), 'success')
    except UserError as error:
        request.tm.doom()
        request.session.flash(error.message, 'error')
    return HTTPSeeOther(request.resource_url(context))

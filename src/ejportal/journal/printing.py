"""The paper journal's doors: the PDF of a class for a period or a year (``@paper``), the
frozen editions (``@paper-editions``, each edition's own URL answering its PDF), closing a
period with its editions (``@close-period``, and the periods screen), signing an edition.
"""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.renderers import render
from pyramid.view import view_config

from ejportal.core.content import find_root
from ejportal.core.errors import Invalid
from ejportal.core.files import PDF, download_response, html_to_pdf
from ejportal.core.jsonapi import json_body
from ejportal.core.responses import json_response
from ejportal.core.workflow import do_transition
from ejportal.i18n import _, format_date
from ejportal.journal.editions import (
    YEAR, ClosePeriod, PaperEdition, PaperEditions, editions_of, periods_of, refreeze_after_correction)
from ejportal.journal.paper import paper_journal
from ejportal.journal.resources import CorrectionRequest, SchoolClass, SchoolYear
from ejportal.paths import template
from ejportal.security import APPROVE_CORRECTION, SIGN_ORDER, VIEW_JOURNAL
from ejportal.site.resources import get_portal


def pdf_renderer(portal, request=None):
    """``render(school_class, periods, with_year, summary_only)`` -> PDF bytes."""
    settings = portal['settings']
    users = portal['people']['users']
    school = settings.school_full_name or settings.school_name

    def render_pdf(school_class, periods, with_year, summary_only=False):
        data = paper_journal(school_class, periods, users, school, with_year)
        if summary_only:
            data['subjects'] = [dict(s, spreads=[]) for s in data['subjects']]
        html = render(template('journal/paper.pt'), dict(data, format_date=format_date),
                      request=request)
        return html_to_pdf(request, html)
    return render_pdf


def _pdf(body, school_class, label):
    return download_response(body, 'journal-%s-%s.pdf' % (school_class.__name__, label), PDF,
                             inline=True)


@view_config(context=SchoolClass, name='@paper', request_method='GET',
             permission=VIEW_JOURNAL)
def paper(context, request):
    """``?period=<id>`` (a period of the class's grade) or ``?year=<year name>``."""
    period_id = request.params.get('period')
    year = request.params.get('year')
    if year is not None:
        if year != context.year.__name__:
            message = _('paper-other-year', default='This class belongs to another year.')
            raise Invalid(message, {'year': message})
        period_id = YEAR
    periods = periods_of(context, period_id) if period_id else None
    if periods is None:
        message = _('paper-which-period', default='Name a period of this class, or its year.')
        raise Invalid(message, {'period': message})
    body = pdf_renderer(get_portal(request), request)(context, periods, period_id == YEAR)
    return _pdf(body, context, period_id)


def edition_json(request, edition):
    return {'@id': request.resource_url(edition), 'period': edition.period,
            'kind': edition.kind, 'edition': edition.edition, 'sha256': edition.sha256,
            'size': edition.size, 'created': edition.created.isoformat(),
            'created_by': edition.creator, 'reason': edition.reason,
            'review_state': edition.review_state, 'signed_by': edition.signed_by,
            'retain_until': edition.retain_until.isoformat()}


@view_config(context=SchoolClass, name='@paper-editions', request_method='GET',
             permission=VIEW_JOURNAL)
def paper_editions(context, request):
    return json_response({'items': [edition_json(request, e) for e in editions_of(context)]})


@view_config(context=SchoolClass, name='paper-journal', request_method='GET',
             permission=VIEW_JOURNAL, renderer=template('journal/paper_editions.pt'))
def paper_page(context, request):
    """The class's paper journal: print a period or the year; the frozen editions."""
    return {'title': _('Paper journal'), 'school_class': context,
            'periods': list(context.year.periods_for(context.grade)),
            'editions': list(reversed(editions_of(context))),
            'may_sign': request.has_permission(SIGN_ORDER, context)}


@view_config(context=PaperEditions, request_method='GET', permission=VIEW_JOURNAL)
def editions_folder_view(context, request):
    """The editions' folder (in each edition's URL) shows the class's paper journal page."""
    return HTTPSeeOther(request.resource_url(context.__parent__, 'paper-journal'))


@view_config(context=PaperEdition, request_method='GET', permission=VIEW_JOURNAL)
def edition_pdf(context, request):
    return _pdf(context.pdf(), context.__parent__.__parent__,
                '%s-%s-%d' % (context.period, context.kind, context.edition))


@view_config(context=PaperEdition, name='sign', request_method='POST', permission=SIGN_ORDER,
             require_csrf=True)
def sign_edition(context, request):
    do_transition(context, 'sign', request)
    request.session.flash(_('The edition is signed.'), 'success')
    return HTTPSeeOther(request.resource_url(context.__parent__.__parent__, 'paper-journal'))


def close_period(year, request, data):
    """Close ``data['period']`` of ``year`` with the editions it freezes: the one action
    behind the periods screen and ``@close-period``."""
    portal = get_portal(request)
    return ClosePeriod(year, request, render=pdf_renderer(portal, request),
                       settings=portal['settings'])(data)


def on_correction_approved(event):
    """An approved correction changed a closed period: freeze a new edition beside the
    old ones (whichever door approved it)."""
    correction = event.object
    if not isinstance(correction, CorrectionRequest) or \
            event.info['new_state'] != 'approved':
        return
    journal = correction.__parent__
    lesson = journal.lessons.get(correction.lesson)
    if lesson is not None:
        portal = find_root(journal)
        refreeze_after_correction(journal, lesson.date, pdf_renderer(portal),
                                  portal['settings'])


@view_config(context=SchoolYear, name='@close-period', request_method='POST',
             permission=APPROVE_CORRECTION)
def close_period_json(context, request):
    """``{"period": "<id>"}`` (or ``"year"``) -> 200 ``{"items": [editions made]}``."""
    body = json_body(request)
    made = close_period(context, request, body)
    return json_response({'period': body.get('period'),
                          'items': [edition_json(request, e) for e in made]})

"""What the documents area puts on the start page and on the public school site."""
from pyramid.authorization import Authenticated, Everyone

from ejportal.core.catalog import search
from ejportal.documents.acknowledgement import to_acknowledge
from ejportal.documents.resources import STEP_STATUS_TITLES, Order, Regulation
from ejportal.documents.search import request_principals
from ejportal.i18n import _, format_date
from ejportal.security import SIGN_ORDER, VIEW_PUBLIC
from ejportal.site.resources import get_portal


def to_acknowledge_panel(request):
    """"To acknowledge": signed orders the user is on the sheet of and has not signed off."""
    user = request.user
    if user is None or not user.is_staff():
        return None
    orders = to_acknowledge(get_portal(request), user.__name__)
    return {'title': _('To acknowledge'),
            'items': [{'title': '%s %s' % (o.reference, o.title),
                       'url': request.resource_url(o)} for o in orders],
            'empty': _('Nothing to acknowledge.')}


def open_steps_for(portal, principals):
    """(plan, step) of roll-out plans in signed orders, not done, where ``principals`` are
    responsible. The catalog finds the plans (a few among thousands of documents). An
    archived plan (its school year is over) waits for nobody."""
    _total, plans = search(portal, [Everyone, Authenticated] + list(principals),
                           type_name='RolloutPlan', size=500)
    found = []
    for plan in plans:
        order = plan.__parent__
        if not isinstance(order, Order) or order.review_state != 'signed' \
                or plan.archived():
            continue
        for step in plan.plan_steps():
            if not step.done and step.is_responsible(principals):
                found.append((plan, step))
    return found


def my_plan_steps(request):
    user = request.user
    if user is None or not user.is_staff():
        return None
    principals = (['user:' + user.__name__] + ['group:' + g for g in user.groups]
                  + ['role:' + r for r in user.roles])
    translate = request.localizer.translate
    items = []
    for plan, step in open_steps_for(get_portal(request), principals):
        note = '%s — %s' % (step.deadline_text or step.deadline,
                            translate(STEP_STATUS_TITLES[step.status()]))
        items.append({'title': '%d. %s' % (step.number, step.content.split('\n')[0]),
                      'url': request.resource_url(plan) + '#step-%d' % step.number,
                      'note': note})
    return {'title': _('My plan steps'), 'items': items,
            'empty': _('No open steps.')}


def public_documents(request):
    """Published local acts and public signed orders, for everyone."""
    _total, found = search(get_portal(request), [Everyone], type_name=['Order', 'Regulation'],
                           include_public=True, size=200)
    items = []
    for doc in found:
        if not isinstance(doc, (Order, Regulation)):
            continue
        if not request.has_permission(VIEW_PUBLIC, doc) or doc.last_signed is None:
            continue
        title = ('%s %s' % (doc.reference, doc.title)) if isinstance(doc, Order) else doc.title
        items.append({'title': title, 'url': request.resource_url(doc, '@@public'),
                      'note': request.localizer.translate(_(
                          'in-edition', default='in the edition of ${date}',
                          mapping={'date': format_date(
                              doc.edition_date(doc.last_signed))}))})
    return {'title': _('Documents of the school'), 'items': items}


def awaiting_signature_panel(request):
    """The director's work waiting: documents on review that the user may sign or approve."""
    user = request.user
    if user is None or not user.is_staff():
        return None
    portal = get_portal(request)
    _total, found = search(portal, request_principals(request, portal),
                           type_name=['Order', 'Regulation'],
                           review_state='review', size=100, sort='date')
    items = []
    for doc in found:
        if not request.has_permission(SIGN_ORDER, doc):
            continue
        title = ('%s %s' % (doc.reference, doc.title)) if isinstance(doc, Order) and \
            doc.reference else doc.title
        items.append({'title': title, 'url': request.resource_url(doc)})
    if not items:
        return None     # only those who sign see the panel, and only when there is work
    return {'title': _('Awaiting your signature'), 'items': items}

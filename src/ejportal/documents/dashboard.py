"""What the documents area shows on the director's dashboard (``add_dashboard_part``):
the signed orders still waiting for acknowledgement, with who has not signed which sheet,
and the roll-out plan's progress."""
from pyramid.authorization import Authenticated, Everyone
from pyramid.traversal import find_resource

from ejportal.core.catalog import search
from ejportal.core.registry import DashboardPart
from ejportal.documents.acknowledgement import sheet_rows
from ejportal.documents.resources import (
    STEP_DONE, STEP_NOT_DONE, STEP_OVERDUE, STEP_PLANNED, STEP_STATUS_TITLES, Order)
from ejportal.documents.search import request_principals
from ejportal.i18n import _
from ejportal.security import MANAGE_ACKNOWLEDGEMENTS, VIEW
from ejportal.site.resources import get_portal


def waiting_orders(portal):
    """Signed orders someone has yet to acknowledge (the current version), newest first:
    from the pending index, not by reading every document."""
    paths = set()
    for pending in (portal['documents'].pending_acknowledgements or {}).values():
        paths.update(pending)
    found = []
    for path in paths:
        try:
            order = find_resource(portal, path)
        except KeyError:
            continue
        if isinstance(order, Order) and order.review_state == 'signed' \
                and order.sheet is not None:
            found.append(order)
    found.sort(key=lambda o: (o.date or o.created.date(), o.__name__), reverse=True)
    return found


def acknowledgements_part(request):
    """Orders waiting for acknowledgement: how many of the sheet signed, who has not."""
    portal = get_portal(request)
    if 'documents' not in portal:
        return None
    rows, links, items = [], [], []
    for order in waiting_orders(portal):
        if not request.has_permission(VIEW, order):
            continue
        sheet = sheet_rows(order)
        waiting = [r for r in sheet if r['entry'] is None]
        if not waiting:
            continue
        done = len(sheet) - len(waiting)
        share = round(100.0 * done / len(sheet), 1) if sheet else None
        title = ('%s %s' % (order.reference, order.title)).strip()
        url = request.resource_url(order, '@@sheet') if request.has_permission(
            MANAGE_ACKNOWLEDGEMENTS, order) else request.resource_url(order)
        rows.append([title, done, len(sheet), share,
                     ', '.join(r['fullname'] for r in waiting)])
        links.append(url)
        items.append({'@id': request.resource_url(order).rstrip('/'), 'title': title,
                      'version': order.sheet.current_version(), 'due': len(sheet),
                      'acknowledged': done, 'percent': share,
                      'waiting': [{'login': r['userid'], 'fullname': r['fullname'],
                                   'position': r['position']} for r in waiting]})
    return DashboardPart(
        name='acknowledgements', title=_('Orders waiting for acknowledgement'),
        columns=(_('Order'), _('Acknowledged'), _('On the sheet'), '%',
                 _('Not yet acknowledged')),
        rows=rows, links=links, data={'items': items},
        chart=(_('dash-chart-ack', default='Orders: acknowledged, %'),
               [r[0] for r in rows], [(_('Acknowledged'), [r[3] for r in rows])], True)
        if rows else None,
        empty=_('Every signed order is acknowledged by everyone on its sheet.'))


STATUSES = (STEP_DONE, STEP_PLANNED, STEP_OVERDUE, STEP_NOT_DONE)


def plan_part(request):
    """The roll-out plans of signed orders: their steps by status (an archived plan's
    unmarked steps are 'not done', never overdue)."""
    portal = get_portal(request)
    if 'documents' not in portal:
        return None
    principals = [Everyone, Authenticated] + list(request_principals(request, portal))
    _total, plans = search(portal, principals, type_name='RolloutPlan', size=500)
    rows, links, items = [], [], []
    for plan in plans:
        order = plan.__parent__
        if not isinstance(order, Order) or order.review_state != 'signed':
            continue
        steps = plan.plan_steps()
        status = {step.number: step.status() for step in steps}
        counts = {s: sum(1 for v in status.values() if v == s) for s in STATUSES}
        share = round(100.0 * counts[STEP_DONE] / len(steps), 1) if steps else None
        rows.append([plan.title] + [counts[s] for s in STATUSES] + [len(steps), share])
        links.append(request.resource_url(plan))
        items.append({'@id': request.resource_url(plan).rstrip('/'), 'title': plan.title,
                      'school_year': plan.school_year or None, 'archived': plan.archived(),
                      'steps': len(steps), 'percent_done': share,
                      **{s.replace('-', '_'): counts[s] for s in STATUSES},
                      'overdue_steps': [n for n, s in status.items() if s == STEP_OVERDUE],
                      'not_done_steps': [n for n, s in status.items() if s == STEP_NOT_DONE]})
    return DashboardPart(
        name='rollout_plan', title=_("The roll-out plan's progress"),
        columns=(_('Plan'),) + tuple(STEP_STATUS_TITLES[s] for s in STATUSES) + (
            _('Steps'), _('Done, %')),
        rows=rows, links=links, data={'items': items},
        chart=(_('dash-chart-plan', default='Roll-out plan: steps by status'),
               [r[0] for r in rows],
               [(STEP_STATUS_TITLES[s], [r[1 + i] for r in rows])
                for i, s in enumerate(STATUSES)], False) if rows else None,
        empty=_('No roll-out plan in force.'))

"""Лист ознакомления: who must acknowledge a signed order, acknowledging, reminders.

Each acknowledgement binds to the signed version: its number and SHA-256 are recorded with
the person, time and address. A newly signed amendment opens the sheet again for the new
version; earlier acknowledgements stay as history."""
from pyramid.threadlocal import get_current_request
from pyramid.traversal import find_resource

from ejportal.core.audit import record
from ejportal.core.content import find_root, resource_path
from ejportal.core.errors import Conflict
from ejportal.core.mail import send
from ejportal.documents.resources import AcknowledgementSheet, Order, resolve_principals
from ejportal.i18n import DEFAULT_LANGUAGE, _
from ejportal.security import STAFF_ROLES


class AcknowledgementError(Conflict):
    """The order's sheet does not allow this person to acknowledge it now."""


def open_sheet(order, version):
    """Fix who must acknowledge ``version`` and tell them (notice and e-mail)."""
    portal = find_root(order)
    if order.sheet is None:
        order.sheet = AcknowledgementSheet()
    userids = resolve_principals(portal, order.acknowledge_by)
    order.sheet.open(version.number, userids)
    path = resource_path(order)
    for userid in userids:
        portal['documents'].pending_for(userid, create=True).add(path)
    notify_people(order, userids, reminder=False)
    return userids


def notify_people(order, userids, reminder):
    """A notice on each person's start page and an e-mail to each address.

    The notice is stored as a translation string with its mapping, so that everyone reads
    it in the language of their own interface; the e-mail goes out in the school's language
    (Russian), whatever the language of whoever signed or reminded."""
    portal = find_root(order)
    if not userids:
        return 0
    users = portal['people']['users']
    request = get_current_request()
    title = '%s %s' % (order.reference, order.title)
    if reminder:
        text = _('ack-reminder', default='Reminder: please acknowledge the order ${title}.',
                 mapping={'title': title})
    else:
        text = _('ack-new', default='Please acknowledge the order ${title}.',
                 mapping={'title': title})
    emails = []
    for userid in userids:
        user = users.get(userid)
        if user is None:
            continue
        user.add_notice(text, kind='acknowledge', about=acknowledge_notice(order))
        if user.email:
            emails.append(user.email)
    if request is not None and emails:
        translate = school_localizer(request.registry).translate
        url = request.resource_url(order)
        subject = translate(_('An order to acknowledge'))
        body = translate(_('ack-mail', default='${text}\n\n${url}',
                           mapping={'text': translate(text), 'url': url}))
        for email in emails:  # one message each: people do not see each other's addresses
            send(request, [email], subject, body)
    return len(userids)


def school_localizer(registry):
    """The localizer of the school's language (Russian), made once per application the
    way Pyramid makes a request's."""
    from pyramid.i18n import make_localizer
    from pyramid.interfaces import ILocalizer, ITranslationDirectories
    localizer = registry.queryUtility(ILocalizer, name=DEFAULT_LANGUAGE)
    if localizer is None:
        directories = registry.queryUtility(ITranslationDirectories, default=[])
        localizer = make_localizer(DEFAULT_LANGUAGE, directories)
        registry.registerUtility(localizer, ILocalizer, name=DEFAULT_LANGUAGE)
    return localizer


def acknowledge(order, user, address):
    """Record that ``user`` read the current signed version."""
    sheet = order.sheet
    if order.review_state != 'signed' or sheet is None:
        raise AcknowledgementError(_('This order is not signed.'))
    version_number = sheet.current_version()
    if not sheet.must_acknowledge(user.__name__, version_number):
        if (version_number, user.__name__) in sheet.entries:
            raise AcknowledgementError(_('You have already acknowledged this order.'))
        raise AcknowledgementError(_('You are not on the acknowledgement sheet of this order.'))
    version = order.get_version(version_number)
    entry = sheet.record(version, user.__name__, user.fullname, user.position, address)
    pending = find_root(order)['documents'].pending_for(user.__name__)
    if pending is not None and resource_path(order) in pending:
        pending.remove(resource_path(order))
    user.dismiss_notices(acknowledge_notice(order))
    record(order, 'acknowledge', {'version': version.number, 'sha256': version.sha256})
    return entry


def acknowledge_notice(order):
    """What the notices asking to acknowledge ``order`` are about: they leave the start page
    once it is acknowledged, and a reminder replaces the unread request."""
    return 'acknowledge:' + resource_path(order)


def remind(order):
    """Remind everyone on the current sheet who has not acknowledged; returns how many."""
    if order.sheet is None:
        return 0
    pending = [userid for userid, entry in order.sheet.rows() if entry is None]
    if pending:
        notify_people(order, pending, reminder=True)
        record(order, 'remind', {'people': pending})
    return len(pending)


def sheet_rows(order, version_number=None):
    """Rows for the sheet screen and print: person, position, acknowledged entry."""
    if order.sheet is None:
        return []
    users = find_root(order)['people']['users']
    rows = []
    for userid, entry in order.sheet.rows(version_number):
        user = users.get(userid)
        rows.append({'userid': userid,
                     'fullname': user.fullname if user else userid,
                     'position': user.position if user else '',
                     'entry': entry})
    rows.sort(key=lambda r: r['fullname'])
    return rows


def to_acknowledge(portal, userid):
    """Signed orders the user still has to acknowledge (newest first), from the user's own
    entry of the pending index (an order cancelled since drops out here)."""
    found = []
    for path in portal['documents'].pending_for(userid) or ():
        try:
            obj = find_resource(portal, path)
        except KeyError:
            continue
        if isinstance(obj, Order) and obj.review_state == 'signed' and obj.sheet is not None \
                and obj.sheet.must_acknowledge(userid):
            found.append(obj)
    found.sort(key=lambda o: (o.date or o.created.date()), reverse=True)
    return found


def concerns(user, principals):
    """Whether an order's ``acknowledge_by`` names ``user`` (by login, group or role)."""
    mine = {'user:' + user.__name__} | {'group:' + g for g in user.groups} \
        | {'role:' + r for r in user.roles}
    return bool(mine & set(principals or ()))


def add_to_open_sheets(portal, user):
    """Put ``user`` on the current sheet of every signed order whose ``acknowledge_by``
    concerns them and that they are not yet on (a person hired, or given a role, after the
    signing); returns the orders. Each is audited and the person told, as at signing."""
    added = []
    for order in portal['documents'].values():
        if not isinstance(order, Order) or order.review_state != 'signed' \
                or order.sheet is None or not concerns(user, order.acknowledge_by):
            continue
        sheet, userid = order.sheet, user.__name__
        version = sheet.current_version()
        if version is None or userid in sheet.due.get(version, ()) \
                or (version, userid) in sheet.entries:
            continue
        sheet.open(version, sheet.due[version] + (userid,))
        portal['documents'].pending_for(userid, create=True).add(resource_path(order))
        record(order, 'acknowledgement-added', {'userid': userid, 'version': version})
        notify_people(order, [userid], reminder=False)
        added.append(order)
    return added


def on_person_changed(event):
    """ObjectAdded / ObjectModified of a user (``principals`` sends them through the
    registry; this area may not import it, so the type is known by its name): a new staff
    member, or one whose roles, groups or enabling changed, joins the open sheets."""
    user = event.object
    if getattr(user, 'type_name', None) != 'User' or user.__parent__ is None:
        return
    changes = event.info.get('changes')
    if changes is not None and not {'roles', 'groups', 'enabled'} & set(changes):
        return
    if not user.enabled or not any(role in STAFF_ROLES for role in user.roles):
        return
    portal = find_root(user)
    if 'documents' in portal:
        add_to_open_sheets(portal, user)


def rebuild_pending(portal):
    """The pending index from the sheets themselves (evolve step, repair)."""
    documents = portal['documents']
    documents.pending_acknowledgements = None
    for obj in documents.values():
        if isinstance(obj, Order) and obj.review_state == 'signed' and obj.sheet is not None:
            for userid, entry in obj.sheet.rows():
                if entry is None:
                    documents.pending_for(userid, create=True).add(resource_path(obj))

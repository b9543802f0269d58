"""The words people read where the portal stores ids: a person's name for a login (an
author, a signatory, who changed a mark), a file size in the reader's units.

Every screen that shows who did something asks here, so a login never reaches the page and
the portal's own work (the demo, console scripts: the ``system`` actor) reads as such."""
from ejportal.core.actor import SYSTEM
from ejportal.core.content import item_at
from ejportal.i18n import _
from ejportal.site.resources import get_portal


# who acts before logging in (``core.setup``'s actor)
ANONYMOUS = 'anonymous'


def person_name(request, login, short=False):
    """The full (or short: «Кузьмина С.А.») name of the user ``login``; the portal itself
    for the system actor; the login as it is when no such user exists (any more)."""
    if not login:
        return ''
    if login == SYSTEM.userid:
        return _('person-system', default='the portal')
    if login == ANONYMOUS:
        return _('person-anonymous', default='a visitor (not logged in)')
    users = item_at(get_portal(request), '/people/users')
    user = users.get(login) if users is not None else None
    if user is None:
        return login
    return user.short_name if short else user.fullname


def principal_name(request, principal):
    """``user:teacher`` as the user's name, ``group:teachers`` as the group's title."""
    kind, _colon, name = (principal or '').partition(':')
    if kind == 'user':
        return person_name(request, name)
    if kind == 'group':
        group = item_at(get_portal(request), '/people/groups/' + name)
        return group.title if group is not None else principal
    return principal


UNITS = (_('size-bytes', default='${n} B'), _('size-kb', default='${n} KB'),
         _('size-mb', default='${n} MB'), _('size-gb', default='${n} GB'))


def file_size(request, size):
    """A size in bytes as the reader reads it: «7 КБ», «1,5 МБ» in Russian, "1.5 MB" in
    English (one decimal under ten)."""
    size = float(size or 0)
    unit = 0
    while size >= 1024 and unit < len(UNITS) - 1:
        size /= 1024
        unit += 1
    if unit and size < 10:
        text = ('%.1f' % size).rstrip('0').rstrip('.')
    else:
        text = '%d' % round(size)
    if request.locale_name == 'ru':
        text = text.replace('.', ',')
    return request.localizer.translate(_(UNITS[unit], mapping={'n': text}))

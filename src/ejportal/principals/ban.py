"""The ban on students working under a teacher's login (the school's order): a student's or
parent's account never holds a staff role, global or local.

A global role is refused by the user's schema (every door: the users screen, the API); a
local one by a subscriber of ``security.LocalRolesGranting``, which every local grant sends
(the sharing screen, the journal's teacher assignment, any script), so no door can skip it.
A staff role is refused to a group with a family member too.
"""
from ejportal.core.errors import Invalid
from ejportal.i18n import _
from ejportal.security import FAMILY_LOCAL_ROLES, FAMILY_ROLES, STAFF_ROLES


class StaffRoleForFamily(Invalid):
    """A staff role for a student's or parent's account."""
    error_type = 'StaffRoleForFamily'


def is_family(roles):
    return any(role in FAMILY_ROLES for role in roles)


def staff_local_roles(roles):
    return set(roles) - set(FAMILY_LOCAL_ROLES)


def check_global_roles(roles):
    """The message refusing ``roles`` (a user's global roles), or None."""
    if is_family(roles) and any(role in STAFF_ROLES for role in roles):
        return _('staff-role-for-family', default='A student\'s or parent\'s account cannot '
                 'hold a staff role: students must never work under a teacher\'s login. A '
                 'teacher who is also a parent needs two accounts.')
    return None


def _refusal(field):
    message = _('staff-local-role-for-family', default='This role is the staff\'s: it cannot '
                'be granted to a student\'s or parent\'s account, here or anywhere.')
    return StaffRoleForFamily(message, {field: message})


def refuse_staff_grant(event):
    """Subscriber of ``LocalRolesGranting``."""
    refuse_staff_local_roles(event.object, event.principal, event.roles)


def refuse_staff_local_roles(context, principal, roles, field='principal'):
    """Refuse (``StaffRoleForFamily`` on ``field``) to grant ``roles`` on ``context`` to
    ``principal`` when a staff role among them would reach a family's account. The sharing
    action asks it of every entry before it changes any; the subscriber above, of every
    grant whatever its door."""
    if not staff_local_roles(roles):
        return
    kind, _sep, name = principal.partition(':')
    people = _people(context)
    if people is None:
        return
    if kind == 'user':
        user = people['users'].get(name)
        if user is not None and is_family(user.roles):
            raise _refusal(field)
    elif kind == 'group':
        if any(is_family(u.roles) for u in people['users'].values() if name in u.groups):
            raise _refusal(field)


def staff_grant_of(root, principal):
    """The first object on which ``principal`` holds a staff local role, or None: a walk
    of the tree, made only when an account becomes a family's (rarely)."""
    stack = [root]
    while stack:
        node = stack.pop()
        local_roles = getattr(node, 'local_roles', None)
        if local_roles and staff_local_roles(local_roles.get(principal, ())):
            return node
        if getattr(node, 'is_folder', False):
            stack.extend(node.values())
    return None


def check_becoming_family(user, roles):
    """Refuse to give ``user`` a family role while they hold a staff local role."""
    if not is_family(roles) or is_family(user.roles):
        return
    root = user
    while getattr(root, '__parent__', None) is not None:
        root = root.__parent__
    if staff_grant_of(root, 'user:' + user.__name__) is not None:
        message = _('family-role-for-staff', default='This account holds a staff role on '
                    'the portal (a journal, a class, a folder): it cannot become a student\'s '
                    'or parent\'s. Revoke those roles first, or make a separate account.')
        raise StaffRoleForFamily(message, {'roles': message})


def _people(context):
    root = context
    while getattr(root, '__parent__', None) is not None:
        root = root.__parent__
    try:
        return root['people']
    except (KeyError, TypeError):
        return None

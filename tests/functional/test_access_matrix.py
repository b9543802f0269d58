"""The role-by-view access table, in one place, tested whole.

``ACCESS`` names every registered view (context type, view name) with the URLs to try it on
in the demo school and the roles allowed there. ``test_every_view_is_in_the_table`` finds
the views by introspection, so a new view without a row fails. Each row is then driven over
real HTTP as every role: an allowed role is let through, a denied one gets 403 (or, when
anonymous, the login page). POSTs are sent without a CSRF token: an allowed role then gets
400 and a denied one 403, since the permission is checked first — nothing changes.
"""
import pytest
from webtest import TestApp

from conftest import login

ANON = 'anonymous'
ROLES = (ANON, 'admin', 'director', 'deputy', 'secretary', 'teacher', 'class_teacher',
         'psychologist', 'student', 'parent')
ALL = frozenset(ROLES)
USERS = ALL - {ANON}
STAFF = frozenset({'admin', 'director', 'deputy', 'secretary', 'teacher', 'class_teacher',
                   'psychologist'})
ADMIN = frozenset({'admin'})
SHARING = frozenset({'admin', 'director'})
AUDIT = frozenset({'admin', 'director'})
EDITORS = frozenset({'admin', 'director'})   # the global EDIT permission

# (context type, view name): [(method, url, allowed roles), ...]
ACCESS = {
    # the public site, login and own account
    ('Portal', ''): [('GET', '/', ALL)],
    ('Portal', 'set-language'): [('GET', '/@@set-language?lang=en', ALL)],
    ('Portal', 'login'): [('GET', '/@@login', ALL)],
    ('Portal', 'login-code'): [('GET', '/@@login-code', ALL)],
    ('Portal', 'logout'): [('POST', '/@@logout', ALL)],
    ('Portal', 'start'): [('GET', '/@@start', USERS)],
    ('Portal', 'account'): [('GET', '/@@account', USERS)],
    ('Portal', 'change-password'): [('GET', '/@@change-password', USERS)],
    ('Portal', 'second-factor'): [('GET', '/@@second-factor', USERS)],
    ('Portal', 'end-session'): [('POST', '/@@end-session', USERS)],
    # users, groups, sharing, settings, audit
    ('Users', ''): [('GET', '/people/users', ADMIN)],
    ('Users', 'add'): [('GET', '/people/users/@@add', ADMIN)],
    ('User', ''): [('GET', '/people/users/teacher', ADMIN)],
    ('User', 'reset-password'): [('POST', '/people/users/teacher/@@reset-password', ADMIN)],
    ('User', 'set-enabled'): [('POST', '/people/users/teacher/@@set-enabled', ADMIN)],
    ('User', 'reset-second-factor'): [
        ('POST', '/people/users/teacher/@@reset-second-factor', ADMIN)],
    ('Groups', ''): [('GET', '/people/groups', ADMIN)],
    ('Groups', 'add'): [('GET', '/people/groups/@@add', ADMIN)],
    ('Group', ''): [('GET', '/people/groups/teachers', ADMIN)],
    ('Folder', 'sharing'): [('GET', '/documents/@@sharing', SHARING),
                            ('GET', '/people/users/@@sharing', SHARING)],
    ('Folder', 'sharing-revoke'): [('POST', '/documents/@@sharing-revoke', SHARING)],
    ('Settings', ''): [('GET', '/settings', ADMIN)],
    ('Settings', 'audit'): [('GET', '/settings/@@audit', AUDIT)],
    ('Settings', 'audit.csv'): [('GET', '/settings/@@audit.csv', AUDIT)],
    ('Settings', 'audit-verify'): [('GET', '/settings/@@audit-verify', AUDIT)],
    # the JSON API's generic services
    ('Portal', '@login'): [('POST', '/@login', ALL)],
    ('Portal', '@logout'): [('POST', '/@logout', USERS)],
    ('Portal', '@json'): [('GET', '/@json', ALL)],
    ('Resource', '@json'): [('GET', '/people/users/@json', ADMIN),
                            ('GET', '/documents/@json', STAFF),
                            ('POST', '/people/groups/@json', EDITORS | ADMIN),
                            ('PATCH', '/people/users/teacher/@json', EDITORS),
                            ('DELETE', '/people/groups/teachers/@json', ADMIN)],
    # the sections
    ('Documents', ''): [('GET', '/documents', STAFF)],
    ('School', ''): [('GET', '/journal', STAFF)],
}


def registered_views(app):
    """(context type name, view name) of every view the app registered for a resource."""
    found = set()
    for item in app.registry.introspector.get_category('views'):
        intr = item['introspectable']
        context = intr['context']
        if context is None or not isinstance(context, type):
            continue
        if issubclass(context, BaseException):
            continue  # exception views: error pages, not places
        found.add((context.__name__, intr['name']))
    return found


def test_every_view_names_a_permission(app):
    unprotected = []
    for item in app.registry.introspector.get_category('views'):
        intr = item['introspectable']
        context = intr['context']
        if context is not None and not isinstance(context, type):
            continue  # Pyramid's own exception-response view (an interface context)
        if isinstance(context, type) and issubclass(context, BaseException):
            continue
        if intr['route_name'] and intr['route_name'].startswith('__'):
            continue  # static assets
        permissions = [r['value'] for r in item['related'] if r.category_name == 'permissions']
        if not permissions or permissions == ['__no_permission_required__']:
            unprotected.append((getattr(context, '__name__', context), intr['name']))
    assert not unprotected, unprotected


def test_every_view_is_in_the_table(app):
    missing = registered_views(app) - set(ACCESS)
    assert not missing, 'views without a row in ACCESS: %s' % sorted(missing)


def test_every_row_is_a_registered_view(app):
    assert not set(ACCESS) - registered_views(app)


def client_for(app, role):
    client = TestApp(app, extra_environ={'REMOTE_ADDR': '10.0.0.1', 'HTTP_HOST': 'localhost'})
    if role != ANON:
        assert login(client, role).status_int == 303
    return client


def outcome(client, method, url):
    """'allowed' or 'denied', from a real request."""
    headers = {'Accept': 'application/json'} if '/@' in url and '/@@' not in url else {}
    if method == 'GET':
        response = client.get(url, headers=headers, status='*')
    else:
        response = client.request(url, method=method, headers=headers, status='*')
    if response.status_int in (401, 403):
        return 'denied'
    if response.status_int in (301, 302, 303) and '@@login?came_from' in response.location:
        return 'denied'
    assert response.status_int < 500, '%s %s: %s' % (method, url, response.status)
    return 'allowed'


@pytest.mark.parametrize('key', sorted(ACCESS), ids=lambda k: '%s:%s' % k)
def test_access(app, key):
    clients = {role: client_for(app, role) for role in ROLES}
    wrong = []
    for method, url, allowed in ACCESS[key]:
        for role in ROLES:
            expected = 'allowed' if role in allowed else 'denied'
            got = outcome(clients[role], method, url)
            if got != expected:
                wrong.append('%s %s as %s: %s, expected %s' % (method, url, role, got, expected))
    assert not wrong, '\n'.join(wrong)

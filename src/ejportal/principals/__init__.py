"""Users, groups, login sessions, passwords and the sharing screen."""
from pyramid.events import ContextFound
from pyramid.httpexceptions import HTTPSeeOther

from ejportal.i18n import _
from ejportal.principals.actions import AddUser
from ejportal.principals.ban import refuse_staff_grant
from ejportal.principals.demo import build_demo_people
from ejportal.principals.maintenance import maintain
from ejportal.principals.throttle import Refusals
from ejportal.principals.undertaking import (
    my_undertaking_panel, undertakings_panel, undertakings_part)
from ejportal.security import MANAGE_USERS, LocalRolesGranting
from ejportal.site.resources import portal_address

# What a user with a one-time password may still reach before choosing their own.
_ALLOWED_BEFORE_CHANGE = {'change-password', 'logout', 'set-language', 'login'}


def enforce_password_change(event):
    request = event.request
    if _must_change(request):
        if request.view_name not in _ALLOWED_BEFORE_CHANGE:
            raise HTTPSeeOther(portal_address(request) + '/@@change-password')


def _must_change(request):
    if request.path_info.startswith(('/static', '/static-deform')):
        return False
    identity = request.identity
    return identity is not None and identity.user.must_change_password


def includeme(config):
    config.add_action('add-user', AddUser)
    config.scan('.resources', categories=('ejportal',))
    config.scan('.evolve', categories=('ejportal',))
    config.add_section('people', 'People', order=10)
    config.add_subscriber(enforce_password_change, ContextFound)
    config.add_subscriber(refuse_staff_grant, LocalRolesGranting)
    config.add_nav_entry(90, '/people/users', _('Users'), MANAGE_USERS)
    config.add_nav_entry(91, '/people/groups', _('Groups'), MANAGE_USERS)
    config.add_demo_builder(10, build_demo_people)
    config.registry.login_refusals = Refusals()
    config.add_job('maintenance', maintain, _('job-maintenance', default='Housekeeping of '
                   'login records'), {'kind': 'daily', 'at': '02:30'}, order=40)
    config.scan('.views')
    config.scan('.sharing')
    config.scan('.api')
    config.scan('.undertaking')
    config.include('.books')
    config.add_start_panel(5, my_undertaking_panel)
    config.add_start_panel(60, undertakings_panel)
    config.add_dashboard_part(40, undertakings_part)
    config.add_help_topic('forgotten-password', 'Portal', 'login')

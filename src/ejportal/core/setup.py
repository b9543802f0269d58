"""Wiring shared by every area: the registry's directives, the audit log and the catalog
(subscribers), request helpers, the acting user for the audit log, deform's renderer and
static assets."""
import deform
import xstatic.pkg.jquery
from pyramid.events import NewRequest
from pyramid.i18n import get_localizer
from pyramid.threadlocal import get_current_request

from ejportal.core import actor


class RequestActor(actor.Actor):
    """The acting user of a request, read lazily so that requests which change nothing
    never look up the login session."""

    def __init__(self, request):
        self._request = request

    @property
    def userid(self):
        return self._request.authenticated_userid or 'anonymous'

    @property
    def address(self):
        # REMOTE_ADDR, never a client's own X-Forwarded-For (see principals.sessions)
        return self._request.remote_addr or ''

    @property
    def user_agent(self):
        return self._request.user_agent or ''


def set_request_actor(event):
    actor.set_actor(RequestActor(event.request))
    event.request.add_finished_callback(lambda request: actor.set_actor(None))


def request_user(request):
    identity = request.identity
    return identity.user if identity else None


def translate_for_deform(term):
    request = get_current_request()
    if request is None:
        return term
    return get_localizer(request).translate(term)


def includeme(config):
    config.include('ejportal.core.registry')
    config.include('ejportal.core.audit')
    config.include('ejportal.core.catalog')
    config.scan('ejportal.core.jobs', categories=('ejportal',))
    config.add_request_method(request_user, 'user', reify=True)
    config.include('ejportal.core.request')  # the text check of posted forms
    config.include('ejportal.core.caching')
    config.include('ejportal.core.conflicts')
    config.include('ejportal.core.zeo')
    config.add_subscriber(set_request_actor, NewRequest)
    deform.renderer.configure_zpt_renderer(
        translator=translate_for_deform)
    config.add_static_view('static-deform', 'deform:static', cache_max_age=86400)
    # a current jQuery for deform's widgets, from its package rather than deform's 2.0.3
    config.add_static_view('static-jquery', xstatic.pkg.jquery.BASE_DIR, cache_max_age=86400)
    config.add_static_view('static', 'ejportal:static', cache_max_age=3600)

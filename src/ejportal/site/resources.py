"""The portal root and its sections, created on first start (appmaker style)."""
import transaction
from pyramid_zodbconn import get_connection

from ejportal.core.content import content_type, create
from ejportal.core.audit import AuditLog
from ejportal.core.catalog import Catalog
from ejportal.core.evolve import mark_all_done
from ejportal.core.folder import Folder
from ejportal.core.registry import portal_registry
from ejportal.i18n import _
from ejportal.security import root_acl

ZODB_ROOT_KEY = 'ejportal'


@content_type('Portal', _('type-Portal', default='School portal'))
class Portal(Folder):
    """The root: the public school site's front page is its default view."""

    generation = 0
    audit_log = None
    catalog = None

    @property
    def __acl__(self):
        return root_acl()

    @property
    def title(self):
        return self['settings'].school_name

    @title.setter
    def title(self, value):
        pass  # the school's name lives in the settings


def make_portal(registry=None):
    """A new portal with the sections the areas declared (``config.add_section``), at
    their stable names; its database has every evolve step of this code done."""
    reg = portal_registry(registry)
    portal = Portal(title='')
    mark_all_done(portal, registry)
    portal.audit_log = AuditLog()
    portal.catalog = Catalog()
    for name, type_name in reg.values(reg.sections):
        portal.add(name, create(type_name, registry=registry), send_events=False)
    return portal


def appmaker(zodb_root):
    """The portal, made and committed on first access of an empty database."""
    if ZODB_ROOT_KEY not in zodb_root:
        zodb_root[ZODB_ROOT_KEY] = make_portal()
        transaction.commit()
    return zodb_root[ZODB_ROOT_KEY]


def root_factory(request):
    return get_portal(request)


def portal_address(request):
    """The portal's address as the administrator set it (Settings), else as the request
    reached it: redirects are built from it, so a forged Host header sends nobody away."""
    configured = get_portal(request)['settings'].portal_url
    return configured.rstrip('/') if configured else request.application_url


def same_site_path(value):
    """``value`` if it is a path on this site (a ``came_from``), else None: it starts with
    one ``/``, and holds printable ASCII only (a request's own ``path_qs`` is quoted so),
    no backslash: browsers read ``//evil`` and ``/\\evil`` as another host, and a line break
    or a letter beyond Latin-1 would split or break the Location header."""
    if not isinstance(value, str) or not value.startswith('/') or value.startswith('//'):
        return None
    if any(not ' ' < c < '\x7f' or c == '\\' for c in value):
        return None
    return value


def get_portal(request):
    """The portal of the request's connection (also before traversal)."""
    portal = getattr(request, '_ejportal_portal', None)
    if portal is None:
        portal = get_connection(request).root()[ZODB_ROOT_KEY]
        request._ejportal_portal = portal
    return portal

"""What the areas declare, held on Pyramid's registry and registered through configurator
directives (Pyramid's "Extending Pyramid Configuration", Substance D's ``add_content_type``).

Each directive registers a ``config.action`` with a discriminator, so two registrations of
one name conflict at start-up, and an introspectable, so the registrations show in the
introspector. Code asks the registry of its request (``request.registry``), of its script
(``pyramid.paster.bootstrap()``), or, in models that have neither, the current registry that
Pyramid pushes for a request, a script and ``main()`` alike (``get_current_registry()``, as
Substance D's folders do). No module keeps a registry of its own.
"""
from dataclasses import dataclass, field

from pyramid.threadlocal import get_current_registry


@dataclass
class TypeInfo:
    """A content type: ``factory`` makes it, ``schema`` (a colander schema class) is what
    its forms and the JSON API read and write, ``add_permission`` is needed to add it to
    one of the container types ``addable_to``."""
    name: str
    factory: type
    title: str
    schema: type = None
    add_permission: str = None
    addable_to: tuple = ()
    name_from: str = None
    after_create: list = field(default_factory=list)


@dataclass
class EvolveStep:
    """A named step that brings an older database up: ``function(portal)``, idempotent,
    run after the steps named in ``after``. ``generation`` is the number the step had in
    the integer sequence used before steps were named (a database at generation N has the
    steps numbered up to N done). ``batched``: a long step, called ``function(portal,
    batches)``, that commits its work in parts (``core.evolve.Batches``)."""
    name: str
    function: object
    after: tuple = ()
    generation: int = None
    batched: bool = False


@dataclass
class JobInfo:
    """A scheduled job: ``function(portal, log, settings)`` does the work (``log.write`` for
    its log; the text it returns is its outcome's last line); ``schedule`` is the default
    schedule a new portal gives it (see ``core.jobs``)."""
    name: str
    function: object
    title: str
    schedule: dict = field(default_factory=dict)
    order: int = 0


@dataclass(frozen=True)
class BookColumn:
    """A column of a reference book beyond the id and the title: ``kind`` is 'weight' (a
    positive number), 'number' (an integer, or empty) or 'text' (short)."""
    name: str
    title: str
    kind: str = 'weight'


@dataclass
class ReferenceBookInfo:
    """A reference book the portal keeps under its settings: ``defaults`` are the entries a
    new book starts with (dicts: id, title and the columns); ``in_use(portal, entry)`` says
    whether a record uses ``entry`` (such an entry is retired, never deleted); ``key`` names
    what the records store ('id' or 'title')."""
    name: str
    title: str
    columns: tuple = ()
    defaults: tuple = ()
    in_use: object = None
    key: str = 'id'
    order: int = 0


@dataclass
class DashboardPart:
    """What an area shows on the director's dashboard (``add_dashboard_part``): a table
    (``columns``: titles; ``rows``: lists of cells, text or numbers; ``links``: a URL or
    None per row, for its first cell), a chart of it (``chart``: ``(title, labels,
    [(series title, values)], percent)`` or None; the page draws it) and the same figures
    for the JSON door (``data``, JSON-able; translation strings are translated)."""
    name: str
    title: str
    columns: tuple
    rows: list
    data: object
    chart: tuple = None
    links: list = None
    empty: str = ''


@dataclass(order=True)
class Ordered:
    """An entry of an ordered list (navigation, start panels, demo builders...)."""
    order: int
    seq: int
    value: object = field(compare=False)


class PortalRegistry:
    """The portal's own registrations, one attribute per kind."""

    def __init__(self):
        self.types = {}              # type name -> TypeInfo
        self.workflows = {}          # type name -> Workflow
        self.cataloged_types = set()
        self.catalog_indexes = {}    # index name -> factory() -> hypatia index
        self.catalog_permissions = {}  # security index name -> permission it records
        self.evolve_steps = {}       # name -> EvolveStep
        self.sections = []           # Ordered((name, type name)) at the portal root
        self.nav = []                # Ordered(NavEntry)
        self.start_panels = []       # Ordered(function(request))
        self.public_sections = []    # Ordered(function(request))
        self.demo_builders = []      # Ordered(function(portal))
        self.dashboard_parts = []    # Ordered(function(request)): the director's dashboard
        self.housekeeping = []       # Ordered(function(portal, log, settings) -> outcome)
        self.jobs = {}               # name -> JobInfo
        self.reference_books = {}    # name -> ReferenceBookInfo
        self.actions = {}            # name -> Action class other areas call by name
        self.static_urls = {}        # (application URL, asset spec) -> URL, filled by pages
        self.help_topics = {}        # (context type name, view name or '*') -> [HelpTopic]
        self._seq = 0

    def ordered(self, entries, order, value):
        self._seq += 1
        entries.append(Ordered(order, self._seq, value))
        entries.sort()

    @staticmethod
    def values(entries):
        return [entry.value for entry in entries]


def portal_registry(registry=None):
    """The ``PortalRegistry`` of ``registry`` (default: the current one). An empty one for
    a registry that the portal's configuration never saw (a bare unit test)."""
    registry = registry if registry is not None else get_current_registry()
    found = getattr(registry, 'portal', None)
    if found is None:
        found = registry.portal = PortalRegistry()
    return found


# -- directives ------------------------------------------------------------------------
def add_content_type(config, name, factory, title, schema=None, add_permission=None,
                     addable_to=(), name_from=None):
    factory.type_name = name
    info = TypeInfo(name, factory, title, schema, add_permission, tuple(addable_to),
                    name_from)

    def register():
        reg = portal_registry(config.registry)
        hooks = reg.types[name].after_create if name in reg.types else []
        info.after_create.extend(hooks)
        reg.types[name] = info
    intr = config.introspectable('ejportal content types', name, name, 'ejportal content type')
    intr['factory'] = factory
    intr['addable_to'] = info.addable_to
    config.action(('ejportal-content-type', name), register, introspectables=(intr,))


def add_after_create(config, type_name, hook):
    """``hook(obj)`` runs on every new object of ``type_name`` made by ``create()``."""
    def register():
        reg = portal_registry(config.registry)
        if type_name not in reg.types:
            raise ValueError('after-create hook for unknown type %r' % type_name)
        reg.types[type_name].after_create.append(hook)
    # after the types themselves (their actions are of the default order 0)
    config.action(None, register, order=1)


def add_workflow(config, workflow, type_name):
    def register():
        portal_registry(config.registry).workflows[type_name] = workflow
    intr = config.introspectable('ejportal workflows', type_name, workflow.name,
                                 'ejportal workflow')
    config.action(('ejportal-workflow', type_name), register, introspectables=(intr,))


def add_cataloged_type(config, type_name):
    def register():
        portal_registry(config.registry).cataloged_types.add(type_name)
    config.action(('ejportal-cataloged-type', type_name), register)


def add_catalog_index(config, name, factory, security_permission=None):
    """An index of the one catalog: ``factory()`` makes it. A security index records the
    principals holding ``security_permission`` on each object."""
    def register():
        reg = portal_registry(config.registry)
        reg.catalog_indexes[name] = factory
        if security_permission is not None:
            reg.catalog_permissions[name] = security_permission
    intr = config.introspectable('ejportal catalog indexes', name, name, 'ejportal catalog index')
    config.action(('ejportal-catalog-index', name), register, introspectables=(intr,))


def add_evolve_step(config, name, function, after=(), generation=None, batched=False):
    step = EvolveStep(name, function, tuple(after), generation, batched)

    def register():
        portal_registry(config.registry).evolve_steps[name] = step
    intr = config.introspectable('ejportal evolve steps', name, name, 'ejportal evolve step')
    intr['after'] = step.after
    config.action(('ejportal-evolve-step', name), register, introspectables=(intr,))


def add_job(config, name, function, title, schedule=None, order=0):
    """The scheduled job ``name`` (``core.jobs`` runs it beside the server)."""
    info = JobInfo(name, function, title, dict(schedule or {'kind': 'daily', 'at': '03:00'}),
                   order)

    def register():
        portal_registry(config.registry).jobs[name] = info
    intr = config.introspectable('ejportal jobs', name, name, 'ejportal job')
    config.action(('ejportal-job', name), register, introspectables=(intr,))


def add_section(config, name, type_name, order):
    """A section the portal root holds at ``name`` (made on first start)."""
    def register():
        reg = portal_registry(config.registry)
        reg.ordered(reg.sections, order, (name, type_name))
    config.action(('ejportal-section', name), register)


@dataclass(frozen=True)
class NavEntry:
    path: str
    title: str
    permission: str
    view: str = ''


def add_nav_entry(config, order, path, title, permission, view=''):
    entry = NavEntry(path, title, permission, view)

    def register():
        reg = portal_registry(config.registry)
        reg.ordered(reg.nav, order, entry)
    config.action(('ejportal-nav', path, view), register)


def _ordered_directive(attribute, category):
    def directive(config, order, function):
        def register():
            reg = portal_registry(config.registry)
            reg.ordered(getattr(reg, attribute), order, function)
        intr = config.introspectable(category, function, config.object_description(function),
                                     category)
        intr['order'] = order
        config.action((category, function), register, introspectables=(intr,))
    return directive


def add_reference_book(config, name, title, columns=(), defaults=(), in_use=None, key='id',
                       order=0):
    """A reference book an area keeps under the settings (``site.books``)."""
    info = ReferenceBookInfo(name, title, tuple(columns), tuple(defaults), in_use, key, order)

    def register():
        portal_registry(config.registry).reference_books[name] = info
    intr = config.introspectable('ejportal reference books', name, name,
                                 'ejportal reference book')
    config.action(('ejportal-reference-book', name), register, introspectables=(intr,))


@dataclass(frozen=True)
class HelpTopic:
    """The help page ``page`` (its name under ``/help``) of a screen, for those holding one
    of ``roles`` (any role when empty)."""
    page: str
    roles: tuple = ()


def add_help_topic(config, page, context, name='', roles=()):
    """The screen ``context`` (a content type's name, or a base class's name: 'Document')
    shown by the view ``name`` ('*': any of its views) is explained by the help page
    ``page``; with ``roles``, for those roles only (a signer and a reader of one order)."""
    topic = HelpTopic(page, tuple(roles))

    def register():
        found = portal_registry(config.registry).help_topics.setdefault((context, name), [])
        found.append(topic)
        found.sort(key=lambda t: not t.roles)   # the narrower topics are asked first
    intr = config.introspectable('ejportal help topics', (context, name, topic.roles),
                                 '%s@%s' % (context, name), 'ejportal help topic')
    intr['page'] = page
    config.action(('ejportal-help-topic', context, name, topic.roles), register,
                  introspectables=(intr,))


def help_topic(registry, context, view_name, roles):
    """The help page's name for ``context`` shown by ``view_name`` to a holder of
    ``roles``, or None: the view's own topic first, then the context's any-view topic,
    each asked along the context's classes (a topic of 'Document' serves an order)."""
    topics = portal_registry(registry).help_topics
    if not topics:
        return None
    names = [cls.__name__ for cls in type(context).__mro__]
    for view in (view_name or '', '*'):
        for name in names:
            for topic in topics.get((name, view), ()):
                if not topic.roles or set(topic.roles) & set(roles):
                    return topic.page
    return None


def add_action(config, name, factory):
    """An area's action (a ``core.actions.Action`` class) under a name, so that another
    area (an import of people) runs the same change its forms run without importing it."""
    def register():
        portal_registry(config.registry).actions[name] = factory
    intr = config.introspectable('ejportal actions', name, name, 'ejportal action')
    intr['factory'] = factory
    config.action(('ejportal-action', name), register, introspectables=(intr,))


add_start_panel = _ordered_directive('start_panels', 'ejportal start panels')
add_public_section = _ordered_directive('public_sections', 'ejportal public sections')
add_demo_builder = _ordered_directive('demo_builders', 'ejportal demo builders')
# ``function(request)`` -> a ``DashboardPart`` (or None) an area shows on the director's
# dashboard beside the journal's figures, so the journal's page imports no other area
add_dashboard_part = _ordered_directive('dashboard_parts', 'ejportal dashboard parts')
# what the daily ``maintenance`` job does besides the login records (an area's own retention)
add_housekeeping = _ordered_directive('housekeeping', 'ejportal housekeeping')


def includeme(config):
    portal_registry(config.registry)
    config.add_directive('add_content_type', add_content_type)
    config.add_directive('add_after_create', add_after_create)
    config.add_directive('add_workflow', add_workflow)
    config.add_directive('add_cataloged_type', add_cataloged_type)
    config.add_directive('add_catalog_index', add_catalog_index)
    config.add_directive('add_evolve_step', add_evolve_step)
    config.add_directive('add_section', add_section)
    config.add_directive('add_nav_entry', add_nav_entry)
    config.add_directive('add_start_panel', add_start_panel)
    config.add_directive('add_public_section', add_public_section)
    config.add_directive('add_demo_builder', add_demo_builder)
    config.add_directive('add_dashboard_part', add_dashboard_part)
    config.add_directive('add_housekeeping', add_housekeeping)
    config.add_directive('add_job', add_job)
    config.add_directive('add_reference_book', add_reference_book)
    config.add_directive('add_help_topic', add_help_topic)
    config.add_directive('add_action', add_action)

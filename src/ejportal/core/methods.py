"""Which methods the views answer at a place: the ``Allow`` of a 405.

Pyramid answers a request whose method no view takes with ``PredicateMismatch``, a 404,
and cannot tell which predicate failed (a custom predicate is as good as ``request_method``
to it: Pylons/pyramid#1526). The registry can: every view is an introspectable naming its
context, its name and its methods, so the methods answered for a context and a view name
are the union over the views Pyramid's lookup would try there (those for the context's
class, its bases and the interfaces it provides, or for any context)."""
from zope.interface.interfaces import IInterface

# Every method a view may take without a ``request_method`` predicate; one that names
# none answers them all, so no 405 is owed there.
ANY_METHOD = None


def _fits(view_context, context):
    if view_context is None:
        return True
    if IInterface.providedBy(view_context):
        return view_context.providedBy(context)
    return isinstance(view_context, type) and isinstance(context, view_context)


def answered_methods(registry, context, view_name):
    """The sorted methods some view of ``registry`` answers for ``context`` and
    ``view_name`` (HEAD with GET, as Pyramid adds it); ``ANY_METHOD`` if one of those views
    takes every method, an empty tuple if there is no such view at all."""
    methods = set()
    for item in registry.introspector.get_category('views'):
        intr = item['introspectable']
        if intr['name'] != view_name or intr['route_name'] is not None or \
                intr['exception_only'] or not _fits(intr['context'], context):
            continue
        allowed = intr['request_methods']
        if allowed is None:
            return ANY_METHOD
        methods.update((allowed,) if isinstance(allowed, str) else allowed)
    if 'GET' in methods:
        methods.add('HEAD')
    return tuple(sorted(methods))

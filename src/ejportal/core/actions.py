"""Actions: each change of the portal is one class that every door calls.

An action owns its colander schema, the permission it needs on its context, the invariants
it checks and what it records; it raises only ``core.errors.UserError`` and its kinds, and
raises them before it changes anything. The doors do no work of their own:

- a form (``core.forms.FormView`` with ``action = ...``) validates with the action's schema
  and shows the action's errors on its fields;
- the JSON API deserializes the body with the same schema, calls the action, serializes the
  result, and renders errors as ``{"error": {"type", "message", "fields"}}``;
- the console calls the action as the system actor and prints the error with an exit code.

Everything that enters through ``__call__`` passes the one text boundary check first.
"""
import colander

from ejportal.core.errors import Forbidden, Invalid
from ejportal.core.registry import portal_registry
from ejportal.core.text import check_input
from ejportal.i18n import _


def invalid_fields(invalid, translate=None):
    """colander's errors as ``{field: message}`` (nested fields by their dotted path:
    ``rows.3.hours``). colander joins a field's messages into plain text, so they are
    translated here (``translate``: the request's localizer) or read in English."""
    return dict(invalid.asdict(translate=translate))


class Action:
    """``Action(context, request)(data)`` validates ``data`` (raw input: a JSON body, a
    console's values) with ``schema``, checks ``permission`` and the invariants in
    ``check()``, then ``perform()``s the change and returns its result. A form that has
    already validated with the same schema calls ``run(appstruct)``."""

    #: the permission needed on ``context`` (None: the view's permission is the whole rule)
    permission = None
    #: a colander schema class, bound with ``request`` and ``context``
    schema = None
    #: whether the console (no request, the system actor) may run it
    system_allowed = True

    def __init__(self, context, request=None):
        self.context = context
        self.request = request

    # -- the steps ---------------------------------------------------------------------
    def bind_kw(self):
        return {'request': self.request, 'context': self.context}

    def make_schema(self):
        if self.schema is None:
            return None
        return self.schema().bind(**self.bind_kw())

    def deserialize(self, data):
        check_input(data)
        schema = self.make_schema()
        if schema is None:
            return data
        try:
            return schema.deserialize(data)
        except colander.Invalid as invalid:
            translate = self.request.localizer.translate if self.request is not None else None
            raise Invalid(_('Some fields are not valid.'), invalid_fields(invalid, translate))

    def check_permission(self):
        if self.permission is None:
            return
        if self.request is None:
            if not self.system_allowed:
                raise Forbidden(_('This change is made on the site only.'))
            return
        if not self.request.has_permission(self.permission, self.context):
            raise Forbidden(_('You may not do this here.'))

    def check(self, appstruct):
        """Invariants beyond the schema: raise a ``UserError`` to refuse."""

    def perform(self, appstruct):
        raise NotImplementedError

    # -- the doors' entry points -----------------------------------------------------------
    def __call__(self, data=colander.null):
        self.check_permission()
        return self.run(self.deserialize(data), checked=True)

    def run(self, appstruct, checked=False):
        if not checked:
            self.check_permission()
            check_input(appstruct if isinstance(appstruct, (dict, list, str)) else {})
        self.check(appstruct)
        return self.perform(appstruct)


def named_action(name, context, request=None, registry=None):
    """The action an area registered as ``name`` (``config.add_action``), made for
    ``context`` and ``request``: how one area runs another's change."""
    if registry is None and request is not None:
        registry = request.registry
    return portal_registry(registry).actions[name](context, request)

"""The generic changes of content: add, edit, delete. Each is one action that the JSON
API (POST, PATCH, DELETE on any resource) and the areas' add, edit and delete forms call.

An action owns the whole rule of its change: the schema is the type's own
(``type_info(name).schema``, used unbound: a field schema defers only its widgets, which
the forms bind), the permission (the type's add permission; EDIT; DELETE), the invariants
(addable here, a valid and free id, ``core.folder.check_delete``) and the refusals, as
``core.errors``. The actions live here rather than in ``core`` because EDIT and DELETE are
the security module's names.
"""
import colander

from ejportal.core.actions import Action, invalid_fields
from ejportal.core.content import addable_types, create, type_info
from ejportal.core.errors import Conflict, Forbidden, Invalid
from ejportal.core.folder import check_delete
from ejportal.core.text import check_input, id_problem
from ejportal.core.versioning import Versionable, VersionError
from ejportal.i18n import _
from ejportal.security import DELETE, EDIT


def stored_values(appstruct):
    """colander's sets as sorted tuples: the form every door stores them in."""
    return {name: tuple(sorted(value)) if isinstance(value, (set, frozenset)) else value
            for name, value in appstruct.items()}


def valid_id(node, value):
    problem = id_problem(value)
    if problem is not None:
        raise colander.Invalid(node, problem)


class AddContent(Action):
    """``AddContent(folder, request, type_name)({"id"?, field: value...})`` adds a new
    object of that type and returns it. Without an id the folder names it
    (``Folder.name_for``: an order numbers its appendices)."""

    def __init__(self, context, request=None, type_name=None):
        super().__init__(context, request)
        self.info = type_info(type_name) if isinstance(type_name, str) else None

    @property
    def permission(self):
        return self.info.add_permission

    def check_permission(self):
        # Who may add nothing here is refused before the body is read (the same answer
        # whatever they send); what is not addable here is not a question of who asks.
        if self.request is not None and not any(
                self.request.has_permission(other.add_permission, self.context)
                for other in addable_types(self.context)
                if other.add_permission and other.schema is not None):
            raise Forbidden(_('You may not add anything here.'))
        info = self.info
        if info is None or info.schema is None or not info.add_permission \
                or not self.context.is_folder or self.context.type_name not in info.addable_to:
            raise Invalid(_('This type cannot be added here.'), {'@type': _('Not addable here.')})
        super().check_permission()

    def make_schema(self):
        schema = self.info.schema()
        schema.add(colander.SchemaNode(colander.String(), name='id', missing=None,
                                       validator=valid_id))
        return schema

    def check(self, appstruct):
        name = appstruct.get('id')
        if name is not None and name in self.context:
            raise Conflict(_('This id is taken.'), {'id': _('This id is taken.')})

    def perform(self, appstruct):
        fields = stored_values({k: v for k, v in appstruct.items() if k != 'id'})
        obj = create(self.info.name, **fields)
        return self.context.add(appstruct.get('id') or self.context.name_for(obj), obj)


class EditContent(Action):
    """``EditContent(obj, request)({field: value...})`` sets the fields given (the API sends
    some, a form all of them) and returns the changes. A versioned document takes a
    ``version_comment`` for its history, and refuses while signed (amend it instead)."""

    permission = EDIT

    def make_schema(self):
        info = type_info(self.context.type_name)
        if info is None or info.schema is None:
            raise Invalid(_('This resource is not changed through the API.'))
        schema = info.schema()
        if isinstance(self.context, Versionable):
            schema.add(colander.SchemaNode(colander.String(), name='version_comment',
                                           missing='', validator=colander.Length(0, 2000)))
        return schema

    def deserialize(self, data):
        """Only the fields ``data`` names are checked and set; an unknown one is refused."""
        check_input(data)
        schema = self.make_schema()
        unknown = [name for name in data if name not in schema]
        if unknown:
            raise Invalid(_('Unknown fields.'), {name: _('Unknown field.') for name in unknown})
        partial = colander.SchemaNode(colander.Mapping())
        for node in schema.children:
            if node.name in data:
                partial.add(node.clone())
        try:
            return partial.deserialize(data)
        except colander.Invalid as invalid:
            raise Invalid(_('Some fields are not valid.'), invalid_fields(invalid))

    def perform(self, appstruct):
        values = stored_values(appstruct)
        if not isinstance(self.context, Versionable):
            return self.context.update(values)
        comment = values.pop('version_comment', '')
        try:
            return self.context.update(values, comment=comment)
        except VersionError as refused:
            raise Conflict(refused.message)


class DeleteContent(Action):
    """``DeleteContent(obj, request)()`` removes ``obj`` from its folder and returns it;
    the structure and the records that must stay are refused with ``Conflict``."""

    permission = DELETE

    def check(self, appstruct):
        check_delete(self.context)

    def perform(self, appstruct):
        return self.context.__parent__.remove(self.context.__name__)

"""The fields of each document type, shared by the forms and the JSON API.

Field schemas carry no CSRF node; ``form_schema()`` adds it for the screens. Choices that
come from the database (people, groups) are deferred widgets, bound by the forms only.
"""
import re

import colander
import deform

from ejportal.core.forms import CSRFSchema, Names
from ejportal.documents.references import ORDER_REGISTERS, REGULATION_KINDS, choices, ids_of
from ejportal.i18n import _
from ejportal.security import ROLES, STAFF_ROLES
from ejportal.site.resources import get_portal

PRINCIPAL_RE = re.compile(r'^(user|group|role):[A-Za-z0-9_.-]{1,64}$')
DEADLINE_RE = re.compile(r'^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$')


def principals_validator(node, value):
    bad = [v for v in value if not isinstance(v, str) or not PRINCIPAL_RE.match(v)]
    if bad:
        raise colander.Invalid(node, _('Not a person, group or role: ${items}',
                                       mapping={'items': ', '.join(map(str, bad))}))


def deadline_validator(node, value):
    if not DEADLINE_RE.match(value):
        raise colander.Invalid(node, _('A date (2012-08-31) or a month (2012-08).'))
    import datetime
    if len(value) == 10:
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise colander.Invalid(node, _('Not a real date.'))


def principal_choices(request):
    """(principal, title) of staff roles, groups and staff users, for the checkboxes."""
    portal = get_portal(request)
    translate = request.localizer.translate
    choices = [('role:' + r, translate(_('All: ${role}', mapping={'role': translate(ROLES[r])})))
               for r in STAFF_ROLES]
    people = portal['people']
    choices += [('group:' + g.__name__, g.title) for g in people['groups'].values()]
    choices += [('user:' + u.__name__, u.fullname) for u in people['users'].values()
                if u.is_staff() and u.enabled]
    return choices


@colander.deferred
def deferred_principals_widget(node, kw):
    return deform.widget.CheckboxChoiceWidget(values=principal_choices(kw['request']),
                                              inline=False)


@colander.deferred
def deferred_register_widget(node, kw):
    return deform.widget.SelectWidget(values=choices(kw['request'], ORDER_REGISTERS))


@colander.deferred
def deferred_kind_widget(node, kw):
    return deform.widget.SelectWidget(values=choices(kw['request'], REGULATION_KINDS))


def _book_ids(node, name):
    """The entries of a reference book: the form binds the request; the JSON API's schema
    is unbound, and then the current request is asked."""
    from pyramid.threadlocal import get_current_request
    request = (getattr(node, 'bindings', None) or {}).get('request') or get_current_request()
    return ids_of(request, name)


def register_validator(node, value):
    if value not in _book_ids(node, ORDER_REGISTERS):
        raise colander.Invalid(node, _('Not a register of orders.'))


def kind_validator(node, value):
    if value not in _book_ids(node, REGULATION_KINDS):
        raise colander.Invalid(node, _('Not a kind of local act.'))


RICH_TEXT = deform.widget.RichTextWidget(delayed_load=False, options=(
    ('plugins', 'lists table link'), ('menubar', False)))
TEXTAREA = deform.widget.TextAreaWidget(rows=4)


class Clause(colander.MappingSchema):
    text = colander.SchemaNode(colander.String(), title=_('Clause'), widget=TEXTAREA,
                               validator=colander.Length(1, 20000))
    responsible = colander.SchemaNode(colander.String(), title=_('Responsible'), missing='')
    deadline = colander.SchemaNode(colander.Date(), title=_('Deadline'), missing=None)


class Clauses(colander.SequenceSchema):
    clause = Clause(title=_('Clause'))


class OrderFields(colander.MappingSchema):
    register = colander.SchemaNode(colander.String(), title=_('Register'),
                                   widget=deferred_register_widget,
                                   validator=register_validator, missing='od')
    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(1, 500))
    preamble = colander.SchemaNode(colander.String(), title=_('Preamble ("На основании ...")'),
                                   widget=TEXTAREA, missing='')
    clauses = Clauses(title=_('Clauses after "ПРИКАЗЫВАЮ:"'), missing=())
    signatory = colander.SchemaNode(colander.String(), title=_('Signatory'), missing='')
    acknowledge_by = colander.SchemaNode(
        Names(), title=_('Who must acknowledge it'), missing=(),
        widget=deferred_principals_widget, validator=principals_validator)
    public = colander.SchemaNode(colander.Boolean(), title=_('Publish on the school site '
                                                             'once signed'), missing=False)


APPENDIX_KINDS = (('text', _('appendix-text', default='Text')),
                  ('table', _('appendix-table', default='Table')),
                  ('file', _('appendix-file', default='Attached file(s)')))


class AppendixFields(colander.MappingSchema):
    kind = colander.SchemaNode(colander.String(), title=_('Kind of appendix'), missing='text',
                               widget=deform.widget.SelectWidget(values=APPENDIX_KINDS),
                               validator=colander.OneOf([k for k, _t in APPENDIX_KINDS]))
    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(1, 500))
    body = colander.SchemaNode(colander.String(), title=_('Text or table'), widget=RICH_TEXT,
                               missing='')


class Step(colander.MappingSchema):
    number = colander.SchemaNode(colander.Integer(), title=_('Step No.'),
                                 validator=colander.Range(1, 1000))
    content = colander.SchemaNode(colander.String(), title=_('Content'), widget=TEXTAREA,
                                  validator=colander.Length(1, 5000))
    responsible = colander.SchemaNode(
        Names(), title=_('Responsible people and roles'), missing=(),
        widget=deferred_principals_widget, validator=principals_validator)
    responsible_text = colander.SchemaNode(colander.String(),
                                           title=_('Responsible, as printed'), missing='')
    deadline = colander.SchemaNode(colander.String(), title=_('Deadline (date or month)'),
                                   missing='', validator=deadline_validator,
                                   description=_('2012-08-31 or 2012-08'))
    deadline_text = colander.SchemaNode(colander.String(), title=_('Deadline, as printed'),
                                        missing='')
    how = colander.SchemaNode(colander.String(), title=_('How it is done'), widget=TEXTAREA,
                              missing='')


class Steps(colander.SequenceSchema):
    step = Step(title=_('Step'))


def unique_step_numbers(node, value):
    numbers = [s['number'] for s in value.get('steps') or ()]
    if len(numbers) != len(set(numbers)):
        exc = colander.Invalid(node)
        exc['steps'] = _('Step numbers must be unique.')
        raise exc


class RolloutPlanFields(colander.MappingSchema):
    validator = staticmethod(unique_step_numbers)  # a plain attribute would bind as a method
    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(1, 500))
    steps = Steps(title=_('Steps'), missing=())


class RegulationFields(colander.MappingSchema):
    kind = colander.SchemaNode(colander.String(), title=_('Kind'), widget=deferred_kind_widget,
                               validator=kind_validator, missing='polozhenie')
    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(1, 500))
    body = colander.SchemaNode(colander.String(), title=_('Text'), widget=RICH_TEXT,
                               missing='')
    effective_date = colander.SchemaNode(colander.Date(), title=_('In force from'),
                                         missing=None)
    approved_by = colander.SchemaNode(
        colander.String(), title=_('Approving order (its id in Documents)'), missing='',
        validator=colander.Regex(r'^[A-Za-z0-9_.-]{0,100}$'))
    public = colander.SchemaNode(colander.Boolean(),
                                 title=_('Publish on the school site once approved'),
                                 missing=True)


def form_schema(fields_class):
    """The field schema with the CSRF token, for a form."""
    schema = CSRFSchema()
    fields = fields_class()
    for child in fields.children:
        schema.add(child)
    schema.validator = fields.validator
    return schema


class CommentSchema(colander.MappingSchema):
    comment = colander.SchemaNode(colander.String(), missing='',
                                  validator=colander.Length(0, 2000))

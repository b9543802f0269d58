"""The fields of each document type, shared by the forms and the JSON API.

Field schemas carry no CSRF node; ``form_schema()`` adds it for the screens. Choices that
come from the database (people, groups) are deferred widgets, bound by the forms only.
"""
import re

import colander
import deform

from ejportal.core.forms import CSRFSchema, Names
from ejportal.core.richtext import RICH_TEXT
from ejportal.documents.references import ORDER_REGISTERS, REGULATION_KINDS, choices, ids_of
from ejportal.i18n import _
from ejportal.security import ROLES, STAFF_ROLES
from ejportal.site.resources import get_portal

PRINCIPAL_RE = re.compile(r'^(user|group|role):[A-Za-z0-9_.-]{1,64}$')
DEADLINE_RE = re.compile(r'^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$')


class ChoiceSet(colander.Set):
    """A set of plain values (text or numbers): colander's ``Set`` would fail with a
    TypeError on a JSON list holding a list or an object, which are no choices at all."""

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, (list, tuple, set, frozenset)) and any(
                isinstance(v, (list, dict, set)) for v in cstruct):
            raise colander.Invalid(node, _('Choose from the list.'))
        return super().deserialize(node, cstruct)


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


REPEAT_CHOICES = (('', _('repeat-none', default='once')),
                  ('year', _('repeat-year', default='every school year')),
                  ('quarter', _('repeat-quarter', default='every quarter')))
QUARTER_CHOICES = (('1', 'I'), ('2', 'II'), ('3', 'III'), ('4', 'IV'))
SCHOOL_YEAR_RE = re.compile(r'^(\d{4})-(\d{4})$')


def school_year_validator(node, value):
    match = SCHOOL_YEAR_RE.match(value)
    if value and (match is None or int(match.group(2)) != int(match.group(1)) + 1):
        raise colander.Invalid(node, _('A school year: 2012-2013.'))


def quarters_preparer(value):
    """'1'..'4' from the form's checkboxes, 1..4 from JSON: as sorted numbers (anything
    else is left as it came, for the validator to name)."""
    if value is colander.null:
        return value
    return sorted({int(v) if str(v) in ('1', '2', '3', '4') else v for v in value}, key=str)


def quarters_validator(node, value):
    if any(v not in (1, 2, 3, 4) for v in value):
        raise colander.Invalid(node, _('Quarters are 1 to 4.'))


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
    repeat = colander.SchemaNode(
        colander.String(), title=_('Repeats'), missing='',
        widget=deform.widget.SelectWidget(values=REPEAT_CHOICES),
        validator=colander.OneOf([r for r, _t in REPEAT_CHOICES]))
    quarters = colander.SchemaNode(
        ChoiceSet(), title=_('In the quarters (if it repeats every quarter)'), missing=(),
        widget=deform.widget.CheckboxChoiceWidget(values=QUARTER_CHOICES, inline=True),
        preparer=quarters_preparer, validator=quarters_validator)


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
    school_year = colander.SchemaNode(
        colander.String(), title=_('School year the plan covers'), missing='',
        validator=school_year_validator,
        description=_('2012-2013; once it is over the plan is archived. Empty: the year of '
                      'the last dated deadline, or a standing plan.'))
    steps = Steps(title=_('Steps'), missing=())


# -- the approving order of a local act: picked from the orders, or named by its number ------
NUMBER_RE = re.compile(r'^(?:приказ\s*)?№?\s*(\d[\w/-]*)', re.IGNORECASE)


def _orders(request=None):
    """The orders of Documents (None without a request, as in the console: no choices).
    Forms bind the request; the JSON API's schema is unbound, and the current request is
    asked, as for the reference books."""
    from pyramid.threadlocal import get_current_request
    request = request or get_current_request()
    if request is None:
        return None
    documents = get_portal(request).get('documents')
    # by type name: the resources module imports this one
    return [o for o in documents.values() if getattr(o, 'type_name', None) == 'Order'] \
        if documents is not None else None


def order_label(order):
    """«№ 181 от 15.08.2012 — О введении электронного журнала»; a draft, which has no number
    yet, «проект: О создании совета» (never its id)."""
    if order.reference:
        return '%s — %s' % (order.reference, order.title)
    return _('order-draft-label', default='draft: ${title}', mapping={'title': order.title})


@colander.deferred
def deferred_order_widget(node, kw):
    orders = sorted(_orders(kw.get('request')) or (), key=lambda o: (
        o.review_state != 'signed', -(o.date.toordinal() if o.date else 0)))
    return deform.widget.SelectWidget(values=[('', _('— choose an order —'))] + [
        (o.__name__, order_label(o)) for o in orders])


def order_preparer(value):
    """An order's number (181, "№ 181", "приказ № 181") as the order's id."""
    if not isinstance(value, str):
        return value
    value = value.strip()
    orders = _orders()
    if orders is None or not value or any(o.__name__ == value for o in orders):
        return value
    match = NUMBER_RE.match(value)
    if match:
        found = [o for o in orders if o.number is not None and str(o.number) == match.group(1)]
        if len(found) == 1:
            return found[0].__name__
    return value


def order_validator(node, value):
    if not value:
        return
    orders = _orders((getattr(node, 'bindings', None) or {}).get('request'))
    if orders is None:
        colander.Regex(r'^[A-Za-z0-9_.-]{0,100}$')(node, value)
    elif not any(o.__name__ == value for o in orders):
        raise colander.Invalid(node, _('order-unknown', mapping={'value': value},
                                       default='No order "${value}": choose one from the '
                                               'list, or type its number (181).'))


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
        colander.String(), title=_('Approving order'), missing='',
        description=_('order-picker-help', default='Choose the order, or type its number '
                      '(181).'),
        widget=deferred_order_widget, preparer=order_preparer, validator=order_validator)
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


# -- marking a step of a roll-out plan ------------------------------------------------------

MAX_EVIDENCE = 20


def same_site_path(node, value, request):
    """``value`` as a path inside the portal: a path ('/documents/regulation-1') or a URL of
    this very site; anything else (another host, a scheme of its own, '//host') is refused."""
    from urllib.parse import urlsplit
    if not isinstance(value, str) or not value.strip() or len(value) > 500:
        raise colander.Invalid(node, _('A link to a page of the portal.'))
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        own = urlsplit(request.host_url) if request is not None else None
        if own is None or parts.scheme not in ('http', 'https') \
                or parts.netloc.lower() != own.netloc.lower():
            raise colander.Invalid(node, _('evidence-foreign', default='Only links to pages of '
                                           'this portal: ${url}', mapping={'url': value}))
    path = parts.path
    if not path.startswith('/') or path.startswith('//') or '\\' in path \
            or any(segment in ('.', '..') for segment in path.split('/')):
        raise colander.Invalid(node, _('evidence-foreign', default='Only links to pages of '
                                       'this portal: ${url}', mapping={'url': value}))
    return path + ('?' + parts.query if parts.query else '') + \
        ('#' + parts.fragment if parts.fragment else '')


class Evidence(colander.SequenceSchema):
    url = colander.SchemaNode(colander.String(allow_empty=True))

    def deserialize(self, cstruct=colander.null):
        values = super().deserialize(cstruct)
        if values is colander.null:
            return values
        request = (self.bindings or {}).get('request')
        paths, errors = [], colander.Invalid(self)
        for index, value in enumerate(values):
            try:
                paths.append(same_site_path(self.children[0], value, request))
            except colander.Invalid as invalid:
                errors.add(invalid, index)
        if errors.children:
            raise errors
        if len(paths) > MAX_EVIDENCE:
            raise colander.Invalid(self, _('At most ${n} links.', mapping={'n': MAX_EVIDENCE}))
        return list(dict.fromkeys(paths))


class MarkStepSchema(colander.MappingSchema):
    number = colander.SchemaNode(colander.Integer(), validator=colander.Range(1, 1000))
    done = colander.SchemaNode(colander.Boolean(false_choices=('false', '0', '', 'False')))
    note = colander.SchemaNode(colander.String(), missing='',
                               validator=colander.Length(0, 2000))
    evidence = Evidence(missing=())

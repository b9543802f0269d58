"""The fields of news items and events, shared by the forms and the JSON API (a form adds
its CSRF token and, for news, the picture upload, which is no JSON field)."""
import colander
import deform

from ejportal.core.forms import CSRFSchema
from ejportal.i18n import _
from ejportal.news.audience import audiences_for

EVENT_KINDS = (
    ('parents_meeting', _('event-parents_meeting', default="Parents' meeting")),
    ('open_day', _('event-open_day', default='Open day')),
    ('consultation', _('event-consultation', default='Consultation')),
    ('other', _('event-other', default='Other event')),
)
AUDIENCES = (
    ('everyone', _('audience-everyone', default='Everyone')),
    ('parents', _('audience-parents', default='Parents')),
    ('students', _('audience-students', default='Students')),
    ('staff', _('audience-staff', default='Staff')),
)


@colander.deferred
def deferred_datetime_widget(node, kw):
    """deform's date and time inputs, each named for a screen reader (the field's label
    points at neither)."""
    translate = kw['request'].localizer.translate
    title = translate(node.title)
    return deform.widget.DateTimeInputWidget(
        date_attributes={'aria-label': '%s: %s' % (title, translate(_('date')))},
        time_attributes={'aria-label': '%s: %s' % (title, translate(_('time')))})


def _ids(pairs):
    return tuple(key for key, _title in pairs)


class NewsSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(1, 200))
    description = colander.SchemaNode(
        colander.String(), title=_('Summary'), missing='',
        description=_('One or two sentences: shown in lists, the feed and link previews'),
        validator=colander.Length(0, 500), widget=deform.widget.TextAreaWidget(rows=2))
    body = colander.SchemaNode(
        colander.String(), title=_('Text'), missing='',
        description=_('Plain text; an empty line starts a new paragraph'),
        validator=colander.Length(0, 20000), widget=deform.widget.TextAreaWidget(rows=12))


class EventSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(1, 200))
    kind = colander.SchemaNode(
        colander.String(), title=_('Kind'), missing='other',
        validator=colander.OneOf(_ids(EVENT_KINDS)),
        widget=deform.widget.SelectWidget(values=EVENT_KINDS))
    start = colander.SchemaNode(
        colander.DateTime(default_tzinfo=None), title=_('Starts'),
        description=_("The school's local time"), widget=deferred_datetime_widget)
    end = colander.SchemaNode(colander.DateTime(default_tzinfo=None), title=_('Ends'),
                              missing=None, widget=deferred_datetime_widget)
    place = colander.SchemaNode(colander.String(), title=_('Place'), missing='',
                                validator=colander.Length(0, 300))
    audience = colander.SchemaNode(
        colander.String(), title=_('For whom'), missing='everyone',
        validator=colander.OneOf(_ids(AUDIENCES)),
        widget=deform.widget.SelectWidget(values=AUDIENCES))
    description = colander.SchemaNode(
        colander.String(), title=_('Summary'), missing='',
        validator=colander.Length(0, 500), widget=deform.widget.TextAreaWidget(rows=2))
    agenda = colander.SchemaNode(
        colander.String(), title=_('Agenda'), missing='',
        description=_('One item a line'),
        validator=colander.Length(0, 5000), widget=deform.widget.TextAreaWidget(rows=6))

    def validator(self, node, value):
        start, end = value.get('start'), value.get('end')
        if start and end and end < start:
            raise colander.Invalid(node['end'], _('The end comes before the start.'))


def form_schema(fields_class):
    """The field schema with the CSRF token, for a form."""
    schema = CSRFSchema()
    fields = fields_class()
    for child in fields.children:
        schema.add(child)
    schema.validator = fields.validator
    return schema


@colander.deferred
def deferred_audience_widget(node, kw):
    """The audiences the author may write to (``audience.audiences_for``), bound by the
    form."""
    return deform.widget.SelectWidget(values=audiences_for(kw['request'], kw['context']))


class AnnouncementSchema(colander.MappingSchema):
    """An announcement to families or staff: the API's fields and the form's."""
    audience = colander.SchemaNode(
        colander.String(), title=_('announce-audience', default='To whom'),
        validator=colander.Length(1, 50), widget=deferred_audience_widget)
    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(1, 200))
    body = colander.SchemaNode(
        colander.String(), title=_('Text'),
        description=_('Plain text; an empty line starts a new paragraph'),
        validator=colander.Length(1, 20000), widget=deform.widget.TextAreaWidget(rows=10))

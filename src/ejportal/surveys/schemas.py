"""The fields of a survey, shared by its forms and the JSON API."""
import re

import colander
import deform

from ejportal.core.forms import CSRFSchema
from ejportal.i18n import _

TEXTAREA = deform.widget.TextAreaWidget(rows=4)
CLASS_RE = re.compile(r'^(1[01]|[1-9])[a-zа-яё]$')
KIND_CHOICES = (
    ('single', _('survey-kind-single', default='Single choice')),
    ('multiple', _('survey-kind-multiple', default='Multiple choice')),
    ('scale', _('survey-kind-scale', default='Scale 1–5')),
    ('text', _('survey-kind-text', default='Free text')),
)
AUDIENCE_CHOICES = (('parents', _('Parents')), ('students', _('Students')),
                    ('staff', _('survey-audience-staff', default='Staff')))
MAX_QUESTIONS = 60
MAX_OPTIONS = 20


class Lines(colander.String):
    """Options typed one per line (a form) or given as a list (the API)."""

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or cstruct == '':
            return ()
        if isinstance(cstruct, (list, tuple)):
            if not all(isinstance(v, str) for v in cstruct):
                raise colander.Invalid(node, _('Give the options as text.'))
            lines = cstruct
        else:
            text = super().deserialize(node, cstruct)
            # colander reads any falsy value (False, 0) as nothing given
            lines = text.splitlines() if text is not colander.null else ()
        return tuple(line.strip() for line in lines if line.strip())

    def serialize(self, node, appstruct):
        if appstruct is colander.null:
            return colander.null
        return '\n'.join(appstruct)


def options_fit(node, value):
    if len(value) > MAX_OPTIONS or any(len(v) > 300 for v in value):
        raise colander.Invalid(node, _('survey-options-too-many', default='At most 20 '
                                       'options of up to 300 characters.'))


class Question(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_('Question'),
                                validator=colander.Length(1, 1000))
    kind = colander.SchemaNode(colander.String(), title=_('Kind'),
                               widget=deform.widget.SelectWidget(values=KIND_CHOICES),
                               validator=colander.OneOf([k for k, _t in KIND_CHOICES]))
    required = colander.SchemaNode(colander.Boolean(), title=_('Required'), missing=False)
    options = colander.SchemaNode(
        Lines(), title=_('survey-options', default='Options (one per line)'),
        widget=TEXTAREA, missing=(), validator=options_fit)

    def validator(self, node, value):
        if value['kind'] in ('single', 'multiple') and len(value['options']) < 2:
            error = colander.Invalid(node)
            error['options'] = _('survey-options-needed', default='A choice needs at least '
                                 'two options.')
            raise error


class Questions(colander.SequenceSchema):
    question = Question(title=_('Question'))


def class_names(node, value):
    for name in value:
        if not CLASS_RE.match(name):
            raise colander.Invalid(node, _('survey-bad-class', default='"${name}" is not '
                                           'a class such as 5a.', mapping={'name': name}))


class Names(Lines):
    """Classes typed with commas or spaces ("5a, 7б"), or a list."""

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, str):
            cstruct = cstruct.replace(',', ' ').split()
        return tuple(sorted({v.lower() for v in super().deserialize(node, cstruct)}))

    def serialize(self, node, appstruct):
        return colander.null if appstruct is colander.null else ', '.join(appstruct)


class SurveyFields(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(1, 300))
    description = colander.SchemaNode(colander.String(), title=_('Description'),
                                      widget=TEXTAREA, missing='',
                                      validator=colander.Length(0, 5000))
    audience = colander.SchemaNode(
        colander.Set(), title=_('survey-audience', default='Who answers'),
        widget=deform.widget.CheckboxChoiceWidget(values=AUDIENCE_CHOICES, inline=True),
        validator=colander.All(colander.Length(1), colander.ContainsOnly(
            [a for a, _t in AUDIENCE_CHOICES])))
    grades = colander.SchemaNode(
        colander.Set(), title=_('survey-grades', default='Only these grades'), missing=(),
        widget=deform.widget.CheckboxChoiceWidget(
            values=[(str(g), str(g)) for g in range(1, 12)], inline=True),
        preparer=lambda value: value if value is colander.null else {
            int(v) for v in value if str(v).isdigit()},
        validator=colander.ContainsOnly(range(1, 12)))
    classes = colander.SchemaNode(
        Names(), title=_('survey-classes', default='Only these classes (e.g. 5a, 7b)'),
        missing=(), validator=class_names)
    opens = colander.SchemaNode(colander.Date(), title=_('survey-opens', default='Opens on'),
                                missing=None)
    closes = colander.SchemaNode(colander.Date(), title=_('survey-closes',
                                                          default='Closes on'), missing=None)
    anonymous = colander.SchemaNode(colander.Boolean(), title=_('Anonymous'), missing=True,
                                    default=True)
    questions = Questions(title=_('Questions'), missing=(),
                          widget=deform.widget.SequenceWidget(orderable=True),
                          validator=colander.Length(0, MAX_QUESTIONS))

    def validator(self, node, value):
        if value['opens'] and value['closes'] and value['closes'] < value['opens']:
            error = colander.Invalid(node)
            error['closes'] = _('survey-closes-before', default='The survey closes before '
                                'it opens.')
            raise error


class SurveyForm(CSRFSchema, SurveyFields):
    pass

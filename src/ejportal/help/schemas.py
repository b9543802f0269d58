"""The fields of help pages, courses and lessons: one schema each, read by the edit form and
the JSON API alike (a form adds its CSRF token and the version's comment)."""
import colander
import deform

from ejportal.core.forms import CSRFSchema, Names
from ejportal.core.richtext import RICH_TEXT
from ejportal.i18n import _
from ejportal.security import ROLES

ROLE_CHOICES = tuple(ROLES.items())
AUDIENCES = (('staff', _('help-audience-staff', default='Staff')),
             ('parents', _('Parents')))


def roles_validator(node, value):
    bad = sorted(v for v in value if v not in ROLES)
    if bad:
        raise colander.Invalid(node, _('help-not-roles', default='Not a role: ${items}',
                                       mapping={'items': ', '.join(bad)}))


class HelpTextFields(colander.MappingSchema):
    title_ru = colander.SchemaNode(colander.String(), title=_('help-title-ru',
                                                              default='Title (Russian)'),
                                   validator=colander.Length(1, 200))
    title_en = colander.SchemaNode(colander.String(), title=_('help-title-en',
                                                              default='Title (English)'),
                                   missing='', validator=colander.Length(0, 200))
    text_ru = colander.SchemaNode(colander.String(), title=_('help-text-ru',
                                                             default='Text (Russian)'),
                                  missing='', validator=colander.Length(0, 50000),
                                  widget=RICH_TEXT)
    text_en = colander.SchemaNode(
        colander.String(), title=_('help-text-en', default='Text (English)'), missing='',
        description=_('help-text-en-note', default='Where it is empty, English readers '
                      'are shown the Russian text'),
        validator=colander.Length(0, 50000), widget=RICH_TEXT)


class HelpPageFields(HelpTextFields):
    roles = colander.SchemaNode(
        Names(), title=_('help-roles', default='Whom the page is for'), missing=(),
        validator=roles_validator,
        widget=deform.widget.CheckboxChoiceWidget(values=ROLE_CHOICES, inline=True))
    public = colander.SchemaNode(
        colander.Boolean(), title=_('help-public', default='Visitors may read it too '
                                    '(without logging in)'), missing=False)
    order = colander.SchemaNode(colander.Integer(), title=_('help-order',
                                                            default='Place in the list'),
                                missing=100, validator=colander.Range(0, 1000))


class CourseFields(HelpTextFields):
    audience = colander.SchemaNode(
        colander.String(), title=_('help-audience', default='Who takes the course'),
        missing='staff', validator=colander.OneOf([a for a, _t in AUDIENCES]),
        widget=deform.widget.SelectWidget(values=AUDIENCES))


class LessonFields(HelpTextFields):
    pass


def edit_form_schema(fields_class):
    """The fields with the CSRF token and a comment for the version's history."""
    schema = CSRFSchema()
    for child in fields_class().children:
        schema.add(child)
    schema.add(colander.SchemaNode(
        colander.String(), name='version_comment', missing='',
        title=_('help-version-comment', default='What changed (for the history)'),
        validator=colander.Length(0, 2000)))
    return schema

"""The fields of a question and of an answer, shared by the forms and the JSON API."""
import re

import colander
import deform

from ejportal.core.forms import CSRFSchema
from ejportal.i18n import _

TEXTAREA = deform.widget.TextAreaWidget(rows=6)
TIME_RE = re.compile(r'^([01]?\d|2[0-3]):[0-5]\d$')
KIND_CHOICES = (('question', _('q-kind-question', default='A question')),
                ('consultation', _('q-kind-consultation', default='A consultation (a meeting)')))
TO_CHOICES = (
    ('class_teacher', _('q-to-class_teacher', default='The class teacher')),
    ('teacher', _('q-to-teacher', default='A subject teacher')),
    ('psychologist', _('q-to-psychologist', default='The psychologist')),
    ('administration', _('q-to-administration', default='The administration')),
    ('support', _('q-to-support', default='Technical support (the system administrator)')),
)


@colander.deferred
def student_widget(node, kw):
    choices = kw.get('children', ())
    return deform.widget.SelectWidget(values=[('', '—')] + list(choices))


@colander.deferred
def teacher_widget(node, kw):
    choices = kw.get('teachers', ())
    return deform.widget.SelectWidget(values=[('', '—')] + list(choices))


class AskFields(colander.MappingSchema):
    kind = colander.SchemaNode(colander.String(), title=_('q-kind', default='What you ask for'),
                               widget=deform.widget.SelectWidget(values=KIND_CHOICES),
                               validator=colander.OneOf([k for k, _t in KIND_CHOICES]),
                               missing='question', default='question')
    to = colander.SchemaNode(colander.String(), title=_('q-to', default='To whom'),
                             widget=deform.widget.SelectWidget(values=TO_CHOICES),
                             validator=colander.OneOf([k for k, _t in TO_CHOICES]))
    student = colander.SchemaNode(
        colander.String(), title=_('q-student', default='About which child'), missing='',
        widget=student_widget, validator=colander.Length(0, 100),
        description=_('q-student-help', default='For the class teacher or a subject '
                      'teacher of your child.'))
    teacher = colander.SchemaNode(
        colander.String(), title=_('q-teacher', default='Which teacher'), missing='',
        widget=teacher_widget, validator=colander.Length(0, 100),
        description=_('q-teacher-help', default='For a subject teacher.'))
    title = colander.SchemaNode(colander.String(), title=_('q-subject', default='Subject'),
                                validator=colander.Length(1, 200))
    body = colander.SchemaNode(colander.String(), title=_('q-body', default='Your question'),
                               widget=TEXTAREA, validator=colander.Length(1, 5000))
    wished = colander.SchemaNode(
        colander.String(), title=_('q-wished', default='When it would suit you'),
        missing='', validator=colander.Length(0, 300),
        description=_('q-wished-help', default='For a consultation: days and hours.'))


class AskForm(CSRFSchema, AskFields):
    pass


def time_of_day(node, value):
    if not TIME_RE.match(value):
        raise colander.Invalid(node, _('q-bad-time', default='A time such as 15:30.'))


class AnswerFields(colander.MappingSchema):
    answer = colander.SchemaNode(colander.String(), title=_('q-answer', default='Answer'),
                                 widget=TEXTAREA, validator=colander.Length(1, 5000))


class SlotFields(colander.MappingSchema):
    date = colander.SchemaNode(colander.Date(), title=_('Date'))
    time = colander.SchemaNode(colander.String(), title=_('q-time', default='Time'),
                               validator=time_of_day)
    place = colander.SchemaNode(colander.String(), title=_('q-place', default='Place'),
                                validator=colander.Length(1, 200))
    answer = colander.SchemaNode(colander.String(), title=_('q-note', default='A note'),
                                 widget=TEXTAREA, missing='', validator=colander.Length(0, 5000))


class AnswerForm(CSRFSchema, AnswerFields):
    pass


class SlotForm(CSRFSchema, SlotFields):
    pass

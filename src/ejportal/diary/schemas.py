"""The class teacher's desk forms (deform + colander, bound to the request and the class).

Dates are plain ``<input type="date">`` fields (one name per field, ISO values); the rules
beyond a field (a login typed by hand, a student not in this class) are checked by the
views, which raise ``FormError`` before they change anything."""
import colander
import deform

from ejportal.core.forms import CSRFSchema
from ejportal.i18n import _

RELATION_TITLES = {'mother': _('mother'), 'father': _('father'),
                   'guardian': _('legal guardian'), 'other': _('other representative')}
REMARK_KINDS = {'praise': _('praise'), 'concern': _('concern'), 'info': _('information')}
ABSENCE_CODES = ('б', 'уп', 'н')
MAX_ABSENCE_DAYS = 120


def date_node(title, missing=None, **kw):
    return colander.SchemaNode(
        colander.Date(), title=title, missing=missing,
        widget=deform.widget.TextInputWidget(attributes={'type': 'date'}), **kw)


def text_node(title, max_length, missing='', **kw):
    return colander.SchemaNode(
        colander.String(), title=title, missing=missing,
        validator=colander.Length(max=max_length), preparer=_strip, **kw)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MemoryTmpStore(dict):
    """deform's upload widget keeps an upload between re-renders in a temporary store;
    a certificate that fails another field is simply chosen again."""

    def preview_url(self, uid):
        return None


@colander.deferred
def deferred_students(node, kw):
    school_class = kw['context']
    return deform.widget.SelectWidget(values=[
        (s.__name__, s.fullname) for s in school_class.students()])


@colander.deferred
def deferred_student_id(node, kw):
    members = kw['context'].members
    return colander.Function(lambda value: value in members, _('Choose a student.'))


@colander.deferred
def deferred_reasons(node, kw):
    return deform.widget.AutocompleteInputWidget(
        values=list(kw['context'].year.__parent__.absence_reasons), min_length=0)


def relation_node():
    return colander.SchemaNode(
        colander.String(), title=_('Relation'), missing='other',
        validator=colander.OneOf(list(RELATION_TITLES)),
        widget=deform.widget.SelectWidget(values=list(RELATION_TITLES.items())))


def email_node():
    return colander.SchemaNode(colander.String(), title=_('E-mail'), missing='',
                               preparer=_strip,
                               validator=colander.All(colander.Email(
                                   msg=_('Not an e-mail address.')),
                                   colander.Length(max=200)))


class GuardianSchema(colander.MappingSchema):
    fullname = text_node(_('Full name'), 200)
    relation = relation_node()
    phone = text_node(_('Phone'), 50)
    email = email_node()
    login = colander.SchemaNode(colander.String(), title=_('Login'), missing='',
                                widget=deform.widget.HiddenWidget())
    consent = date_node(_('Personal-data consent on file (date)'))
    no_pass_note = date_node(_('Signed note not to pass the login on (date)'))
    email_remarks = colander.SchemaNode(colander.Boolean(), missing=False,
                                        title=_('Remarks by e-mail'))


class Guardians(colander.SequenceSchema):
    guardian = GuardianSchema(title=_('Parent / legal representative'))


class StudentFileSchema(CSRFSchema):
    surname = text_node(_('Surname'), 100, missing=colander.required)
    first_name = text_node(_('First name'), 100, missing=colander.required)
    patronymic = text_node(_('Patronymic'), 100)
    personal_file = text_node(_('Personal file number'), 30)
    birth_date = date_node(_('Birth date'))
    address = text_node(_('Address'), 500)
    documents = text_node(_('Documents'), 500)
    student_consent = date_node(_("Consent for the student's own login (date)"))
    guardians = Guardians(title=_('Parents / legal representatives'),
                          widget=deform.widget.SequenceWidget(orderable=False))


class AddStudentFields(colander.MappingSchema):
    """A new student of a class (``actions.AddStudent``; the form adds the CSRF token)."""
    surname = text_node(_('Surname'), 100, missing=colander.required)
    first_name = text_node(_('First name'), 100, missing=colander.required)
    patronymic = text_node(_('Patronymic'), 100)
    personal_file = text_node(_('Personal file number'), 30)
    birth_date = date_node(_('Birth date'))
    start = date_node(_('In the class from'))


class AddStudentSchema(CSRFSchema, AddStudentFields):
    pass


class AddGuardianFields(colander.MappingSchema):
    """A parent / legal representative of a student of the class, with the login of their
    account (``actions.AddGuardian``)."""
    student = colander.SchemaNode(colander.String(), title=_('Student'),
                                  validator=deferred_student_id)
    fullname = text_node(_('Full name'), 200, missing=colander.required)
    relation = relation_node()
    phone = text_node(_('Phone'), 50)
    email = email_node()
    login = colander.SchemaNode(colander.String(), title=_('Login'), missing='')
    consent = date_node(_('Personal-data consent on file (date)'))
    no_pass_note = date_node(_('Signed note not to pass the login on (date)'))


class MoveOutSchema(CSRFSchema):
    student = colander.SchemaNode(colander.String(), title=_('Student'),
                                  widget=deferred_students, validator=deferred_student_id)
    last_day = date_node(_('Last day in the class'))


class RemarkSchema(CSRFSchema):
    student = colander.SchemaNode(colander.String(), title=_('Student'),
                                  widget=deferred_students, validator=deferred_student_id)
    kind = colander.SchemaNode(
        colander.String(), title=_('Kind'), validator=colander.OneOf(list(REMARK_KINDS)),
        widget=deform.widget.SelectWidget(values=list(REMARK_KINDS.items())))
    text = colander.SchemaNode(colander.String(), title=_('Remark'), preparer=_strip,
                               validator=colander.Length(min=1, max=2000),
                               widget=deform.widget.TextAreaWidget(rows=3))


@colander.deferred
def deferred_upload(node, kw):
    return deform.widget.FileUploadWidget(MemoryTmpStore())


def _absence_range(node, value):
    start, end = value['start'], value.get('end') or value['start']
    if end < start:
        error = colander.Invalid(node)
        error['end'] = _('The last day must not be before the first.')
        raise error
    if (end - start).days > MAX_ABSENCE_DAYS:
        error = colander.Invalid(node)
        error['end'] = _('At most 120 days at once.')
        raise error


class AbsenceSchema(CSRFSchema):
    student = colander.SchemaNode(colander.String(), title=_('Student'),
                                  widget=deferred_students, validator=deferred_student_id)
    start = date_node(_('First day'), missing=colander.required)
    end = date_node(_('Last day'))
    code = colander.SchemaNode(
        colander.String(), title=_('Mark in the journals'),
        validator=colander.OneOf(ABSENCE_CODES),
        widget=deform.widget.SelectWidget(values=[
            ('б', _('б — ill')), ('уп', _('уп — excused')), ('н', _('н — absent'))]))
    reason = colander.SchemaNode(colander.String(), title=_('Reason'), preparer=_strip,
                                 validator=colander.Length(min=1, max=200),
                                 widget=deferred_reasons)
    certificate = colander.SchemaNode(deform.FileData(), title=_('Certificate (optional)'),
                                      missing=None, widget=deferred_upload)

    def __init__(self, *args, **kw):
        super().__init__(*args, validator=_absence_range, **kw)


class ResetSchema(CSRFSchema):
    login = colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=200))


# -- personal-data consents (diary/consents.py) ------------------------------------------------
CONSENT_KINDS = {'staff': _('a staff member'), 'guardian': _('a parent / legal representative')}
CONSENT_COVERS = {'self': _('their own data'), 'child': _("the child's data")}
CONSENT_SCOPES = {'processing': _('processing of personal data'),
                  'diary': _('the electronic diary (logins for the family)'),
                  'publication': _("publication on the school's site")}


def _consent_dates(node, value):
    if value.get('expires') and value.get('date') and value['expires'] < value['date']:
        invalid = colander.Invalid(node)
        invalid['expires'] = _('The consent cannot expire before it was given.')
        raise invalid


class ConsentSchema(CSRFSchema):
    kind = colander.SchemaNode(
        colander.String(), title=_('Whose consent'),
        validator=colander.OneOf(list(CONSENT_KINDS)),
        widget=deform.widget.SelectWidget(values=list(CONSENT_KINDS.items())))
    person = text_node(_("Staff member's login, or the parent's full name"), 200,
                       missing=colander.required)
    student = text_node(_('Student id (for a parent)'), 40)
    covers = colander.SchemaNode(
        colander.String(), title=_('The consent covers'), missing='self',
        validator=colander.OneOf(list(CONSENT_COVERS)),
        widget=deform.widget.SelectWidget(values=list(CONSENT_COVERS.items())))
    scope = colander.SchemaNode(
        colander.Set(), title=_('Scope'), validator=colander.Length(min=1),
        widget=deform.widget.CheckboxChoiceWidget(values=list(CONSENT_SCOPES.items())))
    date = date_node(_('Signed on'), missing=colander.required)
    expires = date_node(_('Valid until (empty: until withdrawn)'))
    scan = colander.SchemaNode(deform.FileData(), title=_('Scanned copy (PDF or image)'),
                               missing=None, widget=deferred_upload)

    def __init__(self, *args, **kw):
        super().__init__(*args, validator=_consent_dates, **kw)


class WithdrawSchema(CSRFSchema):
    date = date_node(_('Withdrawn on (empty: today)'))
    note = text_node(_('Note'), 500)

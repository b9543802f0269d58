"""The consent registry's doors: the screens (one form per change) and the JSON endpoints,
each change one action; the reports (people without a valid consent, consents expiring this
month); the read-log for the administrator and the director, and for the family."""
import datetime

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ejportal.core.actions import Action
from ejportal.core.errors import Conflict, Invalid, NotFound
from ejportal.core.files import blob_response
from ejportal.core.forms import FormError, FormView
from ejportal.core.jsonapi import json_body
from ejportal.core.responses import json_response, jsonable
from ejportal.core.uploads import ALLOWED, UploadRefused, stored_upload
from ejportal.diary import consents, schemas
from ejportal.i18n import _, format_date
from ejportal.journal.resources import Student
from ejportal.paths import template
from ejportal.security import PERSONAL_DATA, VIEW_AUDIT, VIEW_DIARY
from ejportal.site.names import person_name
from ejportal.site.resources import get_portal

FORM = template('form.pt')


def today():
    return datetime.date.today()


def scan_item(request, upload):
    """The scanned copy from deform's upload value, checked by content like every upload;
    None when no file was chosen. Raises UploadRefused."""
    return stored_upload(upload, get_portal(request)['settings'].upload_max_mb, 'consent')


class RegisterConsent(Action):
    """A signed consent into the registry: a staff member's (by login) for themselves, or a
    guardian's (by the full name on the student's file) for themselves or the child."""
    permission = PERSONAL_DATA
    schema = schemas.ConsentSchema
    system_allowed = True
    scan = None       # the form's checked upload (the JSON door sends none)

    def check(self, appstruct):
        portal = get_portal(self.request) if self.request is not None else \
            self.context.__parent__
        if appstruct['kind'] == 'staff':
            user = portal['people']['users'].get(appstruct['person'])
            if user is None or not user.is_staff():
                raise Invalid(_('No staff member has this login.'),
                              {'person': _('No staff member has this login.')})
            if appstruct['covers'] != 'self':
                raise Invalid(_("A staff member's consent covers their own data."),
                              {'covers': _("A staff member's consent covers their own "
                                           "data.")})
            return
        student = portal['journal']['students'].get(appstruct['student'] or '')
        if student is None:
            raise Invalid(_('No such student.'), {'student': _('No such student.')})
        names = [consents.norm(g.get('fullname')) for g in
                 (student.diary.guardians if student.diary is not None else ())]
        if consents.norm(appstruct['person']) not in names:
            raise Invalid(_("This name is not among the student's parents."),
                          {'person': _("This name is not among the student's parents.")})

    def perform(self, appstruct):
        return consents.register(
            self.context, appstruct['kind'], appstruct['person'], appstruct['covers'],
            sorted(appstruct['scope']), appstruct['date'],
            student=appstruct['student'] if appstruct['kind'] == 'guardian' else '',
            expires=appstruct['expires'], scan=self.scan)


class WithdrawConsent(Action):
    """The consent withdrawn from a date on (today by default): what it allowed stops (no
    new logins for the family), the entry stays on record."""
    permission = PERSONAL_DATA
    schema = schemas.WithdrawSchema
    left_group = False    # a staff member's: they left the group authorised for personal data

    def check(self, appstruct):
        if self.context.withdrawn is not None:
            raise Conflict(_('This consent is already withdrawn.'))

    def perform(self, appstruct):
        self.left_group = consents.withdraw(self.context, appstruct['date'] or today(),
                                            appstruct['note'])
        return self.context


def consent_json(request, consent):
    return dict(jsonable(consent.api_extra()), **{
        '@id': request.resource_url(consent).rstrip('/'), 'id': consent.__name__,
        'valid': consent.valid(today())})


def report_data(portal, day):
    registry = consents.consent_registry(portal)
    return {'date': day, 'without_consent': consents.without_consent(portal, day),
            'expiring': consents.expiring(registry, day) if registry is not None else []}


def whose(request):
    """A consent's person as the screens name them: a staff member by name (the consent
    keeps the login), a guardian as registered (by name)."""
    def name(consent):
        return person_name(request, consent.person) if consent.kind == 'staff' else consent.person
    return name


def student_names(portal):
    """A student's name from the id a consent names (the id itself for one since gone)."""
    students = portal['journal']['students']

    def name(sid):
        student = students.get(sid) if sid else None
        return student.fullname if student is not None else (sid or '')
    return name


# -- screens ---------------------------------------------------------------------------------
@view_config(context=consents.ConsentRegistry, permission=PERSONAL_DATA,
             renderer=template('diary/consents.pt'), accept='text/html')
def registry_page(context, request):
    items = sorted(context.values(), key=lambda c: (c.kind, c.student, consents.norm(
        c.person), c.__name__))
    return {'title': _('Personal-data consents'), 'items': items, 'today': today(),
            'format_date': format_date, 'scopes': schemas.CONSENT_SCOPES,
            'covers': schemas.CONSENT_COVERS, 'kinds': schemas.CONSENT_KINDS,
            'group': consents.GROUP, 'student_name': student_names(get_portal(request)),
            'whose': whose(request),
            'may_read_log': request.has_permission(VIEW_AUDIT, context)}


@view_config(context=consents.ConsentRegistry, name='register', permission=PERSONAL_DATA,
             renderer=FORM)
class RegisterForm(FormView):
    schema = schemas.ConsentSchema
    title = _('Register a consent')
    form_options = {'formid': 'consent'}

    def save_success(self, appstruct):
        try:
            scan = scan_item(self.request, appstruct['scan'])
        except UploadRefused as refused:
            raise FormError('scan', refused.message)
        action = RegisterConsent(self.context, self.request)
        action.scan = scan
        consent = action.run({k: v for k, v in appstruct.items() if k != 'scan'})
        self.request.session.flash(_('Consent registered.'), 'success')
        return HTTPSeeOther(self.request.resource_url(consent))


@view_config(context=consents.Consent, permission=PERSONAL_DATA,
             renderer=template('diary/consent.pt'), accept='text/html')
def consent_page(context, request):
    return {'title': _('Personal-data consent'), 'consent': context, 'today': today(),
            'format_date': format_date, 'scopes': schemas.CONSENT_SCOPES,
            'covers': schemas.CONSENT_COVERS, 'kinds': schemas.CONSENT_KINDS,
            'student_name': student_names(get_portal(request)), 'whose': whose(request)}


@view_config(context=consents.Consent, name='withdraw', permission=PERSONAL_DATA,
             renderer=FORM)
class WithdrawForm(FormView):
    schema = schemas.WithdrawSchema
    title = _('Withdraw the consent')
    form_options = {'formid': 'withdraw'}

    def save_success(self, appstruct):
        action = WithdrawConsent(self.context, self.request)
        action.run(appstruct)
        self.request.session.flash(_('The consent is withdrawn.'), 'success')
        if action.left_group:
            self.request.session.flash(_('consent-left-group', mapping={
                'login': self.context.person}, default='${login} is no longer among the staff '
                'authorised to process personal data: students\' cards and families\' '
                'contacts are closed to them.'))
        return HTTPSeeOther(self.request.resource_url(self.context))


@view_config(context=consents.Consent, name='scan', request_method='GET',
             permission=PERSONAL_DATA)
def scan(context, request):
    item = context.scan
    if not item or item.get('kind') not in ALLOWED:
        raise NotFound(_('No scanned copy.'))
    return blob_response(item['blob'], item['name'], ALLOWED[item['kind']][1],
                         cache='private, no-store')


@view_config(context=consents.ConsentRegistry, name='report', permission=PERSONAL_DATA,
             renderer=template('diary/consents_report.pt'))
def report_page(context, request):
    data = report_data(get_portal(request), today())
    return dict(data, student_name=student_names(get_portal(request)), whose=whose(request),
                title=_('Consents: who lacks one, what expires this month'),
                format_date=format_date, covers=schemas.CONSENT_COVERS,
                kinds=schemas.CONSENT_KINDS)


@view_config(context=consents.ConsentRegistry, name='reads', permission=VIEW_AUDIT,
             renderer=template('diary/reads.pt'))
def reads_page(context, request):
    students = get_portal(request)['journal']['students']
    rows = consents.all_reads(context)
    for row in rows:
        student = students.get(row['student'])
        row['title'] = student.fullname if student is not None else row['student']
    return {'title': _("Who read students' personal data"), 'rows': rows,
            'whats': WHATS}


WHATS = {'card': _("the student's card"), 'contacts': _("the family's contacts")}


@view_config(context=Student, name='card-reads', permission=VIEW_DIARY,
             renderer=template('diary/reads.pt'))
def card_reads(context, request):
    """The family's page: who read the child's card or the family's contacts."""
    rows = consents.reads_of(consents.consent_registry(get_portal(request)),
                             context.__name__)
    users = get_portal(request)['people']['users']
    for row in rows:
        user = users.get(row['userid'])
        row['who'] = user.fullname if user is not None else row['userid']
    return {'title': _("Who read ${name}'s personal data", mapping={
        'name': context.fullname}), 'rows': rows, 'whats': WHATS, 'student': context}


# -- JSON ------------------------------------------------------------------------------------
@view_config(context=consents.ConsentRegistry, name='@consents', request_method='GET',
             permission=PERSONAL_DATA)
def list_json(context, request):
    return json_response({'items': [consent_json(request, c) for c in context.values()]})


@view_config(context=consents.ConsentRegistry, name='@consents', request_method='POST',
             permission=PERSONAL_DATA)
def register_json(context, request):
    """``{"kind", "person", "student"?, "covers"?, "scope": [...], "date", "expires"?}``:
    201 and the consent (its scan is added on the screen)."""
    consent = RegisterConsent(context, request)(json_body(request))
    return json_response(consent_json(request, consent), 201)


@view_config(context=consents.Consent, name='@withdraw', request_method='POST',
             permission=PERSONAL_DATA)
def withdraw_json(context, request):
    """``{"date"?, "note"?}``: the consent, withdrawn (``left_group``: a staff member left
    the group authorised to process personal data by it)."""
    action = WithdrawConsent(context, request)
    action(json_body(request))
    return json_response(dict(consent_json(request, context), left_group=action.left_group))


@view_config(context=consents.ConsentRegistry, name='@report', request_method='GET',
             permission=PERSONAL_DATA)
def report_json(context, request):
    data = report_data(get_portal(request), today())
    return json_response(jsonable({
        'date': data['date'], 'without_consent': data['without_consent'],
        'expiring': [consent_json(request, c) for c in data['expiring']]}))


@view_config(context=consents.ConsentRegistry, name='@reads', request_method='GET',
             permission=VIEW_AUDIT)
def reads_json(context, request):
    return json_response(jsonable({'items': consents.all_reads(context)}))

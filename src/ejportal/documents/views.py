"""Screens of the documents section: thin views over ``resources``, ``workflows`` and
``acknowledgement``. Every view names its permission; the workflow engine checks each
transition's own permission on top of VIEW."""
import colander
from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ejportal.core.actor import current_actor
from ejportal.core.files import blob_response
from ejportal.core.catalog import as_date
from ejportal.core.content import type_info
from ejportal.core.errors import Conflict, Invalid, UserError
from ejportal.core.forms import FormView, ask_confirmation, back_on_refusal
from ejportal.core.uploads import ALLOWED, check_upload, safe_filename
from ejportal.core.versioning import cancel_checkout, checkout
from ejportal.core.workflow import (
    check_transition, current_state, do_transition, get_workflow, offered_transitions)
from ejportal.documents import acknowledgement
from ejportal.documents import plan as plan_module
from ejportal.documents.printing import pdf_response, print_data
from ejportal.documents.resources import (
    REPEAT_TITLES, ROMAN, STEP_STATUS_TITLES, Appendix, Attachment,
    Document, Documents, Order, Regulation, RolloutPlan, occurrence_title)
from ejportal.documents.references import regulation_kinds, registers
from ejportal.documents.schemas import form_schema, order_label
from ejportal.documents.search import SearchError, read_criteria, result_url, run_search
from ejportal.documents.workflows import ORDER_WORKFLOW, REGULATION_WORKFLOW
from ejportal.i18n import _
from ejportal.paths import template
from ejportal.security import (
    ACKNOWLEDGE, ADD_DOCUMENT, DELETE, EDIT, MANAGE_ACKNOWLEDGEMENTS, VIEW,
    VIEW_PUBLIC)
from ejportal.site.content_actions import AddContent, DeleteContent, EditContent
from ejportal.site.names import person_name
from ejportal.site.resources import get_portal

STATE_FILTERS = ('draft', 'review', 'signed', 'cancelled', 'superseded', 'approved',
                 'published', 'repealed')


def flash_error(request, message):
    request.session.flash(message, 'error')


def state_title(obj):
    state = current_state(obj)
    return state.title if state else ''


def doc_title(obj):
    if isinstance(obj, Order) and obj.number is not None:
        return '%s: %s' % (obj.reference, obj.title)
    return obj.title


# -- the section ------------------------------------------------------------------------

SCREEN_PARAMS = {'text': 'q', 'types': 'type', 'states': 'state', 'register': 'register',
                 'date_from': 'date_from', 'date_to': 'date_to', 'year': 'year',
                 'sort_on': 'sort', 'sort_order': 'order', 'b_start': 'b_start',
                 'b_size': 'b_size'}
TYPE_CHOICES = (('Order', _('Orders')), ('Regulation', _('Local acts')),
                ('Appendix', _('Appendices')))
SORT_CHOICES = (('', _('best first / newest first')), ('date', _('date')),
                ('title', _('title')), ('number', _('number')))


def state_titles():
    titles = {}
    for workflow in (ORDER_WORKFLOW, REGULATION_WORKFLOW):
        for state in workflow.states.values():
            titles.setdefault(state.id, state.title)
    return titles


def result_row(request, obj, register_titles, states):
    if isinstance(obj, Appendix):
        title = '%s: %s' % (obj.heading, obj.title)
    else:
        title = doc_title(obj)
    state = obj.review_state or getattr(obj.__parent__, 'review_state', None)
    return {'obj': obj, 'title': title, 'url': result_url(request, obj),
            'date': as_date(getattr(obj, 'date', None)), 'type': type_info(obj.type_name).title,
            'register': register_titles.get(getattr(obj, 'register', None), ''),
            'state': states.get(state, ''), 'state_id': state or ''}


def batch_links(request, base, total, start, size):
    """Previous / next / page links of a batch, keeping the other parameters."""
    from urllib.parse import urlencode
    params = [(k, v) for k, v in request.GET.items() if k != 'b_start']

    def link(position):
        return base + '?' + urlencode(params + [('b_start', position)])
    pages = []
    if total > size:
        for number, position in enumerate(range(0, total, size), start=1):
            if abs(position - start) <= 5 * size or position in (0, ((total - 1) // size) * size):
                pages.append({'number': number, 'url': link(position),
                              'current': position == start})
    return {'prev': link(max(start - size, 0)) if start > 0 else None,
            'next': link(start + size) if start + size < total else None,
            'pages': pages, 'first': start + 1 if total else 0,
            'last': min(start + size, total), 'total': total}


@view_config(context=Documents, permission=VIEW, renderer=template('documents/listing.pt'),
             request_method='GET', accept='text/html')
@view_config(context=Documents, name='search', permission=VIEW,
             renderer=template('documents/listing.pt'), request_method='GET')
def documents_listing(context, request):
    """The section's page is its search screen: the documents the user may see, found in
    the catalog by text, type, register, state and period, newest (or best) first, in
    batches."""
    portal = get_portal(request)
    params = request.GET
    errors = {}
    try:
        criteria = read_criteria(params, SCREEN_PARAMS)
    except SearchError as error:
        errors = error.fields
        request.response.status = 400
        total, objects, criteria = 0, [], None
    else:
        total, objects = run_search(request, portal, criteria)
    register_titles = dict((r['id'], r['title']) for r in registers(portal))
    states = state_titles()
    rows = [result_row(request, obj, register_titles, states) for obj in objects]
    base = request.resource_url(context)
    return {'title': context.title, 'rows': rows, 'total': total, 'errors': errors,
            'batch': batch_links(request, base, total, criteria['b_start'],
                                 criteria['b_size']) if criteria else None,
            'can_add': request.has_permission(ADD_DOCUMENT, context),
            'registers': sorted(register_titles.items()),
            'types': TYPE_CHOICES, 'sorts': SORT_CHOICES,
            'states': [(s, states[s]) for s in STATE_FILTERS],
            'filters': {name: params.get(name, '') for name in
                        ('q', 'type', 'register', 'state', 'date_from', 'date_to', 'year',
                         'sort', 'order')}}


# -- add and edit -------------------------------------------------------------------------

class DocumentForm(FormView):
    type_name = None

    def schema_instance(self):
        return form_schema(type_info(self.type_name).schema)


@view_config(context=Documents, name='add-order', permission=ADD_DOCUMENT,
             renderer=template('form.pt'))
class AddOrderView(DocumentForm):
    type_name = 'Order'
    title = _('New order')

    def appstruct(self):
        return {'signatory': get_portal(self.request)['settings'].director_name,
                'register': 'od'}

    def save_success(self, appstruct):
        obj = AddContent(self.context, self.request, self.type_name).run(appstruct)
        self.request.session.flash(_('The draft is saved.'), 'success')
        return HTTPSeeOther(self.request.resource_url(obj))


@view_config(context=Documents, name='add-regulation', permission=ADD_DOCUMENT,
             renderer=template('form.pt'))
class AddRegulationView(AddOrderView):
    type_name = 'Regulation'
    title = _('New local act')

    def appstruct(self):
        return colander.null


@view_config(context=Order, name='add-appendix', permission=ADD_DOCUMENT,
             renderer=template('form.pt'))
class AddAppendixView(DocumentForm):
    type_name = 'Appendix'
    title = _('New appendix')

    def save_success(self, appstruct):
        obj = AddContent(self.context, self.request, self.type_name).run(appstruct)
        return HTTPSeeOther(self.request.resource_url(obj))


@view_config(context=Order, name='add-plan', permission=ADD_DOCUMENT,
             renderer=template('form.pt'))
class AddPlanView(AddAppendixView):
    type_name = 'RolloutPlan'
    title = _('New roll-out plan (appendix)')


@view_config(context=Document, name='edit', permission=EDIT, renderer=template('form.pt'))
class EditDocumentView(DocumentForm):
    """Edits the current version (a new version on save), or the open amendment."""

    @property
    def type_name(self):
        return self.context.type_name

    @property
    def title(self):
        if self.context.working_copy is not None:
            return _('Amendment of "${title}"', mapping={'title': self.context.title})
        return _('Edit "${title}"', mapping={'title': self.context.title})

    def __call__(self):
        current = self.context.current_version
        if self.context.working_copy is None and current is not None and current.frozen:
            flash_error(self.request, _('This version is signed. Start an amendment to change '
                                        'it.'))
            return HTTPSeeOther(self.request.resource_url(self.context))
        return super().__call__()

    def schema_instance(self):
        schema = super().schema_instance()
        schema.add(colander.SchemaNode(colander.String(), name='version_comment',
                                       title=_('What changed (for the history)'),
                                       missing=''))
        return schema

    def appstruct(self):
        content = dict(self.context.working_copy or self.context.content())
        return {k: (colander.null if v is None else v) for k, v in content.items()}

    def save_success(self, appstruct):
        EditContent(self.context, self.request).run(appstruct)
        self.request.session.flash(_('Saved.'), 'success')
        return HTTPSeeOther(self.request.resource_url(self.context))


@view_config(context=Document, name='amend', permission=EDIT, request_method='POST',
             decorator=back_on_refusal())
def amend(context, request):
    if get_workflow(context) is None:
        raise Conflict(_('Amend the order this appendix belongs to.'))
    checkout(context)
    return HTTPSeeOther(request.resource_url(context, '@@edit'))


@view_config(context=Document, name='cancel-amendment', permission=EDIT, request_method='POST')
def cancel_amendment(context, request):
    cancel_checkout(context)
    request.session.flash(_('The amendment is discarded.'), 'success')
    return HTTPSeeOther(request.resource_url(context))


# -- the document page -------------------------------------------------------------------

def sheet_summary(obj, request):
    if not isinstance(obj, Order) or obj.sheet is None:
        return None
    rows = obj.sheet.rows()
    done = sum(1 for _u, entry in rows if entry)
    userid = request.authenticated_userid
    return {'due': len(rows), 'done': done,
            'mine': bool(userid) and obj.sheet.must_acknowledge(userid)}


def workflow_history_rows(context, request, limit=20):
    """The workflow's history in the reader's words: who (by name), the transition's and
    the state's titles, when, the comment."""
    workflow = get_workflow(context)
    rows = []
    for entry in reversed(context.workflow_history or []):
        transition = workflow.transitions.get(entry['transition'])
        state = workflow.states.get(entry['to'])
        rows.append({'time': entry['time'], 'comment': entry['comment'],
                     'who': person_name(request, entry['userid'], short=True),
                     'transition': transition.title if transition else entry['transition'],
                     'to': state.title if state else entry['to']})
    return rows[:limit]


def repeat_title(step, translate):
    """'every quarter: I, III' (empty for a step done once)."""
    if not step.repeat:
        return ''
    title = translate(REPEAT_TITLES.get(step.repeat, step.repeat))
    if step.repeat == 'quarter' and step.quarters:
        title += ': ' + ', '.join(ROMAN.get(q, str(q)) for q in step.quarters)
    return title


def plan_rows(plan, request):
    """The steps of a roll-out plan for its page and its print: status, the people it is
    assigned to, who marked it done, when, the note and the evidence."""
    users = get_portal(request)['people']['users']
    translate = request.localizer.translate

    def name(login):
        user = users.get(login)
        return user.short_name if user is not None else login

    rows = []
    for step in plan.plan_steps():
        status = step.status()
        mark = step.mark()
        rows.append({'step': step, 'status': status,
                     'status_title': STEP_STATUS_TITLES[status],
                     'repeat_title': repeat_title(step, translate),
                     'occurrence': translate(occurrence_title(step.occurrence())),
                     'people': [name(u) for u in step.people()],
                     'done': mark,
                     'done_by': name(mark['userid']) if mark else '',
                     'evidence': plan_module.evidence_links(request, mark.get('evidence'))
                     if mark else [],
                     'can_mark': can_mark_step(plan, step, request)})
    return rows


@view_config(context=Document, permission=VIEW, renderer=template('documents/document.pt'),
             request_method='GET', accept='text/html')
def document_view(context, request):
    data = print_data(context, request)
    kind_titles = {e['id']: e['title'] for e in regulation_kinds(get_portal(request))}
    rows = plan_rows(context, request) if isinstance(context, RolloutPlan) else []
    workflow_obj = context if get_workflow(context) else None
    offered = offered_transitions(workflow_obj, request) if workflow_obj else []
    return {
        'title': doc_title(context), 'doc': data, 'state': state_title(context),
        'transitions': [t for t in offered if not t.dangerous],
        'dangerous_transitions': [t for t in offered if t.dangerous],
        'history': workflow_history_rows(context, request) if workflow_obj else [],
        'kind_title': kind_titles.get(getattr(context, 'kind', None), ''),
        'approving_label': order_label(context.approving_order)
        if isinstance(context, Regulation) and context.approving_order is not None else '',
        'appendices': context.appendices() if isinstance(context, Order) else [],
        'attachments': context.attachments(),
        'integrity': context.integrity_ok(),
        'sheet': sheet_summary(context, request),
        'can_edit': request.has_permission(EDIT, context),
        'can_add': isinstance(context, Order) and request.has_permission(ADD_DOCUMENT, context),
        'can_manage_sheet': request.has_permission(MANAGE_ACKNOWLEDGEMENTS, context),
        'can_acknowledge': request.has_permission(ACKNOWLEDGE, context),
        'frozen': bool(context.current_version and context.current_version.frozen),
        'plan_rows': rows,
        'plan_archived': isinstance(context, RolloutPlan) and context.archived(),
        'upload_max_mb': get_portal(request)['settings'].upload_max_mb,
    }


def can_mark_step(plan, step, request):
    return (plan_module.plan_in_force(plan) and not plan.archived()
            and plan_module.may_mark(plan, step, request.user))


@view_config(context=RolloutPlan, name='step', permission=VIEW, request_method='POST',
             decorator=back_on_refusal())
def mark_step(context, request):
    """The page's button: the people a step is assigned to mark it done (with a note and
    links, one a line), or take the mark back. The same action as ``@step``."""
    try:
        number = int(request.POST.get('number', ''))
    except ValueError:
        raise Invalid(_('No such step.'))
    action = plan_module.MarkStep(context, request)
    action.number = number
    evidence = [line.strip() for line in request.POST.get('evidence', '').splitlines()
                if line.strip()]
    try:
        action({'number': number, 'done': request.POST.get('action') != 'reopen',
                'note': request.POST.get('note', ''), 'evidence': evidence})
    except Invalid as invalid:
        # a button, not a form: the fields' reasons (which link is refused) go in the message
        translate = request.localizer.translate
        reasons = [translate(reason) for reason in (invalid.fields or {}).values()]
        raise Invalid(' '.join([translate(invalid.message)] + reasons), invalid.fields)
    request.session.flash(_('Saved.'), 'success')
    return HTTPSeeOther(request.resource_url(context) + '#step-%d' % number)


@view_config(context=Document, name='workflow', permission=VIEW, request_method='POST',
             decorator=back_on_refusal())
def workflow_action(context, request):
    transition = request.POST.get('transition', '')
    comment = request.POST.get('comment', '')[:2000]
    taken = check_transition(context, transition, request)
    if taken.dangerous:
        ask = ask_confirmation(
            request, _('confirm-transition', default='${transition}: "${title}"?',
                       mapping={'transition': taken.title, 'title': doc_title(context)}),
            _('confirm-transition-warning',
              default='This cannot be undone: the document leaves force for good.'),
            button=taken.title)
        if ask is not None:
            return ask
    do_transition(context, transition, request, comment=comment)
    request.session.flash(_('Done: ${state}.', mapping={'state': state_title(context)}),
                          'success')
    return HTTPSeeOther(request.resource_url(context))


# -- versions --------------------------------------------------------------------------

def field_titles(obj):
    info = type_info(obj.type_name)
    titles = {node.name: node.title for node in info.schema().children}
    titles.update({'number': _('Number'), 'date': _('Date')})
    return titles


@view_config(context=Document, name='history', permission=VIEW,
             renderer=template('documents/history.pt'))
def history(context, request):
    versions = list(reversed(context.versions or []))
    diff = None
    try:
        a = int(request.params.get('a', 0))
        b = int(request.params.get('b', 0))
    except ValueError:
        a = b = 0
    pick = None
    if 'compare' in request.params and not (a and b and a != b):
        if len(versions) > 1:
            pick = _('compare-pick-two', default='Pick two different versions to compare: '
                                                 'an old one and a new one.')
        else:
            pick = _('compare-one-version',
                     default='There is only one version: nothing to compare.')
    elif a and b:
        try:
            titles = field_titles(context)
            diff = {'a': a, 'b': b,
                    'fields': [{'title': titles.get(d.name, d.name), 'diff': d}
                               for d in context.diff(a, b)]}
        except KeyError:
            raise HTTPNotFound()
    return {'title': _('History of "${title}"', mapping={'title': context.title}),
            'versions': versions, 'diff': diff, 'pick': pick,
            'can_revert': request.has_permission(EDIT, context)
            and not (context.current_version and context.current_version.frozen),
            'frozen_titles': FROZEN_TITLES}


FROZEN_TITLES = {'signed': _('frozen-signed', default='signed'),
                 'approved': _('frozen-approved', default='approved')}


@view_config(context=Document, name='revert', permission=EDIT, request_method='POST',
             decorator=back_on_refusal('@@history'))
def revert(context, request):
    try:
        number = int(request.POST.get('version', ''))
        context.revert_to(number, comment=_(
            'version-reverted', default='reverted to version ${number}',
            mapping={'number': number}))
    except (ValueError, KeyError):
        raise HTTPBadRequest()
    request.session.flash(_('Version ${n} is current again (as a new version).',
                            mapping={'n': number}), 'success')
    return HTTPSeeOther(request.resource_url(context, '@@history'))


# -- acknowledgement ---------------------------------------------------------------------

@view_config(context=Order, name='acknowledge', permission=ACKNOWLEDGE, request_method='POST',
             decorator=back_on_refusal())
def acknowledge(context, request):
    acknowledgement.acknowledge(context, request.user, current_actor().address)
    request.session.flash(_('Acknowledged.'), 'success')
    return HTTPSeeOther(request.resource_url(context))


@view_config(context=Order, name='sheet', permission=MANAGE_ACKNOWLEDGEMENTS,
             renderer=template('documents/sheet.pt'))
def sheet(context, request):
    versions = sorted(context.sheet.due) if context.sheet else []
    try:
        number = int(request.params.get('version') or (versions[-1] if versions else 0))
    except ValueError:
        number = 0
    if versions and number not in versions:
        raise HTTPNotFound()
    return {'title': _('Acknowledgement sheet: ${title}', mapping={'title': doc_title(context)}),
            'rows': acknowledgement.sheet_rows(context, number) if versions else [],
            'versions': versions, 'version': number}


@view_config(context=Order, name='remind', permission=MANAGE_ACKNOWLEDGEMENTS,
             request_method='POST')
def remind(context, request):
    count = acknowledgement.remind(context)
    request.session.flash(_('Reminded: ${count}.', mapping={'count': count}), 'success')
    return HTTPSeeOther(request.resource_url(context, '@@sheet'))


# -- printing and the public site ---------------------------------------------------------

@view_config(context=Document, name='print', permission=VIEW,
             renderer=template('documents/print.pt'))
def print_view(context, request):
    return print_data(context, request, with_sheet=request.has_permission(
        MANAGE_ACKNOWLEDGEMENTS, context))


@view_config(context=Document, name='pdf', permission=VIEW)
def pdf_view(context, request):
    data = print_data(context, request, with_sheet=request.has_permission(
        MANAGE_ACKNOWLEDGEMENTS, context))
    return pdf_response(request, data)


def public_version(context, request):
    """The signed or approved version asked for (``?version=``), the last one by default.
    Nothing unfrozen is ever shown on the public site."""
    frozen = context.frozen_versions()
    if not frozen:
        raise HTTPNotFound()
    try:
        number = int(request.params.get('version') or frozen[-1].number)
    except ValueError:
        raise HTTPNotFound()
    for version in frozen:
        if version.number == number:
            return version, frozen
    raise HTTPNotFound()


@view_config(context=Order, name='public', permission=VIEW_PUBLIC,
             renderer=template('documents/public.pt'))
@view_config(context=Regulation, name='public', permission=VIEW_PUBLIC,
             renderer=template('documents/public.pt'))
def public_view(context, request):
    version, frozen = public_version(context, request)
    data = print_data(context, request, version=version, public=True)
    data['editions'] = [{'number': v.number, 'time': context.edition_date(v),
                         'url': request.resource_url(context, '@@public',
                                                     query={'version': v.number}),
                         'current': v.number == version.number} for v in reversed(frozen)]
    data['pdf_url'] = request.resource_url(context, '@@public-pdf',
                                           query={'version': version.number})
    return data


@view_config(context=Order, name='public-pdf', permission=VIEW_PUBLIC)
@view_config(context=Regulation, name='public-pdf', permission=VIEW_PUBLIC)
def public_pdf(context, request):
    version, _frozen = public_version(context, request)
    return pdf_response(request, print_data(context, request, version=version, public=True))


# -- attachments -------------------------------------------------------------------------

@view_config(context=Document, name='attach', permission=EDIT, request_method='POST',
             decorator=back_on_refusal())
def attach(context, request):
    upload = request.POST.get('file')
    if upload is None or not hasattr(upload, 'file'):
        raise Invalid(_('Choose a file.'), {'file': _('Choose a file.')})
    if context.working_copy is None and context.current_version is not None \
            and context.current_version.frozen:
        raise Conflict(_('This version is signed. Start an amendment to change it.'))
    max_mb = get_portal(request)['settings'].upload_max_mb
    data = upload.file.read(max_mb * 1024 * 1024 + 1)
    kind = check_upload(data, max_mb)
    from ZODB.blob import Blob
    blob = Blob()
    with blob.open('w') as out:
        out.write(data)
    filename = safe_filename(upload.filename, kind)
    attachment = Attachment(filename=filename, content_type=ALLOWED[kind][1], size=len(data),
                            blob=blob)
    context.add(context.unique_name('file-' + kind), attachment)
    request.session.flash(_('The file is attached.'), 'success')
    return HTTPSeeOther(request.resource_url(context))


def file_response(context, request):
    return blob_response(context.blob, context.filename, context.content_type)


@view_config(context=Attachment, permission=VIEW, request_method='GET')
def download(context, request):
    return file_response(context, request)


@view_config(context=Attachment, name='public', permission=VIEW_PUBLIC, request_method='GET')
def public_download(context, request):
    parent = context.__parent__
    if parent is None or context not in parent.public_attachments():
        raise HTTPNotFound()
    return file_response(context, request)


@view_config(context=Attachment, name='delete', permission=DELETE, request_method='POST')
def delete_attachment(context, request):
    parent = context.__parent__
    try:
        DeleteContent(context, request)()
    except UserError as refused:
        flash_error(request, refused.message)
    return HTTPSeeOther(request.resource_url(parent))

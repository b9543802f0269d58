"""Deform forms with CSRF, dispatched one method per button (Substance D's FormView)."""
import colander
import deform
import peppercorn
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.renderers import render_to_response

from ejportal.core.errors import Invalid, UserError
from ejportal.core.text import BadText, check_form, strip_bad_text
from ejportal.i18n import _, translate
from ejportal.paths import template


@colander.deferred
def deferred_csrf_token(node, kw):
    return get_csrf_token(kw['request'])


class CSRFSchema(colander.MappingSchema):
    """Base of every form schema: Pyramid checks ``csrf_token`` on every POST."""

    csrf_token = colander.SchemaNode(
        colander.String(), widget=deform.widget.HiddenWidget(),
        default=deferred_csrf_token, missing='')


class Names(colander.Set):
    """A set of names (roles, groups, principals): colander's ``Set`` with members that are
    text, so a JSON list of lists or objects is a field error, not an unhashable crash."""

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, (list, tuple, set, frozenset)) and \
                not all(isinstance(member, str) for member in cstruct):
            raise colander.Invalid(node, _('names-not-text', default='A list of names, please.'))
        return super().deserialize(node, cstruct)


def without_csrf(appstruct):
    return {k: v for k, v in appstruct.items() if k != 'csrf_token'}


class FormView:
    """GET renders the form; POST validates the bound schema, then calls
    ``<button>_success(appstruct)`` (which returns a response, usually a 303) or re-renders
    with the field errors: the schema's, or those of an action's refusal (a ``UserError``)
    raised by the success method. Nothing is saved unless the whole form validates."""

    schema = None
    buttons = (deform.Button('save', _('Save')),)
    form_options = {}
    title = ''
    status_on_error = 400
    #: an action's field name -> this form's, where they differ (``{'id': 'login'}``)
    error_fields = {}

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def schema_instance(self):
        return self.schema()

    def bind_kw(self):
        return {'request': self.request, 'context': self.context}

    def make_form(self):
        schema = self.schema_instance().bind(**self.bind_kw())
        return deform.Form(schema, buttons=self.buttons, **self.form_options)

    def appstruct(self):
        """Values to show on GET (``colander.null`` for a blank form)."""
        return colander.null

    def __call__(self):
        form = self.form = self.make_form()
        if self.request.method == 'POST':
            for button in form.buttons:
                if button.name in self.request.POST:
                    break
            else:
                button = form.buttons[0]
            if button.name == 'cancel':
                return self.cancel_success({})
            try:
                check_form(self.request.POST.items())
            except BadText as refused:
                return self.refuse_text(form, refused)
            # a ValueError: a sequence's or mapping's __start__/__end__ markers that do not
            # pair up (no browser sends them so, and nothing of it can be read back)
            try:
                pstruct = peppercorn.parse(list(self.request.POST.items()))
            except ValueError:
                return self.refuse(form, Invalid(_('form-damaged', default='The form arrived '
                                                   'damaged; please fill it in again.')))
            try:
                appstruct = form.validate_pstruct(pstruct)
                return getattr(self, '%s_success' % button.name)(without_csrf(appstruct))
            except deform.ValidationFailure as failure:
                self.request.response.status = self.status_on_error
                return self.render(failure.render())
            except UserError as error:
                # The action refused (a rule beyond the schema): its errors go on the form's
                # fields; nothing was saved, since an action raises before it changes anything.
                form.widget.handle_error(form, form_invalid(form.schema, error,
                                                            self.error_fields))
                self.request.response.status = (
                    self.status_on_error if error.status == Invalid.status else error.status)
                return self.render(form.render())
        return self.render(form.render(self.appstruct()))

    def refuse_text(self, form, refused):
        """The form again with what was typed, less the characters that may not be stored,
        and the text check's messages on their fields; nothing validated, nothing saved."""
        controls = [(name, strip_bad_text(value) if isinstance(value, str) else value)
                    for name, value in self.request.POST.items()]
        try:
            form.cstruct = form.deserialize(peppercorn.parse(controls))
        except (colander.Invalid, ValueError):
            pass  # a widget (or the markers) could not be read: those fields show blank
        return self.refuse(form, refused)

    def refuse(self, form, refused):
        """The form again with ``refused`` (an ``Invalid``) on its fields, answered 400
        whatever the form's own refusals answer."""
        form.widget.handle_error(form, form_invalid(form.schema, refused))
        self.request.response.status = 400
        return self.render(form.render())

    def render(self, form_html):
        return {'form': form_html, 'title': self.title, 'context': self.context,
                'form_resources': self.form.get_widget_resources()}

    def cancel_success(self, appstruct):
        return HTTPSeeOther(self.request.resource_url(self.context))


def ask_confirmation(request, question, warning='', cancel_url=None, button=None):
    """For a button that cannot be taken back (cancelling an order, closing a period): None
    when the POST carries the confirmation, else the page that asks, which posts the same
    fields again with ``confirmed=1``. A page, not a script's ``confirm()``, so it asks
    without JavaScript too; the view checks it, so no door of the page skips it."""
    if request.POST.get('confirmed') == '1':
        return None
    fields = [(name, value) for name, value in request.POST.items()
              if name not in ('csrf_token', 'confirmed') and isinstance(value, str)]
    localizer = request.localizer
    return render_to_response(template('confirm.pt'), {
        'title': _('confirm-title', default='Please confirm'),
        'question': translate(localizer, question), 'warning': translate(localizer, warning),
        'fields': fields,
        'button': translate(localizer, button or _('confirm-yes', default='Yes, do it')),
        'cancel_url': cancel_url or request.resource_url(request.context)}, request=request)


def back_on_refusal(view_name=''):
    """For a view behind a page's button (a POST that is not a deform form): when the change
    is refused with a ``UserError``, nothing it began is kept (the transaction is doomed) and
    the reader goes back to the context's page (or its ``view_name``) with the reason among
    the page's messages, the way the page shows them: a 303, as after any POST. Use as
    ``@view_config(..., decorator=back_on_refusal())``."""
    def decorate(view):
        def refused_back(context, request):
            try:
                return view(context, request)
            except UserError as refused:
                request.tm.doom()
                request.session.flash(refused.message, 'error')
                return HTTPSeeOther(request.resource_url(context, view_name))
        return refused_back
    return decorate


class FormError(Invalid):
    """Raised by a ``<button>_success`` method before it changes anything: ``message`` on
    ``field`` (on the whole form when ``field`` is None). Any other ``UserError`` a success
    method lets out is shown the same way, from its ``fields``."""

    def __init__(self, field, message, status=None):
        super().__init__(message, {field: message} if field else None, status)
        self.field = field


def form_invalid(schema, error, renames=None):
    """``error`` (a ``UserError``) as colander's ``Invalid`` on the form's ``schema``: each of
    its ``fields`` (a name, or colander's dotted path ``rows.3.hours``) on the node it names,
    and its message on the whole form, unless the fields already show it all (so the reader
    always sees why, even for a field this form does not have)."""
    invalid = colander.Invalid(schema)
    shown, lost = [], False
    for path, message in error.fields.items():
        steps = str(path).split('.')
        steps[0] = (renames or {}).get(steps[0], steps[0])
        if _place(invalid, steps, message):
            shown.append(message)
        else:
            lost = True
    if lost or error.message not in shown:
        invalid.msg = error.message
    return invalid


def _place(invalid, steps, message):
    """Put ``message`` on the node ``steps`` leads to below ``invalid``'s node; False when
    the form has no such node."""
    node = invalid.node
    if isinstance(node.typ, colander.Sequence):
        if not steps[0].isdigit() or not node.children:
            return False
        position, child = int(steps[0]), node.children[0]
    else:
        names = [c.name for c in node.children]
        if steps[0] not in names:
            return False
        position = names.index(steps[0])
        child = node.children[position]
    below = next((c for c in invalid.children if c.pos == position), None)
    new = below is None
    if new:
        below = colander.Invalid(child)
    if len(steps) == 1:
        below.msg = message
    elif not _place(below, steps[1:], message):
        return False
    if new:
        invalid.add(below, position)
    return True

"""Deform forms with CSRF, dispatched one method per button (Substance D's FormView)."""
import colander
import deform
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPSeeOther

from ejportal.core.errors import UserError
from ejportal.i18n import _


@colander.deferred
def deferred_csrf_token(node, kw):
    return get_csrf_token(kw['request'])


class CSRFSchema(colander.MappingSchema):
    """Base of every form schema: Pyramid checks ``csrf_token`` on every POST."""

    csrf_token = colander.SchemaNode(
        colander.String(), widget=deform.widget.HiddenWidget(),
        default=deferred_csrf_token, missing='')


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
                appstruct = form.validate(self.request.POST.items())
                return getattr(self, '%s_success' % button.name)(without_csrf(appstruct))
            except deform.ValidationFailure as failure:
                self.request.response.status = self.status_on_error
                return self.render(failure.render())
            except FormError as error:
                # A rule beyond the schema failed: show it on its field; nothing was saved,
                # since the success method raises before it changes anything.
                fields = {error.field: error.message} if error.field else {}
                return self.render_refusal(error.message, fields, error.status)
            except UserError as error:
                # the action refused, before it changed anything
                return self.render_refusal(error.message, error.fields, error.status)
        return self.render(form.render(self.appstruct()))

    def render_refusal(self, message, fields, status):
        """The form again, each message on its field (the first part of a dotted path);
        a refusal that names no field of this form shows above the fields."""
        form = self.form
        invalid = colander.Invalid(form.schema)
        for name, field_message in fields.items():
            name = self.error_fields.get(name, name).split('.')[0]
            if name in form.schema:
                invalid[name] = field_message
        if not invalid.children:
            invalid.msg = message
        form.widget.handle_error(form, invalid)
        self.request.response.status = status or self.status_on_error
        return self.render(form.render())

    def render(self, form_html):
        return {'form': form_html, 'title': self.title, 'context': self.context,
                'form_resources': self.form.get_widget_resources()}

    def cancel_success(self, appstruct):
        return HTTPSeeOther(self.request.resource_url(self.context))


class FormError(Exception):
    """Raised by a ``<button>_success`` method before it changes anything."""

    def __init__(self, field, message, status=None):
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status

"""The portal's request: Pyramid's, with the application URL worked out once and the text
of every body checked where it enters.

A page builds a few dozen URLs (navigation, breadcrumbs, assets, links), and WebOb works
the application URL out of the environ again for each of them; nothing in the portal
changes SCRIPT_NAME or the host during a request.

Text enters by two kinds of body: JSON, checked where it is parsed (every reader of
``request.json_body`` gets checked text), and posted forms, checked by the view deriver
below before the view reads them (``FormView`` checks its own post, to show the errors on
its fields). A GET pays nothing: nothing is parsed, and a view that answers only GET is not
wrapped at all.
"""
from pyramid.decorator import reify
from pyramid.exceptions import PredicateMismatch
from pyramid.request import Request
from pyramid.security import view_execution_permitted
from webob.multidict import NoVars

from ejportal.core.forms import FormView
from ejportal.core.text import check_form, check_input

SAFE_METHODS = ('GET', 'HEAD', 'OPTIONS')


def may_view(request, context, name=''):
    """Whether a link to ``context``'s view ``name`` would open for the user of ``request``:
    the view exists (for a request like this one) and its permission is granted. A page
    links only what opens."""
    if name.startswith('@@'):
        name = name[2:]
    try:
        return bool(view_execution_permitted(context, request, name))
    except (TypeError, PredicateMismatch):    # no such view, or none for this request
        return False


class PortalRequest(Request):
    @reify
    def application_url(self):
        return Request.application_url.fget(self)

    def _checked_json_body(self):
        """The parsed JSON body; ``BadText`` if it holds text that may not be stored."""
        return check_input(Request.json_body.fget(self))

    json = json_body = property(_checked_json_body, Request.json_body.fset,
                                Request.json_body.fdel)

    def make_tempfile(self):
        """WebOb keeps a body larger than 10 KB in a temporary file and leaves it to the
        garbage collector; close it when the request is done."""
        body_file = Request.make_tempfile(self)
        self.add_finished_callback(lambda request: body_file.close())
        return body_file


def check_posted_form(request):
    """The one text check for a posted form body (``BadText`` naming the fields)."""
    post = request.POST
    if not isinstance(post, NoVars):
        check_form(post.items())


def checked_form_view(view, info):
    """View deriver: a view that may take a posted form gets its text checked first.

    A view that puts every posted value through an action (whose ``deserialize`` runs the
    same check) and shows the errors on its own fields says so with
    ``checks_own_text=True``; a ``FormView`` does so by being one."""
    original = info.original_view
    methods = info.options.get('request_method')
    if isinstance(methods, str):
        methods = (methods,)
    if (info.exception_only or info.options.get('checks_own_text')
            or (methods and set(methods) <= set(SAFE_METHODS))
            or (isinstance(original, type) and issubclass(original, FormView))):
        return view

    def checked(context, request):
        if request.method not in SAFE_METHODS and request.exception is None:
            check_posted_form(request)
        return view(context, request)
    return checked


checked_form_view.options = ('checks_own_text',)


def includeme(config):
    # Outside the views' decorators (a page's button that sends the reader back on a
    # refusal would turn this into a vague message), inside the CSRF check.
    config.add_view_deriver(checked_form_view, under='http_cached_view',
                            over='decorated_view')

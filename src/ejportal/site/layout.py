"""What the one layout macro needs: school name, navigation by role, breadcrumbs, flash
messages, the user menu and the language switch.

Areas declare their navigation entries and start-page panels with ``config.add_nav_entry``
and ``config.add_start_panel``; the layout reads them from the registry.
"""
import os

import xstatic.pkg.jquery
from pyramid.csrf import get_csrf_token
from pyramid.decorator import reify

from ejportal.core.content import Shareable, item_at, lineage, serial
from ejportal.core.registry import help_topic, portal_registry
from ejportal.core.request import may_view
from ejportal.i18n import (
    LANGUAGES, decimal_text, format_date, format_datetime, format_decimal, translate)
from ejportal.security import MANAGE_SHARING, READ_HELP
from ejportal.site.names import file_size, person_name
from ejportal.site.resources import get_portal

# deform's widgets need jQuery: a current one from XStatic-jQuery, not the 2.0.3 deform ships.
# Only pages with a form load it, and every form's markup calls deform.js
# (``deform.addCallback``) whatever its widgets
JQUERY = os.path.join(xstatic.pkg.jquery.BASE_DIR, 'jquery.min.js')
FORM_SCRIPTS = (JQUERY, 'deform:static/scripts/deform.js')


def nav_lineage_paths(registry):
    """Every path on the way to a navigation target ('/', '/people', '/people/users'...),
    once each: where the local roles that decide the navigation can be held. Worked out
    once per registry (the navigation is fixed at start-up)."""
    reg = portal_registry(registry)
    paths = getattr(reg, 'nav_lineage_paths', None)
    if paths is None:
        found = set()
        for entry in reg.values(reg.nav):
            names = [n for n in entry.path.split('/') if n]
            found.update('/' + '/'.join(names[:i]) for i in range(len(names) + 1))
        paths = reg.nav_lineage_paths = sorted(found)
    return paths


# The context of a page that is about no object (the not-found page): no breadcrumbs, no
# sharing link.
NOWHERE = object()


class Layout:
    def __init__(self, request, context):
        self.request = request
        if context is NOWHERE:
            self.context = None
        else:
            self.context = context if context is not None else getattr(request, 'context', None)
        self.format_date = format_date
        self.format_datetime = format_datetime

    def may_view(self, context, name=''):
        return may_view(self.request, context, name)

    def person(self, login, short=False):
        return person_name(self.request, login, short)

    def decimal(self, value, places=2):
        """An average with the reader's decimal sign: «4,00» in Russian."""
        return format_decimal(value, self.request.locale_name, places)

    def formula(self, text):
        return decimal_text(text, self.request.locale_name)

    def file_size(self, size):
        return file_size(self.request, size)

    @reify
    def portal(self):
        return get_portal(self.request)

    @reify
    def school_name(self):
        return self.portal['settings'].school_name

    @reify
    def user(self):
        return self.request.user

    @reify
    def csrf_token(self):
        return get_csrf_token(self.request)

    @reify
    def language(self):
        return self.request.locale_name

    def language_links(self):
        from urllib.parse import urlencode
        base = self.request.application_url + '/@@set-language?'
        return [{'lang': lang, 'current': lang == self.language,
                 'url': base + urlencode({'lang': lang, 'came_from': self.request.path_qs})}
                for lang in LANGUAGES]

    def nav(self):
        """The sections the user may enter, computed once per request (a view that needs
        them before rendering, e.g. for an ETag, shares the result with the layout)."""
        cache = self.request.__dict__
        try:
            return cache['_ejportal_nav']
        except KeyError:
            found = cache['_ejportal_nav'] = self._compute_nav()
            return found

    def nav_stamp(self):
        """What ``nav()`` depends on, named without its permission checks (for an ETag):
        the user's record (roles and groups live on it), which targets exist, and the
        local roles held on each target and above it (the serials of their mappings).
        The targets' ACLs are fixed by their classes."""
        user = self.request.user
        if user is None:
            return None
        found = {'': self.portal}
        parts = [user.__name__, serial(user)]
        for path in nav_lineage_paths(self.request.registry):     # parents before their children
            parent, _slash, name = path.rstrip('/').rpartition('/')
            resource = item_at(found.get(parent), name) if name else found['']
            found[path.rstrip('/')] = resource
            local_roles = getattr(resource, 'local_roles', None)
            parts.append(serial(local_roles) if local_roles is not None else resource is None)
        return parts

    def _compute_nav(self):
        # a visitor too: the public site's sections are in everyone's header
        request = self.request
        portal = self.portal
        items = []
        current = request.path
        has_permission = request.has_permission
        reg = portal_registry(request.registry)
        for entry in reg.values(reg.nav):
            target = item_at(portal, entry.path)
            if target is None:
                continue
            if has_permission(entry.permission, target):
                view = entry.view
                url = request.resource_url(target, '@@' + view) if view else \
                    request.resource_url(target)
                here = entry.path.rstrip('/') + ('/@@' + view if view else '')
                items.append({'title': entry.title, 'url': url,
                              'active': here not in ('', '/') and current.startswith(here)})
        return items

    def help_url(self):
        """The header's «Справка»: the help page of this screen (``config.add_help_topic``)
        where the reader may read it, else the help index; None without a help section."""
        section = self.portal.get('help') if hasattr(self.portal, 'get') else None
        if section is None:
            return None
        request = self.request
        user = request.user
        name = None
        if self.context is not None:
            # an error page met before traversal ended has no view name
            name = help_topic(request.registry, self.context, getattr(request, 'view_name', ''),
                              user.roles if user is not None else ())
        page = section.get(name) if name else None
        if page is not None and request.has_permission(READ_HELP, page):
            return request.resource_url(page)
        return request.resource_url(section)

    def sharing_url(self):
        """The sharing screen of the page's container, for those who may grant roles."""
        context = self.context
        if isinstance(context, Shareable) and self.request.user is not None and \
                self.request.has_permission(MANAGE_SHARING, context):
            return self.request.resource_url(context, '@@sharing')
        return None

    def breadcrumbs(self):
        if self.context is None or not hasattr(self.context, '__parent__'):
            return []
        crumbs = [r for r in lineage(self.context)]
        crumbs.reverse()
        # a crumb links only where its page opens for this user (a family's diary sits
        # under the journal and the students' folder, which they may not browse)
        types = portal_registry(self.request.registry).types
        # an object without a title of its own (a consent) by its type's title, not its id
        return [{'title': r.title or getattr(types.get(getattr(r, 'type_name', None)),
                                             'title', None) or r.__name__,
                 'url': self.request.resource_url(r) if self.may_view(r) else None}
                for r in crumbs[1:]]

    def flash(self):
        # pop only the queues that hold messages: a pop marks the session changed, and
        # a changed session is sent again as a cookie with every page
        session = self.request.session
        found = []
        for kind, queue in (('success', 'success'), ('info', ''), ('error', 'error')):
            if session.peek_flash(queue):
                found.extend((kind, translate(self.request.localizer, m))
                             for m in session.pop_flash(queue))
        return found

    def static_url(self, path):
        """The URL of a static asset: an asset spec, or a path under deform's static
        folder (widget resources come as specs, the layout's deform files as paths)."""
        spec = path if ':' in path or os.path.isabs(path) else 'deform:static/' + path
        # the same on every page of an app: remembered per registry (the app's static
        # views) and application URL
        urls = portal_registry(self.request.registry).static_urls
        key = (self.request.application_url, spec)
        try:
            return urls[key]
        except KeyError:
            if len(urls) > 1000:    # many host names: start again
                urls.clear()
            found = urls[key] = self.request.static_url(spec)
            return found

    def form_scripts(self, resources):
        """The scripts of a page with a form, in the head, since the form's markup holds
        inline initialisations (``deform.addCallback``, the editor's) that run as the page is
        read: jQuery first, then what the widgets need (deform.js among it), each once."""
        found = [self.static_url(spec) for spec in FORM_SCRIPTS]
        for url in self.widget_resources(resources)['js']:
            if url not in found:
                found.append(url)
        return found

    def widget_resources(self, resources):
        """URLs of the JS and CSS that a form's widgets need (``form.get_widget_resources()``)."""
        resources = resources or {'css': (), 'js': ()}
        return {'css': [self.static_url(p) for p in resources.get('css', ())],
                'js': [self.static_url(p) for p in resources.get('js', ())]}

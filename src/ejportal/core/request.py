"""The portal's request: Pyramid's, with the application URL worked out once.

A page builds a few dozen URLs (navigation, breadcrumbs, assets, links), and WebOb works
the application URL out of the environ again for each of them; nothing in the portal
changes SCRIPT_NAME or the host during a request.
"""
from pyramid.decorator import reify
from pyramid.request import Request


class PortalRequest(Request):
    @reify
    def application_url(self):
        return Request.application_url.fget(self)

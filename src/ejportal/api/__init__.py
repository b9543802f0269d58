"""The JSON API, after plone.restapi: ``@login``, ``@logout``, any resource as JSON with
``Accept: application/json``, create with POST, change with PATCH, DELETE where allowed, ``@workflow`` on whatever has a
workflow."""
from ejportal.core.traversal import NegotiatingTraverser


def includeme(config):
    config.add_traverser(NegotiatingTraverser)
    config.scan('.views')
    config.scan('.workflow')
    config.scan('.errors_view')
    config.include('.errors_view')

"""Content negotiation for the JSON API at the traversal step.

plone.restapi serves any resource as JSON when asked with ``Accept: application/json``.
Pyramid prefers a view on a more specific context over predicates, so a generic JSON view
on ``Resource`` would lose to each type's HTML page. Instead an API request without a view
name is routed to the view named ``@json`` of the resource: one rule, for every type.
"""
from pyramid.traversal import ResourceTreeTraverser

from ejportal.core.jsonapi import wants_json

JSON_VIEW = '@json'


class NegotiatingTraverser(ResourceTreeTraverser):
    def __call__(self, request):
        result = super().__call__(request)
        if result['view_name'] == '' and wants_json(request):
            result['view_name'] = JSON_VIEW
        return result

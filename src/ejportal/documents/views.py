"""Screens of the documents section."""
from pyramid.view import view_config

from ejportal.documents.resources import Documents
from ejportal.i18n import _
from ejportal.paths import template
from ejportal.security import VIEW


@view_config(context=Documents, permission=VIEW, renderer=template('folder.pt'),
             accept='text/html')
def documents_section(context, request):
    return {'title': context.title, 'items': list(context.values())[:100]}

"""Screens of the journal section."""
from pyramid.view import view_config

from ejportal.i18n import _
from ejportal.journal.resources import School
from ejportal.paths import template
from ejportal.security import VIEW


@view_config(context=School, permission=VIEW, renderer=template('folder.pt'),
             accept='text/html')
def school_section(context, request):
    return {'title': context.title, 'items': list(context.values())[:100]}

"""Evolve steps of the help area."""
import logging

from ejportal.core.content import create
from ejportal.core.evolve import evolve_step

log = logging.getLogger(__name__)


@evolve_step('help: the section with its pages and courses')
def add_help_section(portal):
    """Portals made before the help area get ``/help``, filled with the starting pages
    and the two courses (``defaults``)."""
    if 'help' not in portal:
        portal.add('help', create('HelpSection'), send_events=False)
        log.info('help: section /help added')

"""Evolve steps of the news area."""
import logging

from ejportal.core.content import create
from ejportal.core.evolve import evolve_step

log = logging.getLogger(__name__)

SECTIONS = (('news', 'NewsSection'), ('events', 'EventsSection'))
ANNOUNCEMENTS = ('announcements', 'Announcements')


@evolve_step('news: the news and events sections')
def add_news_sections(portal):
    """Portals made before the school site had news get its two empty sections."""
    for name, type_name in SECTIONS:
        if name not in portal:
            portal.add(name, create(type_name), send_events=False)
            log.info('news: section /%s added', name)


@evolve_step('news: the announcements section')
def add_announcements_section(portal):
    """Portals made before announcements get their empty section."""
    name, type_name = ANNOUNCEMENTS
    if name not in portal:
        portal.add(name, create(type_name), send_events=False)
        log.info('news: section /%s added', name)


@evolve_step('news: the announcements filed by recipient and author',
             after=('news: the announcements section',))
def file_announcements(portal):
    """A section made before its index: each announcement filed under its recipients and
    its author, so a start page reads only the user's own."""
    section = portal.get('announcements')
    if section is not None and section.inbox is None:
        section.file_all()
        log.info('news: %d announcements filed', len(section))

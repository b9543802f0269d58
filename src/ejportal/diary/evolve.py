"""Evolve steps of the diary."""
import logging

from ejportal.core.evolve import evolve_step
from ejportal.diary.resources import rebuild_family_index

log = logging.getLogger(__name__)


@evolve_step('diary: family index', generation=4,
             after=('journal: subjects and students folders',))
def build_family_index(portal):
    """Databases made before the family index get it built from the students' records
    (idempotent: a repeated run finds the index in line and changes nothing)."""
    school = portal['journal']
    logins = rebuild_family_index(school)
    log.info('diary: family index built, %d logins', logins)

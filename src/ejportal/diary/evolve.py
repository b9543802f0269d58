"""Evolve steps of the diary."""
import logging

from ejportal.core.evolve import evolve_step
from ejportal.diary.consents import convert_old_dates, make_group
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


@evolve_step('diary: student files know their student',
             after=('journal: subjects and students folders',))
def files_know_their_student(portal):
    """Files made before ``StudentFile.__parent__`` get it: through it a remark or an
    absence moves the student's change counter, which the diary's week reads."""
    for student in portal['journal']['students'].values():
        file = student.diary
        if file is not None and file.__parent__ is None:
            file.__parent__ = student


@evolve_step('diary: consent registry', after=('diary: student files know their student',))
def consent_registry(portal):
    """The personal-data consent registry (``/consents``) and its group; each guardian's
    old consent date (``guardians[...]['consent']``) becomes a registry entry for the child
    (idempotent: a date already in the registry is not added again)."""
    made = convert_old_dates(portal)
    make_group(portal)
    log.info('diary: consent registry, %d old consent dates converted', made)

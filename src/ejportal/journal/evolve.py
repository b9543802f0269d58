"""Evolve steps of the journal area."""
from ejportal.core.evolve import evolve_step


@evolve_step(2, 'journal: subjects and students folders')
def add_reference_folders(portal):
    """Databases made before the school kept its subjects and students in folders of
    their own get them (``School.ensure_structure`` adds only what is missing)."""
    school = portal.get('journal') if hasattr(portal, 'get') else None
    if school is not None and hasattr(school, 'ensure_structure'):
        school.ensure_structure()


@evolve_step(8, "journal: a counter of each student's records")
def add_records_counters(portal):
    """Students made before ``Student.records_version`` get the counter that the diary's
    tags read (made here, not on the first mark, so two first marks do not conflict on
    the student)."""
    from BTrees.Length import Length
    school = portal.get('journal') if hasattr(portal, 'get') else None
    if school is None or 'students' not in school:
        return
    for student in school['students'].values():
        if getattr(student, 'records_version', None) is None:
            student.records_version = Length()

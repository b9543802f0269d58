"""Evolve steps of the journal area."""
from ejportal.core.evolve import evolve_step


@evolve_step(2, 'journal: subjects and students folders')
def add_reference_folders(portal):
    """Databases made before the school kept its subjects and students in folders of
    their own get them (``School.ensure_structure`` adds only what is missing)."""
    school = portal.get('journal') if hasattr(portal, 'get') else None
    if school is not None and hasattr(school, 'ensure_structure'):
        school.ensure_structure()

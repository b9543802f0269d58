"""Evolve steps of the questions area."""
from ejportal.core.content import create
from ejportal.core.evolve import evolve_step


@evolve_step('questions: the section')
def add_questions_section(portal):
    """Portals made before the questions get their section (empty)."""
    if 'questions' not in portal:
        portal.add('questions', create('Questions'), send_events=False)

"""Evolve steps of the surveys."""
from ejportal.core.content import create
from ejportal.core.evolve import evolve_step


@evolve_step('surveys: the section')
def add_surveys_section(portal):
    """Portals made before the surveys get their section (empty)."""
    if 'surveys' not in portal:
        portal.add('surveys', create('Surveys'), send_events=False)

"""Satisfaction surveys (step 18 of the roll-out plan, the psychologist's): surveys with
their questions, one anonymous answer per person, results with charts."""
from ejportal.i18n import _
from ejportal.security import VIEW_SURVEY_RESULTS
from ejportal.surveys.demo import build_demo_surveys
from ejportal.surveys.views import surveys_panel


def includeme(config):
    config.scan('.resources', categories=('ejportal',))
    config.scan('.evolve', categories=('ejportal',))
    config.include('.workflows')
    config.add_section('surveys', 'Surveys', order=60)
    # respondents find their surveys on the start page; the menu is for those who run them
    config.add_nav_entry(60, '/surveys', _('Surveys'), VIEW_SURVEY_RESULTS)
    config.add_start_panel(30, surveys_panel)
    config.add_demo_builder(60, build_demo_surveys)
    config.scan('.views')

"""The school: years, classes, subjects, assignments, journals, lessons and marks."""
from ejportal.core.workflow import WorkflowTransitioned, initialize
from ejportal.i18n import _
from ejportal.journal.actions import AddClass
from ejportal.journal.checks import (
    CHECK_WORKFLOW, build_demo_checks, checks_panel, on_check_transitioned)
from ejportal.journal.corrections import CORRECTION_WORKFLOW, on_correction_decided
from ejportal.journal.demo import build_demo_school
from ejportal.journal.editions import EDITION_WORKFLOW
from ejportal.journal.printing import on_correction_approved
from ejportal.journal.start import corrections_panel, dashboard_panel, teacher_panel
from ejportal.security import VIEW


def includeme(config):
    config.add_action('add-class', AddClass)
    config.scan('.resources', categories=('ejportal',))
    config.scan('.evolve', categories=('ejportal',))
    config.add_workflow(CORRECTION_WORKFLOW, 'CorrectionRequest')
    config.add_after_create('CorrectionRequest', initialize)
    config.add_subscriber(on_correction_decided, WorkflowTransitioned)
    config.scan('.editions', categories=('ejportal',))
    config.add_workflow(EDITION_WORKFLOW, 'PaperEdition')
    config.add_after_create('PaperEdition', initialize)
    # after the correction's own subscriber, which changes the cell the edition shows
    config.add_subscriber(on_correction_approved, WorkflowTransitioned)
    config.scan('.checks', categories=('ejportal',))
    config.add_workflow(CHECK_WORKFLOW, 'JournalCheck')
    config.add_after_create('JournalCheck', initialize)
    config.add_subscriber(on_check_transitioned, WorkflowTransitioned)
    config.add_start_panel(15, checks_panel)
    config.include('.counters')
    config.include('.books')
    config.add_section('journal', 'School', order=40)
    config.add_nav_entry(20, '/journal', _('Journal'), VIEW)
    config.add_demo_builder(20, build_demo_school)
    config.add_demo_builder(25, build_demo_checks)
    config.add_start_panel(10, teacher_panel)
    config.add_start_panel(12, corrections_panel)
    config.scan('.views')
    config.scan('.api')
    config.scan('.printing')
    config.scan('.checks_views')
    config.add_start_panel(14, dashboard_panel)
    config.scan('.dashboard_views')
    config.include('.manage')
    # the header's help link (help area): a teacher's grid, the direction's control
    config.add_help_topic('entering-marks', 'Journal', '*')
    config.add_help_topic('journal-control', 'Journal', '*', roles=('deputy', 'director'))
    config.add_help_topic('journal-control', 'School', 'control')

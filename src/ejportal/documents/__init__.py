"""Orders, appendices, local acts, acknowledgement sheets and the roll-out plan."""
from ejportal.core.catalog import DISCRIMINATORS, field_index
from ejportal.core.events import ObjectAdded, ObjectModified
from ejportal.documents.acknowledgement import on_person_changed
from ejportal.documents.dashboard import acknowledgements_part, plan_part
from ejportal.documents.demo import build_demo_documents
from ejportal.documents.panels import (
    awaiting_signature_panel, my_plan_steps, public_documents, to_acknowledge_panel)
from ejportal.documents.plan import reminders_job
from ejportal.documents.search import SEARCH_TYPES
from ejportal.i18n import _
from ejportal.security import MANAGE_SETTINGS, VIEW


def includeme(config):
    config.scan('.resources', categories=('ejportal',))
    config.include('.references')
    config.scan('.evolve', categories=('ejportal',))
    config.include('.workflows')
    config.add_section('documents', 'Documents', order=30)
    for type_name in SEARCH_TYPES:
        config.add_cataloged_type(type_name)
    for index in ('register', 'number', 'date'):
        config.add_catalog_index(index, field_index(DISCRIMINATORS[index]))
    config.add_nav_entry(10, '/documents', _('Documents'), VIEW)
    config.add_nav_entry(82, '/settings/order-registers', _('Registers of orders'),
                         MANAGE_SETTINGS)
    config.add_nav_entry(83, '/settings/regulation-kinds', _('Kinds of local acts'),
                         MANAGE_SETTINGS)
    config.add_start_panel(15, awaiting_signature_panel)
    config.add_subscriber(on_person_changed, ObjectAdded)
    config.add_subscriber(on_person_changed, ObjectModified)
    config.add_start_panel(20, to_acknowledge_panel)
    config.add_job('reminders', reminders_job, _('job-reminders', default='Reminders of '
                   'overdue roll-out plan steps'), {'kind': 'daily', 'at': '08:00'}, order=50)
    config.add_start_panel(25, my_plan_steps)
    config.add_public_section(10, public_documents)
    config.add_dashboard_part(20, acknowledgements_part)
    config.add_dashboard_part(30, plan_part)
    config.add_demo_builder(30, build_demo_documents)
    config.scan('.views')
    config.scan('.api')
    # the header's help link: who signs reads about signing, the others about acknowledging
    config.add_help_topic('acknowledging-an-order', 'Document', '*')
    config.add_help_topic('signing-an-order', 'Document', '*', roles=('director',))
    config.add_help_topic('signing-an-order', 'Documents', '*', roles=('director',))

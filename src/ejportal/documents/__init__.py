"""Orders, appendices, local acts, acknowledgement sheets and the roll-out plan."""
from ejportal.i18n import _
from ejportal.security import MANAGE_SETTINGS, VIEW
from ejportal.site.layout import add_nav


def includeme(config):
    from ejportal.core.catalog import catalog_type
    from ejportal.documents import workflows  # noqa: F401  (workflows and hooks)
    from ejportal.documents.search import SEARCH_TYPES
    from ejportal.documents.demo import build_demo_documents
    from ejportal.documents.panels import my_plan_steps, public_documents, to_acknowledge_panel
    from ejportal.site.bootstrap import add_demo_builder
    from ejportal.site.layout import add_start_panel
    from ejportal.site.public import add_public_section
    for type_name in SEARCH_TYPES:
        catalog_type(type_name)
    add_nav(10, '/documents', _('Documents'), VIEW)
    add_nav(82, '/settings/order-registers', _('Registers of orders'), MANAGE_SETTINGS)
    add_nav(83, '/settings/regulation-kinds', _('Kinds of local acts'), MANAGE_SETTINGS)
    add_start_panel(20, to_acknowledge_panel)
    add_start_panel(25, my_plan_steps)
    add_public_section(10, public_documents)
    add_demo_builder(30, build_demo_documents)
    config.scan('.views')
    config.scan('.api')

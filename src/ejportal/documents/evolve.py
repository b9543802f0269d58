"""Evolve steps of the documents area."""
import logging

from ejportal.core.evolve import evolve_step

log = logging.getLogger(__name__)


@evolve_step(3, 'documents: catalog the documents')
def catalog_documents(portal):
    """Databases made before the documents were cataloged get them indexed: the catalog's
    indexes are brought in line with the code and the whole tree is indexed again (which
    is also what a repeated run does, so the step is idempotent). The reference books of
    the documents (registers of orders, kinds of local acts) are added to the settings
    with their default entries where missing."""
    from ejportal.documents.references import ensure_reference_books
    added = ensure_reference_books(portal)
    if added:
        log.info('documents: reference books added: %s', ', '.join(added))
    from ejportal.core.catalog import catalog_type, rebuild_catalog
    from ejportal.documents.search import SEARCH_TYPES
    for type_name in SEARCH_TYPES:
        catalog_type(type_name)  # also when a script runs the step without the app
    catalog = rebuild_catalog(portal)
    log.info('documents: catalog rebuilt, %d objects indexed', len(catalog))


@evolve_step(6, 'documents: index of pending acknowledgements')
def index_pending_acknowledgements(portal):
    """Start pages read each user's own list of orders to acknowledge; databases from
    before that list get it built from the sheets."""
    from ejportal.documents.acknowledgement import rebuild_pending
    rebuild_pending(portal)

"""Evolve steps of the documents area."""
import logging

from ejportal.core.catalog import rebuild_catalog
from ejportal.core.evolve import evolve_step
from ejportal.documents.acknowledgement import rebuild_pending
from ejportal.documents.references import ensure_reference_books

log = logging.getLogger(__name__)


@evolve_step('documents: catalog the documents', generation=3)
def catalog_documents(portal):
    """Databases made before the documents were cataloged get them indexed: the catalog's
    indexes are brought in line with the code and the whole tree is indexed again (which
    is also what a repeated run does, so the step is idempotent). The reference books of
    the documents (registers of orders, kinds of local acts) are added to the settings
    with their default entries where missing."""
    added = ensure_reference_books(portal)
    if added:
        log.info('documents: reference books added: %s', ', '.join(added))
    catalog = rebuild_catalog(portal)
    log.info('documents: catalog rebuilt, %d objects indexed', len(catalog))


@evolve_step('documents: index of pending acknowledgements', generation=6)
def index_pending_acknowledgements(portal):
    """Start pages read each user's own list of orders to acknowledge; databases from
    before that list get it built from the sheets."""
    rebuild_pending(portal)

"""Evolve steps of the documents area."""
import logging

from ejportal.core.evolve import evolve_step

log = logging.getLogger(__name__)


@evolve_step(3, 'documents: catalog the documents')
def catalog_documents(portal):
    """Databases made before the documents were cataloged get them indexed: the catalog's
    indexes are brought in line with the code and the whole tree is indexed again (which
    is also what a repeated run does, so the step is idempotent)."""
    from ejportal.core.catalog import catalog_type, rebuild_catalog
    from ejportal.documents.search import SEARCH_TYPES
    for type_name in SEARCH_TYPES:
        catalog_type(type_name)  # also when a script runs the step without the app
    catalog = rebuild_catalog(portal)
    log.info('documents: catalog rebuilt, %d objects indexed', len(catalog))

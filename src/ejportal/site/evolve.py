"""Evolve steps of the site."""
from ejportal.core.audit import get_audit_log, use_small_buckets
from ejportal.core.catalog import get_catalog, renew_catalog, uses_small_buckets
from ejportal.core.evolve import evolve_step
from ejportal.site.books import ensure_books


@evolve_step('site: reference books under the settings')
def add_reference_books(portal):
    """Databases made before the reference books were kept under the settings get every
    declared book with its default entries (``ensure_books`` adds only what is missing)."""
    if 'settings' in portal:
        ensure_books(portal['settings'])


@evolve_step('site: the audit log\'s chunks in a tree of small buckets')
def audit_chunks_in_small_buckets(portal):
    """Archiving the audit log's tail rewrites the bucket of the chunks' tree it is in;
    logs made before ``ChunkTree`` kept 120 chunks a bucket (issue 10: what a mark costs)."""
    use_small_buckets(get_audit_log(portal))


@evolve_step('site: the catalog\'s text index and sets of docids in small buckets')
def catalog_in_small_buckets(portal):
    """A document's every distinct word rewrote a bucket of 60 words' postings and one of
    120 documents in each long posting (issue 10: a 2 KB document wrote 150 KB among 150
    others); catalogs made before the small trees are made anew."""
    if not uses_small_buckets(get_catalog(portal)):
        renew_catalog(portal)

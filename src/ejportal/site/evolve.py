"""Evolve steps of the site."""
from ejportal.core.audit import get_audit_log, use_small_buckets
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

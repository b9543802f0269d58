"""Evolve steps of the site."""
from ejportal.core.evolve import evolve_step
from ejportal.site.books import ensure_books


@evolve_step('site: reference books under the settings')
def add_reference_books(portal):
    """Databases made before the reference books were kept under the settings get every
    declared book with its default entries (``ensure_books`` adds only what is missing)."""
    if 'settings' in portal:
        ensure_books(portal['settings'])

"""Where the checkout keeps templates and catalogs (the design puts them at the top level,
beside ``src/``; the package is installed in editable mode)."""
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
TEMPLATES = CHECKOUT / 'templates'
LOCALES = CHECKOUT / 'locales'


def template(name):
    """An absolute renderer path for ``templates/<name>``."""
    return str(TEMPLATES / name)

"""What the security suites share: hostile values as hypothesis strategies, one app per test
module on a copy of the demo school, and a way to tell whether a request changed anything.

``EJPORTAL_SOAK=1`` (``make soak``) turns the suites' budgets up: the hypothesis profile
``soak`` (set in conftest.py) and ``SOAK`` here for the suites' own lists.
"""
import datetime
import importlib
import inspect
import os
import pkgutil
import shutil

import colander
from hypothesis import strategies as st

import ejportal
from conftest import app_settings, close_app
from ejportal import main

SOAK = os.environ.get('EJPORTAL_SOAK') == '1'

# Characters that break text in the ways attackers and broken clients use: lone surrogates,
# C0/C1 controls, bidirectional marks and overrides, zero-width and byte-order marks,
# non-characters, line and paragraph separators, combining marks, characters beyond the BMP.
NASTY_CHARS = ['\ud800', '\udfff', '\udc00', '\x00', '\x01', '\x08', '\x0b', '\x0c', '\x1b',
               '\x7f', '\x85', '\x9f', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f',
               '\u202a', '\u202b', '\u202d', '\u202e', '\u2066', '\u2067', '\u2069',
               '\u2028', '\u2029', '\ufeff', '\ufffe', '\uffff', '\ufffd', '\u0301',
               '\U0001f600', '\U0010ffff', '\t', '\n', '\r', ' ', '<', '>', '"', "'", '&',
               '%', '\\', '/', '=', '+', '-', '@', ';', 'Ё', 'я']
DATE_EDGES = ['0001-01-01', '9999-12-31', '0000-00-00', '0000-01-01', '10000-01-01',
              '-0001-01-01', '2024-02-29', '2026-02-29', '2026-13-01', '2026-12-32',
              '1970-01-01', '1899-12-31', '9999-12-31T23:59:59', '01.01.0001', '31.12.9999',
              '2026-W53', '+002026-09-01', ' 2026-09-01', '2026-09-01\n', '20260901', '']
NUMBER_EDGES = ['0', '-0', '-1', '1e309', 'NaN', 'Infinity', '-Infinity', '9' * 40, '0x10',
                '1_000', '٣', '５', '1.5', '.5', '5.', ' 5', '5\n', '+5']

nasty_char = st.sampled_from(NASTY_CHARS)
any_char = st.characters(blacklist_categories=())  # surrogates (Cs) included
short_text = st.one_of(
    st.text(alphabet=st.one_of(nasty_char, any_char), max_size=60),
    st.lists(st.sampled_from(NASTY_CHARS), max_size=12).map(''.join),
    st.sampled_from(DATE_EDGES + NUMBER_EDGES),
    st.dates(datetime.date.min, datetime.date.max).map(datetime.date.isoformat),
)
# Huge text, one value in ten or so (a form of thirty fields would post megabytes otherwise).
huge_text = st.builds(lambda char, count: char * count,
                      st.sampled_from(['x', 'Я', '\u202e', '<a>', '\U0001f600']),
                      st.integers(5000, 200000 if SOAK else 60000))
nasty_text = st.one_of(short_text, short_text, st.one_of(short_text, short_text, huge_text))
scalar = st.one_of(nasty_text, st.integers(-(2 ** 70), 2 ** 70), st.booleans(), st.none(),
                   st.floats(allow_nan=True, allow_infinity=True))
json_value = st.recursive(scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(nasty_text, inner, max_size=4)),
    max_leaves=12)


def json_body(field_names):
    """A JSON body: mostly an object of the known fields (and a stray one) with hostile
    values, sometimes not an object at all."""
    names = sorted(field_names)
    fields = st.dictionaries(st.sampled_from(names) if names else nasty_text, json_value,
                             max_size=max(len(names), 1) + 1) if names else \
        st.dictionaries(nasty_text, json_value, max_size=3)
    return st.one_of(fields, fields, fields, json_value)


def schema_classes():
    """Every colander schema class the portal defines (mappings and sequences)."""
    found = {}
    for info in pkgutil.walk_packages(ejportal.__path__, 'ejportal.'):
        if '.scripts' in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, colander.SchemaNode) \
                    and cls.schema_type in (colander.Mapping, colander.Sequence):
                found['%s.%s' % (cls.__module__, name)] = cls
    return found


def field_names(schema_class):
    try:
        return {child.name for child in schema_class().children}
    except Exception:  # a schema whose children need binding: no names known
        return set()


def copy_demo(demo_template, directory):
    for name in os.listdir(demo_template):
        source = os.path.join(demo_template, name)
        if name.startswith('Data.fs') and not name.endswith('.lock'):
            shutil.copy(source, os.path.join(directory, name))
        elif name == 'blobs':
            shutil.copytree(source, os.path.join(directory, name))
    return directory


BOOKKEEPING = {'ejportal.principals.resources.LoginSession'}


class ModuleApp:
    """The app on its own copy of the demo school, for a whole test module."""

    def __init__(self, demo_template, directory):
        self.directory = copy_demo(demo_template, directory)
        self.app = main({}, **app_settings(directory))
        self.db = self.app.registry._zodb_databases['']

    def last_transaction(self):
        """The storage's newest transaction id: a request that changed nothing leaves it."""
        return self.db.lastTransaction()

    def changed_since(self, tid):
        """The classes (``module.Class``) of the objects written after transaction ``tid``,
        less a login session's once-a-minute ``last_seen``: bookkeeping, not a change."""
        from ZODB.utils import get_pickle_metadata, p64, u64
        changed = set()
        for txn in self.db.storage.iterator(p64(u64(tid) + 1)):
            for record in txn:
                if record.data:
                    changed.add('.'.join(get_pickle_metadata(record.data)))
        return changed - BOOKKEEPING

    def data_fs_size(self):
        return os.path.getsize(os.path.join(self.directory, 'Data.fs'))

    def close(self):
        close_app(self.app)


def budget(default, soak):
    """A hypothesis ``settings`` with ``default`` examples in `make test` and ``soak``
    under EJPORTAL_SOAK=1 (the rest from the loaded profile)."""
    from hypothesis import settings
    return settings(max_examples=soak if SOAK else default)


def school_places(app):
    """The objects the access tables name beyond the demo school (``{attachment}``,
    ``{appendix}``...), made in ``app``: by the tables' own ``prepare_school`` where the
    access table has one, else as the API table makes them."""
    import test_access_matrix
    if hasattr(test_access_matrix, 'prepare_school'):
        return test_access_matrix.prepare_school(app)
    import test_api_matrix
    return {'attachment': test_access_matrix.place_attachment(app),
            'appendix': test_api_matrix.make_appendix(app)}


def fill(url, places):
    """``url`` with its places filled in, or None if it names one not made."""
    try:
        return url.format(**places)
    except (KeyError, IndexError):
        return None


def allowed_roles(allowed, everyone):
    """A table row's roles; a row that leaves them to who sees the object (None) is tried
    as everyone (the suites check that nothing fails, not who is let in)."""
    return set(everyone) if allowed is None else set(allowed)

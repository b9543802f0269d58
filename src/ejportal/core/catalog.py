"""The one catalog of the portal: a hypatia catalog kept on the root, filled by event
subscribers, so that lists and searches never walk the tree or load objects they will not show.

Each cataloged object gets an integer docid; two BTrees map path <-> docid, so a result is
turned back into objects by traversal, and only for the batch being shown. Who may see what
is indexed too (``allowed``: the principals holding ``view``), so a search is filtered by the
user's principals inside the catalog and the total it reports is the user's total.

Areas say which of their types are cataloged and which indexes they need::

    config.add_cataloged_type('Order')
    config.add_catalog_index('number', field_index(DISCRIMINATORS['number']))

Folders that are not cataloged (sections, years) are still walked through, so their
cataloged contents are found.

Indexing is queued (issue 10: a document's entries in a dozen indexes wrote dozens of
records, 20 to 60 KB, most of it the text index's postings of each of its words). Indexing
an object records its docid in the catalog's small ``pending`` tree, with a stamp that
changes on each reindex; ``merge_pending`` writes the pending documents into the indexes in
one transaction (the ``catalog-merge`` job, the job runner on each wake, or inline once more
than ``MERGE_BOUND`` wait). Queries see pending documents at once: a query is a function of
the indexes, run on the merged indexes for the documents not pending and on an in-memory
catalog of the pending ones (kept per connection, brought up to date by the stamps), and the
two results are joined into one total and one sorted batch. Removing stays immediate.
"""
import datetime
import html
import logging
import random
import re
import time
import types

import BTrees
from BTrees.IOBTree import IOBTree
from BTrees.LFBTree import LFBTree, LFTreeSet
from BTrees.LLBTree import LLBTree
from BTrees.LOBTree import LOBTree
from BTrees.OIBTree import OIBTree
from BTrees.OLBTree import OLBTree
from BTrees.OOBTree import OOBTree
from hypatia.catalog import Catalog as HypatiaCatalog, CatalogQuery
from hypatia.field import FieldIndex
from hypatia.keyword import KeywordIndex
from hypatia.query import And, Any, Contains, Eq, Ge, InRange, Le, Or
from hypatia.text import TextIndex
from hypatia.text.lexicon import CaseNormalizer, Lexicon, Splitter, StopWordRemover
from hypatia.text.okapiindex import OkapiIndex
from hypatia.text.parsetree import ParseError, QueryError
from hypatia.text.stopdict import get_stopdict
from persistent import Persistent
from ZODB.POSException import ConflictError
from pyramid.authorization import ACLHelper
from pyramid.traversal import find_resource

from ejportal.core.content import find_root, lineage, resource_path
from ejportal.core.events import (
    ObjectAdded, ObjectModified, ObjectMoved, ObjectRemoved)
from ejportal.core.workflow import WorkflowTransitioned
from ejportal.core.registry import portal_registry
from ejportal.i18n import _

log = logging.getLogger(__name__)

def is_cataloged(obj):
    return getattr(obj, 'type_name', None) in portal_registry().cataloged_types


# -- values the indexes see ------------------------------------------------------------
# Discriminators are module-level functions because the indexes store them in the ZODB.
# Each returns ``default`` when the object has no value, so the index leaves it out.

_TAGS = re.compile(r'<(script|style)\b.*?</\1\s*>|<[^<>]*>', re.S | re.I)
_WORDS = re.compile(r'\w+')
_STOP_WORDS = frozenset(get_stopdict())  # the text index leaves these (English) words out
_acl = ACLHelper()


def fold(text):
    """Lower case, and 'ё' read as 'е' as Russian readers and typists mostly do."""
    return text.lower().replace('ё', 'е')


def plain_text(text):
    """Text without HTML tags (and the content of scripts and styles) or entities."""
    return html.unescape(_TAGS.sub(' ', text))


def _value(obj, name, default):
    value = getattr(obj, name, None)
    return default if value is None else value


def _type_name(obj, default):
    return _value(obj, 'type_name', default)


def _review_state(obj, default):
    return _value(obj, 'review_state', default)


def _register(obj, default):
    return _value(obj, 'register', default)


def _number(obj, default):
    value = getattr(obj, 'number', None)
    return default if value is None or value == '' else number_key(value)


def number_key(number):
    """How the ``number`` index keeps a number: as text, digit runs zero-padded, so that
    '9' sorts before '10' and '12-о' compares with '12-а' whether numbers are ints or str.
    Query the index with ``Eq(catalog.indexes['number'], number_key(n))``."""
    return re.sub(r'\d+', lambda m: m.group().zfill(12), fold(str(number).strip()))


def as_date(value):
    """A ``datetime.date`` for a date or datetime, else None (the two do not compare)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return None


def _date(obj, default):
    value = as_date(getattr(obj, 'date', None))
    return default if value is None else value


def _title(obj, default):
    title = getattr(obj, 'title', None)
    return fold(title.strip()) if isinstance(title, str) else default


def _path(obj, default):
    """The object's path and those of all its ancestors: '/', '/documents', ..."""
    path = resource_path(obj)
    if path == '/':
        return ['/']
    parts = path.split('/')
    return ['/'] + ['/'.join(parts[:i]) for i in range(2, len(parts) + 1)]


def _text(obj, default):
    parts = [getattr(obj, 'title', None), getattr(obj, 'description', None)]
    searchable = getattr(obj, 'searchable_text', None)
    if callable(searchable):
        parts.append(searchable())
    text = ' '.join(p for p in parts if isinstance(p, str) and p)
    return fold(plain_text(text)) if text.strip() else default


def allowed_principals(obj, permission):
    """The principals holding ``permission`` on ``obj``, as a search will be asked for them.

    A local role principal (``local:editor``) means nothing outside its context: the security
    policy gives it to the users and groups holding the role on the lineage. So it is
    replaced here by those users and groups, read from the ``local_roles`` up the lineage.
    """
    allowed = set(_acl.principals_allowed_by_permission(obj, permission))
    local = {p.partition(':')[2] for p in allowed if p.startswith('local:')}
    allowed = {p for p in allowed if not p.startswith('local:')}
    if local:
        for resource in lineage(obj):
            for principal, roles in (getattr(resource, 'local_roles', None) or {}).items():
                if local.intersection(roles):
                    allowed.add(principal)
    return sorted(allowed)


def _allowed(obj, default):
    return allowed_principals(obj, portal_registry().catalog_permissions['allowed'])


def _allowed_public(obj, default):
    return allowed_principals(obj, portal_registry().catalog_permissions['allowed_public'])


# Indexes whose trees have small buckets (issue 10: what a new document writes). Adding a
# document adds a key to each index's trees, and a bucket is written whole: hypatia's trees
# hold 30 to 60 items a bucket, so one new document rewrote many kilobytes of titles, paths
# and encoded texts of other documents. Catalogs made before keep their indexes.
class ValueTree(OOBTree):
    """An index's value -> docids."""
    max_leaf_size = 8
    max_internal_size = 64


# Inner nodes of 16: a new random docid splits a bucket every few documents, and the split
# rewrites the node above it (1 KB with 64 children, the most a new document wrote to the
# catalog once its indexes were queued).
class DocidTree(LOBTree):
    """An index's docid -> value (a title, a path's steps, a text's encoded words)."""
    max_leaf_size = 6
    max_internal_size = 16


class PathTree(OLBTree):
    """The catalog's path -> docid (inner nodes of 8: their keys are paths)."""
    max_leaf_size = 12
    max_internal_size = 8


class PendingTree(LLBTree):
    """The catalog's pending docids -> a stamp, new on each (re)index. Two documents added
    at once change different keys of a bucket, which ZODB merges. Merged every minute or
    so, it is mostly one bucket of a few items, kept in the tree's own record. It always
    holds ``SENTINEL`` (no docid): a merge that emptied the bucket would conflict with a
    document queued meanwhile, one that leaves the sentinel merges with it."""
    max_leaf_size = 32
    max_internal_size = 16


SENTINEL = 0


def _stamp():
    """A pending document's stamp: when it was queued, in milliseconds, and three random
    digits (a reindex in the same millisecond still changes it)."""
    return int(time.time() * 1000) * 1000 + random.randrange(1000)


def _pending_tree():
    tree = PendingTree()
    tree[SENTINEL] = 0
    return tree


class DocidSet(LFTreeSet):
    """A set of docids: an index's docids of one value, those it does not index."""
    max_leaf_size = 16
    max_internal_size = 16


# The text index: a document's every distinct word changes that word's entry in the word ->
# postings tree (a dict of docid -> frequency inline, up to ten documents, then a tree of
# its own), so one document rewrote as many 60-word buckets holding their postings, and
# each long posting's 120-document bucket.
class WordInfoTree(IOBTree):
    """The text index's word id -> postings (a small dict, or a PostingTree)."""
    max_leaf_size = 2
    max_internal_size = 16


class PostingTree(LFBTree):
    """A word's docid -> frequency once it is in more than ten documents; the text
    index's docid -> length too."""
    max_leaf_size = 32
    max_internal_size = 16


class WordIdTree(OIBTree):
    """The lexicon's word -> word id."""
    max_leaf_size = 8
    max_internal_size = 16


class WordTree(IOBTree):
    """The lexicon's word id -> word."""
    max_leaf_size = 16
    max_internal_size = 16


# hypatia's indexes make their sets of docids and postings through ``self.family.IF``
# (sets of 120 docids a bucket): the same family with the small trees, as a class
# attribute, so that nothing of it is stored and indexes made before use it too (their
# old sets stay as they are).
_IF = types.SimpleNamespace(**vars(BTrees.family64.IF))
_IF.TreeSet, _IF.BTree = DocidSet, PostingTree
FAMILY = types.SimpleNamespace(**{name: getattr(BTrees.family64, name)
                                  for name in dir(BTrees.family64)
                                  if not name.startswith('_')})
FAMILY.IF = _IF


class PortalFieldIndex(FieldIndex):
    family = FAMILY

    def reset(self):
        super().reset()
        self._fwd_index, self._rev_index = ValueTree(), DocidTree()


class PortalKeywordIndex(KeywordIndex):
    family = FAMILY
    tree_threshold = 16  # a value's docids become a DocidSet past this many

    def reset(self):
        super().reset()
        self._fwd_index, self._rev_index = ValueTree(), DocidTree()


class PortalLexicon(Lexicon):
    def __init__(self, *pipeline):
        super().__init__(*pipeline)
        self._wids, self._words = WordIdTree(), WordTree()


class PortalOkapiIndex(OkapiIndex):
    family = FAMILY

    def reset(self):
        super().reset()
        self._wordinfo, self._docweight = WordInfoTree(), PostingTree()
        self._docwords = DocidTree()


class PortalTextIndex(TextIndex):
    family = FAMILY

    def __init__(self, discriminator):
        lexicon = PortalLexicon(Splitter(), CaseNormalizer(), StopWordRemover())
        super().__init__(discriminator, index=PortalOkapiIndex(lexicon))

    def reset(self):
        super().reset()
        self.index._docwords = DocidTree()


# The discriminators an area may declare an index with (``config.add_catalog_index``):
# module-level, because the indexes keep them in the database.
def field_index(discriminator):
    return lambda: PortalFieldIndex(discriminator)


def keyword_index(discriminator):
    return lambda: PortalKeywordIndex(discriminator)


# What the declared indexes read (module-level functions: the indexes keep them in the
# database, by these names).
DISCRIMINATORS = {'register': _register, 'number': _number, 'date': _date,
                  'allowed': _allowed, 'allowed_public': _allowed_public}


def make_indexes():
    """The indexes of the catalog, by name, as the areas declared them."""
    return {name: factory()
            for name, factory in portal_registry().catalog_indexes.items()}


SECURITY_INDEXES = ('allowed', 'allowed_public')
SORTS = {'date': 'date', 'title': 'title', 'number': 'number', 'relevance': 'text'}


# -- the catalog -----------------------------------------------------------------------
MERGE_BOUND = 500   # pending documents past which an index merges at once (no job runner)


class Catalog(Persistent):
    """Indexes, the path <-> docid maps and the pending docids."""

    pending = None   # a catalog made before the queue gets its tree on first use

    def __init__(self):
        self.indexes = HypatiaCatalog()
        self.docid_by_path = PathTree()
        self.path_by_docid = DocidTree()
        self.pending = _pending_tree()
        self.sync_indexes()

    def __len__(self):
        return len(self.path_by_docid)

    def sync_indexes(self):
        """Add the indexes ``make_indexes`` declares and this catalog lacks, drop those it no
        longer declares. Returns the added names: they are empty until a ``rebuild``."""
        wanted = make_indexes()
        for name in set(self.indexes) - set(wanted):
            del self.indexes[name]
        added = sorted(set(wanted) - set(self.indexes))
        for name in added:
            self.indexes[name] = wanted[name]
        return added

    def _new_docid(self):
        # Random ids, not a counter: two transactions adding at once do not collide.
        while True:
            docid = random.randrange(1, 2 ** 62)
            if docid not in self.path_by_docid:
                return docid

    def index(self, obj, queued=True):
        """Index ``obj`` (new or already known) at its current path; returns its docid.
        Queued: the docid waits in ``pending`` for ``merge_pending``; else it is written
        into the indexes now (a rebuild)."""
        path = resource_path(obj)
        docid = self.docid_by_path.get(path)
        if docid is None:
            docid = self._new_docid()
            self.docid_by_path[path] = docid
            self.path_by_docid[docid] = path
        if queued:
            self._v_root = find_root(obj)
            self._queue(docid)
        else:
            self.indexes.reindex_doc(docid, obj)
        return docid

    def _queue(self, docid):
        if self.pending is None:
            self.pending = _pending_tree()
        old = self.pending.get(docid)
        new = old is None
        # always a new stamp: a connection that read the document under the old one must
        # read it again (two reindexes in one millisecond, or a clock set back, drew the
        # same one at times)
        self.pending[docid] = _stamp() if new else max(_stamp(), old + 1)
        if new and len(self.pending) - 1 > MERGE_BOUND:
            self.merge_pending()

    def waiting(self):
        """The pending docids -> their stamps."""
        if self.pending is None:
            return {}
        return dict(self.pending.items(min=SENTINEL, excludemin=True))

    def waited(self, stamps=None):
        """Seconds since the oldest pending document was queued (0 if none is)."""
        stamps = self.waiting() if stamps is None else stamps
        if not stamps:
            return 0
        return max(0, time.time() - min(stamps.values()) // 1000 / 1000)

    def reindex(self, obj, names=None):
        """Refresh ``obj`` (queued: all its indexes are refreshed when it is merged);
        unknown objects are added. ``names`` is kept for callers naming the indexes."""
        return self.index(obj)

    def unindex_path(self, path):
        """Forget ``path`` and everything below it (no object needs loading)."""
        if path == '/':
            paths = list(self.docid_by_path.keys())
        else:
            paths = list(self.docid_by_path.keys(min=path + '/', max=path + '0',
                                                 excludemax=True))
            if path in self.docid_by_path:
                paths.append(path)
        for item in paths:
            docid = self.docid_by_path.pop(item)
            del self.path_by_docid[docid]
            self.indexes.unindex_doc(docid)
            if self.pending is not None and docid in self.pending:
                del self.pending[docid]
        return len(paths)

    def clear(self):
        self.indexes.reset()
        self.docid_by_path.clear()
        self.path_by_docid.clear()
        self.pending = _pending_tree()

    def _root(self, root):
        root = root if root is not None else getattr(self, '_v_root', None)
        if root is None:
            raise ValueError('the catalog needs the portal to find pending documents: '
                             'get it with get_catalog(portal), or pass root=')
        return root

    def _object(self, root, docid):
        path = self.path_by_docid.get(docid)
        try:
            return find_resource(root, path)
        except (KeyError, TypeError):
            log.warning('catalog: docid %s at %r does not resolve', docid, path)
            return None

    def merge_pending(self, root=None):
        """Write the pending documents into the indexes and take them out of ``pending``;
        returns how many. Keys are deleted one by one (not the tree replaced): a document
        queued by a transaction committing meanwhile stays pending, or conflicts."""
        docids = list(self.waiting())
        if not docids:
            return 0
        root = self._root(root)
        for docid in docids:
            obj = self._object(root, docid)
            if obj is None:
                path = self.path_by_docid.pop(docid, None)
                if path is not None and self.docid_by_path.get(path) == docid:
                    del self.docid_by_path[path]
                self.indexes.unindex_doc(docid)
            else:
                self.indexes.reindex_doc(docid, obj)
            del self.pending[docid]
        return len(docids)

    def _queued_catalog(self, root, stamps):
        """An in-memory catalog of the pending documents, kept on this connection's copy
        of the catalog and brought up to date by their stamps."""
        names = tuple(portal_registry().catalog_indexes)
        cached = getattr(self, '_v_queued', None)
        if cached is None or cached[0] != names:
            queued = HypatiaCatalog(family=BTrees.family64)
            for name, index in make_indexes().items():
                queued[name] = index
            cached = self._v_queued = (names, queued, {})
        _names, queued, seen = cached
        for docid in [d for d in seen if d not in stamps]:
            queued.unindex_doc(docid)
            del seen[docid]
        # Values read while this transaction holds changes may be ones it has not committed
        # (an object changed before its reindex, a local role above it, a change after the
        # reindex): they serve this transaction, and are read again by the next one. Kept
        # under the stamp, a rollback or a later change left them found ever after.
        uncommitted = _has_changes(self._p_jar)
        for docid, stamp in stamps.items():
            if seen.get(docid) == stamp:
                continue
            obj = self._object(root, docid)
            if obj is None:
                queued.unindex_doc(docid)
                seen.pop(docid, None)
            else:
                queued.reindex_doc(docid, obj)
                seen[docid] = None if uncommitted else stamp
        return queued

    def query(self, query, sort='date', reverse=True, start=0, size=25, root=None):
        """``(total, docids)`` of one sorted batch. ``query`` is a function of the indexes
        (a mapping name -> index) returning a hypatia query: it is run on the merged
        indexes and on those of the pending documents."""
        if not callable(query):
            raise TypeError('Catalog.query takes a function of the indexes (lambda idx: '
                            'Eq(idx["type_name"], ...)), run on the stored and the pending')
        sides = [(self._results(self.indexes, query), self.indexes)]
        stamps = self.waiting()
        if stamps:
            waiting = FAMILY.IF.TreeSet(stamps)
            sides[0] = (FAMILY.IF.difference(sides[0][0], waiting), self.indexes)
            queued = self._queued_catalog(self._root(root), stamps)
            sides.append((self._results(queued, query), queued))
        sides = [(docids, indexes) for docids, indexes in sides if docids]
        total = sum(len(docids) for docids, _indexes in sides)
        if not total or size <= 0:
            return total, []
        if sort == 'relevance' and not any(hasattr(d, 'items') for d, _i in sides):
            sort = 'date'  # no text query, so no weights to sort by
        return total, self._sorted_batch(sides, SORTS[sort], reverse, start, size)

    @staticmethod
    def _results(indexes, query):
        _total, docids = CatalogQuery(indexes).query(query(indexes))
        return docids if docids else None

    @staticmethod
    def _sorted_batch(sides, index_name, reverse, start, size):
        """One batch across the sides, each sorted by its own index; objects without a
        value (no date yet) come last instead of vanishing."""
        wanted = start + size
        keyed, missing = [], []
        for docids, indexes in sides:
            index = indexes[index_name]
            if index_name == 'text':
                # hypatia sorts relevance best first unless reversed; ours: reverse = descending
                top = index.sort(docids, reverse=not reverse, limit=wanted)
                keyed.extend((docids[d], d) for d in top)
                continue
            top = list(index.sort(docids, reverse=reverse, limit=wanted,
                                  raise_unsortable=False))
            values = index._rev_index
            keyed.extend((values[d], d) for d in top)
            if len(top) < wanted:
                not_indexed = set(index.not_indexed())
                missing.extend(d for d in docids if d in not_indexed)
        if len(sides) > 1:
            # ties and the undated in docid order, as one index keeps them
            keyed.sort(key=lambda item: item[1])
            keyed.sort(key=lambda item: item[0], reverse=reverse)
            missing.sort()
        ordered = [d for _key, d in keyed] + missing
        return ordered[start:wanted]

    def resolve(self, root, docids):
        """The objects for ``docids``; a stale entry is logged and skipped."""
        objects = []
        for docid in docids:
            path = self.path_by_docid.get(docid)
            try:
                objects.append(find_resource(root, path))
            except (KeyError, TypeError):
                log.warning('catalog: docid %s at %r does not resolve', docid, path)
        return objects


def _has_changes(jar):
    """Whether the connection ``jar`` holds changes not committed yet (in a savepoint too).
    ZODB says so only by the flag it joins the transaction by; without it (another
    version), assume it does. No connection (a portal in memory): nothing to commit."""
    if jar is None:
        return False
    return not getattr(jar, '_needs_to_join', False)


def get_catalog(root):
    """The root's catalog, made on first use."""
    catalog = getattr(root, 'catalog', None)
    if catalog is None:
        catalog = root.catalog = Catalog()
    catalog._v_root = root  # where pending documents are found by path
    return catalog


def _catalog_of(resource):
    """The catalog of the portal ``resource`` is in, or None while it is in none (e.g. a
    folder being filled before it is added: its contents are indexed when it is added).
    A root keeps a catalog when it declares a ``catalog`` attribute (None will do)."""
    root = find_root(resource)
    if not hasattr(root, 'catalog'):
        return None
    return get_catalog(root)


def _walk(obj):
    """``obj`` and everything below it."""
    stack = [obj]
    while stack:
        item = stack.pop()
        yield item
        if getattr(item, 'is_folder', False):
            stack.extend(item.values())


def index_object(obj):
    """Index ``obj`` and the cataloged objects below it."""
    catalog = _catalog_of(obj)
    if catalog is not None:
        for item in _walk(obj):
            if is_cataloged(item):
                catalog.index(item)


def reindex_object(obj):
    """Refresh ``obj`` after a change of its own values. Only ``obj``: a title or a date
    does not pass down, and refreshing a whole year of lessons on each edit would not do."""
    catalog = _catalog_of(obj)
    if catalog is not None and is_cataloged(obj):
        catalog.index(obj)


def reindex_security(obj):
    """Refresh who may see ``obj`` and everything below it: call this after anything that
    changes access other than a workflow transition (local roles, an ``__acl__`` computed
    from the object's data). Only the ``allowed`` indexes are touched."""
    catalog = _catalog_of(obj)
    if catalog is not None:
        for item in _walk(obj):
            if is_cataloged(item):
                catalog.reindex(item, SECURITY_INDEXES)


def unindex_object(obj):
    """Forget ``obj`` and everything below it."""
    catalog = _catalog_of(obj)
    if catalog is not None:
        catalog.unindex_path(resource_path(obj))


def uses_small_buckets(catalog):
    """Whether ``catalog``'s text index was made with the small trees (issue 10)."""
    text = catalog.indexes.get('text')
    return text is None or isinstance(text.index, PortalOkapiIndex)


def renew_catalog(root):
    """Replace the root's catalog by a new one (of the present index classes, with their
    small buckets) and index the whole tree into it. Docids are the catalog's own: nothing
    outside it keeps them."""
    root.catalog = Catalog()
    return rebuild_catalog(root)


def rebuild_catalog(root):
    """Make the catalog's indexes current and index the whole tree again (an evolve step
    calls this after adding an index or a cataloged type)."""
    catalog = get_catalog(root)
    catalog.sync_indexes()
    catalog.clear()
    for item in _walk(root):
        if is_cataloged(item):
            catalog.index(item, queued=False)
    return catalog


def merge_job(portal, log=None, settings=None):
    """The ``catalog-merge`` job: the pending documents into the indexes."""
    merged = get_catalog(portal).merge_pending(portal)
    told = 'documents merged into the catalog: %d' % merged
    if log is not None:
        log.write(told + '\n')
    return told


# When the job runner merges the queue on a wake: once it holds this many documents, or
# once the oldest has waited ``ejportal.catalog_merge_hours`` (default: a day, so that the
# nightly ``catalog-merge`` job does it). Merging many documents at once is what makes the
# queue pay: the words and values they share are written once (a varied 2 KB document
# merged alone writes about 57 KB, twenty together about 27 KB each).
WAKE_BATCH = 100
MERGE_HOURS = 24


def merge_on_wake(portal, tm, settings=None):
    """What the job runner does on each wake (every ``ejportal.jobs_interval`` s): merge
    the pending documents in a transaction of their own when they are many or the oldest
    has waited long enough (see ``WAKE_BATCH``). Two runners merging at once conflict; the
    loser leaves it to the next wake."""
    catalog = get_catalog(portal)
    stamps = catalog.waiting()
    try:
        hours = float((settings or {}).get('ejportal.catalog_merge_hours', MERGE_HOURS))
    except (TypeError, ValueError):
        hours = MERGE_HOURS
    if not stamps or (len(stamps) < WAKE_BATCH and catalog.waited(stamps) < hours * 3600):
        return 0
    try:
        merged = catalog.merge_pending(portal)
        tm.get().note('ejportal catalog merge')
        tm.commit()
        return merged
    except ConflictError:
        tm.abort()
    except Exception:       # the runner's jobs still run; the next wake tries again
        tm.abort()
        log.exception('catalog merge failed')
    return 0


# -- subscribers -----------------------------------------------------------------------
def _join(parent, name):
    return resource_path(parent).rstrip('/') + '/' + name


def _on_added(event):
    index_object(event.object)


def _on_modified(event):
    """Reindex; where access may have changed (local roles, or a field the type names in
    ``security_fields``), the security indexes of everything below too."""
    obj = event.object
    reindex_object(obj)
    changes = event.info.get('changes') or {}
    watched = ('local_roles',) + tuple(getattr(obj, 'security_fields', ()))
    if any(name in changes for name in watched):
        reindex_security(obj)


def _on_removed(event):
    catalog = _catalog_of(event.info['parent'])
    if catalog is not None:
        name = event.info.get('name') or event.object.__name__
        catalog.unindex_path(_join(event.info['parent'], name))


def _on_moved(event):
    obj, info = event.object, event.info
    catalog = _catalog_of(obj)
    if catalog is None:
        return
    old_path = info.get('old_path')
    if old_path is None and info.get('old_parent') is not None:
        old_path = _join(info['old_parent'], info.get('old_name') or obj.__name__)
    if old_path is not None:
        catalog.unindex_path(old_path)
    index_object(obj)


def _on_transitioned(event):
    # The state changes the ACL of the object and, for a folder, of all it holds.
    reindex_object(event.object)
    if getattr(event.object, 'is_folder', False):
        reindex_security(event.object)


def includeme(config):
    """Keep the catalog current from object events; the generic indexes. Areas declare
    their own indexes and cataloged types with ``config.add_catalog_index`` and
    ``config.add_cataloged_type``."""
    config.add_subscriber(_on_added, ObjectAdded)
    config.add_subscriber(_on_modified, ObjectModified)
    config.add_subscriber(_on_removed, ObjectRemoved)
    config.add_subscriber(_on_moved, ObjectMoved)
    config.add_subscriber(_on_transitioned, WorkflowTransitioned)
    config.add_catalog_index('type_name', field_index(_type_name))
    config.add_catalog_index('path', keyword_index(_path))
    config.add_catalog_index('review_state', field_index(_review_state))
    config.add_catalog_index('title', field_index(_title))
    config.add_catalog_index('text', lambda: PortalTextIndex(_text))
    config.add_job('catalog-merge', merge_job, _('job-catalog-merge', default='Merge new and '
                   'changed documents into the search indexes'),
                   {'kind': 'daily', 'at': '01:30'}, order=5)


# -- search ----------------------------------------------------------------------------
def text_query(text):
    """User text as a query the text index cannot fail to parse: its words only (quotes,
    brackets, AND/OR/NOT are plain words to a user), all required, less the common words
    the index leaves out. Words of three letters or more match as prefixes, which covers
    most Russian endings ("журнал" finds "журнала"). None if no word is left."""
    words = [w for w in _WORDS.findall(fold(text)) if w not in _STOP_WORDS]
    if not words:
        return None
    return ' '.join(w + '*' if len(w) >= 3 else '"%s"' % w for w in words)


def _one_or_any(index, value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return Any(index, list(value))
    return Eq(index, value)


def search(root, principals, text=None, type_name=None, review_state=None, register=None,
           path=None, date_from=None, date_to=None, number=None, sort='date', reverse=True,
           start=0, size=25, include_public=False):
    """``(total, objects)``: the objects of one batch, of all those matching the criteria
    that one of ``principals`` may view (or, with ``include_public``, that are on the public
    site). ``type_name`` and ``review_state`` take a value or a list of values; ``path``
    limits to an object and what is below it; dates are inclusive; ``sort`` is 'date'
    (undated last), 'title', 'number' or 'relevance' (with ``text``); ``reverse`` means
    descending."""
    if sort not in SORTS:
        raise ValueError('unknown sort %r' % sort)
    principals = list(principals)
    if not principals:
        return 0, []
    parsed = None
    if text is not None and text.strip():
        parsed = text_query(text)
        if parsed is None:
            return 0, []
    date_from, date_to = as_date(date_from), as_date(date_to)

    def query(idx):
        queries = []
        if type_name is not None:
            queries.append(_one_or_any(idx['type_name'], type_name))
        if review_state is not None:
            queries.append(_one_or_any(idx['review_state'], review_state))
        if register is not None:
            queries.append(Eq(idx['register'], register))
        if number is not None:
            queries.append(Eq(idx['number'], number_key(number)))
        if path is not None:
            queries.append(Eq(idx['path'], path.rstrip('/') or '/'))
        if date_from is not None and date_to is not None:
            queries.append(InRange(idx['date'], date_from, date_to))
        elif date_from is not None:
            queries.append(Ge(idx['date'], date_from))
        elif date_to is not None:
            queries.append(Le(idx['date'], date_to))
        if parsed is not None:
            queries.append(Contains(idx['text'], parsed))
        allowed = Any(idx['allowed'], principals)
        if include_public:
            allowed = Or(allowed, Any(idx['allowed_public'], principals))
        queries.append(allowed)
        return And(*queries) if len(queries) > 1 else queries[0]

    catalog = get_catalog(root)
    try:
        total, docids = catalog.query(query, sort=sort, reverse=reverse,
                                      start=max(start, 0), size=size, root=root)
    except (ParseError, QueryError):
        return 0, []  # e.g. only common words ("the", "a"): nothing to look for
    return total, catalog.resolve(root, docids)

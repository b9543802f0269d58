"""The one versioning mechanism, used by every document type.

Every save appends an immutable ``Version`` holding a plain copy of the document's fields;
the object's attributes always mirror its current version. Signing an order or approving
a regulation freezes the current version and stores the SHA-256 of its content, so that an
acknowledgement can bind to exactly what was signed. A frozen document is amended through a
working copy (Plone's check-out / check-in), which becomes a new, unfrozen version.
"""
import copy
import datetime
import decimal
import hashlib
import html
import json
import pickle
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import nh3
from diff_match_patch import diff_match_patch
from persistent import Persistent
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping

from ejportal.core.actor import current_actor
from ejportal.core.content import now
from ejportal.core.errors import Conflict
from ejportal.core.events import ObjectModified, notify
from ejportal.core.richtext import clean_html
from ejportal.i18n import _

FREEZE_REASONS = ('signed', 'approved')


class VersionError(Conflict):
    """A versioning operation is not possible in the document's present condition (409: the
    request is sound, the document's state refuses it)."""


class VersionFrozenError(VersionError):
    """The current version is signed or approved: amend it through a working copy."""


_PRIMITIVES = (str, int, float, bool, type(None), decimal.Decimal,
               datetime.date, datetime.time)  # datetime.datetime is a date


def plain(value):
    """A deep copy of ``value`` made of dicts, lists and primitives only. Persistent lists
    and mappings become plain ones, so a version never shares anything with the live object;
    anything else (a persistent object, a file) is refused."""
    if isinstance(value, _PRIMITIVES):
        return value
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, PersistentList)):
        return [plain(item) for item in value]
    raise TypeError('cannot version a %s' % type(value).__name__)


def _json_default(value):
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError('cannot hash a %s' % type(value).__name__)


def canonical_hash(content):
    """SHA-256 (hex) of the canonical JSON of ``content``. Stored hashes depend on this
    exact form (sorted keys, UTF-8, compact separators, ISO dates): never change it."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(',', ':'),
                      allow_nan=False, default=_json_default)
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


class Version(Persistent):
    """One saved state of a document. Every attribute is written once: ``number``,
    ``author``, ``time``, ``comment`` and the content at creation, ``frozen_reason`` and
    ``sha256`` when frozen. ``content`` hands out a copy, so it cannot be changed in place."""

    frozen_reason = None
    sha256 = None
    # The content, pickled and compressed: a version is written once and read seldom (a
    # diff, a revert, a hash), and its text, a copy of the document's, was most of what
    # saving a version wrote (issue 10). Bytes cannot be changed in place either.
    _packed = None

    def __init__(self, number, content, author, comment='', time=None):
        self.number = number
        self._packed = zlib.compress(pickle.dumps(plain(content), protocol=3), 9)
        self.author = author
        self.comment = comment
        self.time = time or now()

    def __setattr__(self, name, value):
        if not name.startswith(('_p_', '_v_')):
            self._p_activate()  # a ghost's __dict__ is empty
            if name in self.__dict__:
                raise AttributeError('version %s is immutable: %s' % (self.number, name))
        super().__setattr__(name, value)

    def __delattr__(self, name):
        # ZODB itself deletes ``_p_jar`` when it aborts a transaction that stored the version
        if name.startswith(('_p_', '_v_')):
            return super().__delattr__(name)
        raise AttributeError('version %s is immutable: %s' % (self.number, name))

    @property
    def _content(self):
        """The content as saved (a fresh dict each time); versions saved before it was
        packed keep their dict."""
        packed = self._packed  # loads a ghost
        if packed is None:
            return self.__dict__['_content']
        return pickle.loads(zlib.decompress(packed))

    @property
    def content(self):
        return copy.deepcopy(self._content)

    @property
    def frozen(self):
        return self.frozen_reason is not None


class Versionable:
    """Mixin for documents. ``save_version`` is the way to change a document's fields: it
    records the version and sets the attributes from it. ``rich_text_fields`` names the
    fields holding HTML, which diffs show as text."""

    versions = None        # PersistentList of Version, oldest first; number n is at n - 1
    working_copy = None    # PersistentMapping while an amendment is checked out
    rich_text_fields = ()

    def content(self):
        """The current values of the versioned fields (``content_names``)."""
        return {name: getattr(self, name, None) for name in self.content_names()}

    def clean(self, values):
        """``values`` as a version stores them: rich text through the one sanitiser, sets
        as sorted lists."""
        values = dict(values)
        for name in self.rich_text_fields:
            if isinstance(values.get(name), str):
                values[name] = clean_html(values[name])
        for name, value in list(values.items()):
            if isinstance(value, (set, frozenset, tuple)):
                values[name] = sorted(value)
        return values

    @property
    def current_version(self):
        return self.versions[-1] if self.versions else None

    def get_version(self, number):
        if not self.versions or not 1 <= number <= len(self.versions):
            raise KeyError(number)
        return self.versions[number - 1]

    def save_version(self, content, comment=''):
        """Record ``content`` (a dict of field values) as the new current version."""
        current = self.current_version
        if current is not None and current.frozen:
            raise VersionFrozenError(_(
                'version-frozen', default='Version ${number} is ${reason} and cannot be '
                'changed; amend it through a working copy.',
                mapping={'number': current.number, 'reason': current.frozen_reason}))
        if self.working_copy is not None:
            raise VersionError(_('version-checked-out',
                                 default='An amendment is being prepared; check it in or '
                                         'cancel it first.'))
        return self._append_version(content, comment)

    def revert_to(self, number, comment=''):
        """Make the content of version ``number`` current again, as a new version."""
        return self.save_version(self.get_version(number).content, comment)

    def freeze_current(self, reason):
        """Freeze the current version for good (on signing or approval); returns it."""
        if reason not in FREEZE_REASONS:
            raise ValueError('unknown freeze reason %r' % reason)
        version = self.current_version
        if version is None:
            raise VersionError(_('version-none', default='There is no version to freeze.'))
        if version.frozen:
            raise VersionFrozenError(_('version-already-frozen',
                                       default='Version ${number} is already ${reason}.',
                                       mapping={'number': version.number,
                                                'reason': version.frozen_reason}))
        version.sha256 = canonical_hash(version._content)
        version.frozen_reason = reason
        return version

    def diff(self, old_number, new_number):
        return diff_versions(self.get_version(old_number), self.get_version(new_number),
                             rich_text=self.rich_text_fields)

    def apply_version_content(self, content):
        """Set the attributes from a version's content; override for computed fields."""
        for name, value in content.items():
            setattr(self, name, value)

    def _append_version(self, content, comment):
        """Every save (``save_version``, ``revert_to``, ``checkin``) ends here. Past the
        first version (part of creating the object) it sends ObjectModified with the changed
        fields and ``version: (old, new)``, so the audit log and the catalog follow."""
        previous = self.current_version
        if self.versions is None:
            self.versions = PersistentList()
        version = Version(len(self.versions) + 1, content, current_actor().userid, comment)
        self.versions.append(version)
        self.apply_version_content(version.content)
        if hasattr(self, 'modified'):
            self.modified = version.time
        if previous is not None:
            changes = field_changes(previous.content, version.content)
            changes['version'] = (previous.number, version.number)
            notify(ObjectModified(self, changes=changes, comment=comment,
                                  **self.version_event_info()))
        return version

    def version_event_info(self):
        """More for the ObjectModified of a new version (e.g. ``audited=True`` where the
        caller writes its own audit entry)."""
        return {}


def field_changes(old, new):
    """field -> (old, new) for the fields that differ between two content dicts."""
    names = list(old) + [name for name in new if name not in old]
    return {name: (old.get(name), new.get(name)) for name in names
            if old.get(name) != new.get(name)}


# -- working copy for amendments -------------------------------------------------------

def checkout(obj):
    """Open a working copy of the current content (frozen or not) and return it. Change it
    by assigning keys, or replace it whole with ``update_working_copy``."""
    if obj.working_copy is not None:
        raise VersionError(_('version-checked-out',
                             default='An amendment is being prepared; check it in or '
                                     'cancel it first.'))
    if obj.current_version is None:
        raise VersionError(_('version-none-to-amend', default='There is no version to amend.'))
    obj.working_copy = PersistentMapping(obj.current_version.content)
    return obj.working_copy


def update_working_copy(obj, content):
    """Replace the working copy's content (a form's appstruct, say)."""
    if obj.working_copy is None:
        raise VersionError(_('version-not-checked-out', default='No amendment is open.'))
    obj.working_copy = PersistentMapping(plain(content))
    return obj.working_copy


def checkin(obj, comment=''):
    """Make the working copy the new current (unfrozen) version and close it."""
    if obj.working_copy is None:
        raise VersionError(_('version-not-checked-out', default='No amendment is open.'))
    content = dict(obj.working_copy)
    obj.working_copy = None
    return obj._append_version(content, comment)


def cancel_checkout(obj):
    obj.working_copy = None


# -- diffs -----------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldDiff:
    """A changed field. ``html`` is a word-level diff with ``<del>``/``<ins>`` (escaped,
    safe to insert as markup) for text fields, None for other values."""
    name: str
    old: object
    new: object
    html: str | None = None


_TOKEN = re.compile(r'\w+|\s+|[^\w\s]', re.UNICODE)
_BLOCK_END = re.compile(r'(?i)(?=<(?:br|/p|/div|/li|/h[1-6]|/tr|/td|/th|/blockquote)\b)')


def html_to_text(value):
    """Readable text of rich-text HTML: tags and script bodies gone, blocks on new lines."""
    return html.unescape(nh3.clean(_BLOCK_END.sub('\n', value), tags=set()))


def _encode(text, codes, tokens):
    """Map each word, run of spaces or punctuation mark to one character (diff-match-patch's
    line-mode trick), so the character diff becomes a word diff."""
    out = []
    for token in _TOKEN.findall(text):
        code = codes.get(token)
        if code is None:
            number = len(tokens) + 1
            if number >= 0xD800:  # skip the surrogate range
                number += 0x800
            code = codes[token] = chr(number)
            tokens[code] = token
        out.append(code)
    return ''.join(out)


def word_diff_html(old, new):
    """Escaped HTML of the word-level diff of two plain texts."""
    codes, tokens = {}, {}
    dmp = diff_match_patch()
    diffs = dmp.diff_main(_encode(old, codes, tokens), _encode(new, codes, tokens), False)
    dmp.diff_cleanupSemantic(diffs)
    wrap = {-1: '<del>%s</del>', 0: '%s', 1: '<ins>%s</ins>'}
    return ''.join(wrap[op] % html.escape(''.join(tokens[c] for c in encoded))
                   for op, encoded in diffs)


def _is_text(value):
    return value is None or isinstance(value, str)


def diff_versions(a, b, rich_text=()):
    """The fields that differ from version ``a`` to version ``b``, in field order.
    Fields named in ``rich_text`` are compared as their text without markup."""
    old_content, new_content = a.content, b.content
    names = list(old_content) + [name for name in new_content if name not in old_content]
    result = []
    for name in names:
        old, new = old_content.get(name), new_content.get(name)
        if old == new:
            continue
        markup = None
        if _is_text(old) and _is_text(new):
            old_text, new_text = old or '', new or ''
            if name in rich_text:
                old_text, new_text = html_to_text(old_text), html_to_text(new_text)
            markup = word_diff_html(old_text, new_text)
        result.append(FieldDiff(name, old, new, markup))
    return result

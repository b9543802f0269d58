import datetime
import hashlib
import json

import pytest
import transaction
import ZODB
from persistent.list import PersistentList

from ejportal.core.actor import Actor, acting_as
from ejportal.core.content import Resource
from ejportal.core.versioning import (
    FieldDiff, Version, VersionError, VersionFrozenError, Versionable, cancel_checkout,
    canonical_hash, checkin, checkout, diff_versions, update_working_copy, word_diff_html)


class VDocument(Versionable, Resource):
    type_name = 'VersioningTestDocument'
    rich_text_fields = ('body',)


ORDER = {
    'title': 'О введении электронного журнала',
    'number': 181,
    'date': datetime.date(2012, 8, 15),
    'clauses': [{'text': 'Ввести электронный журнал', 'responsible': 'deputy'}],
}


@pytest.fixture
def db():
    database = ZODB.DB(None)
    yield database
    transaction.abort()
    database.close()


def test_save_numbers_versions_and_sets_fields():
    doc = VDocument()
    with acting_as(Actor(userid='secretary1')):
        first = doc.save_version(ORDER, comment='draft')
    second = doc.save_version(dict(ORDER, number=182))
    assert (first.number, first.author, first.comment) == (1, 'secretary1', 'draft')
    assert second.number == 2 and second.author == 'system'
    assert doc.current_version is second
    assert doc.get_version(1) is first
    assert doc.number == 182 and doc.title == ORDER['title']
    assert doc.modified == second.time
    with pytest.raises(KeyError):
        doc.get_version(3)
    with pytest.raises(KeyError):
        doc.get_version(0)


def test_version_is_immutable():
    doc = VDocument()
    version = doc.save_version(ORDER)
    with pytest.raises(AttributeError):
        version.comment = 'changed'
    with pytest.raises(AttributeError):
        version.number = 5
    with pytest.raises(AttributeError):
        version.content = {}
    with pytest.raises(AttributeError):
        del version.author
    # content is handed out as a copy: changing it changes nothing stored
    version.content['clauses'][0]['text'] = 'tampered'
    assert version.content == ORDER


def test_version_copies_what_it_is_given():
    content = dict(ORDER, clauses=PersistentList([{'text': 'a'}]))
    version = VDocument().save_version(content)
    content['clauses'].append({'text': 'b'})
    assert version.content['clauses'] == [{'text': 'a'}]
    assert type(version._content['clauses']) is list
    with pytest.raises(TypeError):
        VDocument().save_version({'file': object()})


def test_revert_makes_a_new_version_with_old_content():
    doc = VDocument()
    doc.save_version(ORDER)
    doc.save_version(dict(ORDER, title='Wrong title'))
    reverted = doc.revert_to(1, comment='back to 1')
    assert reverted.number == 3
    assert reverted.content == ORDER
    assert reverted.comment == 'back to 1'
    assert doc.title == ORDER['title']
    assert doc.get_version(2).content['title'] == 'Wrong title'


def test_canonical_hash_is_sha256_of_canonical_json():
    expected = hashlib.sha256(json.dumps(
        {'a': 'ё', 'd': '2012-08-15', 'n': [1, 2.5]}, sort_keys=True, ensure_ascii=False,
        separators=(',', ':')).encode('utf-8')).hexdigest()
    assert canonical_hash({'n': [1, 2.5], 'd': datetime.date(2012, 8, 15), 'a': 'ё'}) == expected
    assert canonical_hash({'a': 1, 'b': 2}) == canonical_hash({'b': 2, 'a': 1})
    assert canonical_hash({'a': 1}) != canonical_hash({'a': 2})


def test_freeze_stores_hash_and_refuses_edits():
    doc = VDocument()
    doc.save_version(ORDER)
    frozen = doc.freeze_current('signed')
    assert frozen is doc.current_version
    assert frozen.frozen and frozen.frozen_reason == 'signed'
    assert frozen.sha256 == canonical_hash(ORDER)
    with pytest.raises(VersionFrozenError):
        doc.save_version(dict(ORDER, title='Edited after signing'))
    with pytest.raises(VersionFrozenError):
        doc.revert_to(1)
    with pytest.raises(VersionFrozenError):
        doc.freeze_current('approved')
    with pytest.raises(AttributeError):
        frozen.sha256 = '0' * 64
    with pytest.raises(ValueError):
        VDocument().freeze_current('liked')
    assert len(doc.versions) == 1


def test_checkout_checkin_amends_a_frozen_version():
    doc = VDocument()
    doc.save_version(ORDER)
    doc.freeze_current('signed')
    working = checkout(doc)
    assert dict(working) == ORDER and doc.working_copy is working
    with pytest.raises(VersionError):
        checkout(doc)
    working['title'] = 'О внесении изменений'
    amended = checkin(doc, comment='amendment')
    assert amended.number == 2 and not amended.frozen
    assert amended.content['title'] == 'О внесении изменений'
    assert doc.title == 'О внесении изменений'
    assert doc.working_copy is None
    assert doc.get_version(1).frozen and doc.get_version(1).content == ORDER
    with pytest.raises(VersionError):
        checkin(doc)


def test_save_is_refused_while_checked_out_and_cancel_discards():
    doc = VDocument()
    doc.save_version(ORDER)
    checkout(doc)
    update_working_copy(doc, dict(ORDER, title='Draft of amendment'))
    with pytest.raises(VersionError):
        doc.save_version(ORDER)
    cancel_checkout(doc)
    assert doc.working_copy is None
    assert len(doc.versions) == 1
    doc.save_version(dict(ORDER, number=2))
    with pytest.raises(VersionError):
        checkout(VDocument())


def test_versions_and_working_copy_persist(db):
    conn = db.open()
    doc = VDocument()
    conn.root()['doc'] = doc
    doc.save_version(ORDER)
    doc.freeze_current('approved')
    checkout(doc)['title'] = 'Amended'
    transaction.commit()
    conn.close()

    conn = db.open()
    conn.cacheMinimize()
    doc = conn.root()['doc']
    version = doc.current_version
    assert version._p_changed is None  # a ghost: immutability must hold after loading
    with pytest.raises(AttributeError):
        version.comment = 'x'
    assert version.sha256 == canonical_hash(ORDER) and version.content == ORDER
    assert doc.working_copy['title'] == 'Amended'
    checkin(doc, 'amended')
    transaction.commit()
    conn.close()

    conn = db.open()
    doc = conn.root()['doc']
    assert [v.number for v in doc.versions] == [1, 2]
    assert doc.title == 'Amended' and doc.working_copy is None
    conn.close()


def test_word_diff_marks_whole_words():
    assert (word_diff_html('The quick brown fox', 'The slow brown fox')
            == 'The <del>quick</del><ins>slow</ins> brown fox')
    assert word_diff_html('один два', 'один два три') == 'один два<ins> три</ins>'


def test_diff_versions_reports_changed_fields_only():
    doc = VDocument()
    doc.save_version(dict(ORDER, body='<p>Назначить ответственным Иванова</p>'))
    doc.save_version(dict(ORDER, number=182,
                          body='<p>Назначить ответственным <b>Петрова</b></p>'))
    diffs = doc.diff(1, 2)
    assert [d.name for d in diffs] == ['number', 'body']
    number, body = diffs
    assert number == FieldDiff('number', 181, 182, None)
    assert body.html == 'Назначить ответственным <del>Иванова</del><ins>Петрова</ins>\n'


def test_diff_escapes_text_and_strips_rich_text_scripts():
    a = Version(1, {'note': 'a < b', 'body': '<p>Hello</p>'}, 'u')
    b = Version(2, {'note': 'a < b <script>alert(1)</script>',
                    'body': '<p>Hello <script>alert(1)</script>world &amp; all</p>'}, 'u')
    note, body = diff_versions(a, b, rich_text=('body',))
    assert '<script>' not in note.html
    assert note.html == 'a &lt; b<ins> &lt;script&gt;alert(1)&lt;/script&gt;</ins>'
    assert 'script' not in body.html and 'alert' not in body.html
    assert body.html == 'Hello<ins> world &amp; all</ins>\n'


def test_diff_of_added_and_removed_fields():
    a = Version(1, {'title': 'x', 'due': datetime.date(2026, 9, 1)}, 'u')
    b = Version(2, {'title': 'x', 'steps': [{'n': 1}]}, 'u')
    assert diff_versions(a, b) == [
        FieldDiff('due', datetime.date(2026, 9, 1), None, None),
        FieldDiff('steps', None, [{'n': 1}], None)]


def test_a_new_version_can_be_aborted_after_it_was_stored(db):
    """Aborting a transaction that stored a new version (a ConflictError at commit, which
    the app then retries) makes ZODB delete the version's ``_p_jar``: immutability must
    not refuse that, or the abort is cut short and the connection left half-cleaned
    ("Error in abort()", seen in the soak when two orders were signed at once)."""
    conn = db.open()
    doc = VDocument()
    conn.root()['doc'] = doc
    transaction.commit()
    version = doc.save_version(ORDER)
    doc.freeze_current('signed')
    transaction.savepoint()     # the version is stored, as by a commit that then fails
    transaction.abort()
    assert version._p_jar is None and doc.current_version is None
    conn.close()


def test_a_version_stores_its_content_packed_and_reads_older_ones():
    """Issue 10: a version's copy of the text is stored compressed (bytes: nothing to change
    in place); versions saved before keep their dict, and both hash as they did."""
    content = dict(ORDER, preamble='График дежурства по школе. ' * 40)
    version = Version(1, content, 'ivanova')
    assert isinstance(version._packed, bytes) and len(version._packed) < 400
    assert version.content == content
    assert canonical_hash(version._content) == canonical_hash(content)
    with pytest.raises(AttributeError):
        version._packed = b''
    older = Version.__new__(Version)
    older.__dict__.update(number=1, _content=dict(content), author='ivanova', comment='',
                          time=version.time)
    assert older.content == content
    assert canonical_hash(older._content) == canonical_hash(content)

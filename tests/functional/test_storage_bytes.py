"""What a save writes to the storage (issue 10: a mark save wrote 16-50 KB, a document about
112 KB, mostly a rewritten 200-entry audit chunk and 30-cell buckets of dicts). Measured as
bytes appended to the test's own FileStorage by real requests, so it counts everything the
app writes for them; the bounds sit above the figures reached (``bench/bench_storage.py``
measures them on a generated school). Reached (Nov 2026), a mark save: 4-5 KB median with
audit tails of 4 entries; 3.0-3.1 KB with cells keeping their time as an int and students'
diary entries keyed by a short journal reference without titles; 2.6 KB (2.7 KB mean, at
most 5 KB) with audit entries as records of their own referenced from the tail and sealed
chunks packed. A document of a dozen repeated words: 22-26 KB with the text index's
buckets small (27-35 KB before), one of varied words among 150 others 55-65 KB (150-160 KB
before); 7-8 KB and 8-10 KB with the catalog's indexing queued (its entries are one small
record of the pending tree; the ``catalog-merge`` job writes the indexes later)."""
import os
import random
import statistics

from conftest import api_token, csrf_token
from test_conflicts import _teachers_cell

# the 3 KB a mark, on average: what the database grows by
MARK_MEAN, MARK_MEDIAN, MARK_MAX = 3 * 1024, 3 * 1024, 7 * 1024
DOCUMENT_MEDIAN, DOCUMENT_MAX = 8 * 1024, 10 * 1024
TEXT = ('В целях организации дежурства по школе и соблюдения порядка приказываю '
        'утвердить график дежурства. ' * 20)[:1024]  # 2 KB in UTF-8
VARIED_MEDIAN, VARIED_MAX = 10 * 1024, 11 * 1024
_SYLLABLES = ('ка ро ни ле ва ст по ме да ти за ль ны ра то ко ве де ли ма на ре се ло бу чи '
              'ше жи гр пр').split()
_ENDINGS = 'ие ого ами ый ая ов ет ить ом ах ей ую'.split()


def varied_texts(seed=7):
    """2 KB texts (UTF-8) as real ones differ: words of a 9,000-word vocabulary drawn at
    the frequencies of a language (the n-th most common 1/n as often), about 90 distinct
    words a text. The texts above repeat a dozen words, which a text index barely feels."""
    rnd = random.Random(seed)
    vocabulary = sorted({''.join(rnd.choice(_SYLLABLES) for _ in range(rnd.randint(2, 4)))
                         + rnd.choice(_ENDINGS) for _ in range(9000)})
    rnd.shuffle(vocabulary)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    while True:
        words = []
        while sum(len(word) + 1 for word in words) < 1000:
            words.extend(rnd.choices(vocabulary, weights, k=20))
        yield ' '.join(words)


def appended(db_dir, call):
    data_fs = os.path.join(str(db_dir), 'Data.fs')
    before = os.path.getsize(data_fs)
    call()
    return os.path.getsize(data_fs) - before


def test_a_mark_save_writes_a_few_kilobytes(db_dir, root, testapp, as_user):
    path, student, _lesson = _teachers_cell(root)
    journal = root
    for name in path.strip('/').split('/'):
        journal = journal[name]
    lessons = [lesson.id for lesson in journal.lessons.values()
               if journal.year.closed_period_of(lesson.date, journal.grade) is None][:4]
    students = [s.__name__ for s in journal.students()][:6]
    as_user('teacher')
    headers = {'X-CSRF-Token': csrf_token(testapp), 'Accept': 'application/json'}
    sizes = []
    for n, (lesson, student) in enumerate((l, s) for l in lessons for s in students):
        for text in ('5', '4'):  # a new mark, then a changed one
            sizes.append(appended(db_dir, lambda: testapp.post_json(
                path + '/@cell', {'student': student, 'lesson': lesson, 'text': text},
                headers=headers, status=200)))
    assert len(sizes) >= 24
    assert statistics.median(sizes) < MARK_MEDIAN, sorted(sizes)
    assert statistics.mean(sizes) < MARK_MEAN, sorted(sizes)
    assert max(sizes) < MARK_MAX, sorted(sizes)


def test_creating_a_2kb_document_writes_a_few_times_its_size(db_dir, testapp):
    headers = {'Accept': 'application/json',
               'Authorization': 'Bearer ' + api_token(testapp, 'director')}
    sizes = []
    for n in range(10):
        body = {'@type': 'Order', 'title': 'О дежурстве %d' % n, 'preamble': TEXT,
                'clauses': [{'text': 'Дежурить по графику'}]}
        sizes.append(appended(db_dir, lambda: testapp.post_json(
            '/documents', body, headers=headers, status=201)))
    assert statistics.median(sizes) < DOCUMENT_MEDIAN, sorted(sizes)
    assert max(sizes) < DOCUMENT_MAX, sorted(sizes)


def test_a_document_of_varied_words_among_many_writes_its_words_only(db_dir, testapp):
    """Each distinct word of a text changes that word's postings in the text index: with
    hypatia's buckets (60 words, 120 documents) a document among 150 others wrote about
    155 KB, with small buckets 55-65 KB; queued for the merge job, 8-10 KB."""
    headers = {'Accept': 'application/json',
               'Authorization': 'Bearer ' + api_token(testapp, 'director')}
    texts = varied_texts()

    def order(n):
        body = {'@type': 'Order', 'title': 'О дежурстве %d' % n, 'preamble': next(texts),
                'clauses': [{'text': 'Дежурить по графику'}]}
        testapp.post_json('/documents', body, headers=headers, status=201)
    for n in range(150):
        order(n)
    sizes = [appended(db_dir, lambda: order(150 + n)) for n in range(10)]
    assert statistics.median(sizes) < VARIED_MEDIAN, sorted(sizes)
    assert max(sizes) < VARIED_MAX, sorted(sizes)

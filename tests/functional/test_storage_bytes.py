"""What a save writes to the storage (issue 10: a mark save wrote 16-50 KB, a document about
112 KB, mostly a rewritten 200-entry audit chunk and 30-cell buckets of dicts). Measured as
bytes appended to the test's own FileStorage by real requests, so it counts everything the
app writes for them; the bounds sit above the figures reached (``bench/bench_storage.py``
measures them on a generated school). Reached (Nov 2026): a mark save 4-5 KB (median), up
to 8 KB when it archives the audit log's tail; a document 25-35 KB, most of it the text
index's buckets, the document and its first version."""
import os
import statistics

from conftest import api_token, csrf_token
from test_conflicts import _teachers_cell

MARK_MEDIAN, MARK_MAX = 4 * 1024, 8 * 1024
DOCUMENT_MEDIAN, DOCUMENT_MAX = 40 * 1024, 50 * 1024
TEXT = ('В целях организации дежурства по школе и соблюдения порядка приказываю '
        'утвердить график дежурства. ' * 20)[:1024]  # 2 KB in UTF-8


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

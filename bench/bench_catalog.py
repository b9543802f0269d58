"""How fast the catalog answers on 10,000 documents: run ``python -m bench.bench_catalog``.

Builds a fresh FileStorage in a temporary directory (indexing through the real event
subscribers, as the app does), then times each kind of search 200 times, warm, and prints
p50 and p95 in milliseconds. The searches return objects, so resolving the batch is counted.
"""
import datetime
import random
import shutil
import statistics
import tempfile
import time

import transaction
import ZODB
from pyramid import testing
from pyramid.authorization import Allow, Authenticated, DENY_ALL, Everyone
from ZODB.FileStorage import FileStorage

from ejportal import security
from ejportal.core.catalog import DISCRIMINATORS, field_index, get_catalog, search
from ejportal.core.content import Resource
from ejportal.core.folder import Folder

DOCUMENTS = 10_000
REPETITIONS = 200
WORDS = ('журнал приказ положение успеваемость класс урок проверка учитель ученик отчёт '
         'расписание четверть контрольная работа родительское собрание олимпиада экзамен '
         'дневник оценка план график методический совет педагогический').split()
TEACHER = [Everyone, Authenticated, 'user:petrov', 'role:teacher']


class BenchRoot(Folder):
    catalog = None
    __acl__ = security.root_acl()


class BenchDocument(Resource):
    type_name = 'BenchDocument'
    number = None
    date = None
    review_state = None
    text = ''

    def searchable_text(self):
        return self.text


class BenchSecret(BenchDocument):
    __acl__ = [(Allow, 'role:director', security.VIEW), DENY_ALL]


def configure():
    """The catalog as the portal declares it (generic, security and document indexes)."""
    config = testing.setUp()
    config.include('ejportal.core.registry')
    config.include('ejportal.core.catalog')
    config.include('ejportal.security')
    for index in ('register', 'number', 'date'):
        config.add_catalog_index(index, field_index(DISCRIMINATORS[index]))
    config.add_cataloged_type(BenchDocument.type_name)  # BenchSecret's too
    return config


def build(path, rng):
    db = ZODB.DB(FileStorage(path))
    conn = db.open()
    conn.root()['portal'] = root = BenchRoot()
    documents = root.add('documents', Folder())
    start = time.perf_counter()
    first_day = datetime.date(2024, 9, 1)
    for i in range(DOCUMENTS):
        cls = BenchSecret if i % 10 == 0 else BenchDocument  # a tenth hidden from teachers
        documents.add('d%05d' % i, cls(
            title=' '.join(rng.sample(WORDS, 3)).capitalize(),
            number=i + 1,
            date=first_day + datetime.timedelta(days=rng.randrange(730)),
            review_state=rng.choice(('draft', 'published', 'published', 'archived')),
            text='<p>%s</p>' % ' '.join(rng.choices(WORDS, k=40))))
        if i % 1000 == 999:
            transaction.commit()
    transaction.commit()
    return db, conn, root, time.perf_counter() - start


def measure(fn):
    timings = []
    for _ in range(REPETITIONS):
        start = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main():
    configure()
    rng = random.Random(7)
    tmp = tempfile.mkdtemp(prefix='ejportal-bench-')
    try:
        db, conn, root, built = build(tmp + '/Data.fs', rng)
        catalog = get_catalog(root)
        queries = [
            ('text "журнал"', dict(text='журнал')),
            ('text two words', dict(text='журнал проверка')),
            ('type + state + date range', dict(
                type_name='BenchDocument', review_state='published',
                date_from=datetime.date(2025, 1, 1), date_to=datetime.date(2025, 3, 31))),
            ('all, by date, size 25', dict(sort='date')),
            ('all, by date, page 20', dict(sort='date', start=475)),
        ]
        rows = []
        for name, kwargs in queries:
            total, found = search(root, TEACHER, **kwargs)
            assert found, name
            p50, p95 = measure(lambda: search(root, TEACHER, **kwargs))
            rows.append((name, total, p50, p95))
        print('catalog benchmark: %d documents (%d cataloged), built and indexed in %.1f s, '
              '%d repetitions, user: teacher' % (DOCUMENTS, len(catalog), built, REPETITIONS))
        print()
        print('| %-28s | %7s | %8s | %8s |' % ('query', 'matches', 'p50 ms', 'p95 ms'))
        print('|%s|%s|%s|%s|' % ('-' * 30, '-' * 9, '-' * 10, '-' * 10))
        for name, total, p50, p95 in rows:
            print('| %-28s | %7d | %8.2f | %8.2f |' % (name, total, p50, p95))
        conn.close()
        db.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()

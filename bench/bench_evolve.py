"""What ``ejportal-admin <ini> evolve`` needs in memory on a big school:
``python -m bench.bench_evolve [--size small|full]``.

A school made by ``journal.generate`` is turned back into the form an older database
holds (``old_form``: journals' cells and period marks as dicts in plain OOBTrees, each
student's diary index keyed by the journal's path and the lesson id, each entry repeating
the subject, its title and the lesson's number), and the two steps that convert it
('journal: cells, diary entries and period marks as mergeable records' and 'journal:
students' diary entries keyed by the journal within its year, without titles') are marked
not done. ``ejportal-admin evolve`` then runs in a process of its own, whose peak resident
set (``ru_maxrss``) is read when it ends, beside that of the same command with nothing to
do (the app's configuration and the database opened: the floor).

Results (--size full: 44 classes, 1,100 students, 616 journals, 306,096 marks; in the old
form 375,121 cells and as many diary entries; the connection's cache the zodburi default
of 10,000 objects; Nov 2026):

    ejportal-admin evolve                                  seconds   peak MB
    before (main at db9eed5: each step one transaction)
    the two steps over the old form                           38.4       950
    nothing to do (the floor)                                  1.8        93

    now (a commit every 50 journals or students: ``core.evolve.Batches``)
    the two steps over the old form                           37.1       189
    nothing to do (the floor)                                  1.4        93

Before, every bucket a step made (about 47,000 of 8 diary entries and 23,000 of 16 cells)
and every old bucket it read and replaced stayed in the connection's cache until the
step's commit, so the peak grew with the school. Now each batch's commit lets the cache
drop them: the peak is the floor plus about what the cache holds (10,000 objects, here
mostly old buckets of 30 dicts), whatever the number of students.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import transaction

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'tests'))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'tests', 'functional'))
from conftest import app_settings, close_app  # noqa: E402
from test_evolve_batches import old_form  # noqa: E402

from bench.common import generated_school  # noqa: E402

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src')
# the old form is written in transactions of this many journals or students
OLD_FORM_BATCH = 50
ABOVE_FLOOR_MB = 150


def write_ini(directory, **overrides):
    settings = app_settings(directory, **overrides)
    path = os.path.join(directory, 'bench.ini')
    with open(path, 'w') as ini:
        ini.write('\n'.join(['[app:main]', 'use = egg:ejportal']
                            + ['%s = %s' % kv for kv in settings.items()]) + '\n')
    return path


def made_old(app):
    """The generated school in the old form (``test_evolve_batches.old_form``), written in
    transactions of ``OLD_FORM_BATCH`` journals or students."""
    from pyramid import threadlocal

    from ejportal.site.resources import ZODB_ROOT_KEY
    tm = transaction.TransactionManager()
    conn = app.registry._zodb_databases[''].open(tm)
    threadlocal.manager.push({'registry': app.registry, 'request': None})
    try:
        return old_form(conn.root()[ZODB_ROOT_KEY], tm.commit, OLD_FORM_BATCH)
    finally:
        threadlocal.manager.pop()
        tm.abort()
        conn.close()


def run_evolve(ini):
    """Seconds, peak RSS (bytes) and output of ``ejportal-admin <ini> evolve`` run in a
    process of its own, with this checkout's code. The peak is the process's own high-water
    mark (``VmHWM``): ``ru_maxrss`` of a child counts its parent's resident set from
    before the exec."""
    env = dict(os.environ, PYTHONPATH=os.path.abspath(SRC))
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, '-c', PEAK_OF_EVOLVE, ini, 'evolve'],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - started
    output = process.stdout.decode()
    if process.returncode:
        raise RuntimeError('evolve failed:\n' + output)
    [peak] = [int(line.split()[1]) for line in output.splitlines()
              if line.startswith('VmHWM:')]
    return seconds, peak * 1024, output


PEAK_OF_EVOLVE = '''
import sys
from ejportal.scripts.admin import main
code = main()
print([line for line in open('/proc/self/status') if line.startswith('VmHWM:')][0])
sys.exit(code)
'''


def converted(directory):
    """(indexes not of the new kind, journals' trees not of the new kind) after evolve."""
    from ZODB import DB
    from ZODB.FileStorage import FileStorage

    from ejportal.journal.records import CellTree, DiaryCells
    db = DB(FileStorage(os.path.join(directory, 'Data.fs'), read_only=True))
    try:
        conn = db.open()
        portal = conn.root()['ejportal']
        school = portal['journal']
        students = sum(1 for s in school['students'].values()
                       if s.index is not None and not isinstance(s.index, DiaryCells))
        from ejportal.journal.books import journals
        trees = sum(1 for j in journals(portal) for tree in (j.cells, j.period_marks)
                    if not isinstance(tree, CellTree))
        conn.close()
    finally:
        db.close()
    return students, trees


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--size', choices=('small', 'full'),
                        default=os.environ.get('BENCH_SIZE') or 'small')
    args = parser.parse_args(argv or [])
    directory = tempfile.mkdtemp(prefix='ejportal-bench-evolve-')
    try:
        app, _prepared, summary, _seconds = generated_school(
            directory, args.size, lambda portal, year: None, **{'ejportal.demo': 'false'})
        try:
            journals, cells, students, entries = made_old(app)
        finally:
            close_app(app)
        ini = write_ini(directory, **{'ejportal.demo': 'false',
                                      'ejportal.auto_evolve': 'false'})
        seconds, peak, output = run_evolve(ini)
        floor_seconds, floor, _output = run_evolve(ini)
        left = converted(directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(summary)
    print('old form: %d journals, %d cells; %d students, %d diary entries'
          % (journals, cells, students, entries))
    print(''.join(line + '\n' for line in output.splitlines() if line.startswith('applied')),
          end='')
    print('%-52s %9s %9s' % ('ejportal-admin evolve', 'seconds', 'peak MB'))
    print('%-52s %9.1f %9.0f' % ('the two steps over the old form', seconds, peak / 2 ** 20))
    print('%-52s %9.1f %9.0f' % ('nothing to do (the floor)', floor_seconds, floor / 2 ** 20))
    print('%-52s %9d' % ('indexes and trees left unconverted', sum(left)))
    # the cache's 10,000 objects, at most some 15 KB each (an old bucket of 30 dicts)
    above = (peak - floor) / 2 ** 20
    print('%-52s %9.0f   %s' % ('peak above the floor ≤ %d MB' % ABOVE_FLOOR_MB, above,
                                'met' if above <= ABOVE_FLOOR_MB else 'NOT MET'))


if __name__ == '__main__':
    main(sys.argv[1:])

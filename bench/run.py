"""``make bench``: every benchmark of bench/, each printing its own table.

``make bench ONLY=login`` runs one; ``BENCH_SIZE=small`` asks the generated-school
benchmarks for a small school (a quick check rather than the issue's figures).
"""
import importlib
import os
import pkgutil
import sys
import time

import bench


def main(argv=None):
    only = (argv if argv is not None else sys.argv[1:]) or \
        [n for n in os.environ.get('ONLY', '').split(',') if n]
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__)
                   if m.name.startswith('bench_'))
    if only:
        names = [n for n in names if n[len('bench_'):] in only or n in only]
    for name in names:
        module = importlib.import_module('bench.' + name)
        print('\n== %s ==' % name)
        started = time.perf_counter()
        module.main()
        print('(%.0f s)' % (time.perf_counter() - started))


if __name__ == '__main__':
    main()

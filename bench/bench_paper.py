"""The paper journal of the largest class for a whole year: ``python -m bench.bench_paper
[--size small|full]`` (or ``BENCH_SIZE=small``).

Generates the school (``journal.generate.generate_school``) into a FileStorage in a
temporary directory, picks the class with the most students × journals, and renders its
paper journal for the whole year (``journal.printing.pdf_renderer``, the code behind
``<class>/@paper?year=``) in-process, then its summary pages (the second edition a closing
freezes). Prints the time, the pages, the PDF's size and the peak resident memory during
the rendering over the process's before it (sampled every 20 ms from /proc).
"""
import argparse
import io
import os
import shutil
import tempfile
import threading
import time

from pyramid import threadlocal

from bench.common import generated_school
from conftest import close_app  # bench.common puts tests/ on the path

PAGE = os.sysconf('SC_PAGE_SIZE')


def rss():
    with open('/proc/self/statm') as statm:
        return int(statm.read().split()[1]) * PAGE


class PeakMemory:
    """The highest resident size seen while the block runs, over the size before it."""

    def __enter__(self):
        self.base = self.peak = rss()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, rss())
            time.sleep(0.02)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, rss())

    @property
    def grown_mb(self):
        return (self.peak - self.base) / 2 ** 20


def largest_class(portal, year):
    classes = [c for c in year['classes'].values() if c.type_name == 'SchoolClass']
    return max(classes, key=lambda c: (len(c.members) * len(c.journals()), c.__name__))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--size', choices=('small', 'full'),
                        default=os.environ.get('BENCH_SIZE') or 'full')
    args = parser.parse_args(argv or [])
    from pypdf import PdfReader

    from ejportal.journal.editions import YEAR, periods_of
    from ejportal.journal.printing import pdf_renderer

    directory = tempfile.mkdtemp(prefix='ejportal-bench-paper-')
    app, target, summary, build_s = generated_school(
        directory, args.size, lambda portal, year: largest_class(portal, year).__name__)
    print('%s; built in %.0f s' % (summary, build_s))
    conn = app.registry._zodb_databases[''].open()
    threadlocal.manager.push({'registry': app.registry, 'request': None})
    try:
        portal = conn.root()['ejportal']
        year = [y for y in portal['journal'].years() if y.__name__.startswith('gen-')][-1]
        school_class = year['classes'][target]
        periods = periods_of(school_class, YEAR)
        render = pdf_renderer(portal)
        lessons = sum(len(j.lessons) for j in school_class.journals())
        print('class %s: %d students, %d journals, %d lessons' % (
            school_class.title, len(school_class.members), len(school_class.journals()),
            lessons))
        print('%-44s %8s %6s %8s %10s' % ('rendering', 'seconds', 'pages', 'PDF KB',
                                          'peak +MB'))
        for label, summary_only in (('paper journal, whole year (@paper?year=)', False),
                                    ('summary pages, whole year', True)):
            started = time.perf_counter()
            with PeakMemory() as memory:
                pdf = render(school_class, periods, True, summary_only)
            seconds = time.perf_counter() - started
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print('%-44s %8.1f %6d %8d %10.0f' % (label, seconds, pages, len(pdf) // 1024,
                                                  memory.grown_mb))
    finally:
        threadlocal.manager.pop()
        conn.close()
        close_app(app)
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == '__main__':
    main()

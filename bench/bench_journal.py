"""The journal under a teacher's hands: ``python -m bench.bench_journal [--size small|full]``
(or ``BENCH_SIZE=small``; small runs in under a minute).

Generates the school (``journal.generate.generate_school``: full = 1,100 students in 44
classes, 90 staff, a whole year of lessons, about 300,000 marks) into a FileStorage in a
temporary directory, serves the app on waitress on a free port and, as the teacher of one
class-subject, one keep-alive ``http.client`` connection, warm, times:

- the journal page (HTML) of the class-subject for a quarter: p50, p95 (targets ≤ 10 ms,
  ≤ 25 ms);
- saving one cell (``POST <journal>/@cell`` with the CSRF header, a real change each
  time): p95 (target ≤ 15 ms);
- the period-marks screen;
- the floor of the journal page: the same view reading the same objects and rendering the
  same template in-process, without HTTP; the page's p50 as a ratio to it (target ≤ 1.3).

Results (--size full, 2 shared cores, one client, Nov 2026; other sessions were running):

    generated (full): 44 classes, 1100 students, 90 staff, 616 journals, 40392 lessons,
    306096 marks; built in 26 s, Data.fs 116 MB; journal 6 В math, q2: 25 students × 15
    journal page, one quarter (HTML, 86 KB)   p50  9.22 ms  p95 12.55 ms   109/s
    save one cell (POST @cell, JSON)          p50  7.05 ms  p95 11.51 ms   132/s
    period-marks screen (whole year)          p50 11.49 ms  p95 15.98 ms    81/s
    journal page floor (no HTTP)              p50  7.71 ms  p95 10.47 ms   126/s
    -> every target met; page / floor 1.20.

Before, the page took p50 14.7 ms, p95 34.8 ms (small school) and 1.86× its floor: a
profile put two thirds of it in the template's per-cell expressions (a dozen look-ups and
a resource_url per cell); the cells were then written by ``grid.cells_html`` (now a rows
macro, ``journal/grid_rows.pt``, fed plain tuples by ``grid.row_cells``: about 1.4 ms of
CPU more than the string formatting for 25 × 15 cells, in the page and its floor alike;
BENCH_SIZE=small, Nov 2026: page p50 5.4-5.6 ms, page / floor 1.23-1.25). What is left
of the floor is mostly the layout (navigation with a permission check per entry, about
2 ms) and the security policy's ``identity``, which is looked up about seven times a
request (a request-local cache there would save about 1 ms on every page).
"""
import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from http.cookies import SimpleCookie

import transaction

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'tests'))
from conftest import close_app  # noqa: E402
from servers import LiveServer  # noqa: E402

from bench.common import generated_school, percentile  # noqa: E402

PASSWORD = 'bench-password'
REPEAT = {'small': (200, 200, 50), 'full': (500, 500, 100)}  # page, cell, period marks


def build(directory, size):
    """The app on a generated school; the teacher of one journal gets a password."""
    from ejportal.core.content import resource_path

    def prepare(portal, year):
        classes = year['classes'].sorted()
        school_class = classes[len(classes) // 2]
        journal = school_class['journals']['math']
        period = year.periods[1]  # the second quarter
        lessons = journal.lessons_of(period)
        student = journal.students(period.start, period.end)[0]
        portal['people']['users'][journal.teacher].set_password(PASSWORD)
        return {'path': resource_path(journal), 'period': period.id,
                'teacher': journal.teacher, 'student': student.__name__,
                'lesson': lessons[len(lessons) // 2].id, 'lessons': len(lessons),
                'students': len(journal.students(period.start, period.end)),
                'class': school_class.title}
    app, target, summary, seconds = generated_school(
        directory, size, prepare, **{'ejportal.demo': 'false'})
    size_mb = os.path.getsize(os.path.join(directory, 'Data.fs')) / 2 ** 20
    return app, target, summary, seconds, size_mb


class Client:
    """One keep-alive connection with a cookie jar."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection('127.0.0.1', port)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers['Cookie'] = '; '.join('%s=%s' % kv for kv in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header in response.msg.get_all('Set-Cookie') or ():
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, data

    def login(self, login, password):
        status, page = self.request('GET', '/@@login')
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        body = urllib.parse.urlencode({'csrf_token': token, 'login': login,
                                       'password': password, 'submit': 'submit'})
        status, _page = self.request('POST', '/@@login', body, {
            'Content-Type': 'application/x-www-form-urlencoded'})
        assert status == 303, status

    def timed(self, method, path, body=None, headers=None, repeat=100, check=200):
        timings = []
        for n in range(repeat):
            payload = body(n) if callable(body) else body
            start = time.perf_counter()
            status, _data = self.request(method, path, payload, headers)
            timings.append((time.perf_counter() - start) * 1000)
            assert status == check, (path, status, _data[:300])
        return timings


def floor(app, target, cookies, repeat):
    """The journal page without HTTP: for each request, the same view on the same objects
    and the same template with its layout, in-process (a fresh request with the teacher's
    cookies, security, session; the warm connection of the app's pool), without waitress,
    the router's tweens and the transaction."""
    from pyramid.renderers import render
    from pyramid.request import Request
    from pyramid.scripting import prepare
    from pyramid.traversal import find_resource
    from ejportal.journal.views import journal_grid
    from ejportal.paths import template
    from ejportal.site.resources import root_factory
    path = target['path'] + '?period=' + target['period']
    headers = {'Cookie': '; '.join('%s=%s' % kv for kv in cookies.items()),
               'Host': 'localhost'}
    renderer = template('journal/grid.pt')
    timings = []
    for n in range(repeat + 20):
        start = time.perf_counter()
        request = Request.blank(path, headers=headers)
        env = prepare(request=request, registry=app.registry)
        try:
            context = find_resource(root_factory(request), target['path'])
            request.context = context
            render(renderer, journal_grid(context, request), request=request)
        finally:
            transaction.abort()
            env['closer']()
        if n >= 20:
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def row(name, timings):
    return (name, statistics.median(timings), percentile(timings, 95),
            1000 / statistics.mean(timings))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--size', choices=('small', 'full'),
                        default=os.environ.get('BENCH_SIZE') or 'full')
    args = parser.parse_args(argv or [])  # bench/run.py calls main(): BENCH_SIZE decides
    pages, cells, screens = REPEAT[args.size]
    directory = tempfile.mkdtemp(prefix='ejportal-bench-journal-')
    app, target, summary, build_s, size_mb = build(directory, args.size)
    server = LiveServer(app).start()
    rows = []
    try:
        client = Client(server.port)
        client.login(target['teacher'], PASSWORD)
        page_path = target['path'] + '?period=' + target['period']
        status, page = client.request('GET', page_path)
        assert status == 200, status
        token = re.search(rb'<meta name="csrf-token" content="([^"]+)"', page).group(1).decode()
        html_kb = len(page) / 1024
        client.timed('GET', page_path, repeat=50)                       # warm up
        rows.append(row('journal page, one quarter (HTML, %.0f KB)' % html_kb,
                        client.timed('GET', page_path, repeat=pages)))
        values = ('5', '4')
        headers = {'Content-Type': 'application/json', 'Accept': 'application/json',
                   'X-CSRF-Token': token}

        def cell_body(n):
            return json.dumps({'student': target['student'], 'lesson': target['lesson'],
                               'text': values[n % 2]})
        client.timed('POST', target['path'] + '/@cell', cell_body, headers, repeat=20)
        rows.append(row('save one cell (POST @cell, JSON)', client.timed(
            'POST', target['path'] + '/@cell', cell_body, headers, repeat=cells)))
        marks_path = target['path'] + '/@@period-marks'
        client.timed('GET', marks_path, repeat=10)
        rows.append(row('period-marks screen (whole year)', client.timed(
            'GET', marks_path, repeat=screens)))
        rows.append(row('journal page floor (view + template, no HTTP)',
                        floor(app, target, client.cookies, pages)))
        client.conn.close()
    finally:
        server.stop()
        close_app(app)
        shutil.rmtree(directory, ignore_errors=True)
    print('%s; built in %.0f s, Data.fs %.0f MB' % (summary, build_s, size_mb))
    print('journal %s (%s), period %s: %d students × %d lessons' % (
        target['path'], target['class'], target['period'], target['students'],
        target['lessons']))
    print('%-50s %9s %9s %9s' % ('what', 'p50 ms', 'p95 ms', 'per s'))
    for name, p50, p95, rate in rows:
        print('%-50s %9.2f %9.2f %9.0f' % (name, p50, p95, rate))
    page, cell, _marks, base = rows
    checks = (('journal page p50 ≤ 10 ms', page[1], 10), ('journal page p95 ≤ 25 ms', page[2], 25),
              ('cell save p95 ≤ 15 ms', cell[2], 15),
              ('page / floor (p50) ≤ 1.3', page[1] / base[1], 1.3))
    for name, value, limit in checks:
        print('%-50s %9.2f   %s' % (name, value, 'met' if value <= limit else 'NOT MET'))


if __name__ == '__main__':
    main(sys.argv[1:])

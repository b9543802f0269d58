"""Logins per second and the plain-Pyramid floor: run ``python -m bench.bench_login``.

argon2's parameters decide how many logins a two-core server takes at the start of a
lesson; the "hello" view on the same waitress is the floor other benchmarks compare with.
"""
import http.client
import os
import shutil
import statistics
import sys
import tempfile
import time

from pyramid.config import Configurator
from pyramid.response import Response

from ejportal.core import passwords

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'tests'))
from conftest import app_settings, close_app  # noqa: E402
from servers import LiveServer  # noqa: E402

from bench.common import percentile  # noqa: E402


def time_requests(port, requests, repeat):
    conn = http.client.HTTPConnection('127.0.0.1', port)
    timings = []
    for _ in range(repeat):
        for method, path, body, headers in requests:
            start = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            timings.append((time.perf_counter() - start) * 1000)
    conn.close()
    return timings


def hello_app():
    with Configurator() as config:
        config.add_route('hello', '/')
        config.add_view(lambda request: Response('Hello'), route_name='hello')
        return config.make_wsgi_app()


def rows():
    hashed = passwords.hash_password('demo')
    start = time.perf_counter()
    for _ in range(50):
        passwords.verify_password(hashed, 'demo')
    verify_ms = (time.perf_counter() - start) / 50 * 1000
    yield ('argon2id verify (m=19 MiB, t=2, p=1)', verify_ms, verify_ms, 1000 / verify_ms)

    server = LiveServer(hello_app()).start()
    try:
        timings = time_requests(server.port, [('GET', '/', None, {})], 2000)
    finally:
        server.stop()
    yield ('plain Pyramid "hello" on waitress', statistics.median(timings),
           percentile(timings, 95), 1000 / statistics.mean(timings))

    from ejportal import main
    directory = tempfile.mkdtemp(prefix='ejportal-bench-')
    app = main({}, **app_settings(directory))
    server = LiveServer(app).start()
    try:
        body = '{"login": "teacher", "password": "demo"}'
        headers = {'Content-Type': 'application/json', 'Accept': 'application/json'}
        timings = time_requests(server.port, [('POST', '/@login', body, headers)], 100)
        yield ('API @login (argon2 + session + audit)', statistics.median(timings),
               percentile(timings, 95), 1000 / statistics.mean(timings))
        timings = time_requests(server.port, [('GET', '/', None, {})], 500)
        yield ('public front page, anonymous', statistics.median(timings),
               percentile(timings, 95), 1000 / statistics.mean(timings))
    finally:
        server.stop()
        close_app(app)
        shutil.rmtree(directory, ignore_errors=True)


def main():
    print('%-45s %9s %9s %9s' % ('what', 'p50 ms', 'p95 ms', 'per s'))
    for name, p50, p95, rate in rows():
        print('%-45s %9.2f %9.2f %9.0f' % (name, p50, p95, rate))


if __name__ == '__main__':
    main()

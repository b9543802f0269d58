"""Deployment as the README writes it, from the repository's own files.

A FileStorage holding the demo school (and a homework file, a blob) is moved to ZEO as the
README says (the ZEO server of deploy/zeo.conf serves it) and converted to RelStorage with
deploy/zodbconvert.conf into a PostgreSQL database made by the README's own SQL. On each,
two processes of production.ini (its secret made by its own command) serve on ports of their
own; both serve the demo data, a mark saved through one is read through the other, and the
blob came across. Servers listen on free ports of 127.0.0.1 and are stopped by the test."""
import concurrent.futures
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from conftest import app_settings, close_app, login
from ejportal import main
from ejportal.journal.resources import school_year_start
from servers import REPO, AppProcess, PostgreSQL, production_ini, run_zeo, set_defines

TODAY = datetime.date.today()
Y = school_year_start(TODAY)
MATH_5A = '/journal/%d-%d/classes/5a/journals/math' % (Y, Y + 1)
PNG = (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00'
       b'\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N'
       b'\x00\x00\x00\x00IEND\xaeB`\x82')
BIN = os.path.dirname(sys.executable)


def readme_deployment():
    with open(os.path.join(REPO, 'README.md'), encoding='utf-8') as f:
        text = f.read()
    start = text.index('\n## Deployment')
    return text[start:text.index('\n## ', start + 1)]


def made_secret():
    """The secret, made by the command production.ini gives for it."""
    with open(os.path.join(REPO, 'production.ini')) as f:
        command = re.search(r"^#\s+python -c '(.+)'$", f.read(), re.M).group(1)
    secret = subprocess.run([sys.executable, '-c', command], check=True, capture_output=True,
                            text=True).stdout.strip()
    assert len(secret) >= 32
    return secret


@pytest.fixture(scope='module')
def filestorage(tmp_path_factory):
    """var/ of a one-process portal: the demo school in Data.fs, a homework file in blobs/.
    Returns the directory and the homework lesson's id."""
    from webtest import TestApp
    var = tmp_path_factory.mktemp('filestorage')
    app = main({}, **app_settings(var))
    try:
        client = TestApp(app, extra_environ={'HTTP_HOST': 'localhost'})
        client.set_cookie('ejportal_lang', 'en')
        assert login(client, 'teacher').status_int == 303
        lessons = client.get(MATH_5A, headers={'Accept': 'application/json'}).json['lessons']
        lesson = [l for l in lessons if l['date'] <= TODAY.isoformat()][-1]['id']
        page = client.get(MATH_5A + '/@@column?lesson=' + lesson)
        form = [f for f in page.forms.values() if 'homework_files' in f.fields][0]
        form['homework_files'] = [('task.png', PNG)]
        form.submit(status=303)
    finally:
        close_app(app)
    assert os.listdir(var / 'blobs')
    return var, lesson


def request(url, path, body=None, token=None):
    headers = {'Accept': 'application/json'}
    if token:
        headers['Authorization'] = 'Bearer ' + token
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers['Content-Type'] = 'application/json'
    with urllib.request.urlopen(urllib.request.Request(url + path, data, headers),
                                timeout=60) as response:
        raw = response.read()
        if response.headers.get_content_type() == 'application/json':
            return json.loads(raw)
        return raw


def two_processes_serve_one_portal(ini, lesson):
    processes = [AppProcess(ini), AppProcess(ini)]
    try:
        for process in processes:
            process.start()
        one, two = processes
        assert one.port != two.port
        tokens = [request(p.url, '/@login', {'login': 'teacher', 'password': 'demo'})['token']
                  for p in processes]
        journals = [request(p.url, MATH_5A, token=t) for p, t in zip(processes, tokens)]
        assert journals[0]['students'] and journals[0]['lessons']
        assert journals[0]['students'] == journals[1]['students']
        # the blob came across: each process downloads the homework file
        for process, token in zip(processes, tokens):
            assert request(process.url, MATH_5A + '/@@homework-file?lesson=%s&name=task.png'
                           % lesson, token=token) == PNG
        # a mark saved through one process is read through the other
        past = [l for l in journals[0]['lessons'] if l['date'] <= TODAY.isoformat()]
        student = journals[0]['students'][0]['id']
        cell = {'student': student, 'lesson': past[-1]['id'], 'marks': ['4', '5']}
        request(one.url, MATH_5A + '/@cell', cell, token=tokens[0])
        seen = request(two.url, MATH_5A, token=tokens[1])['cells']
        marks = [[m['value'] for m in c['marks']] for c in seen
                 if c['student'] == student and c['lesson'] == past[-1]['id']]
        assert marks == [['4', '5']]
        # and the login made through one is known to the other
        request(two.url, MATH_5A, token=tokens[0])
        # more requests at once than threads: they wait their turn, served, and unlogged
        # (waitress warned "Task queue depth" for each, 32,000 lines in 75 s)
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            pages = list(pool.map(lambda n: request(one.url, MATH_5A, token=tokens[0]),
                                  range(48)))
        assert all(page['students'] for page in pages)
        assert 'Task queue depth' not in one.output()
    except (urllib.error.URLError, AssertionError):
        for process in processes:
            if process.process is not None:
                print(process.log, process.output()[-3000:])
        raise
    finally:
        for process in processes:
            if process.process is not None:
                assert process.stop() == 0, process.output()[-3000:]


def test_readme_names_the_files_it_uses():
    section = readme_deployment()
    for name in ('deploy/zeo.conf', 'deploy/zeo-client.conf', 'deploy/zodbconvert.conf',
                 'deploy/nginx.conf', 'http_port=', 'OWNER'):
        assert name in section, name
    for name in ('zeo.conf', 'zeo-client.conf', 'zodbconvert.conf', 'nginx.conf'):
        assert os.path.exists(os.path.join(REPO, 'deploy', name))


def test_processes_of_one_ini_get_ports_of_their_own(tmp_path, monkeypatch):
    """Without http_port the ini's own port; with it, that port: the second process of one
    file does not die with "Address already in use"."""
    import waitress
    from paste.deploy import loadserver
    ini = production_ini(tmp_path, 'file://', **{'ejportal.secret': made_secret()})
    for given, port in (({}, '6543'), ({'http_port': '6544'}, '6544'),
                        ({'http_port': '0'}, '0')):
        served = []
        monkeypatch.setattr(waitress, 'serve', lambda app, **kw: served.append(kw))
        loadserver('config:' + ini, global_conf=given)(None)
        assert served[0]['port'] == port and served[0]['host'] == '127.0.0.1'
        assert served[0]['threads'] == '4' and served[0]['channel_timeout'] == '75'


def test_every_storage_caches_50000_objects(tmp_path):
    """RelStorage's line set no object cache: zodburi's default of 10,000 against 50,000."""
    from paste.deploy import appconfig
    from zodburi import resolve_uri
    for storage in ('postgres://', 'file://', 'zconfig://'):
        ini = production_ini(tmp_path / storage.strip(':/'), storage,
                             **{'ejportal.secret': 's' * 48})
        uri = appconfig('config:' + ini)['zodbconn.uri']
        assert resolve_uri(uri)[1]['cache_size'] == 50000, storage


def test_zeo_two_processes(tmp_path, filestorage):
    var, lesson = filestorage
    site = tmp_path / 'site'
    ini = production_ini(site, 'zconfig://', **{
        'ejportal.secret': made_secret(),
        'ejportal.audit_anchor': '%(here)s/var/audit-anchor.json'})
    # the FileStorage becomes the ZEO server's: Data.fs and blobs where zeo.conf says
    server_var = tmp_path / 'zeo-var'
    server_var.mkdir()
    shutil.copy(var / 'Data.fs', server_var / 'Data.fs')
    shutil.copytree(var / 'blobs', server_var / 'blobs')
    zeo_conf = site / 'deploy' / 'zeo.conf'
    set_defines(zeo_conf, VAR=server_var)
    zeo_conf.write_text(zeo_conf.read_text().replace('address 127.0.0.1:8100',
                                                     'address 127.0.0.1:0'))
    server, port = run_zeo(zeo_conf)
    try:
        set_defines(site / 'deploy' / 'zeo-client.conf', SERVER='127.0.0.1:%d' % port,
                    VAR=site / 'var')
        two_processes_serve_one_portal(ini, lesson)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.postgres
def test_relstorage_two_processes(tmp_path, filestorage):
    var, lesson = filestorage
    # the README's SQL: the portal's user owns its database (on PostgreSQL 15 a grant on the
    # database does not let it create its tables in the public schema)
    block = re.search(r'```sql\n(.*?)```', readme_deployment(), re.S)
    assert block, 'the README gives no SQL to create the database'
    statements = [s.strip() for s in block.group(1).split(';') if s.strip()]
    password = 'deployment-test'
    postgresql = PostgreSQL().start()
    try:
        import psycopg2
        conn = psycopg2.connect(host='127.0.0.1', port=postgresql.port, user='postgres',
                                dbname='postgres')
        conn.autocommit = True
        for statement in statements:
            conn.cursor().execute(statement.replace("'PASSWORD'", "'%s'" % password))
        conn.close()
        site = tmp_path / 'site'
        address = '%s@127.0.0.1:%d' % (password, postgresql.port)
        ini = production_ini(site, 'postgres://', replace=[('PASSWORD@127.0.0.1:5432', address)],
                             **{'ejportal.secret': made_secret(),
                                'ejportal.audit_anchor': '%(here)s/var/audit-anchor.json'})
        convert = site / 'deploy' / 'zodbconvert.conf'
        set_defines(convert, VAR=var, DSN="dbname='ejportal' user='ejportal' password='%s' "
                    "host='127.0.0.1' port='%d'" % (password, postgresql.port))
        done = subprocess.run([os.path.join(BIN, 'zodbconvert'), str(convert)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        two_processes_serve_one_portal(ini, lesson)
    finally:
        postgresql.stop()

"""The regional export (issue 13): a local HTTP receiver takes the packages; it fails, then
succeeds, and the retry delivers exactly one copy; the package validates against the
published schema (jsonschema); the next package holds only what changed since; a run that
could not deliver is kept and its records go out with the next one."""
import datetime
import hashlib
import hmac
import io
import json
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jsonschema
import pytest

from conftest import api_token, app_settings, close_app
from test_evolve import write_ini

from ejportal import main
from ejportal.journal.resources import school_year_start
from ejportal.rid.package import schema as published_schema
from ejportal.scripts.admin import main as admin_main

START = school_year_start(datetime.date.today())
MATH = '/journal/%d-%d/classes/5a/journals/math' % (START, START + 1)
JSON = {'Accept': 'application/json'}
KEY = 'shared-secret-of-the-region'


class Receiver:
    """The regional base: answers 500 to the first ``fail`` POSTs, then 200; keeps each
    package it accepted whose HMAC is right."""

    def __init__(self, fail=0):
        self.fail, self.posts, self.accepted = fail, 0, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers['Content-Length']))
                receiver.posts += 1
                if receiver.posts <= receiver.fail:
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b'try later')
                    return
                good = hmac.compare_digest(self.headers['X-Package-HMAC'], hmac.new(
                    KEY.encode(), body, hashlib.sha256).hexdigest()) and \
                    hashlib.sha256(body).hexdigest() == self.headers['X-Package-SHA256']
                if good:
                    receiver.accepted.append((self.headers['X-Package-Id'], body))
                self.send_response(200 if good else 400)
                self.end_headers()
                self.wfile.write(b'accepted' if good else b'bad signature')

            def log_message(self, *args):
                pass
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d/packages' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    found = Receiver(fail=1)
    yield found
    found.stop()


def package_of(body):
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return json.loads(archive.read('package.json')), archive.namelist()


def test_export_retries_delivers_once_validates_and_goes_on_incrementally(
        app, db_dir, receiver, capsys):
    from webtest import TestApp
    client = TestApp(app, extra_environ={'REMOTE_ADDR': '10.0.0.1'})
    admin = {'Authorization': 'Bearer ' + api_token(client, 'admin'), **JSON}
    client.patch_json('/settings', {'rid_destination': receiver.url, 'rid_key': KEY},
                      headers=admin, status=204)
    close_app(app)
    ini = write_ini(db_dir, **{'ejportal.rid_retries': '0.1,0.1'})

    assert admin_main([ini, 'run-job', 'rid-export']) == 0
    assert receiver.posts == 2 and len(receiver.accepted) == 1   # failed once, then one copy
    package_id, body = receiver.accepted[0]
    data, names = package_of(body)
    schema = published_schema()  # the file in the repository
    jsonschema.validate(data, schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert data['package_id'] == package_id and data['since'] is None
    assert {'students.csv', 'marks.csv', 'attendance.csv', 'staff.csv'} <= set(names)
    assert data['marks'] and data['students'] and data['staff']
    assert not any('parent' in s['roles'] for s in data['staff'])
    assert all(set(g) == {'student', 'fullname', 'relation'} for g in data['guardians'])

    # one more mark; the next package holds only it
    application = main({}, **app_settings(db_dir, **{'ejportal.rid_retries': '0.1,0.1'}))
    client = TestApp(application, extra_environ={'REMOTE_ADDR': '10.0.0.1'})
    teacher = {'Authorization': 'Bearer ' + api_token(client, 'teacher'), **JSON}
    grid = client.get(MATH + '?period=q1', headers=teacher).json
    student, lesson = grid['students'][2]['id'], grid['lessons'][3]['id']
    client.post_json(MATH + '/@cell', {'student': student, 'lesson': lesson, 'text': '2'},
                     headers=teacher)
    close_app(application)
    assert admin_main([ini, 'run-job', 'rid-export']) == 0
    second, _names = package_of(receiver.accepted[-1][1])
    assert second['since'] == data['until']
    assert [(m['student'], m['lesson'], m['value']) for m in second['marks']] == [
        (student, lesson, '2')]
    jsonschema.validate(second, schema)

    # the region is down: the run fails, is kept, and its window goes with the next one
    receiver.fail = receiver.posts + 10
    assert admin_main([ini, 'run-job', 'rid-export']) == 1
    assert 'not delivered after 3 attempts' in capsys.readouterr().err
    receiver.fail = 0
    assert admin_main([ini, 'run-job', 'rid-export']) == 0
    fourth, _names = package_of(receiver.accepted[-1][1])
    assert fourth['since'] == second['until']
    assert len(receiver.accepted) == 3

    application = main({}, **app_settings(db_dir))
    client = TestApp(application, extra_environ={'REMOTE_ADDR': '10.0.0.1'})
    admin = {'Authorization': 'Bearer ' + api_token(client, 'admin'), **JSON}
    runs = client.get('/@rid/runs', headers=admin).json['items']
    assert [r['outcome'] for r in runs] == ['delivered', 'failed', 'delivered', 'delivered']
    assert runs[-1]['answer'].startswith('200') and runs[-1]['attempts'] == 2
    assert runs[-1]['counts']['marks'] == len(data['marks'])
    download = client.get(runs[-1]['@id'], headers={'Authorization': admin['Authorization']})
    assert download.content_type == 'application/zip'
    assert hashlib.sha256(download.body).hexdigest() == runs[-1]['sha256']
    teacher = {'Authorization': 'Bearer ' + api_token(client, 'teacher'), **JSON}
    client.get('/@rid/runs', headers=teacher, status=403)
    client.get(runs[-1]['@id'], headers={'Authorization': teacher['Authorization']},
               status=(403, 404))
    assert client.get('/@rid/schema').json['properties']['schema_version']['const'] == '1.0'
    close_app(application)


def test_a_folder_destination_gets_the_package_and_its_checksum(app, db_dir, tmp_path):
    from webtest import TestApp
    client = TestApp(app, extra_environ={'REMOTE_ADDR': '10.0.0.1'})
    admin = {'Authorization': 'Bearer ' + api_token(client, 'admin'), **JSON}
    client.patch_json('/settings', {'rid_destination': str(tmp_path / 'rid')},
                      headers=admin, status=204)
    close_app(app)
    assert admin_main([write_ini(db_dir), 'run-job', 'rid-export']) == 0
    [package] = list((tmp_path / 'rid').glob('*.zip'))
    digest = (tmp_path / 'rid' / (package.name + '.sha256')).read_text().split()[0]
    assert hashlib.sha256(package.read_bytes()).hexdigest() == digest

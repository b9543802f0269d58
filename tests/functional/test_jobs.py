"""Scheduled jobs (issue 13): declared by the areas, their state in the database under
*Settings → Jobs*, run by the server's own runner (one at a time; exactly one process runs a
job), by "run now" on the screen and the API, and by ``ejportal-admin run-job`` — which,
when the server holds the FileStorage, hands the command to that server.

The runner is tested in a server started by the test (``pserve`` on the repository's
production.ini), not by calling it."""
import datetime
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import transaction

from conftest import api_token
from servers import AppProcess, production_ini

from ejportal.core.jobs import Job, ensure_jobs

JSON = {'Accept': 'application/json'}
ADMIN_CLI = os.path.join(os.path.dirname(sys.executable), 'ejportal-admin')


def job_at(kind='daily', at='03:00', weekday=1, day=1, created=None):
    job = Job(kind=kind, at=at, weekday=weekday, day=day)
    job.created = created or datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    return job


def local(*args):
    return datetime.datetime(*args).astimezone()


def test_schedules_name_their_times():
    now = local(2026, 11, 30, 10, 0)          # a Monday
    assert job_at('daily', '03:00').occurrence(now) == local(2026, 11, 30, 3, 0)
    assert job_at('daily', '12:00').occurrence(now) == local(2026, 11, 29, 12, 0)
    assert job_at('daily', '12:00').next_time(now) == local(2026, 11, 30, 12, 0)
    assert job_at('weekly', '03:00', weekday=3).occurrence(now) == local(2026, 11, 25, 3, 0)
    assert job_at('weekly', '03:00', weekday=1).occurrence(now) == local(2026, 11, 30, 3, 0)
    assert job_at('monthly', '03:00', day=5).occurrence(now) == local(2026, 11, 5, 3, 0)
    assert job_at('monthly', '03:00', day=5).next_time(now) == local(2026, 12, 5, 3, 0)
    january = local(2027, 1, 3, 10, 0)
    assert job_at('monthly', '03:00', day=5).occurrence(january) == local(2026, 12, 5, 3, 0)
    assert job_at('off').occurrence(now) is None and not job_at('off').due(now)


def test_a_job_is_due_once_its_time_passed_since_it_last_ran_and_missed_hours_later():
    job = job_at('daily', '03:00')
    assert job.due(local(2026, 11, 30, 3, 1))
    assert not job.missed(local(2026, 11, 30, 4, 0))
    assert job.missed(local(2026, 11, 30, 6, 0))
    job.finish(local(2026, 11, 30, 3, 1), local(2026, 11, 30, 3, 2), 'ok', 'done', 'x')
    assert not job.due(local(2026, 11, 30, 23, 0)) and job.due(local(2026, 12, 1, 3, 0))
    # a job set up after today's time waits for tomorrow's
    fresh = job_at('daily', '03:00', created=local(2026, 11, 30, 9, 0))
    assert not fresh.due(local(2026, 11, 30, 10, 0))
    # a lease held by another runner is respected until it ends
    assert fresh.claim('a', local(2026, 11, 30, 10, 0))
    assert not fresh.claim('b', local(2026, 11, 30, 11, 0))
    assert fresh.claim('b', local(2026, 12, 1, 10, 0))


def test_the_jobs_screen_lists_each_declared_job_and_changes_a_schedule(testapp, as_user):
    as_user('admin')
    page = testapp.get('/settings/jobs')
    for title in ('Housekeeping of login records', "The parents' report e-mails"):
        assert title in page.text
    form = testapp.get('/settings/jobs/maintenance/schedule').forms['deform']
    form['at'] = '25:99'
    refused = form.submit('save', status=400)
    assert 'A time such as 03:30.' in refused.text
    form = refused.forms['deform']
    form['kind'], form['at'], form['weekday'] = 'weekly', '04:15', '6'
    form.submit('save', status=303)
    text = ' '.join(testapp.get('/settings/jobs').html.get_text().split())
    assert 'weekly, day 6 04:15' in text
    run_now = [f for f in testapp.get('/settings/jobs').forms.values()
               if f.action.endswith('/maintenance/run-now')][0]
    page = run_now.submit().follow()
    assert 'Requested' in page.text


@pytest.mark.parametrize('login', ['director', 'deputy', 'teacher', 'parent'])
def test_jobs_are_the_administrators(testapp, login):
    headers = {'Authorization': 'Bearer ' + api_token(testapp, login), **JSON}
    testapp.get('/settings/jobs', headers=headers, status=(403, 404))
    testapp.post_json('/settings/jobs/maintenance/@run', {}, headers=headers,
                      status=(403, 404))


def test_the_api_reads_jobs_changes_schedules_and_asks_for_a_run(testapp):
    headers = {'Authorization': 'Bearer ' + api_token(testapp, 'admin'), **JSON}
    listing = testapp.get('/settings/jobs', headers=headers).json
    assert {i['id'] for i in listing['items']} >= {'maintenance', 'reports'}
    job = testapp.get('/settings/jobs/reports', headers=headers).json
    assert job['kind'] == 'daily' and job['at'] == '18:00' and job['last'] is None
    testapp.patch_json('/settings/jobs/reports', {'kind': 'monthly', 'day': 31},
                       headers=headers, status=400)
    testapp.patch_json('/settings/jobs/reports', {'kind': 'monthly', 'day': 2},
                       headers=headers, status=204)
    assert testapp.get('/settings/jobs/reports', headers=headers).json['day'] == 2
    asked = testapp.post_json('/settings/jobs/reports/@run', {}, headers=headers, status=202)
    assert asked.json['requested'] is True
    runs = testapp.get('/settings/jobs/reports/@runs', headers=headers).json
    assert runs['items'] == [] and runs['requested'] is True


def test_the_start_page_warns_of_a_failed_or_missed_job(testapp, as_user, root):
    jobs = root['settings']['jobs']
    now = datetime.datetime.now().astimezone()
    jobs['maintenance'].created = now - datetime.timedelta(days=3)
    jobs['maintenance'].at = (now - datetime.timedelta(hours=3)).strftime('%H:%M')
    start = datetime.datetime.now().astimezone() - datetime.timedelta(hours=1)
    jobs['reports'].finish(start, start, 'failed', 'SMTP refused', 'ejportal-jobs')
    transaction.commit()
    as_user('admin')
    page = testapp.get('/@@start')
    assert 'Scheduled jobs need attention' in page.text
    assert 'missed its time' in page.text and 'failed at' in page.text
    as_user('director')
    assert 'Scheduled jobs need attention' not in testapp.get('/@@start').text


# -- in a server started here ------------------------------------------------------------
@pytest.fixture
def server_ini(tmp_path, demo_template):
    ini = production_ini(tmp_path, 'file://', **{
        'ejportal.secret': secrets.token_urlsafe(48), 'ejportal.jobs': 'true',
        'ejportal.jobs_interval': '0.3', 'mail.debug': 'true',
        'mail.top_level_directory': str(tmp_path / 'mail')})
    for name in os.listdir(demo_template):
        if name.startswith('Data.fs') and not name.endswith('.lock'):
            shutil.copy(os.path.join(demo_template, name), tmp_path / 'var' / name)
    shutil.copytree(os.path.join(demo_template, 'blobs'), tmp_path / 'var' / 'blobs')
    return ini


def call(url, method='GET', body=None, token=None, headers=()):
    request = urllib.request.Request(
        url, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={'Accept': 'application/json', 'Content-Type': 'application/json',
                 **({'Authorization': 'Bearer ' + token} if token else {}), **dict(headers)})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def console(ini, *argv):
    return subprocess.run([ADMIN_CLI, ini, *argv], capture_output=True, text=True,
                          timeout=300)


def test_the_server_runs_jobs_and_takes_the_consoles_commands(server_ini, tmp_path):
    server = AppProcess(server_ini).start()
    try:
        key_file = tmp_path / 'var' / 'console.json'
        published = json.loads(key_file.read_text())
        assert published['url'] == server.url
        assert oct(key_file.stat().st_mode & 0o777) == '0o600'
        status, login = call(server.url + '/@login', 'POST',
                             {'login': 'admin', 'password': 'demo'})
        token = login['token']
        # "run now" through the API: the server's runner runs it
        status, asked = call(server.url + '/settings/jobs/maintenance/@run', 'POST', {},
                             token)
        assert status == 202
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status, runs = call(server.url + '/settings/jobs/maintenance/@runs', token=token)
            if runs['items']:
                break
            time.sleep(0.2)
        assert runs['items'][0]['outcome'] == 'ok' and runs['items'][0]['by'] == 'admin'
        assert 'login failure records forgotten' in runs['items'][0]['log'] or \
            runs['last']['outcome'] == 'ok'
        assert runs['requested'] is False

        # the console cannot open the file the server holds: the server runs its command
        done = console(server_ini, 'run-job', 'maintenance')
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().splitlines()[-1].startswith(
            'login failure records forgotten:')
        listed = console(server_ini, 'list-users')
        assert listed.returncode == 0 and 'director' in listed.stdout
        refused = console(server_ini, 'evolve')
        # in the server's language (Russian here): that the command needs the server stopped
        assert refused.returncode == 1 and ('needs the database alone' in refused.stderr or
                                            'остановите сервер' in refused.stderr)
        missing = console(server_ini, 'run-job', 'no-such-job')
        assert missing.returncode == 1 and 'no job no-such-job' in missing.stderr
        status, runs = call(server.url + '/settings/jobs/maintenance/@runs', token=token)
        assert [r['by'] for r in runs['items']][:2] == ['ejportal-admin', 'admin']
        # nobody else may use that door
        for header in ({}, {'Authorization': 'Console wrong'},
                       {'Authorization': 'Bearer ' + token}):
            status, _body = call(server.url + '/@console', 'POST', {'argv': ['list-users']},
                                 headers=header)
            assert status == 403
    finally:
        assert server.stop() == 0, server.output()[-3000:]
    assert not key_file.exists()
    # with the server stopped the console opens the file itself
    done = console(server_ini, 'run-job', 'maintenance')
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith('login failure records forgotten:')


def test_ensure_jobs_is_idempotent(root):
    assert not ensure_jobs(root)
    root['settings']['jobs'].remove('reports', send_events=False)
    assert ensure_jobs(root) and 'reports' in root['settings']['jobs']

"""Every ``ejportal-admin`` command that changes data works while a server holds the
FileStorage (the console hands it to that server: ``scripts.remote``) and prints the same
outcome as with the server stopped; a path given to the console is the console's.

The server is ``pserve`` on the repository's production.ini, started by the test."""
import json
import os
import pathlib
import re
import subprocess
import urllib.request

from servers import AppProcess
from test_jobs import ADMIN_CLI, call, server_ini  # noqa: F401 (a fixture)

SOURCE = str(pathlib.Path(__file__).resolve().parents[2] / 'src')


def run(ini, work, *argv):
    """The console in its own working directory (not the server's)."""
    done = subprocess.run([ADMIN_CLI, ini, *argv], capture_output=True, text=True,
                          timeout=600, cwd=str(work), env=dict(os.environ, PYTHONPATH=SOURCE,
                                                         PYTHONWARNINGS='ignore'))
    return done.returncode, done.stdout, done.stderr


def shape(result):
    """An outcome without what differs by nature from one run to the next: passwords,
    numbers, backup names and places, the objects counted."""
    code, out, err = result
    text = re.sub(r'\b(novikova|orlov|petrov)[ab]\b', r'\1', out + '\n' + err)
    text = re.sub(r'(one-time password:?) \S+', r'\1 PASSWORD', text)
    text = re.sub(r'\d{4}-\d{2}-\d{2}-\d{6}(-\w+)?', 'BACKUP', text)
    text = re.sub(r'gen-[\d-]+', 'gen-YEAR', text)
    text = re.sub(r'/\S+', 'PATH', text)
    text = re.sub(r'\d+', 'N', text)
    # verify-backup's count of each type of object: the databases' contents differ
    text = re.sub(r'(?m)^ *N [\w.]+\n', '', text)
    return code, text.strip()


def session(ini, work, tag):
    """Each command that changes data, and a refusal of each that refuses; -> their outcomes
    by name. ``tag`` keeps the two sessions' new names apart."""
    results = {}

    def do(name, *argv):
        results[name] = run(ini, work, *argv)
        return results[name]

    do('create-user', 'create-user', 'novikova' + tag, '--role', 'teacher', '--surname',
       'Новикова')
    do('create-user given password', 'create-user', 'orlov' + tag, '--password', 'Secret-123x')
    do('create-user taken', 'create-user', 'admin')
    do('create-user bad role', 'create-user', 'petrov' + tag, '--role', 'wizard')
    do('set-password', 'set-password', 'novikova' + tag)
    do('set-password unknown', 'set-password', 'nobody')
    do('end-sessions', 'end-sessions', 'novikova' + tag)
    do('end-sessions all', 'end-sessions', '--all')
    do('end-sessions neither', 'end-sessions')
    do('maintain', 'maintain')
    do('send-reports', 'send-reports')
    do('plan-reminders', 'plan-reminders')
    do('run-job', 'run-job', 'maintenance')
    do('run-job unknown', 'run-job', 'no-such-job')
    do('import-people bad', 'import-people', 'missing-%s.csv' % tag)
    do('backup', 'backup', '--full')
    name = results['backup'][1].strip().splitlines()[-1]
    do('verify-backup', 'verify-backup', name)
    do('verify-backup unknown', 'verify-backup', 'no-such-backup')
    do('restore', 'restore', name, '--to', 'restored-' + tag)
    do('restore over', 'restore', name, '--to', 'restored-' + tag)
    do('audit-verify', 'audit-verify')
    return results, name


def test_the_console_changes_data_the_same_with_the_server_running_or_stopped(server_ini,
                                                                              tmp_path):
    work = tmp_path / 'work'
    work.mkdir()
    destination = tmp_path / 'backups'
    destination.mkdir()
    server = AppProcess(server_ini).start()
    try:
        status, login = call(server.url + '/@login', 'POST',
                             {'login': 'admin', 'password': 'demo'})
        patch = urllib.request.Request(
            server.url + '/settings', method='PATCH',
            data=json.dumps({'backup_destinations': str(destination)}).encode(),
            headers={'Content-Type': 'application/json', 'Accept': 'application/json',
                     'Authorization': 'Bearer ' + login['token']})
        with urllib.request.urlopen(patch, timeout=30) as response:
            assert response.status == 204
        assert run(server_ini, work, 'list-users')[0] == 0
        served, name = session(server_ini, work, 'a')
        # the server's door checks the words as the console does (for a client that skipped
        # the console's own check: the one text boundary of every JSON body): 400, nothing run
        key = json.loads((tmp_path / 'var' / 'console.json').read_text())['key']
        status, refused = call(server.url + '/@console', 'POST',
                               {'argv': ['create-user', 'bad\ud800']},
                               headers={'Authorization': 'Console ' + key})
        assert status == 400 and 'argv.1' in refused['error']['fields'], refused
        # last: it adds types of objects the backups above would count
        served['generate-school'] = run(server_ini, work, 'generate-school', '--size', 'small')
        # the commands went to the server: the changes are its, seen by its API (after
        # logging in again: end-sessions --all ended the admin's session too)
        status, login = call(server.url + '/@login', 'POST',
                             {'login': 'admin', 'password': 'demo'})
        status, user = call(server.url + '/people/users/novikovaa', token=login['token'])
        assert status == 200 and user['surname'] == 'Новикова'
    finally:
        assert server.stop() == 0, server.output()[-3000:]
    # a relative --to is the console's directory, not the server's
    assert (work / 'restored-a' / 'Data.fs').exists(), served['restore']
    alone, _name = session(server_ini, work, 'b')
    alone['generate-school'] = run(server_ini, work, 'generate-school', '--size', 'small')
    assert (work / 'restored-b' / 'Data.fs').exists()
    for command in served:
        assert shape(served[command]) == shape(alone[command]), command
    # what each says (the same in both)
    assert served['create-user'][0] == 0 and 'one-time password' in served['create-user'][1]
    assert served['create-user given password'][1].strip() == 'created orlova'
    assert served['create-user taken'][0] == 1 and 'taken' in served['create-user taken'][2]
    assert served['create-user bad role'][0] == 1
    assert served['set-password unknown'][2].strip() == 'ejportal-admin: no user nobody'
    assert served['end-sessions neither'][0] == 1
    assert served['run-job'][0] == 0 and served['run-job unknown'][0] == 1
    assert served['import-people bad'][0] == 1
    assert served['verify-backup'][0] == 0 and served['verify-backup unknown'][0] == 1
    assert served['restore'][0] == 0 and served['restore over'][0] == 1
    assert served['audit-verify'][0] == 0 and 'intact' in served['audit-verify'][1]
    assert served['generate-school'][1].startswith('generated gen-'), served['generate-school']
    assert re.fullmatch(r'\d{4}-\d{2}-\d{2}-\d{6}\S*', name), served['backup']


def test_paths_are_made_absolute_on_the_consoles_side(tmp_path, monkeypatch):
    from ejportal.scripts.admin import absolute_paths
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'old').mkdir()
    here = str(tmp_path)
    assert absolute_paths(['restore', '2026-11-30-010000', '--to', 'new']) == [
        'restore', '2026-11-30-010000', '--to', here + '/new']
    assert absolute_paths(['restore', 'old', '--to=new']) == [
        'restore', here + '/old', '--to=' + here + '/new']
    assert absolute_paths(['restore', '--t', 'new', 'backups/x']) == [
        'restore', '--t', here + '/new', here + '/backups/x']
    assert absolute_paths(['restore', 'x', '--to', 'postgres://u@h:5432/db']) == [
        'restore', 'x', '--to', 'postgres://u@h:5432/db']
    assert absolute_paths(['verify-backup', './x']) == ['verify-backup', here + '/x']
    assert absolute_paths(['import-people', 'school.xlsx', '--dry-run']) == [
        'import-people', here + '/school.xlsx', '--dry-run']
    assert absolute_paths(['create-user', 'a', '--surname', 'x/y']) == [
        'create-user', 'a', '--surname', 'x/y']

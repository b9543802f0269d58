"""The console through a running server, for an embedded FileStorage.

A FileStorage is held by one process. While the server holds it, ``ejportal-admin`` cannot
open it, so the console hands its command to the server: the server runs the very same
command function, in a connection and transaction of its own as the console would, and
answers its output and exit code.

The credential is a key file beside ``Data.fs`` (``console.json``: the server's address and
a random key, readable by the portal's user only), written by the server when it starts
listening (``scripts.server``) and removed when it stops. Whoever can read it can already
read and write ``Data.fs`` itself, so it grants nothing new. The view answers 404 unless the
server made a key, and 403 for any other credential.
"""
import json
import os
import secrets
import urllib.error
import urllib.request



CONSOLE_FILE = 'console.json'
SCHEME = 'Console '
# Commands that must see the storage alone (the server would refuse an old database).
LOCAL_ONLY = {'evolve'}


def console_file(settings):
    """Where the key file of a FileStorage portal is (None for ZEO and RelStorage, whose
    console opens the database itself)."""
    uri = settings.get('zodbconn.uri') or ''
    if not uri.startswith('file://'):
        return None
    return os.path.join(os.path.dirname(uri[len('file://'):].split('?')[0]), CONSOLE_FILE)


def publish_console(registry, host, port):
    """The server side: make a key, write the key file; returns its path (or None)."""
    path = console_file(registry.settings)
    if path is None:
        return None
    registry.console_key = secrets.token_urlsafe(32)
    if host in ('0.0.0.0', '::', ''):
        host = '127.0.0.1'
    data = {'url': 'http://%s:%d' % (('[%s]' % host) if ':' in host else host, int(port)),
            'key': registry.console_key, 'pid': os.getpid()}
    descriptor = os.open(path + '.new', os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, 'w') as out:
        json.dump(data, out)
    os.replace(path + '.new', path)
    return path


def withdraw_console(path):
    """Remove the key file if it is still this process's."""
    try:
        with open(path) as f:
            if json.load(f).get('pid') == os.getpid():
                os.remove(path)
    except (OSError, ValueError):
        pass


def ask_server(settings, argv, out, err):
    """The console side: run ``argv`` (the command and its arguments) in the server that
    holds the database. Returns the exit code, or None when no server published a key."""
    path = console_file(settings)
    try:
        with open(path) as f:
            found = json.load(f)
    except (TypeError, OSError, ValueError):
        return None
    request = urllib.request.Request(
        found['url'] + '/@console', data=json.dumps({'argv': argv}).encode('utf-8'),
        headers={'Authorization': SCHEME + found['key'], 'Content-Type': 'application/json',
                 'Accept': 'application/json'}, method='POST')
    try:
        with urllib.request.urlopen(request, timeout=3600) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as refusal:
        try:
            message = json.load(refusal)['error']['message']
        except (ValueError, KeyError, TypeError):
            message = str(refusal)
        err.write('ejportal-admin: the server refused: %s\n' % message)
        return 1
    except (OSError, ValueError) as error:
        err.write('ejportal-admin: the database is in use, and its server (%s) does not '
                  'answer: %s\n' % (found.get('url'), error))
        return 1
    out.write(answer['output'])
    if answer['error']:
        err.write('ejportal-admin: %s\n' % answer['error'])
    return answer['code']

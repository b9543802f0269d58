"""``ejportal-admin <ini file> <command>``: users, evolve steps, the audit chain, and the
generated school for benchmarks.

It configures the portal exactly as the app does (``ejportal.configure``: the same registry of
content types, workflows, subscribers and evolve steps) and opens the database named by
``zodbconn.uri``. It does not prepare the database as the app's start does, since
``evolve`` must open a database the app would refuse. An embedded FileStorage is held by one
process only: stop the server first, or run the portal on ZEO or RelStorage.
"""
import argparse
import os
import sys

import transaction
import zc.lockfile
from pyramid.paster import get_appsettings, setup_logging
from pyramid.scripting import prepare
from pyramid.threadlocal import get_current_registry

from ejportal import InsecureSecret, close_databases, configure
from ejportal.admin import backups, imports
from ejportal.core import evolve as evolution
from ejportal.core import passwords
from ejportal.core.actions import named_action
from ejportal.core.actor import Actor, acting_as
from ejportal.core.audit import anchor_path, get_audit_log, read_anchor, record
from ejportal.core.errors import UserError
from ejportal.core.jobs import ensure_jobs, jobs_folder, run_job
from ejportal.core.text import check_input
from ejportal.diary.mailing import send_due_reports
from ejportal.documents.acknowledgement import school_localizer
from ejportal.documents.plan import plan_reminders
from ejportal.journal.generate import generate_school
from ejportal.principals.maintenance import maintain
from ejportal.principals.sessions import end_all_sessions
from ejportal.scripts import remote
from ejportal.site.resources import ZODB_ROOT_KEY, make_portal


class InUse(Exception):
    """The FileStorage is held by a running server."""


def configure_portal(settings):
    """The app's configuration (and so its registry), its databases open."""
    uri = settings['zodbconn.uri']
    if uri.startswith('file://'):
        os.makedirs(os.path.dirname(uri[len('file://'):].split('?')[0]), exist_ok=True)
    try:
        return configure(dict(settings))
    except InsecureSecret as refusal:
        sys.exit('ejportal-admin: %s' % refusal)
    except zc.lockfile.LockError:
        raise InUse()


def portal_of(conn, registry):
    root = conn.root()
    if ZODB_ROOT_KEY not in root:
        root[ZODB_ROOT_KEY] = make_portal(registry)
    return root[ZODB_ROOT_KEY]


def cmd_create_user(portal, args, out):
    """The users screen's and the API's action (``add-user``, as the system: the console
    needs no permission), so the same schema, login rule, one-time password and audit
    entry apply."""
    user, password = named_action('add-user', portal['people']['users'],
                                  registry=get_current_registry())({
        'login': args.login, 'surname': args.surname or args.login,
        'first_name': args.first_name or args.login, 'patronymic': args.patronymic or '',
        'email': args.email or '', 'roles': sorted(set(args.role))})
    if args.password:
        password = args.password
        user.set_password(password, must_change=False)
    out.write('created %s%s\n' % (args.login, '' if args.password else
                                   ' with one-time password %s' % password))


def cmd_set_password(portal, args, out):
    user = portal['people']['users'].get(args.login)
    if user is None:
        return 'no user %s' % args.login
    password = args.password or passwords.generate_password()
    ended = user.set_password(password, must_change=not args.password)
    record(user, 'password-reset', {'by': 'console', 'sessions_ended': ended})
    out.write('password set for %s%s; sessions ended: %d\n' % (
        args.login, '' if args.password else ': one-time password %s' % password, ended))


def cmd_list_users(portal, args, out):
    for user in sorted(portal['people']['users'].values(), key=lambda u: u.__name__):
        out.write('%-20s %-40s %-30s %s\n' % (user.__name__, user.fullname, ','.join(user.roles),
                                             '' if user.enabled else 'disabled'))


def cmd_evolve(portal, args, out):
    try:
        evolution.check(portal)
    except evolution.DatabaseTooNew as too_new:
        return str(too_new)
    except evolution.DatabaseTooOld:
        pass
    if args.dry_run:
        for step in evolution.pending_steps(portal):
            out.write('pending: %s\n' % step.name)
        return None
    for name in evolution.evolve(portal):
        out.write('applied: %s\n' % name)
    out.write('database up to date: %d evolve steps done\n' % len(portal.evolve_done))


def cmd_audit_verify(portal, args, out):
    log = get_audit_log(portal)
    anchor = anchor_path()
    ok, broken, message = log.verify(anchor)
    if ok:
        out.write('audit log intact: %d entries%s\n' % (
            len(log), '' if anchor else ' (no anchor file set: ejportal.audit_anchor)'))
        if anchor and not read_anchor(anchor):
            out.write('%s\n' % message.interpolate())
        return None
    # the console speaks English: the message's default text, not its id
    if broken is None:
        return 'audit log BROKEN: %s' % message.interpolate()
    return 'audit log BROKEN at entry %s: %s' % (broken, message.interpolate())


def cmd_generate_school(portal, args, out):
    summary = generate_school(portal, size=args.size)
    out.write('%s\n' % summary)


def cmd_maintain(portal, args, out):
    """Housekeeping (the daily job ``maintenance`` does the same): forget stale login
    failures and sessions that ended long ago."""
    out.write(maintain(portal) + '\n')


def cmd_end_sessions(portal, args, out):
    """End the login sessions of one user, or of everyone (after a leak, say): each must
    log in again. Audited."""
    people = portal['people']
    if args.login:
        if args.login not in people['users']:
            return 'no user %s' % args.login
        logins = [args.login]
    elif args.all:
        logins = list(people.user_sessions or ())
    else:
        return 'name a login, or --all'
    ended = 0
    for login in logins:
        ended += end_all_sessions(people, login)
    record(people, 'sessions-ended', {'users': logins if args.login else 'all',
                                      'sessions': ended})
    out.write('sessions ended: %d\n' % ended)


def cmd_run_job(portal, args, out):
    """Run a scheduled job now, as the server's runner would (it waits if the runner holds
    it). Its log, then its result as the last line."""
    ensure_jobs(portal)
    if args.name not in (jobs_folder(portal) or {}):
        return 'no job %s (jobs: %s)' % (args.name, ', '.join(sorted(jobs_folder(portal))))
    args.tm.commit()
    result = run_job(portal, args.name, args.settings, args.tm,
                     owner='ejportal-admin:%d' % os.getpid(), by='ejportal-admin', echo=out)
    if result is None:
        return 'the job %s is running in another process now' % args.name
    outcome, last, _log = result
    if outcome != 'ok':
        return 'the job %s failed: %s' % (args.name, last)
    out.write('%s\n' % last)


def cmd_backup(portal, args, out):
    """The ``backup`` job now (a full one with --full); the last line is the backup's name."""
    if args.full:
        args.settings = dict(args.settings, **{'ejportal.backup_full': 'true'})
    args.name = 'backup'
    return cmd_run_job(portal, args, out)


def backup_named(portal, name_or_path):
    # a directory needs no database (the damaged one may not open); a name is looked up
    # in the destinations of Settings
    if portal is None:
        return name_or_path
    return backups.find_backup(portal['settings'], name_or_path)


def cmd_restore(portal, args, out):
    """A backup (its name in a destination, or its directory) into a new directory."""
    source = backup_named(portal, args.backup)
    place = backups.restore(source, args.to, args.settings)
    out.write('restored %s into %s\n' % (source, place))


def cmd_verify_backup(portal, args, out):
    source = backup_named(portal, args.backup)
    ok, summary = backups.verify_backup(source, out, args.settings)
    if not ok:
        return summary
    out.write(summary + '\n')


def mailer_from(settings):
    from pyramid.settings import asbool
    from pyramid_mailer.mailer import DebugMailer, Mailer
    if asbool(settings.get('mail.debug', False)):
        return DebugMailer.from_settings(settings)
    return Mailer.from_settings(settings)


def cmd_send_reports(portal, args, out):
    """Safe to run from cron as often as you like: a report already sent is not sent again."""
    sent = send_due_reports(portal, mailer_from(args.settings),
                            sender=args.settings.get('mail.default_sender'))
    out.write('reports sent: %d\n' % len(sent))
    for parent, student, key in sent:
        out.write('  %s %s %s\n' % (parent, student, key))


def cmd_plan_reminders(portal, args, out):
    """E-mail the people of overdue roll-out plan steps. Safe to run from cron as often as
    you like: a step's people are mailed once a day at most."""
    sent = plan_reminders(portal, mailer_from(args.settings),
                          school_localizer(get_current_registry()),
                          portal['settings'].portal_url or 'http://localhost',
                          sender=args.settings.get('mail.default_sender'))
    out.write('plan reminders sent: %d\n' % len(sent))
    for path, number, login in sent:
        out.write('  %s step %d: %s\n' % (path, number, login))


def cmd_import_people(portal, args, out):
    """Staff, classes, students and parents from an XLSX or CSV (the templates of *Settings
    → Import of people*), through the same actions and checks as the screen: every row
    valid, or nothing saved. The rows' errors, then the counts; the new accounts' one-time
    passwords unless --dry-run."""
    try:
        with open(args.file, 'rb') as f:
            data = f.read(imports.MAX_BYTES + 1)
    except OSError as error:
        return 'cannot read %s: %s' % (args.file, error.strerror)
    filename = os.path.basename(args.file)
    tables = imports.read_tables(data, filename)
    outcome = imports.run_import(portal, None, tables, dry_run=args.dry_run)
    for e in outcome.errors:
        out.write('%s, row %d%s: %s\n' % (e.sheet or filename, e.row,
                                           ', %s' % e.column if e.column else '',
                                           translate_text(e.message)))
    out.write(', '.join('%s: %d' % (kind, outcome.counts[kind]) for kind in imports.KINDS)
              + '\n')
    if args.dry_run:
        return None if outcome.valid else 'the file has %d errors' % len(outcome.errors)
    imports.imports_folder(portal, create_missing=True).log(
        'ejportal-admin', filename, outcome)
    if not outcome.valid:
        # the refused attempt stays in the log; nothing else was changed
        args.tm.commit()
        return 'the file has %d errors: nothing was imported' % len(outcome.errors)
    for login, name, password in outcome.credentials:
        out.write('created %s (%s) with one-time password %s\n' % (login, name, password))


def translate_text(message):
    interpolate = getattr(message, 'interpolate', None)
    return interpolate() if interpolate else str(message)


# A path given to the console is the console's: resolved against its working directory
# before the command goes to a server (whose own working directory is elsewhere).
FILE, BACKUP = 'file', 'backup'


def path_argument(command, *names, kind=FILE, **kw):
    """An argument naming a file or directory (``kind`` BACKUP: a backup's name or its
    directory): ``absolute_paths`` resolves it on the console's side."""
    action = command.add_argument(*names, **kw)
    action.client_path = kind
    return action


def as_client_path(action, value):
    kind = getattr(action, 'client_path', None)
    if kind is None or '://' in value:
        return value        # not a path, or a database's URL (restore --to postgres://)
    if kind == BACKUP and os.sep not in value and not os.path.exists(value) and \
            value not in (os.curdir, os.pardir):
        return value        # a backup's name, looked up in the destinations of Settings
    return os.path.abspath(value)


def resolve_paths(args):
    """The parsed path arguments made absolute, so that a command run here reads and
    reports its paths as one run by the server does."""
    for action in parser().commands[args.command]._actions:
        value = getattr(args, action.dest, None)
        if getattr(action, 'client_path', None) and isinstance(value, str):
            setattr(args, action.dest, as_client_path(action, value))


def absolute_paths(argv):
    """``argv`` (the command and its words) with each path argument made absolute."""
    command = parser().commands.get(argv[0]) if argv else None
    if command is None:
        return list(argv)
    actions = [a for a in command._actions if a.option_strings or a.dest != 'help']
    positionals = [a for a in actions if not a.option_strings]
    words, pending, bare = list(argv), None, False
    for i in range(1, len(words)):
        word = words[i]
        if pending is not None:
            words[i], pending = as_client_path(pending, word), None
        elif word == '--' and not bare:
            bare = True
        elif word.startswith('-') and word != '-' and not bare:
            name, equals, value = word.partition('=')
            # argparse takes an unambiguous abbreviation of a long option too
            found = [a for a in actions if name in a.option_strings] or [
                a for a in actions for s in a.option_strings
                if name.startswith('--') and s.startswith(name)]
            if len(found) != 1 or found[0].nargs == 0:
                continue
            if equals:
                words[i] = name + '=' + as_client_path(found[0], value)
            else:
                pending = found[0]
        elif positionals:
            words[i] = as_client_path(positionals.pop(0), word)
    return words


def parser():
    p = argparse.ArgumentParser(prog='ejportal-admin', description=__doc__.splitlines()[0])
    p.add_argument('config_uri', help='the ini file, e.g. development.ini')
    sub = p.add_subparsers(dest='command', required=True)
    p.commands = sub.choices
    c = sub.add_parser('create-user', help='create a user (a one-time password unless given)')
    c.add_argument('login')
    c.add_argument('--role', action='append', default=[], help='a global role; repeatable')
    c.add_argument('--password')
    c.add_argument('--surname')
    c.add_argument('--first-name')
    c.add_argument('--patronymic')
    c.add_argument('--email')
    c.set_defaults(func=cmd_create_user)
    c = sub.add_parser('set-password', help='set a password (a one-time one unless given)')
    c.add_argument('login')
    c.add_argument('--password')
    c.set_defaults(func=cmd_set_password)
    sub.add_parser('list-users', help='list users').set_defaults(func=cmd_list_users)
    c = sub.add_parser('evolve', help='bring the database to the code\'s schema generation')
    c.add_argument('--dry-run', action='store_true')
    c.set_defaults(func=cmd_evolve)
    sub.add_parser('audit-verify', help='check the audit log\'s hash chain').set_defaults(
        func=cmd_audit_verify)
    sub.add_parser('maintain', help='forget stale login failures and long-ended sessions '
                   '(daily from cron)').set_defaults(func=cmd_maintain)
    c = sub.add_parser('end-sessions', help='end the login sessions of a user (or --all)')
    c.add_argument('login', nargs='?')
    c.add_argument('--all', action='store_true')
    c.set_defaults(func=cmd_end_sessions)
    sub.add_parser('send-reports', help='e-mail the parents\' due report subscriptions').set_defaults(
        func=cmd_send_reports)
    c = sub.add_parser('run-job', help='run a scheduled job now (backup, reports, ...)')
    c.add_argument('name')
    c.set_defaults(func=cmd_run_job)
    c = sub.add_parser('backup', help='back up to every destination of Settings (as the job)')
    c.add_argument('--full', action='store_true', help='a full backup, not an incremental one')
    c.set_defaults(func=cmd_backup)
    c = sub.add_parser('restore', help='restore a backup into a new directory (or, for '
                       'RelStorage, a new PostgreSQL database)')
    path_argument(c, 'backup', kind=BACKUP, help='its name (in a destination) or its directory')
    path_argument(c, '--to', required=True, help='a new directory for Data.fs and blobs; for a '
                   'RelStorage backup postgres://user:password@host:port/new_database')
    c.set_defaults(func=cmd_restore, offline=True)
    c = sub.add_parser('verify-backup', help='check, restore to scratch and verify a backup')
    path_argument(c, 'backup', kind=BACKUP, help='its name (in a destination) or its directory')
    c.set_defaults(func=cmd_verify_backup, offline=True)
    sub.add_parser('plan-reminders', help='e-mail the people of overdue roll-out plan steps '
                   '(once a day per step at most)').set_defaults(func=cmd_plan_reminders)
    c = sub.add_parser('import-people', help='import staff, classes, students and parents '
                       'from an XLSX or CSV (the templates of Settings)')
    path_argument(c, 'file')
    c.add_argument('--dry-run', action='store_true', help='check only; save nothing')
    c.set_defaults(func=cmd_import_people)
    c = sub.add_parser('generate-school', help='fill the database with a generated school')
    c.add_argument('--size', default='full', choices=('small', 'full'), help='small or full (1,100 students, 44 classes)')
    c.set_defaults(func=cmd_generate_school)
    return p


def refused(error):
    """A ``UserError``'s message and its fields' messages, for the console."""
    fields = ''.join('; %s: %s' % (name, message.interpolate() if hasattr(message, 'interpolate')
                                   else message) for name, message in error.fields.items())
    return '%s%s' % (error, fields)


def main(argv=None, out=None):
    out = out or sys.stdout
    args = parser().parse_args(argv)
    # The console is a door too. An argument that is not UTF-8 reaches Python as lone
    # surrogates (the file system encoding's surrogateescape), which no page could print.
    # (The ini file's path is only opened, never stored.)
    try:
        check_input({name: value for name, value in vars(args).items()
                     if name not in ('func', 'config_uri')})
    except UserError as error:
        sys.stderr.write('ejportal-admin: %s\n' % refused(error))
        return 2
    resolve_paths(args)
    setup_logging(args.config_uri)
    settings = args.settings = get_appsettings(args.config_uri)
    if getattr(args, 'offline', False) and os.path.isdir(args.backup):
        # a backup's own directory: no database needed, so it works when the one the ini
        # names is damaged or gone
        try:
            error = args.func(None, args, out)
        except UserError as refusal:
            error = refused(refusal)
        if error:
            sys.stderr.write('ejportal-admin: %s\n' % error)
            return 1
        return 0
    try:
        registry = configure_portal(settings).registry
    except InUse:
        # the server holds the file: it runs the command (``scripts.remote``)
        argv = list(argv if argv is not None else sys.argv[1:])
        code = remote.ask_server(
            settings, absolute_paths(argv[argv.index(args.config_uri) + 1:]), out, sys.stderr)
        if code is None:
            sys.exit('The database file is in use by a running server that takes no console '
                     'commands. Stop it first, or run the portal on ZEO or RelStorage.')
        return code
    try:
        # the app's registry is the current one, as in a request (pyramid.paster.bootstrap)
        with prepare(registry=registry):
            conn = registry._zodb_databases[''].open()
            with acting_as(Actor(userid='ejportal-admin', address='console',
                                 user_agent='ejportal-admin ' + args.command)):
                portal = portal_of(conn, registry)
                args.tm = transaction.manager
                try:
                    error = args.func(portal, args, out)
                except UserError as refusal:
                    error = refused(refusal)
                if error:
                    transaction.abort()
                    sys.stderr.write('ejportal-admin: %s\n' % error)
                    return 1
                transaction.get().note('ejportal-admin ' + args.command)
                transaction.commit()
            conn.close()
    finally:
        close_databases(registry)
    return 0


if __name__ == '__main__':
    sys.exit(main())

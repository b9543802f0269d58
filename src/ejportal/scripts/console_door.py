"""The server's side of the console's door (``scripts.remote``): ``POST /@console`` runs an
``ejportal-admin`` command, given as its words, with the key the server published."""
import hmac
import io

import transaction
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from ejportal.core.actor import Actor, acting_as
from ejportal.core.errors import Forbidden, Invalid, NotFound, UserError
from ejportal.core.responses import json_response
from ejportal.i18n import _
from ejportal.scripts import admin
from ejportal.scripts.remote import LOCAL_ONLY, SCHEME
from ejportal.site.resources import ZODB_ROOT_KEY, Portal


@view_config(context=Portal, name='@console', request_method='POST',
             permission=NO_PERMISSION_REQUIRED, require_csrf=False)
def console(context, request):
    """``{"argv": [command, args...]}`` with ``Authorization: Console <key>`` ->
    ``{"output", "error", "code"}``."""
    key = getattr(request.registry, 'console_key', None)
    if key is None:
        raise NotFound(_('Not found.'))
    given = request.headers.get('Authorization', '')
    if not (given.startswith(SCHEME) and hmac.compare_digest(given[len(SCHEME):], key)):
        raise Forbidden(_('console-refused', default='Not the console of this server.'))
    try:
        argv = request.json_body['argv']
    except (ValueError, KeyError, TypeError):
        raise Invalid(_('The body is not valid JSON.'))
    if not (isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv)):
        raise Invalid(_('console-argv', default='Send the command as a list of words.'))
    if argv[0] in LOCAL_ONLY:
        raise Invalid(_('console-local-only', mapping={'command': argv[0]},
                        default='"${command}" needs the database alone: stop the server.'))
    out = io.StringIO()
    try:
        args = admin.parser().parse_args(['-'] + argv)
    except SystemExit:
        raise Invalid(_('console-usage', default='Not a command of ejportal-admin.'))
    args.settings = request.registry.settings
    code, error = run_in_own_transaction(request, args, out, ' '.join(argv))
    return json_response({'output': out.getvalue(), 'error': error, 'code': code})


def run_in_own_transaction(request, args, out, command):
    """The command as the console runs it: its own connection and transaction, as
    ``ejportal-admin``, so the request's own transaction stays empty."""
    tm = transaction.TransactionManager()
    conn = request.registry._zodb_databases[''].open(tm)
    try:
        with acting_as(Actor(userid='ejportal-admin', address='console',
                             user_agent='ejportal-admin ' + args.command)):
            portal = conn.root()[ZODB_ROOT_KEY]
            args.tm = tm
            try:
                error = args.func(portal, args, out)
            except UserError as refusal:
                error = admin.refused(refusal)
            if error:
                tm.abort()
                return 1, str(error)
            tm.get().note('ejportal-admin (through the server) ' + command)
            tm.commit()
            return 0, None
    finally:
        tm.abort()
        conn.close()

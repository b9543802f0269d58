"""waitress on the port pserve is given, for running one process per core from one ini file.

``[server:main] use = call:ejportal.scripts.server:waitress`` with ``port = 6543``:
``pserve production.ini`` serves on 6543, ``pserve production.ini http_port=6544`` on 6544
(``http_port=0``: a port the kernel picks). PasteDeploy cannot do this alone: a
``[DEFAULT] http_port`` in the file wins over the one on pserve's command line, and a
``%(http_port)s`` without it makes the variable compulsory.

Once listening, a server of an embedded FileStorage publishes its console key
(``scripts.remote``), so that ``ejportal-admin`` can hand it the commands it cannot run
against a file the server holds.
"""
import atexit

import waitress as _waitress
from waitress.server import create_server

from ejportal.scripts.remote import publish_console, withdraw_console


def waitress(global_conf, port='6543', host='127.0.0.1', **settings):
    """A PasteDeploy server factory: waitress with the ini's settings, on ``http_port``
    from pserve's command line if given, else on the ini's ``port``."""
    port = global_conf.get('http_port') or port

    def listening(app, **kw):
        server = create_server(app, **kw)
        registry = getattr(app, 'registry', None)
        if registry is not None:
            path = publish_console(registry, server.effective_host, server.effective_port)
            if path is not None:
                atexit.register(withdraw_console, path)
        return server

    def serve(app):
        return _waitress.serve(app, _server=listening, host=host, port=port, **settings)
    return serve

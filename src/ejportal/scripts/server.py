"""waitress on the port pserve is given, for running one process per core from one ini file.

``[server:main] use = call:ejportal.scripts.server:waitress`` with ``port = 6543``:
``pserve production.ini`` serves on 6543, ``pserve production.ini http_port=6544`` on 6544
(``http_port=0``: a port the kernel picks). PasteDeploy cannot do this alone: a
``[DEFAULT] http_port`` in the file wins over the one on pserve's command line, and a
``%(http_port)s`` without it makes the variable compulsory."""
import waitress as _waitress


def waitress(global_conf, port='6543', **settings):
    """A PasteDeploy server factory: waitress with the ini's settings, on ``http_port``
    from pserve's command line if given, else on the ini's ``port``."""
    port = global_conf.get('http_port') or port

    def serve(app):
        return _waitress.serve_paste(app, global_conf, port=port, **settings)
    return serve

"""ejportal: a school's electronic class journal and official documents in one object database."""
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError
from pyramid.session import SignedCookieSessionFactory
from pyramid.settings import asbool
from pyramid_mailer.interfaces import IMailer
from pyramid_mailer.mailer import DebugMailer

from ejportal.core.audit import ANCHOR_SETTING, default_anchor_path
from ejportal.core.jobs import JobRunner
from ejportal.core.request import PortalRequest
from ejportal.core.session import COOKIE_NAME as SESSION_COOKIE, SessionSerializer
from ejportal.i18n import locale_negotiator
from ejportal.paths import LOCALES
from ejportal.principals.sessions import identify
from ejportal.security import SecurityPolicy
from ejportal.site.bootstrap import prepare_database
from ejportal.site.resources import ZODB_ROOT_KEY, root_factory


AREAS = ('site', 'principals', 'admin', 'documents', 'journal', 'diary', 'surveys', 'news',
         'rid', 'api', 'help', 'questions')

# Every ``ejportal.secret`` this repository has shipped in an ini file. Anyone can read them,
# and whoever knows the secret can sign a session cookie the portal believes, so a real
# portal refuses them (tests/functional/test_secret_and_anchor.py keeps this list complete).
SHIPPED_SECRETS = frozenset({
    'development-secret-change-me-in-production',  # development.ini
    'CHANGE-ME',                                     # production.ini until issue 10
})
MIN_SECRET_LENGTH = 32
MAKE_A_SECRET = ("Set ejportal.secret to a random value of at least %d characters, e.g. "
                 "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
                 % MIN_SECRET_LENGTH)


class InsecureSecret(ConfigurationError):
    """The portal will not start with a secret an attacker may know or guess."""


def main(global_config, **settings):
    """The WSGI application, from the ini file's settings: configured, and its database
    made or checked (and the demo school built where asked) before the first request."""
    app = configure(settings).make_wsgi_app()
    try:
        prepare_database(app.registry)
    except Exception:
        close_databases(app.registry)
        raise
    if asbool(settings.get('ejportal.close_on_exit', False)):
        close_on_exit(app.registry)
    if asbool(settings.get('ejportal.jobs', False)):
        start_job_runner(app.registry)
    return app


def start_job_runner(registry):
    """The thread that runs the scheduled jobs beside the server (``core.jobs``); stopped
    before the database closes at exit."""
    import atexit
    runner = registry.job_runner = JobRunner(
        registry, lambda conn: conn.root().get(ZODB_ROOT_KEY),
        interval=float(registry.settings.get('ejportal.jobs_interval', 60)))
    runner.start()
    atexit.register(runner.stop, 30)
    return runner


def configure(settings):
    """The committed configuration of the portal: the registry that the app, the console
    (``ejportal-admin``) and the tests all use. Opens the databases of the settings."""
    secret = checked_secret(settings)
    secure = asbool(settings.get('ejportal.secure_cookies', False))
    settings.setdefault('tm.manager_hook', 'pyramid_tm.explicit_manager')
    settings.setdefault('retry.attempts', 3)
    settings.setdefault(ANCHOR_SETTING, default_anchor_path(settings.get('zodbconn.uri')) or '')
    with Configurator(settings=settings, root_factory=root_factory,
                      request_factory=PortalRequest) as config:
        config.include('pyramid_chameleon')
        config.include('pyramid_tm')
        config.include('pyramid_retry')
        config.include('pyramid_zodbconn')
        if asbool(settings.get('mail.debug', False)):
            # Development and tests: each message becomes a file in mail.top_level_directory.
            config.registry.registerUtility(DebugMailer.from_settings(settings), IMailer)
        else:
            config.include('pyramid_mailer')
        config.set_session_factory(SignedCookieSessionFactory(
            secret + ':session', cookie_name=SESSION_COOKIE, httponly=True,
            samesite='Lax', secure=secure, timeout=None, reissue_time=None,
            serializer=SessionSerializer()))
        config.set_security_policy(SecurityPolicy(identify, secure=secure))
        config.set_default_csrf_options(require_csrf=True, callback=needs_csrf_check)
        config.set_locale_negotiator(locale_negotiator)
        config.add_translation_dirs('colander:locale', 'deform:locale', str(LOCALES))
        config.include(include_portal)
    return config


def checked_secret(settings):
    """``ejportal.secret``, refused when missing, and (unless this is a demo portal, whose
    accounts all have the password 'demo' anyway) when short or shipped with the code."""
    secret = (settings.get('ejportal.secret') or '').strip()
    if not secret:
        raise InsecureSecret('ejportal.secret is missing. ' + MAKE_A_SECRET)
    if asbool(settings.get('ejportal.demo', False)):
        return secret
    if secret in SHIPPED_SECRETS:
        raise InsecureSecret('ejportal.secret is the example value shipped with ejportal, '
                             'known to anyone. ' + MAKE_A_SECRET)
    if len(secret) < MIN_SECRET_LENGTH:
        raise InsecureSecret('ejportal.secret is too short (%d characters). %s'
                             % (len(secret), MAKE_A_SECRET))
    return secret


def include_portal(config):
    """The portal's own registrations: the shared mechanisms, the grants, then each area in
    order (each declares its content types, sections, navigation, panels and views)."""
    config.include('ejportal.core.setup')
    config.include('ejportal.security')
    for area in AREAS:
        config.include('ejportal.' + area)
    config.scan('ejportal.scripts.console_door')  # the console's door through a running server


def close_databases(registry):
    for db in registry._zodb_databases.values():
        db.close()


def close_on_exit(registry):
    """Close the database when the server stops, SIGTERM included: a FileStorage that is
    not closed leaves a stale index, and the next start rebuilds it (slow on a big file)."""
    import atexit
    import signal

    def stop(signum, frame):
        raise SystemExit(0)  # waitress stops serving, pserve returns, atexit runs
    atexit.register(close_databases, registry)
    signal.signal(signal.SIGTERM, stop)


def needs_csrf_check(request):
    """API calls with a bearer token carry no cookie a forged page could use."""
    return not request.headers.get('Authorization', '').lower().startswith('bearer ')

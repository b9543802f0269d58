"""The console door: ``ejportal-admin`` configures the portal as the app does, so it has
the very same registrations (content types, workflows, subscribers, evolve steps), and what
it changes sends the same events to the same subscribers."""
from conftest import app_settings, close_app
from test_evolve import write_ini

from ejportal.core.registry import portal_registry
from ejportal.scripts.admin import configure_portal, main as admin_main


def registrations(registry):
    reg = portal_registry(registry)
    subscribers = sorted(
        '%s -> %s' % (getattr(r.required[0], '__name__', r.required[0]),
                      getattr(r.handler, '__qualname__', r.handler))
        for r in registry.registeredHandlers())
    return {'types': sorted(reg.types), 'workflows': sorted(reg.workflows),
            'cataloged': sorted(reg.cataloged_types), 'indexes': sorted(reg.catalog_indexes),
            'steps': sorted(reg.evolve_steps), 'subscribers': subscribers,
            'sections': [v for v in reg.values(reg.sections)]}


def test_the_console_has_the_apps_registrations(app, db_dir):
    expected = registrations(app.registry)
    close_app(app)
    console = configure_portal(app_settings(db_dir)).registry
    try:
        assert registrations(console) == expected
        assert 'Order' in expected['workflows'] and expected['subscribers']
    finally:
        for db in console._zodb_databases.values():
            db.close()


def test_a_console_change_reaches_the_areas_subscribers(app, db_dir, capsys):
    """A user made at the console is logged by the audit subscriber, as one made on the
    site is."""
    close_app(app)
    ini = write_ini(db_dir)
    assert admin_main([ini, 'create-user', 'novikova', '--role', 'teacher']) == 0
    from ejportal import main
    application = main({}, **app_settings(db_dir))
    with application.registry._zodb_databases[''].transaction() as conn:
        log = conn.root()['ejportal'].audit_log
        [entry] = log.search(action='create', path_prefix='/people/users/novikova')
        assert entry['userid'] == 'ejportal-admin'
    close_app(application)


def test_the_console_adds_a_user_through_the_add_action(app, db_dir, capsys):
    """The users screen's rules hold at the console: its schema and a taken id (the id rule:
    test_text_boundary)."""
    close_app(app)
    ini = write_ini(db_dir)
    assert admin_main([ini, 'create-user', 'petrova', '--role', 'wizard']) == 1
    assert 'roles' in capsys.readouterr().err
    assert admin_main([ini, 'create-user', 'teacher', '--role', 'teacher']) == 1
    assert 'taken' in capsys.readouterr().err

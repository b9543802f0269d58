"""The same app on ZEO and on RelStorage (a private PostgreSQL): only zodbconn.uri differs.
Two app instances on one storage see each other's writes, as two server processes would."""
import pytest
from webtest import TestApp

from conftest import api_token, app_settings, close_app
from ejportal import main
from servers import ZEOServer


@pytest.fixture
def zeo_uri(tmp_path):
    server = ZEOServer(tmp_path).start()
    yield server.uri
    server.stop()


def two_instances_share_data(tmp_path, uri):
    first = main({}, **app_settings(tmp_path, **{'zodbconn.uri': uri}))
    second = main({}, **app_settings(tmp_path, **{'zodbconn.uri': uri}))
    try:
        one, two = (TestApp(a, extra_environ={'HTTP_HOST': 'localhost'}) for a in (first, second))
        headers = {'Accept': 'application/json',
                   'Authorization': 'Bearer ' + api_token(one, 'admin')}
        one.post_json('/people/groups', {'@type': 'Group', 'id': 'chemistry',
                                         'title': 'Кафедра химии'}, headers=headers, status=201)
        # the token and the new group are both visible through the other instance
        data = two.get('/people/groups/chemistry', headers=headers).json
        assert data['title'] == 'Кафедра химии'
        assert two.get('/', headers={'Accept': 'application/json'}).json['@type'] == 'Portal'
    finally:
        close_app(first)
        close_app(second)


def test_zeo(tmp_path, zeo_uri):
    two_instances_share_data(tmp_path, zeo_uri)


@pytest.mark.postgres
def test_relstorage_on_postgresql(tmp_path, postgresql):
    uri = postgresql.create_database('ejportal_test') + \
        '?blob_dir=%s&shared_blob_dir=false&cache_local_mb=10' % (tmp_path / 'rs-blobs')
    two_instances_share_data(tmp_path, uri)

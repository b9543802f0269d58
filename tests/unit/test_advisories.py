"""The installed dependencies are not older than the fix of any advisory we know of.

There is no network here for pip-audit, so the advisories are a table kept in the repository
(``tests/fixtures/advisories.json``); every dependency the project declares is in it, either
with its advisories or named as having none known, so that a new dependency gets looked at.
"""
import configparser
import json
import os
import re
from importlib import metadata

import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

HERE = os.path.dirname(__file__)
TABLE = os.path.join(HERE, '..', 'fixtures', 'advisories.json')
SETUP_CFG = os.path.join(HERE, '..', '..', 'setup.cfg')


def table():
    with open(TABLE, encoding='utf-8') as f:
        return json.load(f)


def installed(package):
    try:
        return Version(metadata.version(package))
    except metadata.PackageNotFoundError:
        return None


def declared_packages():
    config = configparser.ConfigParser()
    config.read(SETUP_CFG, encoding='utf-8')
    lines = config['options']['install_requires'].splitlines()
    for extra in config['options.extras_require'].values():
        lines += extra.splitlines()
    for line in lines:
        match = re.match(r'\s*([A-Za-z0-9._-]+)', line)
        if match:
            yield match.group(1)


ADVISORIES = table()['advisories']


@pytest.mark.parametrize('advisory', ADVISORIES, ids=[a['id'] + ':' + a['package']
                                                     for a in ADVISORIES])
def test_the_installed_version_has_the_fix(advisory):
    version = installed(advisory['package'])
    if version is None:
        pytest.skip('%s is not installed' % advisory['package'])
    assert version >= Version(advisory['fixed_in']), (
        '%s %s is affected by %s (%s), fixed in %s' % (
            advisory['package'], version, advisory['id'], advisory['summary'],
            advisory['fixed_in']))


def test_every_row_is_complete():
    for advisory in ADVISORIES:
        assert re.match(r'^(CVE-\d{4}-\d{4,}|GHSA(-[0-9a-z]{4}){3}|PYSEC-\d{4}-\d+)$',
                        advisory['id']), advisory
        Version(advisory['fixed_in'])
        assert advisory['summary'].strip(), advisory


def test_every_declared_dependency_was_looked_at():
    data = table()
    known = {canonicalize_name(a['package']) for a in data['advisories']}
    known |= {canonicalize_name(name) for name in data['no_known_advisory']}
    missing = sorted(name for name in declared_packages()
                     if canonicalize_name(name) not in known)
    assert not missing, 'add these to tests/fixtures/advisories.json: %s' % missing

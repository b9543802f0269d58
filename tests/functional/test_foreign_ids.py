"""Thousands of random foreign ids answer 404 (issue 10's access suite).

Random student, journal, class, document and lesson ids under the real paths of the demo
school, asked for as a parent, a parent of another child, a student and two teachers, as
pages and as JSON: every answer is the not-found one. Never a 403 (which would tell that the
id exists, or name what is behind it) and never a 500. A teacher gets the lesson ids of the
journals they may read; elsewhere they may see the journal and are refused (403), which the
access table tests.

``make test`` sends about 1,500 requests; ``EJPORTAL_SOAK=1`` (``make soak``) twenty times as
many. ``EJPORTAL_ACCESS_SEED`` picks another draw.
"""
import os
import random
import string
from urllib.parse import quote

import pytest

from test_access_matrix import CLASS, MATH, MATH_7B, OTHER_CLASS, OWN, PROBE, RANGE, RUSSIAN, \
    STRANGER, WEEK, YEAR, opened_school

JSON = {'Accept': 'application/json'}
SCALE = 20 if os.environ.get('EJPORTAL_SOAK') else 1
PER_ROLE = 300 * SCALE
SEED = int(os.environ.get('EJPORTAL_ACCESS_SEED', '10'))

STUDENT_VIEWS = ('', 'diary', 'diary-period', 'diary-year', 'report?' + RANGE,
                 '@diary?week=' + WEEK, '@report?' + RANGE, '@json')
JOURNAL_VIEWS = ('', 'plan', 'period-marks', '@json', '@plan')
DOCUMENT_VIEWS = ('', 'history', 'public', 'print', '@json', '@workflow', '@history')
CLASS_VIEWS = ('', 'desk', 'overview', '@json')
# The journals whose lessons each role asks for: those the role reads (the view then finds
# no lesson) and, for the family, journals it does not see at all.
LESSON_JOURNALS = {
    'teacher': (MATH, MATH_7B),
    'class_teacher': (MATH, RUSSIAN),
    'parent': (MATH, RUSSIAN, MATH_7B),
    'parent_other': (MATH, MATH_7B),
    'student': (MATH, RUSSIAN, MATH_7B),
}
# the family's own children, whose homework files are asked for by journal and lesson
OWN_CHILD = {'parent': OWN, 'student': OWN, 'parent_other': STRANGER}


def token(rng, length=None):
    alphabet = string.ascii_lowercase + string.digits + '-'
    return rng.choice(string.ascii_lowercase) + ''.join(
        rng.choice(alphabet) for _ in range(length or rng.randint(3, 24)))


def student_id(rng):
    # the demo school has s0001 to s0013
    return rng.choice(('s%04d' % rng.randint(14, 9999), token(rng)))


def document_id(rng):
    return rng.choice(('order-%d-od-%d' % (rng.randint(1990, 2100), rng.randint(1, 9999)),
                       'regulation-%d' % rng.randint(7, 99999), token(rng)))


def lesson_id(rng):
    return rng.choice(('%d-%02d-%02d-%d' % (rng.randint(2000, 2100), rng.randint(1, 12),
                                            rng.randint(1, 28), rng.randint(1, 9)),
                       token(rng)))


def view(path, name):
    if not name:
        return path
    return path + '/' + (name if name.startswith('@') else '@@' + name)


def existing_names(app):
    """Every name in the school, which a random draw must not hit."""
    db = app.registry._zodb_databases['']
    found = set()
    with db.transaction() as conn:
        def walk(resource):
            for name, child in getattr(resource, 'items', lambda: ())():
                found.add(name)
                walk(child)
        walk(conn.root()['ejportal']['journal'])
        walk(conn.root()['ejportal']['documents'])
        for journal_path in (MATH, RUSSIAN, MATH_7B):
            journal = conn.root()['ejportal']
            for name in journal_path.strip('/').split('/'):
                journal = journal[name]
            found.update(journal.lessons)
    return found


class Draw:
    """A random source whose ids never name something that exists."""

    def __init__(self, rng, existing):
        self.rng = rng
        self.existing = existing

    def __getattr__(self, name):
        return getattr(self.rng, name)

    def id(self, make, *args):
        while True:
            found = make(self.rng, *args)
            if found not in self.existing:
                return found


def random_address(rng, role):
    """(url, headers) of something that is not there."""
    kind = rng.randrange(6)
    if kind == 0:
        url = view('/journal/students/' + rng.id(student_id), rng.choice(STUDENT_VIEWS))
    elif kind == 1:
        url = view(rng.choice((CLASS, OTHER_CLASS)) + '/journals/' + rng.id(token),
                   rng.choice(JOURNAL_VIEWS))
    elif kind == 2:
        url = view(YEAR + '/classes/' + rng.id(token, rng.randint(2, 6)),
                   rng.choice(CLASS_VIEWS))
    elif kind == 3:
        url = view('/documents/' + rng.id(document_id), rng.choice(DOCUMENT_VIEWS))
    elif kind == 4:
        journal = rng.choice(LESSON_JOURNALS[role])
        url = rng.choice((
            journal + '/@@homework-file?lesson=%s&name=task.pdf' % quote(rng.id(lesson_id)),
            journal + '/@@history?student=s0001&lesson=%s' % quote(rng.id(lesson_id))))
    elif role in OWN_CHILD:
        journal = rng.choice(LESSON_JOURNALS[role])
        url = OWN_CHILD[role] + '/@@homework-file?journal=%s&lesson=%s&name=task.pdf' % (
            quote(journal, safe=''), quote(rng.id(lesson_id)))
    else:
        url = '/journal/%s/classes/5a' % rng.id(
            lambda r: '%d-%d' % (r.randint(1990, 2100), r.randint(1990, 2100)))
    as_json = rng.random() < 0.3 or '/@' in url.replace('/@@', '')
    return url, dict(JSON if as_json else {}, **{PROBE: '1'})


@pytest.fixture(scope='module')
def school(demo_template, tmp_path_factory):
    with opened_school(demo_template, tmp_path_factory.mktemp('foreign-ids')) as found:
        yield found


@pytest.mark.parametrize('role', sorted(LESSON_JOURNALS))
def test_random_foreign_ids_answer_404(school, role):
    rng = random.Random('%s-%s' % (SEED, role))
    client = school.clients[role]
    existing = existing_names(school.app)
    wrong = []
    for _ in range(PER_ROLE):
        url, headers = random_address(Draw(rng, existing), role)
        response = client.get(url, headers=headers, status='*')
        if response.status_int != 404:
            wrong.append('%s: %s' % (url, response.status))
        elif 'Accept' in headers and response.json['error']['type'] != 'NotFound':
            wrong.append('%s: %s' % (url, response.text))
    assert not wrong, '%d of %d (seed %s):\n%s' % (len(wrong), PER_ROLE, SEED,
                                                  '\n'.join(wrong[:30]))

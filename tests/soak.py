"""What the soak and the crash drill share: a school to write into, clients over real HTTP
that keep account of every answer, and the comparison of what is stored with what was
acknowledged.

Every write sets one cell to a mark and a comment naming the write (``w<client>-<n>``), so
the stored cell says which write it holds. A client owns its cells (in its own journal and
its share of the one journal everybody writes into), and writes one at a time: the last
write the server acknowledged (2xx) is what the cell must hold. A write answered 409 or 5xx,
or cut off by a crash, is sent again, as a teacher's browser would resend it, until it is
acknowledged or the client gives up; a write it gave up on must be absent."""
import contextlib
import datetime
import http.client
import json
import os
import random
import shutil
import threading
import time

import transaction
from pyramid import threadlocal

SOAK = os.environ.get('EJPORTAL_SOAK') == '1'
PASSWORD = 'soak-password-1'
VALUES = ('2', '3', '4', '5')


def zeo_from_demo(directory, demo_template):
    """A ZEO server whose storage starts as a copy of the demo school."""
    from servers import ZEOServer
    server = ZEOServer(directory)
    shutil.copy(os.path.join(str(demo_template), 'Data.fs'), server.path)
    if os.path.isdir(os.path.join(str(demo_template), 'blobs')):
        shutil.copytree(os.path.join(str(demo_template), 'blobs'), server.blobs)
    return server.start()


@contextlib.contextmanager
def portal_of(app):
    """The portal in a connection of its own, the app's registry current and the system
    acting, as a console script has it; committed at the end."""
    from ejportal.core.actor import SYSTEM, acting_as
    conn = app.registry._zodb_databases[''].open()
    threadlocal.manager.push({'registry': app.registry, 'request': None})
    try:
        with acting_as(SYSTEM):
            yield conn.root()['ejportal']
            transaction.commit()
    finally:
        transaction.abort()
        threadlocal.manager.pop()
        conn.close()


def prepare_school(portal, teachers, students=5, shared_students=10, lessons=8,
                   shared_lessons=20):
    """``teachers`` new teachers (password ``PASSWORD``), each with a journal of their own
    (``students`` × ``lessons`` cells), and one journal all of them teach
    (``shared_students`` × ``shared_lessons``), every lesson in the current period. Returns
    the plan: who writes which cells where."""
    from ejportal.core.content import create, resource_path
    from ejportal.journal.resources import Student, add_class, add_journal, enrol
    from ejportal.security import set_local_roles
    school = portal['journal']
    year = school.current_year()
    users = portal['people']['users']
    subjects = list(school['subjects'].values())
    logins = []
    for n in range(teachers):
        login = 'soak-t%03d' % n
        user = create('User', surname='Учитель', first_name='Номер %d' % n, roles=('teacher',))
        user.set_password(PASSWORD)
        users.add(login, user)
        logins.append(login)

    def new_class(grade, letter, size):
        school_class = add_class(year, grade, letter)
        for n in range(size):
            sid = school['students'].unique_name('soak%05d' % len(school['students']))
            student = school['students'].add(sid, Student(surname='Ученик', first_name=str(n)))
            enrol(student, school_class, year.start)
        return school_class

    def with_lessons(journal, count):
        today = datetime.date.today()
        period = journal.period_of(today)
        # lessons up to today: a mark for a lesson yet to come is refused (FutureLesson)
        days = list(year.school_days(journal.grade, start=period.start,
                                     end=min(period.end, today)))
        slots = [(day, number) for number in range(1, 8) for day in days][:count]
        for day, number in slots:
            journal.add_lesson(day, number, audit=False, topic='Урок')
        return {'path': resource_path(journal), 'period': period.id,
                'students': [s.__name__ for s in journal.students()],
                'lessons': sorted(journal.lessons.keys())}

    plan = {'teachers': logins, 'own': {}, 'journals': {}}
    classes = [(grade, letter) for grade in (8, 9, 10, 11) for letter in 'абвг']
    school_class = None
    for n, login in enumerate(logins):
        if n % len(subjects) == 0:
            school_class = new_class(*classes[n // len(subjects)], students)
        journal = add_journal(school_class, subjects[n % len(subjects)], login)
        info = with_lessons(journal, lessons)
        plan['own'][login] = info['path']
        plan['journals'][info['path']] = info
    shared = add_journal(new_class(6, 'а', shared_students), subjects[0], logins[0])
    for login in logins[1:]:
        set_local_roles(shared, 'user:' + login, {'teacher'})
    info = with_lessons(shared, shared_lessons)
    plan['shared'] = info['path']
    plan['journals'][info['path']] = info
    return plan


def cells_of(plan, index):
    """The cells client ``index`` writes: all of its own journal and every n-th cell of
    the shared journal (n the number of clients), so that no two clients write one cell
    but all of them write one journal's maps, lessons and students at once."""
    login = plan['teachers'][index]
    own = plan['journals'][plan['own'][login]]
    cells = [(own['path'], s, l) for s in own['students'] for l in own['lessons']]
    shared = plan['journals'][plan['shared']]
    every = [(shared['path'], s, l) for s in shared['students'] for l in shared['lessons']]
    return cells + every[index::len(plan['teachers'])]


def prepare_orders(portal, sign, acknowledge_by):
    """``sign`` orders on review, waiting for the director's signature, and one signed
    order that ``acknowledge_by`` (user ids) must acknowledge. Returns their paths."""
    from ejportal.core.actor import Actor, acting_as
    from ejportal.core.content import create, resource_path
    from ejportal.core.workflow import do_transition
    documents = portal['documents']

    def order(name, people):
        with acting_as(Actor(userid='secretary')):
            made = documents.add(name, create(
                'Order', register='od', title='Приказ нагрузочного теста %s' % name,
                clauses=[{'text': 'Провести проверку.', 'responsible': '', 'deadline': None}],
                signatory='С.А. Кузьмина', acknowledge_by=['user:' + p for p in people]))
            do_transition(made, 'submit', comment='')
        return made
    to_sign = [resource_path(order('soak-sign-%d' % n, ['director'])) for n in range(sign)]
    to_acknowledge = order('soak-acknowledge', acknowledge_by)
    with acting_as(Actor(userid='director')):
        do_transition(to_acknowledge, 'sign', comment='')
    return {'sign': to_sign, 'acknowledge': resource_path(to_acknowledge)}


class Api:
    """One keep-alive HTTP connection with a bearer token, for one thread; a lost
    connection is opened again on the next request (``ConnectionError`` for the caller)."""

    def __init__(self, port, token=None, timeout=60):
        self.port, self.token, self.timeout = port, token, timeout
        self.conn = None

    def request(self, method, path, data=None):
        if method == 'GET' and self.conn is not None:
            # a keep-alive connection the server closed while idle: a read is safe to resend
            try:
                return self._request(method, path, data)
            except ConnectionError:
                pass
        return self._request(method, path, data)

    def _request(self, method, path, data=None):
        headers = {'Accept': 'application/json', 'Host': 'localhost'}
        body = None
        if data is not None:
            body = json.dumps(data).encode()
            headers['Content-Type'] = 'application/json'
        if self.token:
            headers['Authorization'] = 'Bearer ' + self.token
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection('127.0.0.1', self.port,
                                                       timeout=self.timeout)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise ConnectionError(error)
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = payload[:300]
        return response.status, parsed

    def login(self, login, password=PASSWORD, tally=None, attempts=20):
        """Log in for a bearer token; a login refused by a conflict (409) is sent again,
        as any refused write is."""
        for attempt in range(attempts):
            status, data = self.request('POST', '/@login', {'login': login,
                                                            'password': password})
            if tally is not None:
                tally.count('login', status, data if status >= 500 else None)
            if status != 409 and status < 500:
                break
            time.sleep(random.uniform(0.005, 0.05) * (attempt + 1))
        assert status == 200, (login, status, data)
        self.token = data['token']
        return self

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Tally:
    """The answers of all clients, counted under a lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = {}          # (kind of request, status) -> count
        self.acknowledged = {}      # cell -> (value, write id) of its last acknowledged write
        self.given_up = {}          # cell -> write id, while its last write is not stored
        self.server_errors = []     # (status, body) of every 5xx
        self.cut_off = 0            # requests a crash or a closed connection cut off
        self.writes = 0

    def count(self, kind, status, body=None):
        with self.lock:
            self.statuses[kind, status] = self.statuses.get((kind, status), 0) + 1
            if status >= 500:
                self.server_errors.append((kind, status, body))

    def summary(self):
        answers = ', '.join('%s %d: %d' % (kind, status, n)
                            for (kind, status), n in sorted(self.statuses.items()))
        return 'mark writes %d; answers: %s; cut off by a crash %d; 5xx %d' % (
            self.writes, answers, self.cut_off, len(self.server_errors))


class Writer(threading.Thread):
    """A teacher saving marks into their cells as fast as the server answers, until
    ``stop`` is set. ``pause`` (set: writing) lets the crash drill hold every writer
    between two writes."""

    def __init__(self, index, api, cells, tally, stop, pause=None, attempts=20,
                 wait_for_server=120):
        super().__init__(name='writer-%d' % index, daemon=True)
        self.index, self.api, self.cells, self.tally = index, api, cells, tally
        self.stop, self.pause = stop, pause
        self.attempts, self.wait_for_server = attempts, wait_for_server
        self.rng = random.Random(index)
        self.idle = threading.Event()
        self.failure = None

    def run(self):
        try:
            n = 0
            while not self.stop.is_set():
                if self.pause is not None and not self.pause.is_set():
                    self.idle.set()
                    self.pause.wait(0.1)
                    continue
                self.idle.clear()
                n += 1
                self.write(self.rng.choice(self.cells), 'w%d-%d' % (self.index, n))
            self.idle.set()
        except BaseException as error:  # reported by the test, not lost in a thread
            self.failure = error
            self.idle.set()

    def write(self, cell, write_id):
        path, student, lesson = cell
        last = self.tally.acknowledged.get(cell)
        value = self.rng.choice([v for v in VALUES if not last or v != last[0]])
        body = {'student': student, 'lesson': lesson, 'marks': [value], 'comment': write_id}
        with self.tally.lock:
            self.tally.writes += 1
        refused = 0
        cut_off_since = None
        while True:
            try:
                status, data = self.api.request('POST', path + '/@cell', body)
            except ConnectionError:
                # a crash cut the request off: stored or not, nobody knows; send it again
                # once the server is back (an unchanged cell is answered 200 and not
                # written twice)
                if cut_off_since is None:
                    cut_off_since = time.monotonic()
                    with self.tally.lock:
                        self.tally.cut_off += 1
                if time.monotonic() - cut_off_since > self.wait_for_server:
                    raise
                if self.stop.is_set():
                    return      # the run is over (its servers stopping): nothing to check
                time.sleep(0.05)
                continue
            self.tally.count('mark', status, data if status >= 500 else None)
            if 200 <= status < 300:
                assert data['comment'] == write_id, data
                with self.tally.lock:
                    self.tally.acknowledged[cell] = (value, write_id)
                    self.tally.given_up.pop(cell, None)
                return
            assert status == 409 or status >= 500, (status, data)
            refused += 1
            if refused >= self.attempts and cut_off_since is None:
                with self.tally.lock:
                    self.tally.given_up[cell] = write_id
                return
            time.sleep(self.rng.uniform(0.005, 0.05) * min(refused, 10))


def run_writers(ports, plan, tally, seconds=None, stop=None, **options):
    """One writer per teacher of ``plan``, spread over the app processes on ``ports``;
    with ``seconds``, they write that long and are joined. Returns the writers."""
    stop = stop or threading.Event()
    writers = []
    for index, login in enumerate(plan['teachers']):
        api = Api(ports[index % len(ports)]).login(login, tally=tally)
        writers.append(Writer(index, api, cells_of(plan, index), tally, stop, **options))
    for writer in writers:
        writer.start()
    if seconds is not None:
        time.sleep(seconds)
        stop.set()
        join(writers)
    return writers


def join(writers, timeout=180):
    for writer in writers:
        writer.join(timeout)
        assert not writer.is_alive(), '%s did not finish' % writer.name
        if writer.failure is not None:
            raise writer.failure
        writer.api.close()


def stored_cells(port, plan, login='admin', password='demo'):
    """Every non-empty cell of the plan's journals as the app serves it:
    cell -> (mark values, comment)."""
    api = Api(port).login(login, password)
    found = {}
    for path, info in plan['journals'].items():
        status, data = api.request('GET', path + '?period=' + info['period'])
        assert status == 200, (path, status, data)
        for cell in data['cells']:
            if cell['marks'] or cell['comment']:
                found[(path, cell['student'], cell['lesson'])] = (
                    tuple(m['value'] for m in cell['marks']), cell['comment'])
    api.close()
    return found


def check_stored(port, plan, tally):
    """The stored cells are exactly the acknowledged writes: each cell holds the last
    write acknowledged for it, and no cell holds a write that was not acknowledged."""
    stored = stored_cells(port, plan)
    expected = {cell: ((value,), write_id)
                for cell, (value, write_id) in tally.acknowledged.items()}
    missing = {c: v for c, v in expected.items() if stored.get(c) != v}
    unexpected = {c: v for c, v in stored.items() if c not in expected}
    assert not missing and not unexpected, (
        '%d acknowledged writes not stored as acknowledged (e.g. %s), %d cells hold writes '
        'never acknowledged (e.g. %s)' % (
            len(missing), [(c, v, stored.get(c)) for c, v in list(missing.items())[:3]],
            len(unexpected), list(unexpected.items())[:3]))
    return len(stored)

"""Hostile input through every schema and every door (hypothesis).

- every colander schema the portal defines, bound as its forms bind it, deserializes a
  value or raises ``colander.Invalid``: nothing else;
- every JSON endpoint (the API table's rows) answers generated bodies with a 2xx or a 4xx
  whose body is ``{"error": ...}``, never a 500, and a refused call changes nothing (the
  storage's last transaction stays);
- every form page (the access table's), its fields filled with generated values: no 500,
  and a form shown again with errors changed nothing.

Values: text with lone surrogates, controls, bidirectional marks, hundreds of kilobytes;
lists, objects, numbers, NaN and nulls where text is expected; dates at the calendar's
ends. Budgets: the hypothesis profile (conftest.py), thousands under EJPORTAL_SOAK=1.
"""
import json

import colander
import pytest
from hypothesis import given, strategies as st
from pyramid.scripting import prepare
from pyramid.traversal import find_resource
from webtest import TestApp

from conftest import EnglishClient, api_token, csrf_token, login
from functional import hostile
from functional.test_access_matrix import ACCESS, ANON
from test_api_matrix import API, QUERIES, SUBPATHS, TARGETS

SCHEMAS = hostile.schema_classes()
ROLE_ORDER = ('admin', 'director', 'teacher', 'class_teacher', 'deputy', 'secretary',
              'psychologist', 'parent', 'student')


def pick_role(allowed):
    allowed = hostile.allowed_roles(allowed, ROLE_ORDER)
    return next((role for role in ROLE_ORDER if role in allowed), None)


@pytest.fixture(scope='module')
def portal(demo_template, tmp_path_factory):
    module_app = hostile.ModuleApp(demo_template, tmp_path_factory.mktemp('fuzz'))
    client = TestApp(module_app.app, extra_environ={'REMOTE_ADDR': '10.0.0.1',
                                                    'HTTP_HOST': 'localhost'})
    module_app.places = hostile.school_places(module_app.app)
    module_app.tokens = {role: api_token(client, role) for role in ROLE_ORDER}
    yield module_app
    module_app.close()


# -- the schemas ---------------------------------------------------------------------------
def cstruct_for(node, depth=0):
    """Values shaped like what ``node`` expects, filled with hostile leaves, or not shaped
    like it at all."""
    if depth > 4:
        return hostile.json_value
    if isinstance(node.typ, colander.Mapping):
        shaped = st.fixed_dictionaries({}, optional={
            child.name: cstruct_for(child, depth + 1) for child in node.children})
    elif isinstance(node.typ, colander.Sequence) and node.children:
        shaped = st.lists(cstruct_for(node.children[0], depth + 1), max_size=3)
    else:
        shaped = st.one_of(hostile.nasty_text, hostile.nasty_text, hostile.scalar)
    return st.one_of(shaped, shaped, shaped, hostile.json_value, st.just(colander.null))


# Where the forms bind their schemas: a schema is bound to the first of these it binds to
# (its deferred choices read the context: a class's members, a year's periods...).
BIND_CONTEXTS = ('/', TARGETS['SchoolClass'], TARGETS['Journal'], TARGETS['SchoolYear'],
                 TARGETS['Student'], TARGETS['Order'], TARGETS['Users'], TARGETS['User'],
                 TARGETS['Subjects'], TARGETS['Settings'])


def bound(schema_class, request, root):
    for path in BIND_CONTEXTS:
        context = find_resource(root, path)
        request.context = context
        try:
            return schema_class().bind(request=request, context=context)
        except (AttributeError, KeyError, TypeError):
            continue
    raise AssertionError('%s binds to none of %s' % (schema_class, BIND_CONTEXTS))


@pytest.mark.parametrize('name', sorted(SCHEMAS))
def test_a_schema_deserializes_or_refuses(portal, name):
    env = prepare(registry=portal.app.registry)
    try:
        schema = bound(SCHEMAS[name], env['request'], env['root'])

        @hostile.budget(25, 3000)
        @given(cstruct=cstruct_for(schema))
        def deserialize(cstruct):
            try:
                schema.deserialize(cstruct)
            except colander.Invalid:
                pass

        deserialize()
    finally:
        env['closer']()


# -- the JSON doors ----------------------------------------------------------------------
def type_fields(portal, type_name):
    from ejportal.core.content import type_info
    info = type_info(type_name, portal.app.registry)
    return hostile.field_names(info.schema) if info and info.schema else set()


ALL_FIELDS = set().union(*(hostile.field_names(cls) for cls in SCHEMAS.values())) | \
    {'@type', 'id', 'student', 'lesson', 'date', 'value', 'marks', 'mark', 'period', 'text',
     'comment', 'transition', 'attendance', 'absence', 'slots', 'reason', 'lessons'}


def api_cases():
    for (type_name, endpoint), methods in sorted(API.items()):
        for method in ('GET', 'POST', 'PATCH', 'DELETE'):
            role = pick_role(methods.get(method, ()))
            if role is not None and not (method == 'DELETE' and endpoint == '@json'):
                yield pytest.param(type_name, endpoint, method, role,
                                   id='%s:%s:%s' % (type_name, endpoint, method))


def assert_refusal_is_clean(response, before, portal, what):
    assert response.status_int < 500, (what, response.status, response.text[:1500])
    if response.status_int >= 400:
        changed = portal.changed_since(before)
        assert not changed, (what, response.status, changed, response.text[:500])


@pytest.mark.parametrize('type_name,endpoint,method,role', list(api_cases()))
def test_a_json_endpoint_answers_hostile_bodies(portal, type_name, endpoint, method, role):
    path = hostile.fill(TARGETS[type_name], portal.places)
    if path is None:
        pytest.skip('no %s here' % TARGETS[type_name])
    path = path.rstrip('/') + '/' + endpoint
    if endpoint in SUBPATHS:
        path += '/' + SUBPATHS[endpoint]
    client = TestApp(portal.app, extra_environ={'REMOTE_ADDR': '10.0.5.1',
                                                'HTTP_HOST': 'localhost'})
    headers = {'Accept': 'application/json',
               'Authorization': 'Bearer ' + portal.tokens[role]}
    fields = (type_fields(portal, type_name) if endpoint == '@json' else set()) or ALL_FIELDS
    fields = fields | {'@type'} if method == 'POST' and endpoint == '@json' else fields
    if endpoint == '@login':
        fields = {'login', 'password', 'code'}

    @hostile.budget(12, 300)
    @given(body=hostile.json_body(fields),
           query=st.dictionaries(st.sampled_from(sorted(ALL_FIELDS | {'week', 'from', 'to',
                                                                     'b_start', 'b_size'})),
                                 hostile.nasty_text, max_size=3))
    def call(body, query):
        client.reset()
        params = dict(query)
        if endpoint in QUERIES and not params:
            params = dict(pair.split('=', 1) for pair in QUERIES[endpoint].split('&'))
        url = path + '?' + urlencode_lenient(params) if params else path
        before = portal.last_transaction()
        if method == 'GET':
            response = client.get(url, headers=headers, status='*')
        else:
            response = client.request(url, method=method, headers=headers, status='*',
                                      body=json.dumps(body).encode('utf-8', 'surrogatepass'),
                                      content_type='application/json')
        if endpoint != '@login':  # a failed login is audited by design
            assert_refusal_is_clean(response, before, portal, (url, body))
        else:
            assert response.status_int < 500, (body, response.text[:1500])
        if response.status_int >= 400 and response.content_type == 'application/json':
            assert 'error' in response.json, response.text[:500]

    call()


def urlencode_lenient(params):
    """A query string even for text that is not valid Unicode (sent as the bytes a broken
    client would send)."""
    from urllib.parse import quote
    return '&'.join('%s=%s' % (quote(k.encode('utf-8', 'surrogatepass'), safe=''),
                               quote(v.encode('utf-8', 'surrogatepass'), safe=''))
                    for k, v in params.items())


# -- the forms ---------------------------------------------------------------------------
def form_pages():
    for key, rows in sorted(ACCESS.items()):
        for method, url, allowed in rows:
            role = pick_role(hostile.allowed_roles(allowed, ROLE_ORDER) - {ANON}) or \
                (ANON if ANON in hostile.allowed_roles(allowed, ()) else None)
            if method == 'GET' and role is not None and '/@' not in url.replace('/@@', ''):
                yield pytest.param(url, role, id='%s:%s' % key)


@pytest.mark.parametrize('url,role', list(form_pages()))
def test_a_form_answers_hostile_fields(portal, url, role):
    url = hostile.fill(url, portal.places)
    if url is None:
        pytest.skip('a place not made here')
    client = EnglishClient(portal.app, extra_environ={'REMOTE_ADDR': '10.0.6.1',
                                                      'HTTP_HOST': 'localhost'})
    if role != ANON:
        assert login(client, role).status_int == 303
    page = client.get(url, status='*')
    if page.status_int != 200 or 'html' not in page.content_type:
        return
    forms = [(form_id, form) for form_id, form in page.forms.items()
             if isinstance(form_id, str) and form.method.upper() == 'POST']
    if not forms:
        return
    token = csrf_token(client)

    @hostile.budget(6, 300)
    @given(choice=st.integers(0, len(forms) - 1), data=st.data())
    def submit(choice, data):
        form_id, form = forms[choice]
        fields = [name for name in form.fields if name and name not in ('csrf_token',
                                                                         '__formid__')]
        items = [('csrf_token', token)]
        if '__formid__' in form.fields:
            items.append(('__formid__', form['__formid__'].value))
        for name in fields:
            kept = data.draw(st.sampled_from(['hostile', 'hostile', 'page', 'none']))
            if kept == 'page':
                for field in form.fields[name]:
                    if getattr(field, 'value', None) is not None:
                        items.append((name, field.value))
            elif kept == 'hostile':
                for _ in range(data.draw(st.integers(1, 2))):
                    items.append((name, data.draw(hostile.nasty_text)))
        buttons = [f.name for fs in form.fields.values() for f in fs
                   if f.name and (getattr(f, 'tag', '') == 'button' or
                                  f.attrs.get('type') == 'submit')]
        if buttons:
            items.append((data.draw(st.sampled_from(buttons)), ''))
        body = '&'.join('%s=%s' % (quote_any(k), quote_any(v)) for k, v in items)
        before = portal.last_transaction()
        response = client.post(form.action or url, body.encode('ascii'), status='*',
                               content_type='application/x-www-form-urlencoded')
        if 'login' in url.split('/')[-1]:  # a failed login is audited by design
            assert response.status_int < 500, (url, items, response.text[:1500])
        elif response.status_int >= 400 or (response.status_int == 200 and
                                            'class="error' in response.text):
            assert_refusal_is_clean(response, before, portal, (url, items))
        assert response.status_int < 500, (url, items, response.text[:1500])

    submit()


def quote_any(value):
    from urllib.parse import quote
    return quote(value.encode('utf-8', 'surrogatepass'), safe='')


# -- the query strings of the pages ---------------------------------------------------------
QUERY_NAMES = ('week', 'from', 'to', 'date', 'period', 'year', 'student', 'lesson', 'journal',
               'subject', 'name', 'b_start', 'b_size', 'q', 'SearchableText', 'format', 'min',
               'version', 'came_from', 'lang', 'sort_on', 'sort_order', 'states', 'register',
               'kind', 'archived', 'number', 'text', 'userid', 'action', 'since', 'until')


def query_pages():
    for key, rows in sorted(ACCESS.items()):
        for method, url, allowed in rows:
            role = pick_role(hostile.allowed_roles(allowed, ROLE_ORDER) - {ANON}) or \
                (ANON if ANON in hostile.allowed_roles(allowed, ()) else None)
            if method == 'GET' and role is not None:
                yield pytest.param(url, role, id='%s:%s' % key)


@pytest.mark.parametrize('url,role', list(query_pages()))
def test_a_page_answers_hostile_query_strings(portal, url, role):
    """Dates at the calendar's ends, broken text and junk in every parameter a page reads."""
    url = hostile.fill(url, portal.places)
    if url is None:
        pytest.skip('a place not made here')
    client = EnglishClient(portal.app, extra_environ={'REMOTE_ADDR': '10.0.8.1',
                                                      'HTTP_HOST': 'localhost'})
    if role != ANON:
        assert login(client, role).status_int == 303
    path = url.split('?')[0]
    own = dict(pair.split('=', 1) for pair in url.split('?')[1].split('&')) if '?' in url \
        else {}

    @hostile.budget(5, 200)
    @given(query=st.dictionaries(st.sampled_from(sorted(set(QUERY_NAMES) | set(own))),
                                 st.one_of(st.sampled_from(hostile.DATE_EDGES),
                                           hostile.short_text), max_size=4))
    def get(query):
        params = dict(own, **query)
        response = client.get(path + '?' + urlencode_lenient(params), status='*')
        assert response.status_int < 500, (url, params, response.text[:1500])

    get()


# -- what the suite found ---------------------------------------------------------------
def test_a_list_of_lists_as_roles_is_a_field_error(testapp):
    """colander's Set hashed what it was given: ``{"roles": [["x"]]}`` was a 500."""
    headers = {'Authorization': 'Bearer ' + api_token(testapp, 'admin'),
               'Accept': 'application/json'}
    for body in ({'roles': [['x']]}, {'groups': [{'a': 1}]}, {'roles': ['teacher', 5]}):
        response = testapp.request('/people/users/teacher/@json', method='PATCH',
                                   headers=headers, body=json.dumps(body).encode(),
                                   content_type='application/json', status=400)
        assert set(response.json['error']['fields']) == set(body), response.json
    response = testapp.request('/people/users/teacher/@json', method='PATCH',
                               headers=headers, content_type='application/json',
                               body=json.dumps({'roles': ['teacher']}).encode(), status='*')
    assert response.status_int < 300, response.text[:500]


def test_a_rollout_plans_step_numbers_are_checked(portal_registry):
    """The plan's validator was called as a method (the node twice): every valid plan
    was a TypeError, and repeated step numbers were never refused."""
    from ejportal.documents.schemas import RolloutPlanFields
    schema = RolloutPlanFields()
    step = {'number': '1', 'content': 'Прочитать приказ'}
    assert len(schema.deserialize({'title': 'План', 'steps': [step]})['steps']) == 1
    with pytest.raises(colander.Invalid) as refused:
        schema.deserialize({'title': 'План', 'steps': [step, dict(step, content='Ещё')]})
    assert 'steps' in refused.value.asdict()


@pytest.mark.parametrize('markers', [[('__start__', '')], [('__end__', '')],
                                     [('__start__', 'x:nothing'), ('title', 'x')],
                                     [('__end__', 'x'), ('__end__', 'x')]])
def test_a_form_with_broken_sequence_markers_is_a_400(as_user, root, markers):
    """deform reads sequences by ``__start__``/``__end__`` markers; markers that do not pair
    up made peppercorn raise a ValueError: a 500."""
    client = as_user('director')
    form = client.get('/documents/regulation-1/@@edit').forms['deform']
    items = [(name, field.value) for name, fields in form.fields.items() if name
             for field in fields if getattr(field, 'value', None) is not None]
    response = client.post('/documents/regulation-1/@@edit', items + markers + [('save', '')],
                           status=400)
    assert 'The form arrived damaged' in response.text
    root._p_jar.sync()
    assert root['documents']['regulation-1'].title != 'x'

"""Documents through the real app: screens, transitions, per-state permissions, the
acknowledgement sheet, amendments, the public site, the API, uploads and the PDF."""
import datetime
import io
import os

import pytest
import transaction

from conftest import api_token, csrf_token, login

ORDER = '/documents/order-2012-od-181'

# A large form POST is spooled by WebOb into a temporary file (pyramid_retry makes the
# body seekable) that only the garbage collector closes; collect it inside each test, where
# this module's warning filter applies, instead of failing the session at exit.
pytestmark = pytest.mark.filterwarnings('ignore::pytest.PytestUnraisableExceptionWarning')


@pytest.fixture(autouse=True)
def collect_spooled_bodies():
    yield
    import gc
    gc.collect()


def new_order(testapp, title='О проведении педсовета', public=False):
    """Add a draft order through the form (clauses posted the way deform sends them)."""
    page = testapp.get('/documents/@@add-order')
    token = page.forms[0]['csrf_token'].value
    fields = [('csrf_token', token), ('register', 'od'), ('title', title),
              ('preamble', 'На основании плана работы'),
              ('__start__', 'clauses:sequence'),
              ('__start__', 'clause:mapping'), ('text', 'Провести педсовет'),
              ('responsible', 'Заместитель директора'),
              ('__start__', 'deadline:mapping'), ('date', ''), ('__end__', 'deadline:mapping'),
              ('__end__', 'clause:mapping'),
              ('__end__', 'clauses:sequence'),
              ('signatory', 'С.А. Кузьмина'),
              ('__start__', 'acknowledge_by:sequence'), ('checkbox', 'user:teacher'),
              ('__end__', 'acknowledge_by:sequence'),
              ('save', 'save')]
    if public:
        fields.insert(-1, ('public', 'true'))
    response = testapp.post('/documents/@@add-order', fields, status=303)
    return response.location.replace('http://localhost', '').rstrip('/')


def transition(testapp, path, name, comment='', status=303):
    # confirmed, as on the page that asks before a transition that cannot be undone
    return testapp.post(path + '/@@workflow', {'transition': name, 'comment': comment,
                                               'csrf_token': csrf_token(testapp),
                                               'confirmed': '1'},
                        status=status)


def test_demo_order_181_is_signed_with_its_plan(root):
    order = root['documents']['order-2012-od-181']
    assert order.review_state == 'signed'
    assert order.number == 181 and order.date.isoformat() == '2012-08-15'
    assert order.signed_by == 'director' and order.integrity_ok()
    assert len(order.clauses) == 4 and 'Системный администратор' in order.clauses[3]['text']
    plan = order['appendix-1']
    assert plan.type_name == 'RolloutPlan' and len(plan.plan_steps()) == 23
    # the plan of 2012-2013 is archived: what was not done then is 'not done', not overdue
    assert plan.school_year == '2012-2013' and plan.archived()
    assert plan.step(8).status() == 'done' and plan.step(7).status() == 'not-done'
    assert plan.step(7).status(datetime.date(2012, 9, 3)) == 'overdue'
    regulations = [d for d in root['documents'].values() if d.type_name == 'Regulation']
    assert len(regulations) == 6 and {r.review_state for r in regulations} == {'draft'}


def test_listing_and_filters(as_user):
    app = as_user('director')
    page = app.get('/documents/')
    assert 'О введении электронного журнала' in page.text
    assert 'Положение об электронном журнале' in page.text
    page = app.get('/documents/', {'type': 'Order'})
    assert 'Положение об электронном журнале' not in page.text
    page = app.get('/documents/', {'state': 'draft', 'q': 'сетью'})
    assert 'Правила пользования локальной сетью' in page.text
    assert 'О введении' not in page.text
    page = app.get('/documents/', {'year': 'abc'}, status=400)
    assert page.html.select_one('#f-year.is-invalid') is not None


def test_order_page_shows_integrity_and_plan(as_user):
    app = as_user('director')
    page = app.get(ORDER + '/')
    assert 'ПРИКАЗЫВАЮ' in page.text and '№ 181 от 15.08.2012' in page.text
    assert page.html.select_one('.integrity.alert-success') is not None
    plan = app.get(ORDER + '/appendix-1/')
    assert 'Выгрузка данных в РИД' in plan.text
    assert plan.html.select_one('#step-23') is not None


def test_full_order_lifecycle_numbering_and_acknowledgement(testapp, root):
    login(testapp, 'secretary')
    path = new_order(testapp)
    page = testapp.get(path + '/')
    assert 'Провести педсовет' in page.text
    # the teacher cannot see a draft
    transition(testapp, path, 'submit', 'на согласование')
    secretary_cannot_sign = transition(testapp, path, 'sign').follow()
    assert 'You may not' in secretary_cannot_sign.text or 'alert-danger' in \
        secretary_cannot_sign.text
    testapp.reset()
    login(testapp, 'director')
    transition(testapp, path, 'sign', 'подписано')
    transaction.begin()
    root._p_jar.sync()
    order = root['documents'][path.rsplit('/', 1)[-1]]
    assert order.review_state == 'signed'
    assert order.number == 1 and order.current_version.frozen
    assert order.sheet.due[order.signed_version] == ('teacher',)
    # the teacher finds it on the start page, gets mail, and acknowledges it
    testapp.reset()
    login(testapp, 'teacher')
    start = testapp.get('/@@start')
    assert 'href="http://localhost%s/"' % path in start.text
    page = testapp.get(path + '/')
    form = [f for f in page.forms.values() if f.action.endswith('@@acknowledge')][0]
    form.submit(status=303)
    assert 'href="http://localhost%s/"' % path not in testapp.get('/@@start').text
    transaction.begin()
    root._p_jar.sync()
    order = root['documents'][path.rsplit('/', 1)[-1]]
    entry = order.sheet.entries[(order.signed_version, 'teacher')]
    assert entry['sha256'] == order.last_signed.sha256 and entry['address'] == '10.0.0.1'
    # a second acknowledgement is refused politely
    testapp.post(path + '/@@acknowledge', {'csrf_token': csrf_token(testapp)}, status=303)
    # the sheet is for the office only
    testapp.get(path + '/@@sheet', status=403)
    testapp.reset()
    login(testapp, 'deputy')
    sheet = testapp.get(path + '/@@sheet')
    assert 'Петрова' in sheet.text and sheet.html.select_one('tr.acknowledged')


def test_mail_is_written_on_signing(testapp, db_dir):
    login(testapp, 'secretary')
    path = new_order(testapp)
    transition(testapp, path, 'submit')
    testapp.reset()
    login(testapp, 'director')
    transition(testapp, path, 'sign')
    mail_dir = os.path.join(str(db_dir), 'mail')
    texts = []
    for name in os.listdir(mail_dir):
        with open(os.path.join(mail_dir, name), encoding='utf-8', errors='replace') as f:
            texts.append(f.read())
    assert any('teacher@school4.example' in t for t in texts)


def test_second_order_of_year_numbers_after_the_first(testapp, root):
    login(testapp, 'director')
    numbers = []
    for title in ('Первый', 'Второй'):
        path = new_order(testapp, title)
        transition(testapp, path, 'submit')
        transition(testapp, path, 'sign')
        transaction.begin()
        root._p_jar.sync()
        numbers.append(root['documents'][path.rsplit('/', 1)[-1]].number)
    assert numbers == [1, 2]


def test_sign_guard_and_wrong_transition(as_user):
    app = as_user('director')
    page = app.post(ORDER + '/@@workflow', {'transition': 'submit',
                                            'csrf_token': csrf_token(app)}, status=303).follow()
    assert 'alert-danger' in page.text
    app.post(ORDER + '/@@workflow', {'transition': 'sign'}, status=400)  # no CSRF token


# a draft is hidden (404, as if not there) from those who may not view it; a signed order
# is public, so a family is only refused the staff page (403)
@pytest.mark.parametrize('login_name,draft,signed', [
    ('director', 200, 200), ('deputy', 200, 200), ('secretary', 200, 200),
    ('teacher', 404, 200), ('class_teacher', 404, 200), ('psychologist', 404, 200),
    ('admin', 404, 200), ('student', 404, 403), ('parent', 404, 403),
])
def test_view_permission_per_state(as_user, login_name, draft, signed):
    app = as_user(login_name)
    app.get('/documents/regulation-1/', status=draft)
    app.get(ORDER + '/', status=signed)


@pytest.mark.parametrize('login_name,status', [
    ('director', 200), ('secretary', 200), ('deputy', 200),  # the deputy drafted it (owner)
    ('class_teacher', 404), ('teacher', 404), ('admin', 404)])   # the draft is hidden
def test_edit_permission_on_drafts(as_user, login_name, status):
    as_user(login_name).get('/documents/regulation-1/@@edit', status=status)


def test_working_group_sees_drafts_on_review(testapp):
    login(testapp, 'director')
    transition(testapp, '/documents/regulation-2', 'submit')
    testapp.reset()
    login(testapp, 'class_teacher')  # in the working group
    testapp.get('/documents/regulation-2/', status=200)
    testapp.get('/documents/regulation-3/', status=404)  # still a draft: hidden
    testapp.reset()
    login(testapp, 'teacher')  # not in the working group
    testapp.get('/documents/regulation-2/', status=404)


def test_signed_order_is_frozen_and_amended(testapp, root):
    login(testapp, 'director')
    page = testapp.get(ORDER + '/@@edit', status=303).follow()
    assert 'Start an amendment' in page.text
    testapp.post(ORDER + '/@@amend', {'csrf_token': csrf_token(testapp)}, status=303)
    form = testapp.get(ORDER + '/@@edit').forms['deform']
    form['title'] = 'О введении электронного журнала и дневника в 2012-2013 учебном году'
    form['version_comment'] = 'уточнено название'
    form.submit('save', status=303)
    transaction.begin()
    root._p_jar.sync()
    order = root['documents']['order-2012-od-181']
    assert order.working_copy is not None
    assert order.title.endswith('2012-2013 году')  # the signed text is unchanged
    old_signed = order.signed_version
    transition(testapp, ORDER, 'sign_amendment', 'изменение')
    transaction.begin()
    root._p_jar.sync()
    order = root['documents']['order-2012-od-181']
    assert order.title.endswith('учебном году') and order.number == 181
    assert order.signed_version > old_signed and order.get_version(old_signed).frozen
    assert order.integrity_ok()
    # the sheet opens again for the new version; earlier acknowledgements stay
    assert order.signed_version in order.sheet.due
    history = testapp.get(ORDER + '/@@history', {'a': old_signed, 'b': order.signed_version})
    assert '<ins>учебном' in history.text


def test_history_diff_and_revert_of_a_draft(testapp, root):
    login(testapp, 'director')
    path = '/documents/regulation-1'
    form = testapp.get(path + '/@@edit').forms['deform']
    form['body'] = '<p>Новый текст положения<script>alert(1)</script></p>'
    form.submit('save', status=303)
    transaction.begin()
    root._p_jar.sync()
    regulation = root['documents']['regulation-1']
    assert 'script' not in regulation.body and 'Новый текст' in regulation.body
    page = testapp.get(path + '/@@history', {'a': 1, 'b': 2})
    assert '<ins>' in page.text and 'Новый' in page.text
    testapp.get(path + '/@@history', {'a': 1, 'b': 99}, status=404)
    # the row's button submits its own form (forms cannot nest in the compare form)
    assert page.html.find('button', attrs={'form': 'revert-1'}) is not None
    revert = page.html.find('form', id='revert-1')
    assert revert is not None and revert.find_parent('form') is None
    page.forms['revert-1'].submit(status=303)
    transaction.begin()
    root._p_jar.sync()
    regulation = root['documents']['regulation-1']
    assert len(regulation.versions) == 3 and 'Проект' in regulation.body
    testapp.post(path + '/@@revert', {'version': 'x', 'csrf_token': csrf_token(testapp)},
                 status=400)


def test_form_errors_not_500(as_user):
    app = as_user('director')
    form = app.get('/documents/@@add-order').forms['deform']
    form['title'] = ''
    page = form.submit('save', status=400)
    assert 'Required' in page.text or 'error' in page.text


def test_regulation_approval_needs_signed_order_and_publishing(testapp, root):
    login(testapp, 'director')
    path = '/documents/regulation-1'
    transition(testapp, path, 'submit')
    page = transition(testapp, path, 'approve').follow()
    assert 'alert-danger' in page.text
    form = testapp.get(path + '/@@edit').forms['deform']
    form['approved_by'] = 'order-2012-od-181'
    form.submit('save', status=303)
    transition(testapp, path, 'approve')
    testapp.reset()
    # approved but not yet published: not public
    testapp.get(path + '/@@public', status=303)
    login(testapp, 'director')
    transition(testapp, path, 'publish')
    testapp.reset()
    page = testapp.get(path + '/@@public')
    assert 'Положение об электронном журнале' in page.text
    assert 'Утверждено приказом № 181 от 15.08.2012' in page.text
    assert 'in the edition of' in testapp.get('/').text or 'редакции' in testapp.get('/').text


def test_public_site_leaks_nothing(testapp):
    home = testapp.get('/')
    assert 'О введении электронного журнала' in home.text  # public, signed
    assert 'Положение об электронном журнале' not in home.text  # draft
    page = testapp.get(ORDER + '/@@public')
    assert 'ПРИКАЗЫВАЮ' in page.text and 'С приказом ознакомлены' not in page.text
    assert 'Выгрузка данных в РИД' in page.text  # the appendix
    for path in ('/documents/regulation-1/@@public', '/documents/regulation-1/',
                 '/documents/regulation-1/@@print', '/documents/regulation-1/@@pdf',
                 '/documents/regulation-1/@@public-pdf', ORDER + '/', ORDER + '/@@print',
                 ORDER + '/@@sheet', ORDER + '/@@history', ORDER + '/appendix-1/',
                 '/documents/'):
        response = testapp.get(path, expect_errors=True)
        assert response.status_int in (303, 401, 403, 404), path
        assert 'Проект' not in response.text
    for path in ('/documents/regulation-1', ORDER, ORDER + '/@history',
                 ORDER + '/@acknowledgements', '/documents/regulation-1/@workflow'):
        response = testapp.get(path, headers={'Accept': 'application/json'},
                               expect_errors=True)
        assert response.status_int in (401, 403, 404), path
    testapp.get(ORDER + '/@@public', {'version': '1'}, status=404)  # an unsigned version


def test_non_public_order_is_not_on_the_site(testapp):
    login(testapp, 'director')
    path = new_order(testapp, 'О премировании', public=False)
    transition(testapp, path, 'submit')
    transition(testapp, path, 'sign')
    testapp.reset()
    assert 'О премировании' not in testapp.get('/').text
    testapp.get(path + '/@@public', status=303)


def test_pdf_has_the_order_text(as_user):
    from pypdf import PdfReader
    app = as_user('director')
    response = app.get(ORDER + '/@@pdf')
    assert response.content_type == 'application/pdf'
    text = ''.join(page.extract_text() for page in PdfReader(io.BytesIO(response.body)).pages)
    assert 'ПРИКАЗ' in text and '181' in text and 'ПРИКАЗЫВАЮ' in text
    assert 'Технологическая карта' in text or 'Технологическая' in text
    public = app.get(ORDER + '/@@public-pdf')
    assert public.content_type == 'application/pdf'


def test_print_view_has_sheet_for_office(as_user):
    page = as_user('director').get(ORDER + '/@@print')
    assert 'С приказом ознакомлены' in page.text and 'Петрова' in page.text


def test_attachments_checked_by_content(testapp, root):
    login(testapp, 'director')
    path = '/documents/regulation-1'
    token = csrf_token(testapp)
    testapp.post(path + '/@@attach', {'csrf_token': token},
                 upload_files=[('file', 'evil.pdf', b'MZ\x90\x00 executable')], status=303)
    testapp.post(path + '/@@attach', {'csrf_token': token},
                 upload_files=[('file', 'plan.exe', b'%PDF-1.4\n% test pdf\n')], status=303)
    transaction.begin()
    root._p_jar.sync()
    files = root['documents']['regulation-1'].attachments()
    assert [f.filename for f in files] == ['plan.pdf']
    response = testapp.get(path + '/' + files[0].__name__)
    assert response.headers['X-Content-Type-Options'] == 'nosniff'
    assert response.headers['Content-Disposition'].startswith('attachment')
    assert response.content_type == 'application/pdf'
    testapp.reset()
    testapp.get(path + '/' + files[0].__name__, status=303)  # anonymous: to the login


def test_api_workflow_history_and_acknowledgement(testapp):
    token = api_token(testapp, 'director')
    headers = {'Authorization': 'Bearer ' + token, 'Accept': 'application/json'}
    info = testapp.get(ORDER + '/@workflow', headers=headers).json
    assert info['state']['id'] == 'signed'
    assert any(t['@id'].endswith('/cancel') for t in info['transitions'])
    history = testapp.get(ORDER + '/@history', headers=headers).json
    assert history[0]['frozen'] == 'signed' and len(history[0]['sha256']) == 64
    one = testapp.get(ORDER + '/@history/%d' % history[0]['version'], headers=headers).json
    assert one['content']['number'] == 181
    data = testapp.get(ORDER, headers=headers).json
    assert data['integrity_ok'] is True and data['reference'].startswith('№ 181')
    # regulation workflow through the API
    result = testapp.post_json('/documents/regulation-3/@workflow/submit',
                               {'comment': 'на рассмотрение'}, headers=headers).json
    assert result['state']['id'] == 'review'
    testapp.post_json('/documents/regulation-3/@workflow/nonsense', {}, headers=headers,
                      status=400)
    refused = testapp.post_json('/documents/regulation-3/@workflow/approve', {},
                                headers=headers, status=409)  # guard: no approving order
    assert refused.json['error']['type'] == 'Conflict'  # sound request, the state refuses
    # PATCH on a signed order is refused, on a draft saves a version
    testapp.patch_json(ORDER, {'title': 'x'}, headers=headers, status=409)
    testapp.patch_json('/documents/regulation-4', {'title': 'Положение о ЛВС'},
                       headers=headers, status=204)
    versions = testapp.get('/documents/regulation-4/@history', headers=headers).json
    assert len(versions) == 2
    # the teacher acknowledges through the API
    teacher = {'Authorization': 'Bearer ' + api_token(testapp, 'teacher'),
               'Accept': 'application/json'}
    # the address recorded is the peer's, never what a client says in X-Forwarded-For
    entry = testapp.post_json(ORDER + '/@acknowledge', {},
                              headers={**teacher, 'X-Forwarded-For': '203.0.113.9'},
                              status=201).json
    assert entry['sha256'] == history[0]['sha256']
    assert entry['address'] == '10.0.0.1'
    testapp.post_json(ORDER + '/@acknowledge', {}, headers=teacher, status=409)
    testapp.post_json('/documents/regulation-3/@workflow/retract', {}, headers=teacher,
                      status=404)   # a draft the teacher may not see
    testapp.get(ORDER + '/@acknowledgements', headers=teacher, status=403)
    sheet = testapp.get(ORDER + '/@acknowledgements', headers=headers).json
    assert any(i['userid'] == 'teacher' and i['acknowledged'] for i in sheet['items'])
    # a student may not acknowledge
    student = {'Authorization': 'Bearer ' + api_token(testapp, 'student'),
               'Accept': 'application/json'}
    testapp.post_json(ORDER + '/@acknowledge', {}, headers=student, status=403)


def read_mails(db_dir):
    """The debug mailer's messages, parsed (headers and bodies decoded)."""
    import email
    import email.policy
    mail_dir = os.path.join(str(db_dir), 'mail')
    messages = []
    for name in sorted(os.listdir(mail_dir)):
        with open(os.path.join(mail_dir, name), 'rb') as f:
            messages.append(email.message_from_binary_file(f, policy=email.policy.default))
    return messages


def test_notice_in_the_readers_language_and_mail_in_russian(testapp, db_dir):
    # the English-speaking secretary and director prepare and sign
    login(testapp, 'secretary')
    path = new_order(testapp, 'О проведении педсовета')
    transition(testapp, path, 'submit')
    testapp.reset()
    login(testapp, 'director')
    transition(testapp, path, 'sign')
    testapp.reset()
    login(testapp, 'teacher')
    english = testapp.get('/@@start')
    assert 'Please acknowledge the order № 1 от' in english.text
    testapp.set_cookie('ejportal_lang', 'ru')
    russian = testapp.get('/@@start')
    assert 'Просим ознакомиться с приказом № 1 от' in russian.text
    assert 'Please acknowledge' not in russian.text
    mails = [m for m in read_mails(db_dir) if 'teacher@school4.example' in m['To']]
    assert len(mails) == 1 and mails[0]['Subject'] == 'Приказ для ознакомления'
    body = mails[0].get_body().get_content()
    assert 'Просим ознакомиться с приказом № 1 от' in body and 'О проведении педсовета' in body
    assert 'http://localhost%s' % path in body
    # a reminder from the English interface is Russian in the mail too
    testapp.reset()
    login(testapp, 'director')
    testapp.post(path + '/@@remind', {'csrf_token': csrf_token(testapp)}, status=303)
    bodies = [m.get_body().get_content() for m in read_mails(db_dir)
              if 'teacher@school4.example' in m['To']]
    assert any(b.startswith('Напоминание: просим ознакомиться с приказом № 1') for b in bodies)


PDF = b'%PDF-1.4\n% a test pdf\n'


def attach(testapp, path, filename):
    testapp.post(path + '/@@attach', {'csrf_token': csrf_token(testapp)},
                 upload_files=[('file', filename, PDF)], status=303)


def test_public_page_links_the_files_it_was_signed_with(testapp, root):
    login(testapp, 'director')
    path = '/documents/regulation-1'
    attach(testapp, path, 'polozhenie.pdf')
    form = testapp.get(path + '/@@edit').forms['deform']
    form['approved_by'] = 'order-2012-od-181'
    form.submit('save', status=303)
    for name in ('submit', 'approve', 'publish'):
        transition(testapp, path, name)
    testapp.post(path + '/@@amend', {'csrf_token': csrf_token(testapp)}, status=303)
    attach(testapp, path, 'draft-annex.pdf')  # part of the amendment, not yet approved
    testapp.reset()
    page = testapp.get(path + '/@@public')
    links = {a.text: a['href'] for a in page.html.select('.files a')}
    assert list(links) == ['polozhenie.pdf']
    download = testapp.get(links['polozhenie.pdf'].replace('http://localhost', ''))
    assert download.body == PDF and download.headers['X-Content-Type-Options'] == 'nosniff'
    transaction.begin()
    root._p_jar.sync()
    files = {f.filename: f.__name__ for f in root['documents']['regulation-1'].attachments()}
    testapp.get('%s/%s/@@public' % (path, files['draft-annex.pdf']), status=404)
    login(testapp, 'director')
    transition(testapp, path, 'approve_amendment')  # approved again, then published
    transition(testapp, path, 'publish')
    testapp.reset()
    page = testapp.get(path + '/@@public')
    assert sorted(a.text for a in page.html.select('.files a')) == [
        'draft-annex.pdf', 'polozhenie.pdf']


def test_files_of_drafts_are_never_public(testapp):
    login(testapp, 'director')
    attach(testapp, '/documents/regulation-2', 'draft.pdf')
    page = testapp.get('/documents/regulation-2/')
    href = page.html.select_one('.attachments a')['href'].replace('http://localhost', '')
    testapp.reset()
    response = testapp.get(href.rstrip('/') + '/@@public', expect_errors=True)
    assert response.status_int in (303, 403, 404) and response.body != PDF


def test_appendix_of_files_on_the_public_order(testapp):
    login(testapp, 'director')
    path = new_order(testapp, 'О смете расходов', public=True)
    form = testapp.get(path + '/@@add-appendix').forms['deform']
    assert [v for v, *_r in form['kind'].options] == ['text', 'table', 'file']
    form['kind'] = 'file'
    form['title'] = 'Смета'
    appendix = form.submit('save', status=303).location.replace('http://localhost', '')
    attach(testapp, appendix.rstrip('/'), 'smeta.pdf')
    form = testapp.get(path + '/@@add-appendix').forms['deform']
    form['kind'].force_value('nonsense')
    form['title'] = 'x'
    form.submit('save', status=400)
    transition(testapp, path, 'submit')
    transition(testapp, path, 'sign')
    testapp.reset()
    page = testapp.get(path + '/@@public')
    link = page.html.select_one('#appendix-1 .files a')
    assert link.text == 'smeta.pdf'
    assert testapp.get(link['href'].replace('http://localhost', '')).body == PDF


def test_oversize_and_zip_bomb_uploads_are_refused_with_a_message(testapp, root):
    import io
    import zipfile
    root['settings'].upload_max_mb = 1
    transaction.commit()
    login(testapp, 'director')
    path = '/documents/regulation-1'
    big = b'%PDF-1.4\n' + b'0' * (1024 * 1024 + 10)
    page = testapp.post(path + '/@@attach', {'csrf_token': csrf_token(testapp)},
                        upload_files=[('file', 'big.pdf', big)], status=303).follow()
    assert page.html.find(class_='alert-danger')
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', '<Types/>')
        z.writestr('word/document.xml', '0' * (200 * 1024 * 1024))
    page = testapp.post(path + '/@@attach', {'csrf_token': csrf_token(testapp)},
                        upload_files=[('file', 'bomb.docx', bomb.getvalue())],
                        status=303).follow()
    assert page.html.find(class_='alert-danger')
    transaction.begin()
    root._p_jar.sync()
    assert root['documents']['regulation-1'].attachments() == []

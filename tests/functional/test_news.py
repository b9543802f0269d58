"""The school site's news and events: the public pages and who may write them, the Atom
feed and the iCalendar files, the picture resized on upload, the generic JSON API."""
import io

import icalendar
import pytest
import transaction
from lxml import etree
from PIL import Image

from conftest import api_token, login

ATOM = '{http://www.w3.org/2005/Atom}'
WRITERS = ('admin', 'director', 'deputy', 'secretary')
READERS = ('teacher', 'class_teacher', 'psychologist', 'student', 'parent')
JSON = {'Accept': 'application/json'}


def picture(width, height, fmt='JPEG'):
    out = io.BytesIO()
    Image.new('RGB', (width, height), (30, 90, 140)).save(out, fmt)
    return out.getvalue()


def add_news(testapp, title='Spring concert', upload=None, **fields):
    form = testapp.get('/news/@@add').forms['deform']
    form['title'] = title
    form['description'] = fields.get('description', 'All families are welcome.')
    form['body'] = fields.get('body', 'First paragraph.\n\nSecond paragraph.')
    if upload is not None:
        form['upload'] = upload
    return form.submit('save', status='*')


def publish(testapp, url):
    page = testapp.get(url)
    form = [f for f in page.forms.values() if f.action.endswith('@@workflow')][0]
    return form.submit('transition', value='publish', status=303)


# -- the front page and the public pages ---------------------------------------------

def test_front_page_shows_news_events_and_documents(testapp):
    page = testapp.get('/')
    html = page.html
    assert 'Электронный журнал начинает работу' in page.text
    assert 'Общешкольное родительское собрание' in page.text
    assert 'Documents of the school' in page.text
    assert html.find('meta', attrs={'name': 'description'})['content']
    assert html.find('meta', attrs={'property': 'og:title'})['content']
    assert html.find('link', attrs={'type': 'application/atom+xml'})['href'].endswith(
        '/news/@@feed.atom')
    nav = [a['href'] for a in html.select('nav.main-nav a')]
    assert any(h.endswith('/news/') for h in nav) and any(h.endswith('/events/') for h in nav)
    assert html.find('meta', attrs={'name': 'viewport'})


def test_public_news_pages_have_their_own_title_and_description(testapp):
    listing = testapp.get('/news')
    assert 'Итоги школьного этапа олимпиады' in listing.text
    item = testapp.get('/news/olympiad')
    assert item.html.title.text.startswith('Итоги школьного этапа олимпиады')
    assert item.html.find('meta', attrs={'name': 'description'})['content'].startswith(
        'Поздравляем победителей')
    assert item.html.find('meta', attrs={'property': 'og:type'})['content'] == 'article'
    event = testapp.get('/events/parents-meeting')
    assert 'Актовый зал' in event.text and 'Как войти в электронный дневник' in event.text
    assert event.html.title.text.startswith('Общешкольное родительское собрание')
    assert testapp.get('/events').status_int == 200


def test_front_page_news_come_newest_first_a_page_at_a_time(testapp, root):
    from ejportal.core.content import create
    from ejportal.core.workflow import do_transition
    for n in range(7):
        item = root['news'].add('n%d' % n, create('NewsItem', title='Item number %d' % n))
        do_transition(item, 'publish')
    transaction.commit()
    first = testapp.get('/')
    assert first.text.index('Item number 6') < first.text.index('Item number 5')
    assert 'Item number 1' not in first.text
    older = first.html.find('a', rel='next')['href']
    second = testapp.get(older)
    assert 'Item number 1' in second.text and 'Item number 6' not in second.text
    listing = testapp.get('/news')   # 10 of 10 items: one page
    assert 'Item number 0' in listing.text
    assert testapp.get('/news?page=x').status_int == 200


# -- who may write -------------------------------------------------------------------

@pytest.mark.parametrize('role', WRITERS)
def test_writers_open_the_forms(testapp, role):
    login(testapp, role)
    assert testapp.get('/news/@@add').status_int == 200
    assert testapp.get('/events/@@add').status_int == 200
    assert 'Add a news item' in testapp.get('/news').text


@pytest.mark.parametrize('role', READERS)
def test_others_may_not_write(testapp, role):
    login(testapp, role)
    assert testapp.get('/news/@@add', status=403)
    assert testapp.get('/events/@@add', status=403)
    assert testapp.get('/news/olympiad/@@edit', status=403)
    assert 'Add a news item' not in testapp.get('/news').text


def test_anonymous_is_sent_to_log_in_for_the_forms(testapp):
    response = testapp.get('/news/@@add', status=303)
    assert '@@login' in response.location


def test_a_draft_is_not_found_by_the_public_until_published(testapp):
    login(testapp, 'secretary')
    response = add_news(testapp, upload=('photo.jpg', picture(3000, 2000)))
    assert response.status_int == 303
    url = response.location
    assert testapp.get(url).status_int == 200
    assert 'Spring concert' in testapp.get('/news').text     # the writer sees the draft
    public = type(testapp)(testapp.app, extra_environ=testapp.extra_environ)
    public.get(url, status=404)
    public.get(url + '@@picture', status=404)
    assert 'Spring concert' not in public.get('/news').text
    assert 'Spring concert' not in public.get('/').text
    assert 'Spring concert' not in public.get('/news/@@feed.atom').text
    login(public, 'teacher')
    public.get(url, status=404)
    publish(testapp, url)
    public.reset()
    page = public.get(url)
    assert 'Second paragraph.' in page.text
    assert page.html.find('meta', attrs={'property': 'og:image'})
    assert 'Spring concert' in public.get('/').text
    image = public.get(url + '@@picture')
    assert image.content_type == 'image/jpeg'
    assert Image.open(io.BytesIO(image.body)).size == (1200, 800)


def test_the_picture_is_stored_resized(testapp, root):
    login(testapp, 'director')
    response = add_news(testapp, 'Big photo', upload=('p.png', picture(800, 2400, 'PNG')))
    name = response.location.rstrip('/').rsplit('/', 1)[-1]
    transaction.abort()
    item = root['news'][name]
    with item.picture.open('r') as f:
        stored = Image.open(f)
        stored.load()
    assert stored.size == (400, 1200) == item.picture_size


def test_a_file_that_is_no_picture_is_refused_and_nothing_is_saved(testapp, root):
    login(testapp, 'director')
    before = len(root['news'])
    response = add_news(testapp, 'Not a picture', upload=('x.pdf', b'%PDF-1.4\n%%EOF\n'))
    assert response.status_int == 400
    assert 'A picture must be a JPEG, PNG or GIF image.' in response.text
    transaction.abort()
    assert len(root['news']) == before


def test_editing_and_removing_the_picture(testapp, root):
    login(testapp, 'deputy')
    url = add_news(testapp, upload=('a.gif', picture(50, 40, 'GIF'))).location
    form = testapp.get(url + '@@edit').forms['deform']
    form['title'] = 'Spring concert moved'
    form['remove_picture'] = True
    assert form.submit('save').status_int == 303
    transaction.abort()
    item = root['news'][url.rstrip('/').rsplit('/', 1)[-1]]
    assert item.title == 'Spring concert moved' and item.picture is None


# -- the feed and the calendar --------------------------------------------------------

def test_the_atom_feed_parses_and_lists_the_published_news(testapp):
    response = testapp.get('/news/@@feed.atom')
    assert response.content_type == 'application/atom+xml'
    feed = etree.fromstring(response.body)
    assert feed.tag == ATOM + 'feed'
    titles = [e.findtext(ATOM + 'title') for e in feed.findall(ATOM + 'entry')]
    assert 'Электронный журнал начинает работу' in titles and len(titles) == 3
    for entry in feed.findall(ATOM + 'entry'):
        assert entry.findtext(ATOM + 'id').startswith('http://localhost/news/')
        assert entry.findtext(ATOM + 'updated')


def test_the_calendar_parses_with_icalendar(testapp):
    response = testapp.get('/events/@@calendar.ics')
    assert response.content_type == 'text/calendar'
    calendar = icalendar.Calendar.from_ical(response.body)
    events = [c for c in calendar.walk('VEVENT')]
    assert [str(e['summary']) for e in events] == ['Общешкольное родительское собрание']
    event = events[0]
    assert str(event['location']) == 'Актовый зал, 2 этаж'
    assert event.decoded('dtend') > event.decoded('dtstart')
    one = icalendar.Calendar.from_ical(testapp.get('/events/parents-meeting/@@event.ics').body)
    assert str(one.walk('VEVENT')[0]['uid']) == str(event['uid'])


def test_an_event_form_refuses_an_end_before_the_start(testapp, root):
    login(testapp, 'director')
    form = testapp.get('/events/@@add').forms['deform']
    form['title'] = 'Open day'
    form.set('date', '2030-05-10', index=0)
    form.set('time', '10:00', index=0)
    form.set('date', '2030-05-10', index=1)
    form.set('time', '09:00', index=1)
    response = form.submit('save', status=400)
    assert 'The end comes before the start.' in response.text
    transaction.abort()
    assert 'open-day' not in root['events'] and len(root['events']) == 1


# -- the JSON API ------------------------------------------------------------------------

def test_the_generic_api_creates_and_publishes_news_and_events(testapp):
    headers = dict(JSON, Authorization='Bearer ' + api_token(testapp, 'deputy'))
    created = testapp.post_json('/news/@json', {'@type': 'NewsItem', 'id': 'sports-day',
                                                'title': 'Sports day', 'body': 'Come!'},
                                headers=headers, status=201)
    assert created.json['review_state'] == 'draft'
    testapp.get('/news/sports-day', status=404)
    done = testapp.post_json('/news/sports-day/@workflow/publish', {}, headers=headers)
    assert done.json['state']['id'] == 'published'
    assert 'Sports day' in testapp.get('/news/sports-day').text
    assert testapp.get('/news/sports-day/@json', headers=JSON).json['published']
    testapp.patch_json('/news/sports-day/@json', {'title': 'Sports day!'}, headers=headers,
                       status=204)
    event = testapp.post_json('/events/@json', {'@type': 'Event', 'title': 'Open day',
                                                'start': '2030-05-10T10:00:00',
                                                'kind': 'open_day'},
                              headers=headers, status=201)
    assert event.json['start'] == '2030-05-10T10:00:00'
    draft = event.location
    testapp.get(draft, status=404)                      # a draft: not there for the public
    testapp.get(draft + '@@event.ics', status=404)
    assert 'Open day' not in testapp.get('/events/@@calendar.ics').text
    assert 'Open day' in testapp.get('/events', headers=dict(headers, Accept='text/html')).text
    bad = testapp.post_json('/events/@json', {'@type': 'Event', 'title': 'X', 'start': 'soon',
                                              'kind': 'picnic'}, headers=headers, status=400)
    assert set(bad.json['error']['fields']) == {'start', 'kind'}
    testapp.delete('/news/sports-day/@json', headers=headers, status=204)


@pytest.mark.parametrize('role', ('teacher', 'parent'))
def test_the_api_refuses_news_to_those_who_do_not_write(testapp, role):
    headers = dict(JSON, Authorization='Bearer ' + api_token(testapp, role))
    testapp.post_json('/news/@json', {'@type': 'NewsItem', 'title': 'Mine'},
                      headers=headers, status=403)
    testapp.post_json('/news/olympiad/@workflow/archive', {}, headers=headers, status=403)
    testapp.patch_json('/news/olympiad/@json', {'title': 'x'}, headers=headers, status=403)


def test_an_archived_item_leaves_the_site(testapp):
    login(testapp, 'director')
    page = testapp.get('/news/library-week')
    form = [f for f in page.forms.values() if f.action.endswith('@@workflow')][0]
    form.submit('transition', value='archive', status=303)
    testapp.reset()
    testapp.get('/news/library-week', status=404)
    assert 'Неделя школьной библиотеки' not in testapp.get('/').text


def test_the_school_site_reads_in_russian(testapp):
    testapp.set_cookie('ejportal_lang', 'ru')
    page = testapp.get('/')
    assert 'Ближайшие события' in page.text and 'Все новости' in page.text
    assert 'Полное наименование' in page.text and 'С.А. Кузьмина' in page.text  # requisites
    assert 'Опубликовать на сайте' not in page.text
    login(testapp, 'director')
    testapp.set_cookie('ejportal_lang', 'ru')
    url = add_news(testapp, 'Черновик').location
    assert 'Опубликовать на сайте' in testapp.get(url).text


def test_a_writer_deletes_an_event_from_its_page(testapp, root):
    login(testapp, 'secretary')
    page = testapp.get('/events/parents-meeting')
    form = [f for f in page.forms.values() if f.action.endswith('@@delete')][0]
    assert form.submit().status_int == 303
    transaction.abort()
    assert 'parents-meeting' not in root['events']
    testapp.reset()
    assert 'Delete' not in testapp.get('/news/olympiad').text


def test_the_api_puts_and_removes_the_picture(testapp, root):
    headers = {'Authorization': 'Bearer ' + api_token(testapp, 'secretary'),
               'Accept': 'application/json'}
    done = testapp.post('/news/olympiad/@picture', picture(2400, 600),
                       headers=dict(headers, **{'Content-Type': 'image/jpeg'}))
    assert done.json['picture_size'] == [1200, 300]
    assert Image.open(io.BytesIO(testapp.get('/news/olympiad/@@picture').body)).size == \
        (1200, 300)
    bad = testapp.post('/news/olympiad/@picture', b'<svg/>', headers=headers, status=400)
    assert 'picture' in bad.json['error']['fields']
    empty = testapp.post('/news/olympiad/@picture', b'', headers=headers, status=400)
    assert 'picture' in empty.json['error']['fields']
    testapp.delete('/news/olympiad/@picture', headers=headers, status=204)
    transaction.abort()
    assert root['news']['olympiad'].picture is None
    teacher = {'Authorization': 'Bearer ' + api_token(testapp, 'teacher'),
               'Accept': 'application/json'}
    testapp.post('/news/olympiad/@picture', picture(10, 10), headers=teacher, status=403)

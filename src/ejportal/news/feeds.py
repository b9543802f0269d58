"""The news as an Atom feed (feedgen) and events as iCalendar (icalendar), importable into
phone calendars."""
import datetime

from feedgen.feed import FeedGenerator
from icalendar import Calendar, Event as CalendarEvent

from ejportal.core.files import download_response
from ejportal.site.resources import get_portal

FEED_SIZE = 20
PRODID = '-//ejportal//school site//RU'


def aware(value):
    """A stored time as an instant: naive times are the school's (the server's) clock."""
    if value.tzinfo is None:
        value = value.astimezone()
    return value.astimezone(datetime.timezone.utc)


def atom_feed(request, section, items, picture_url):
    settings = get_portal(request)['settings']
    translate = request.localizer.translate
    feed = FeedGenerator()
    feed.id(request.resource_url(section))
    feed.title('%s — %s' % (translate(section.title), settings.school_name))
    feed.link(href=request.resource_url(section), rel='alternate')
    feed.link(href=request.resource_url(section, '@@feed.atom'), rel='self')
    feed.language(request.locale_name)
    updated = max((aware(item.modified) for item in items), default=aware(section.modified))
    feed.updated(updated)
    for item in reversed(items):    # feedgen puts the last added first
        entry = feed.add_entry()
        url = request.resource_url(item)
        entry.id(url)
        entry.title(item.title)
        entry.link(href=url)
        entry.published(aware(item.date))
        entry.updated(aware(item.modified))
        entry.summary(item.description or item.title)
        if item.body:
            entry.content(item.body, type='text')
        image = picture_url(request, item)
        if image:
            entry.link(href=image, rel='enclosure', type=item.picture_type)
    return feed.atom_str(pretty=False)


def calendar_response(request, events, filename):
    settings = get_portal(request)['settings']
    calendar = Calendar()
    calendar.add('prodid', PRODID)
    calendar.add('version', '2.0')
    calendar.add('method', 'PUBLISH')     # an import, not an invitation to answer
    calendar.add('x-wr-calname', settings.school_name)
    host = request.host.split(':')[0] or 'ejportal'
    for event in sorted(events, key=lambda e: e.start):
        entry = CalendarEvent()
        entry.add('uid', '%s-%s@%s' % (event.__parent__.__name__, event.__name__, host))
        entry.add('dtstamp', aware(event.modified))
        entry.add('dtstart', aware(event.start))
        entry.add('dtend', aware(event.ends()))
        entry.add('summary', event.title)
        if event.place:
            entry.add('location', event.place)
        text = '\n'.join(([event.description] if event.description else [])
                         + event.agenda_items())
        if text:
            entry.add('description', text)
        entry.add('url', request.resource_url(event))
        calendar.add_component(entry)
    return download_response(calendar.to_ical(), filename, 'text/calendar; charset=utf-8',
                             inline=True, cache='public, max-age=300')

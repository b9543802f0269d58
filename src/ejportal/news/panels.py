"""What the news area puts on the public front page: the newest news (a page at a time,
``?news=N``) and the upcoming events."""
from ejportal.i18n import _, format_date, format_datetime
from ejportal.news.listing import (
    FRONT_PAGE_EVENTS, FRONT_PAGE_NEWS, page_of, published_news, upcoming_events)
from ejportal.site.resources import get_portal


def front_page_news(request):
    section = get_portal(request).get('news')
    if section is None:
        return None
    page = page_of(request, published_news(section), FRONT_PAGE_NEWS, name='news')
    items = []
    for item in page['items']:
        picture = None
        if item.picture is not None:
            picture = request.resource_url(item, '@@picture',
                                           query={'v': item.picture_version})
        items.append({'title': item.title, 'url': request.resource_url(item),
                      'note': format_date(item.date), 'summary': item.description,
                      'picture': picture})
    return {'title': _('News'), 'items': items, 'name': 'news',
            'more': {'url': request.resource_url(section), 'title': _('All news')},
            'feed': request.resource_url(section, '@@feed.atom'),
            'prev': page['prev'], 'next': page['next']}


def front_page_events(request):
    section = get_portal(request).get('events')
    if section is None:
        return None
    items = [{'title': event.title, 'url': request.resource_url(event),
              'note': '%s%s' % (format_datetime(event.start),
                                (', ' + event.place) if event.place else '')}
             for event in upcoming_events(section, request)[:FRONT_PAGE_EVENTS]]
    return {'title': _('Upcoming events'), 'items': items, 'name': 'events',
            'more': {'url': request.resource_url(section), 'title': _('The whole calendar')},
            'calendar': request.resource_url(section, '@@calendar.ics'),
            'empty': _('No events are planned.')}

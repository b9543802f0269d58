"""Which news and events a reader sees, in which order, a page at a time."""
import datetime
import math

from ejportal.core.workflow import WorkflowAware
from ejportal.security import VIEW, WRITE_NEWS

NEWS_PAGE = 10
FRONT_PAGE_NEWS = 5
FRONT_PAGE_EVENTS = 5


def visible(obj, request):
    """The workflow's state decides: a published item is everyone's, a draft its writers'."""
    return request.has_permission(VIEW, obj)


def newest_first(items):
    return sorted(items, key=lambda item: item.date, reverse=True)


def published_news(section):
    return newest_first(item for item in section.values()
                        if isinstance(item, WorkflowAware) and item.review_state == 'published')


def news_for(section, request):
    """Published news for the public; every item for those who write for the site."""
    if request.has_permission(WRITE_NEWS, section):
        return newest_first(item for item in section.values() if visible(item, request))
    return published_news(section)


def page_number(request, name='page'):
    try:
        return max(int(request.GET.get(name, 1)), 1)
    except (TypeError, ValueError):
        return 1


def page_of(request, items, size, name='page'):
    """The page ``?page=N`` of ``items`` with links to its neighbours (a number past the
    last shows the last page)."""
    pages = max(math.ceil(len(items) / size), 1)
    number = min(page_number(request, name), pages)
    base = request.path_url

    def link(n):
        return '%s?%s=%d' % (base, name, n) if n > 1 else base
    return {'items': items[(number - 1) * size:number * size], 'number': number,
            'pages': pages, 'total': len(items),
            'prev': link(number - 1) if number > 1 else None,
            'next': link(number + 1) if number < pages else None}


def local_now():
    """The school's wall-clock time, as events are entered."""
    return datetime.datetime.now().replace(microsecond=0)


def upcoming_events(section, request, with_past=False):
    """Events not yet over, soonest first (and, ``with_past``, the rest, latest first):
    the published ones, and on the section's own page for those who write, every one."""
    now = local_now()
    everything = with_past and request.has_permission(WRITE_NEWS, section)
    shown = [e for e in section.values() if e.start is not None and (
        visible(e, request) if everything else e.review_state == 'published')]
    upcoming = sorted((e for e in shown if e.ends() >= now), key=lambda e: e.start)
    if not with_past:
        return upcoming
    past = sorted((e for e in shown if e.ends() < now), key=lambda e: e.start, reverse=True)
    return upcoming, past

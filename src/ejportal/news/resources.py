"""``/news`` and ``/events``: the school site's news items (with a picture) and events
(parents' meetings, open days, consultations), each under the one workflow engine
(``workflows.py``: draft, published, archived)."""
import datetime

from ZODB.blob import Blob

from ejportal.core.content import Resource, content_type
from ejportal.core.events import ObjectModified, notify
from ejportal.core.folder import Folder
from ejportal.core.workflow import WorkflowAware
from ejportal.i18n import _
from ejportal.news.schemas import EventSchema, NewsSchema
from ejportal.security import VIEW, VIEW_PUBLIC, WRITE_NEWS

# the site's news and events are public once published: who may read them may know they exist
PUBLIC_SEEING = (VIEW, VIEW_PUBLIC)


@content_type('NewsSection', _('type-NewsSection', default='News'))
class NewsSection(Folder):
    """``/news``: every news item, newest first on the site."""
    seeing_permissions = PUBLIC_SEEING

    title = _('section-news', default='News')
    structural = True


@content_type('EventsSection', _('type-EventsSection', default='Events'))
class EventsSection(Folder):
    """``/events``: the school's calendar."""
    seeing_permissions = PUBLIC_SEEING

    title = _('section-events', default='Events')
    structural = True


@content_type('NewsItem', _('type-NewsItem', default='News item'), schema=NewsSchema,
              add_permission=WRITE_NEWS, addable_to=('NewsSection',))
class NewsItem(WorkflowAware, Resource):
    seeing_permissions = PUBLIC_SEEING
    body = ''
    published = None        # when it was first published: the date the site shows
    picture = None          # a Blob, already resized (``pictures.resized_picture``)
    picture_type = None
    picture_size = None     # (width, height)
    picture_version = 0     # in the picture's address, so no cache keeps an old one

    @property
    def date(self):
        return self.published or self.created

    def paragraphs(self):
        return [p.strip() for p in (self.body or '').replace('\r\n', '\n').split('\n\n')
                if p.strip()]

    def set_picture(self, data, mime, width, height):
        """Keep ``data`` (a picture already resized) as the item's picture."""
        blob = Blob()
        with blob.open('w') as out:
            out.write(data)
        old = self.picture_size
        self.picture, self.picture_type, self.picture_size = blob, mime, (width, height)
        self.picture_version += 1
        notify(ObjectModified(self, changes={'picture': (old, (width, height))}))

    def remove_picture(self):
        if self.picture is not None:
            old = self.picture_size
            self.picture = self.picture_type = self.picture_size = None
            notify(ObjectModified(self, changes={'picture': (old, None)}))

    def api_extra(self):
        return {'published': self.published,
                'picture': bool(self.picture), 'picture_size': self.picture_size}


@content_type('Event', _('type-Event', default='Event'), schema=EventSchema,
              add_permission=WRITE_NEWS, addable_to=('EventsSection',))
class Event(WorkflowAware, Resource):
    seeing_permissions = PUBLIC_SEEING
    kind = 'other'
    start = None            # naive: the school's wall-clock time
    end = None
    place = ''
    audience = 'everyone'
    agenda = ''
    published = None

    def agenda_items(self):
        return [line.strip() for line in (self.agenda or '').splitlines() if line.strip()]

    def ends(self):
        """When it ends: the given end, else an hour after the start."""
        return self.end or (self.start + datetime.timedelta(hours=1) if self.start else None)

    def api_extra(self):
        return {'published': self.published}

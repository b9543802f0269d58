"""Screens of the school site's news and events: the public pages (a draft or an archived
item is not there for the public: 404), the forms of those who write for the site, the
Atom feed and the iCalendar files."""
import colander
import deform
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ejportal.core.files import download_response
from ejportal.core.forms import FormView, back_on_refusal
from ejportal.core.workflow import current_state, do_transition, transitions_for
from ejportal.i18n import _
from ejportal.news import feeds
from ejportal.news.actions import SetPicture, max_upload_mb, picture_from
from ejportal.news.listing import (
    NEWS_PAGE, news_for, page_of, published_news, upcoming_events, visible)
from ejportal.news.resources import Event, EventsSection, NewsItem, NewsSection
from ejportal.news.schemas import AUDIENCES, EVENT_KINDS, EventSchema, NewsSchema, form_schema
from ejportal.paths import template
from ejportal.security import DELETE, EDIT, VIEW_PUBLIC, WRITE_NEWS
from ejportal.site.content_actions import AddContent, DeleteContent, EditContent
from ejportal.site.resources import get_portal


def page_meta(request, description, image=None, kind='website'):
    """What the layout writes for search engines and link previews (OpenGraph)."""
    return {'description': (description or '')[:300], 'url': request.url.split('?')[0],
            'image': image, 'type': kind}


def shown_or_404(context, request):
    """The public learns nothing of what it may not see: not "forbidden", but not found."""
    if not visible(context, request):
        raise HTTPNotFound()


def state_title(obj):
    state = current_state(obj)
    return state.title if state else ''


def picture_url(request, item):
    if item.picture is None:
        return None
    return request.resource_url(item, '@@picture', query={'v': item.picture_version})


# -- news ------------------------------------------------------------------------------

@view_config(context=NewsSection, permission=VIEW_PUBLIC, renderer=template('news/news.pt'),
             request_method='GET', accept='text/html')
def news_listing(context, request):
    """Newest first, a page at a time; those who write see their drafts and archive too."""
    items = news_for(context, request)
    page = page_of(request, items, NEWS_PAGE)
    translate = request.localizer.translate
    school = get_portal(request)['settings'].school_name
    return {'title': translate(_('News')), 'page': page, 'state_title': state_title,
            'picture_url': picture_url,
            'can_add': request.has_permission(WRITE_NEWS, context),
            'feed_url': request.resource_url(context, '@@feed.atom'),
            'page_meta': page_meta(request, translate(_(
                'news-description', default='News of ${school}', mapping={'school': school})))}


@view_config(context=NewsItem, permission=VIEW_PUBLIC, renderer=template('news/item.pt'),
             request_method='GET', accept='text/html')
def news_item(context, request):
    shown_or_404(context, request)
    image = picture_url(request, context)
    return {'title': context.title, 'state': state_title(context), 'image': image,
            'transitions': transitions_for(context, request),
            'can_edit': request.has_permission(EDIT, context),
            'can_delete': request.has_permission(DELETE, context),
            'page_meta': page_meta(request, context.description or context.title, image,
                                   'article')}


@view_config(context=NewsItem, name='picture', permission=VIEW_PUBLIC, request_method='GET')
def news_picture(context, request):
    shown_or_404(context, request)
    if context.picture is None:
        raise HTTPNotFound()
    with context.picture.open('r') as f:
        body = f.read()
    extension = '.png' if context.picture_type == 'image/png' else '.jpg'
    cache = 'public, max-age=3600' if context.review_state == 'published' else \
        'private, no-cache'
    return download_response(body, (context.__name__ or 'picture') + extension,
                             context.picture_type, inline=True, cache=cache)


@view_config(context=NewsSection, name='feed.atom', permission=VIEW_PUBLIC,
             request_method='GET')
def news_feed(context, request):
    body = feeds.atom_feed(request, context, published_news(context)[:feeds.FEED_SIZE],
                           picture_url)
    response = request.response
    response.body = body
    response.content_type = 'application/atom+xml'
    response.charset = 'utf-8'
    return response


class MemoryTmpStore(dict):
    """deform's upload widget keeps an upload between re-renders here; a picture that
    fails another field is simply chosen again."""

    def preview_url(self, uid):
        return None


@colander.deferred
def deferred_upload(node, kw):
    return deform.widget.FileUploadWidget(MemoryTmpStore(), accept='image/*')


def news_form_schema(editing=False):
    schema = form_schema(NewsSchema)
    schema.add(colander.SchemaNode(
        deform.FileData(), name='picture', title=_('Picture'), missing=None,
        description=_('JPEG, PNG or GIF; made smaller on upload'), widget=deferred_upload))
    if editing:
        schema.add(colander.SchemaNode(colander.Boolean(), name='remove_picture',
                                       title=_('Remove the picture'), missing=False))
    return schema


def read_picture(context, upload):
    """(bytes, type, width, height) of the resized upload, None without one; refused on the
    picture field before anything is saved."""
    if not upload or not upload.get('fp'):
        return None
    with upload['fp'] as fp:    # WebOb's temporary file: closed now, not by the collector
        data = fp.read(max_upload_mb(context) * 1024 * 1024 + 1)
    return picture_from(data, context)


def fields_only(appstruct, schema_class):
    names = {node.name for node in schema_class().children}
    return {k: v for k, v in appstruct.items() if k in names}


@view_config(context=NewsSection, name='add', permission=WRITE_NEWS,
             renderer=template('form.pt'))
class AddNewsView(FormView):
    title = _('New news item')

    def schema_instance(self):
        return news_form_schema()

    def save_success(self, appstruct):
        picture = read_picture(self.context, appstruct.get('picture'))
        item = AddContent(self.context, self.request, 'NewsItem').run(
            fields_only(appstruct, NewsSchema))
        if picture is not None:
            SetPicture(item, self.request).run({'picture': picture})
        self.request.session.flash(_('The draft is saved.'), 'success')
        return HTTPSeeOther(self.request.resource_url(item))


@view_config(context=NewsItem, name='edit', permission=EDIT, renderer=template('form.pt'))
class EditNewsView(FormView):

    @property
    def title(self):
        return _('Edit "${title}"', mapping={'title': self.context.title})

    def schema_instance(self):
        return news_form_schema(editing=True)

    def appstruct(self):
        return {name: getattr(self.context, name) or '' for name in ('title', 'description',
                                                                     'body')}

    def save_success(self, appstruct):
        picture = read_picture(self.context, appstruct.get('picture'))
        EditContent(self.context, self.request).run(fields_only(appstruct, NewsSchema))
        if picture is not None or appstruct.get('remove_picture'):
            SetPicture(self.context, self.request).run({'picture': picture})
        self.request.session.flash(_('Saved.'), 'success')
        return HTTPSeeOther(self.request.resource_url(self.context))


@view_config(context=NewsItem, name='workflow', permission=WRITE_NEWS, request_method='POST',
             decorator=back_on_refusal())
@view_config(context=Event, name='workflow', permission=WRITE_NEWS, request_method='POST',
             decorator=back_on_refusal())
def workflow_action(context, request):
    do_transition(context, request.POST.get('transition', ''), request,
                  comment=request.POST.get('comment', '')[:2000])
    request.session.flash(_('Done: ${state}.', mapping={'state': state_title(context)}),
                          'success')
    return HTTPSeeOther(request.resource_url(context))


@view_config(context=NewsItem, name='delete', permission=DELETE, request_method='POST',
             decorator=back_on_refusal())
@view_config(context=Event, name='delete', permission=DELETE, request_method='POST',
             decorator=back_on_refusal())
def delete_item(context, request):
    section = context.__parent__
    DeleteContent(context, request)()
    request.session.flash(_('Deleted.'), 'success')
    return HTTPSeeOther(request.resource_url(section))


# -- events ----------------------------------------------------------------------------

def event_titles():
    return dict(EVENT_KINDS), dict(AUDIENCES)


@view_config(context=EventsSection, permission=VIEW_PUBLIC,
             renderer=template('news/events.pt'), request_method='GET', accept='text/html')
def events_listing(context, request):
    """Upcoming events soonest first, then the past ones; writers also see drafts."""
    kinds, audiences = event_titles()
    upcoming, past = upcoming_events(context, request, with_past=True)
    translate = request.localizer.translate
    school = get_portal(request)['settings'].school_name
    return {'title': translate(_('Events')), 'upcoming': upcoming, 'past': past[:20],
            'kinds': kinds, 'audiences': audiences, 'state_title': state_title,
            'can_add': request.has_permission(WRITE_NEWS, context),
            'calendar_url': request.resource_url(context, '@@calendar.ics'),
            'page_meta': page_meta(request, translate(_(
                'events-description', default="Parents' meetings, open days and "
                'consultations of ${school}', mapping={'school': school})))}


@view_config(context=Event, permission=VIEW_PUBLIC, renderer=template('news/event.pt'),
             request_method='GET', accept='text/html')
def event_page(context, request):
    shown_or_404(context, request)
    kinds, audiences = event_titles()
    return {'title': context.title, 'state': state_title(context),
            'kind': kinds.get(context.kind, ''), 'audience': audiences.get(context.audience, ''),
            'transitions': transitions_for(context, request),
            'can_edit': request.has_permission(EDIT, context),
            'can_delete': request.has_permission(DELETE, context),
            'ics_url': request.resource_url(context, '@@event.ics'),
            'page_meta': page_meta(request, context.description or context.title,
                                   kind='article')}


@view_config(context=Event, name='event.ics', permission=VIEW_PUBLIC, request_method='GET')
def event_ics(context, request):
    shown_or_404(context, request)
    return feeds.calendar_response(request, [context], context.__name__ + '.ics')


@view_config(context=EventsSection, name='calendar.ics', permission=VIEW_PUBLIC,
             request_method='GET')
def calendar_ics(context, request):
    events = [e for e in context.values() if e.review_state == 'published']
    return feeds.calendar_response(request, events, 'calendar.ics')


class EventForm(FormView):

    def schema_instance(self):
        return form_schema(EventSchema)


@view_config(context=EventsSection, name='add', permission=WRITE_NEWS,
             renderer=template('form.pt'))
class AddEventView(EventForm):
    title = _('New event')

    def save_success(self, appstruct):
        event = AddContent(self.context, self.request, 'Event').run(appstruct)
        self.request.session.flash(_('The draft is saved.'), 'success')
        return HTTPSeeOther(self.request.resource_url(event))


@view_config(context=Event, name='edit', permission=EDIT, renderer=template('form.pt'))
class EditEventView(EventForm):

    @property
    def title(self):
        return _('Edit "${title}"', mapping={'title': self.context.title})

    def appstruct(self):
        return {node.name: (colander.null if getattr(self.context, node.name) is None
                            else getattr(self.context, node.name))
                for node in EventSchema().children}

    def save_success(self, appstruct):
        EditContent(self.context, self.request).run(appstruct)
        self.request.session.flash(_('Saved.'), 'success')
        return HTTPSeeOther(self.request.resource_url(self.context))

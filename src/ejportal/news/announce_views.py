"""The announcements' screens and JSON doors, thin over ``actions.SendAnnouncement`` and
``ReadAnnouncement``: the list of one's own, the form to write one, an announcement (read
by opening it; its author sees who has read it), and the start page's panel."""
import deform
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ejportal.core.forms import FormView
from ejportal.core.jsonapi import json_body
from ejportal.core.responses import json_response, jsonable
from ejportal.core.traversal import JSON_VIEW
from ejportal.i18n import _, format_date
from ejportal.news.actions import ReadAnnouncement, SendAnnouncement
from ejportal.news.announcements import Announcement, Announcements
from ejportal.news.audience import audiences_for
from ejportal.news.schemas import AnnouncementSchema, form_schema
from ejportal.paths import template
from ejportal.security import READ_ANNOUNCEMENTS, SEE_ANNOUNCEMENT_READS, SEND_ANNOUNCEMENTS
from ejportal.site.resources import get_portal

PANEL_SIZE = 5


def name_of(request):
    """A person's name by login (the login itself for an account since removed)."""
    users = get_portal(request)['people']['users']

    def name(login):
        user = users.get(login)
        return user.fullname if user is not None else login
    return name


def announcement_json(request, announcement):
    """What the caller may know of ``announcement``: a recipient whether they have read
    it, its author who has (by name) and who has not."""
    userid = request.user.__name__
    data = {'@id': request.resource_url(announcement).rstrip('/'), '@type': 'Announcement',
            'id': announcement.__name__, 'title': announcement.title,
            'body': announcement.body, 'author': announcement.author_name,
            'audience': announcement.audience,
            'audience_title': announcement.audience_title,
            'created': announcement.created}
    if announcement.is_recipient(userid):
        data['read'] = announcement.is_read(userid)
    if request.has_permission(SEE_ANNOUNCEMENT_READS, announcement):
        read, unread = announcement.read_list(name_of(request))
        data['recipients'] = announcement.recipient_count()
        data['read_count'] = len(read)
        data['reads'] = {'read': [{'name': name, 'time': time} for _l, name, time in read],
                         'unread': [{'name': name} for _l, name in unread]}
    return data


def list_item_json(request, announcement):
    data = announcement_json(request, announcement)
    data.pop('reads', None)
    return data


# -- the section ---------------------------------------------------------------------------

@view_config(context=Announcements, permission=READ_ANNOUNCEMENTS, request_method='GET',
             renderer=template('news/announcements.pt'))
def listing(context, request):
    userid = request.user.__name__
    received = [(a, a.is_read(userid)) for a in context.received_by(userid)]
    can_send = request.has_permission(SEND_ANNOUNCEMENTS, context)
    return {'title': _('Announcements'), 'received': received,
            'unread': sum(1 for _a, read in received if not read),
            'sent': context.sent_by(userid) if can_send else [], 'can_send': can_send}


@view_config(context=Announcements, name=JSON_VIEW, permission=READ_ANNOUNCEMENTS,
             request_method='GET')
def listing_json(context, request):
    """The caller's announcements, newest first, each with whether they have read it
    (``items``); and those they sent (``sent``), each with how many have read it."""
    userid = request.user.__name__
    items = [list_item_json(request, a) for a in context.received_by(userid)]
    sent = [list_item_json(request, a) for a in context.sent_by(userid)]
    return json_response(jsonable({
        '@id': request.resource_url(context).rstrip('/'), 'items': items,
        'items_total': len(items), 'unread': sum(1 for i in items if not i['read']),
        'sent': sent}, request.localizer))


@view_config(context=Announcements, name=JSON_VIEW, permission=SEND_ANNOUNCEMENTS,
             request_method='POST')
def send_json(context, request):
    announcement = SendAnnouncement(context, request)(json_body(request))
    response = json_response(jsonable(announcement_json(request, announcement),
                                      request.localizer), 201)
    response.location = request.resource_url(announcement)
    return response


@view_config(context=Announcements, name='write', permission=SEND_ANNOUNCEMENTS,
             renderer=template('form.pt'))
class WriteAnnouncement(FormView):
    title = _('New announcement')
    buttons = (deform.Button('save', _('Send')),)

    def schema_instance(self):
        return form_schema(AnnouncementSchema)

    def appstruct(self):
        choices = audiences_for(self.request, self.context)
        return {'audience': choices[0][0]} if len(choices) == 1 else {}

    def save_success(self, appstruct):
        announcement = SendAnnouncement(self.context, self.request).run(appstruct)
        self.request.session.flash(_('announce-sent', default='Sent to ${count} people.',
                                     mapping={'count': announcement.recipient_count()}),
                                   'success')
        return HTTPSeeOther(self.request.resource_url(announcement))


# -- an announcement -----------------------------------------------------------------------

@view_config(context=Announcement, permission=READ_ANNOUNCEMENTS, request_method='GET',
             renderer=template('news/announcement.pt'))
def announcement_page(context, request):
    """Opening it is reading it."""
    ReadAnnouncement(context, request).run({})
    reads = request.has_permission(SEE_ANNOUNCEMENT_READS, context)
    read, unread = context.read_list(name_of(request)) if reads else ((), ())
    return {'title': context.title, 'reads': reads, 'read': read, 'unread': unread}


@view_config(context=Announcement, name=JSON_VIEW, permission=READ_ANNOUNCEMENTS,
             request_method='GET')
def announcement_get_json(context, request):
    ReadAnnouncement(context, request).run({})
    return json_response(jsonable(announcement_json(request, context), request.localizer))


# -- the start page ------------------------------------------------------------------------

def announcements_panel(request):
    """The newest announcements to the user, the unread marked and counted; for those who
    write, the way to write one."""
    user = request.user
    section = get_portal(request).get('announcements')
    if user is None or section is None:
        return None
    userid = user.__name__
    received = section.received_by(userid)
    can_send = request.has_permission(SEND_ANNOUNCEMENTS, section)
    if not received and not can_send:
        return None
    unread = sum(1 for a in received if not a.is_read(userid))
    translate = request.localizer.translate
    items = []
    for announcement in received[:PANEL_SIZE]:
        state = _('announce-read', default='read') if announcement.is_read(userid) else \
            _('announce-unread', default='new')
        items.append({'title': announcement.title, 'url': request.resource_url(announcement),
                      'note': '%s, %s — %s' % (format_date(announcement.created),
                                               announcement.author_name, translate(state))})
    items.append({'title': translate(_('All announcements')),
                  'url': request.resource_url(section)})
    if can_send:
        items.append({'title': translate(_('New announcement')),
                      'url': request.resource_url(section, '@@write')})
    title = _('announce-panel-unread', default='Announcements: ${count} unread',
              mapping={'count': unread}) if unread else _('Announcements')
    return {'title': title, 'items': items, 'name': 'announcements'}

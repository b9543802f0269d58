"""The news area's changes as one action each, for the forms and the JSON API alike: the
news item's picture, and sending an announcement."""
from ejportal.core.actions import Action
from ejportal.core.audit import record
from ejportal.core.content import create, find_root
from ejportal.core.errors import Forbidden, Invalid
from ejportal.core.mail import send
from ejportal.core.uploads import UploadRefused
from ejportal.i18n import _
from ejportal.news.audience import audiences_for, known_audience, recipients
from ejportal.news.pictures import resized_picture
from ejportal.news.schemas import AnnouncementSchema
from ejportal.security import EDIT, SEND_ANNOUNCEMENTS

NO_PICTURE = _('Send the picture as the body (JPEG, PNG or GIF).')


def max_upload_mb(context):
    return find_root(context)['settings'].upload_max_mb


def picture_from(data, context):
    """``(bytes, type, width, height)`` of the picture made from the upload ``data`` (None
    for no data); refused with ``UploadRefused`` on the field ``picture``."""
    if not data:
        return None
    try:
        return resized_picture(data, max_upload_mb(context))
    except UploadRefused as refused:
        raise UploadRefused(refused.message, {'picture': refused.message})


class SetPicture(Action):
    """``SetPicture(item, request)(data)`` keeps the picture made from the upload ``data``
    (bytes: resized, its camera data dropped); ``run({'picture': None})`` removes it. A form
    that made the picture first (before the item existed) calls ``run({'picture': made})``."""

    permission = EDIT

    def deserialize(self, data):
        if not isinstance(data, bytes) or not data:
            raise UploadRefused(NO_PICTURE, {'picture': NO_PICTURE})
        return {'picture': picture_from(data, self.context)}

    def perform(self, appstruct):
        picture = appstruct.get('picture')
        if picture is None:
            self.context.remove_picture()
        else:
            self.context.set_picture(*picture)
        return self.context.picture_size


NOT_YOUR_CLASS = _('announce-not-yours', default='You may write only to the parents of your '
                   'own class.')


class SendAnnouncement(Action):
    """``SendAnnouncement(section, request)(data)``: the announcement to the audience the
    author may address (``audience.audiences_for``), kept with its recipients, mailed to
    those of them who have an address (one message each: no one sees the others'
    addresses), audited. Returns the announcement."""

    permission = SEND_ANNOUNCEMENTS
    schema = AnnouncementSchema
    system_allowed = False   # an announcement has an author

    def check(self, appstruct):
        key = appstruct['audience']
        choices = dict(audiences_for(self.request, self.context))
        if key not in choices:
            if known_audience(self.context.__parent__, key):
                raise Forbidden(NOT_YOUR_CLASS, {'audience': NOT_YOUR_CLASS})
            message = _('announce-no-audience', default='Choose whom to write to from the list.')
            raise Invalid(message, {'audience': message})
        self.audience_title = choices[key]
        self.recipients = recipients(self.context.__parent__, key)
        if not self.recipients:
            message = _('announce-nobody', default='No one is in this audience yet.')
            raise Invalid(message, {'audience': message})

    def perform(self, appstruct):
        request, user = self.request, self.request.user
        translate = request.localizer.translate
        announcement = create('Announcement', title=appstruct['title'],
                              body=appstruct['body'], audience=appstruct['audience'],
                              audience_title=translate(self.audience_title),
                              author=user.__name__, author_name=user.fullname)
        announcement.set_recipients(self.recipients)
        section = self.context
        section.add(section.name_for(announcement), announcement)
        announcement.mailed = self.mail(announcement)
        record(announcement, 'announcement-sent', {
            'audience': announcement.audience_title,
        'recipients': announcement.recipient_count(),
            'mailed': announcement.mailed})
        return announcement

    def mail(self, announcement):
        request = self.request
        users = find_root(self.context)['people']['users']
        subject = _('announce-mail-subject', default='Announcement: ${title}',
                    mapping={'title': announcement.title})
        body = _('announce-mail-body', default='${body}\n\n${author}\n\nOn the portal: ${url}',
                 mapping={'body': announcement.body, 'author': announcement.author_name,
                          'url': request.resource_url(announcement)})
        mailed = 0
        for login in announcement.recipients:
            email = getattr(users.get(login), 'email', '')
            if email and send(request, [email], subject, body):
                mailed += 1
        return mailed


class ReadAnnouncement(Action):
    """A recipient opens the announcement: it is read (the first time counts)."""

    permission = None    # the view's READ_ANNOUNCEMENTS, and a recipient's only

    def perform(self, appstruct):
        return self.context.mark_read(self.request.user.__name__)

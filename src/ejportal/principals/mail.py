"""Mail about a user's own account."""
from ejportal.core.mail import send
from ejportal.i18n import _


def send_new_device_notice(request, user, text):
    return send(request, [user.email], _('A login from a new device'), text)

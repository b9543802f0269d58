"""Mail to users through pyramid_mailer (development writes messages to a folder)."""
from pyramid_mailer import get_mailer
from pyramid_mailer.message import Message


def send(request, recipients, subject, body):
    recipients = [r for r in recipients if r]
    if not recipients:
        return False
    sender = request.registry.settings.get('mail.default_sender', 'portal@school.local')
    message = Message(subject=request.localizer.translate(subject), sender=sender,
                      recipients=recipients, body=request.localizer.translate(body))
    get_mailer(request).send(message)  # sent when the transaction commits
    return True

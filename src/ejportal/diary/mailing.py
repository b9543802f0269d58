"""Parents' report subscriptions: ``send_due_reports`` mails each subscribed parent the
progress report of the last complete week (weekly) or month (monthly), once.

Idempotent: each (parent, child, report key) is written to the student's file in the same
transaction that hands the message to the (transactional) mailer, so running it again — from
cron, twice a night, or after a crash — sends nothing twice."""
import datetime

from pyramid_mailer.message import Message

from ejportal.diary.report import report_data, xlsx_bytes
from ejportal.diary.resources import student_file


def due_period(frequency, today):
    """(key, start, end) of the last complete week or month before ``today``."""
    if frequency == 'weekly':
        monday = today - datetime.timedelta(days=today.weekday() + 7)
        iso = monday.isocalendar()
        return 'W%d-%02d' % (iso[0], iso[1]), monday, monday + datetime.timedelta(days=6)
    first = today.replace(day=1)
    end = first - datetime.timedelta(days=1)
    start = end.replace(day=1)
    return 'M%d-%02d' % (start.year, start.month), start, end


def _mailer_of(request_or_mailer):
    if hasattr(request_or_mailer, 'registry'):
        from pyramid_mailer import get_mailer
        return get_mailer(request_or_mailer), request_or_mailer
    return request_or_mailer, None


def report_text(data):
    lines = ['%s: %s' % (data['student_name'], data['class_title']),
             '%s — %s' % (data['start_text'], data['end_text']), '']
    for row in data['rows']:
        lines.append('%s: %s (%s)%s' % (row['subject'], row['marks'] or '—', row['average'],
                                        ', пропусков: %d' % row['absent'] if row['absent']
                                        else ''))
    lines.append('')
    lines.append('Пропущено уроков: %d' % data['absences_total'])
    return '\n'.join(lines)


def send_due_reports(portal, request_or_mailer, today=None, sender=None):
    """Send every due subscription report; returns [(parent login, student id, key)] sent.
    ``request_or_mailer``: a request (its mailer) or a pyramid_mailer mailer. The caller
    commits (the messages go out with the commit when the mailer is transactional)."""
    today = today or datetime.date.today()
    mailer, request = _mailer_of(request_or_mailer)
    if sender is None:
        settings = request.registry.settings if request is not None else {}
        sender = settings.get('mail.default_sender', 'portal@school.local')
    users = portal['people']['users']
    sent = []
    for student in portal['journal']['students'].values():
        file = student.diary
        if file is None or not file.subscriptions:
            continue
        for login, frequency in sorted(file.subscriptions.items()):
            key, start, end = due_period(frequency, today)
            if (login, key) in file.reports_sent:
                continue
            user = users.get(login)
            if user is None or not user.enabled or not user.email \
                    or login not in student.parents:
                continue
            data = report_data(None, student, start, end, portal=portal)
            message = Message(
                subject='Отчёт об успеваемости и посещаемости: %s, %s — %s' % (
                    student.short_name, data['start_text'], data['end_text']),
                sender=sender, recipients=[user.email], body=report_text(data))
            from pyramid_mailer.message import Attachment
            message.attach(Attachment('report.xlsx', 'application/vnd.openxmlformats-'
                                      'officedocument.spreadsheetml.sheet',
                                      xlsx_bytes(None, data)))
            mailer.send(message)
            student_file(student).reports_sent[(login, key)] = datetime.datetime.now(
                datetime.timezone.utc)
            sent.append((login, student.__name__, key))
    return sent


def reports_job(portal, log, settings):
    """The scheduled job ``reports``: the parents' due report e-mails."""
    from pyramid.threadlocal import get_current_registry
    from pyramid_mailer import get_mailer
    sent = send_due_reports(portal, get_mailer(get_current_registry()),
                            sender=settings.get('mail.default_sender'))
    for parent, student, key in sent:
        log.write('%s %s %s\n' % (parent, student, key))
    return 'reports sent: %d' % len(sent)

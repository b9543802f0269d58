"""The audit log in the reader's words: a title for every action the portal records, and an
entry's details as "field: value" text with people, students and states named rather than
their ids. The log itself keeps the codes (they are what its filter and CSV export use)."""
import datetime

from ejportal.core.content import item_at
from ejportal.core.workflow import get_workflow
from ejportal.i18n import _, translate
from ejportal.security import LOCAL_ROLES, may_see
from ejportal.site.names import person_name, principal_name
from ejportal.site.resources import get_portal

ACTION_TITLES = {
    'absence': _('audit-absence', default='Absence recorded'),
    'acknowledge': _('audit-acknowledge', default='Acknowledged'),
    'archive': _('audit-archive', default='Archived'),
    'cell': _('audit-cell', default='Mark or attendance changed'),
    'correction-request': _('audit-correction-request', default='Correction requested'),
    'correction-approved': _('audit-correction-approved', default='Correction approved'),
    'correction-rejected': _('audit-correction-rejected', default='Correction rejected'),
    'create': _('audit-create', default='Created'),
    'delete': _('audit-delete', default='Deleted'),
    'edit': _('audit-edit', default='Edited'),
    'enrol': _('audit-enrol', default='Enrolled'),
    'family-data': _('audit-family-data', default='Student and family data changed'),
    'journal-comment': _('audit-journal-comment', default='Comment on the journal'),
    'leave': _('audit-leave', default='Left the class'),
    'lesson-add': _('audit-lesson-add', default='Lesson added'),
    'lesson-edit': _('audit-lesson-edit', default='Lesson changed'),
    'lesson-files': _('audit-lesson-files', default='Homework files changed'),
    'lesson-remove': _('audit-lesson-remove', default='Lesson removed'),
    'lessons-schedule': _('audit-lessons-schedule', default='Lessons created from the timetable'),
    'login': _('audit-login', default='Logged in'),
    'login-failed': _('audit-login-failed', default='Failed login'),
    'login-throttled': _('audit-login-throttled', default='Login refused: too many attempts'),
    'logins-issued': _('audit-logins-issued', default='Logins issued'),
    'logout': _('audit-logout', default='Logged out'),
    'move': _('audit-move', default='Moved'),
    'password-changed': _('audit-password-changed', default='Password changed'),
    'password-reset': _('audit-password-reset', default='Password reset'),
    'period-close': _('audit-period-close', default='Period closed'),
    'period-mark': _('audit-period-mark', default='Period mark'),
    'period-reopen': _('audit-period-reopen', default='Period reopened'),
    'plan-edit': _('audit-plan-edit', default='Lesson plan changed'),
    'plan-import': _('audit-plan-import', default='Lesson plan imported'),
    'people-import': _('audit-people-import', default='People and classes imported'),
    'plan-step': _('audit-plan-step', default='Plan step marked'),
    'plan-topics': _('audit-plan-topics', default='Topics filled from the plan'),
    'remark': _('audit-remark', default='Remark'),
    'remind': _('audit-remind', default='Reminder sent'),
    'report-subscription': _('audit-report-subscription', default='Report subscription changed'),
    'restore': _('audit-restore', default='Restored from the archive'),
    'session-ended': _('audit-session-ended', default='Session ended'),
    'sessions-ended': _('audit-sessions-ended', default='Sessions ended'),
    'sharing': _('audit-sharing', default='Sharing changed'),
    'subgroup-add': _('audit-subgroup-add', default='Subgroup added'),
    'subgroups': _('audit-subgroups', default='Subgroups changed'),
    'totp-enabled': _('audit-totp-enabled', default='Second factor turned on'),
    'totp-reset': _('audit-totp-reset', default='Second factor reset'),
    'workflow': _('audit-workflow', default='Workflow step'),
    'acknowledgement-added': _('audit-acknowledgement-added', default='Added to an acknowledgement sheet'),
    'book-entry-add': _('audit-book-entry-add', default='Reference book entry added'),
    'book-entry-delete': _('audit-book-entry-delete', default='Reference book entry deleted'),
    'book-entry-edit': _('audit-book-entry-edit', default='Reference book entry changed'),
    'book-entry-retire': _('audit-book-entry-retire', default='Reference book entry retired'),
    'check-close': _('audit-check-close', default='Journal check closed'),
    'check-fix': _('audit-check-fix', default='Journal check answered: fixed'),
    'check-open': _('audit-check-open', default='Journal check written'),
    'check-reopen': _('audit-check-reopen', default='Journal check reopened'),
    'consent-registered': _('audit-consent-registered', default='Consent registered'),
    'consent-withdrawn': _('audit-consent-withdrawn', default='Consent withdrawn'),
    'edition-made': _('audit-edition-made', default='Paper journal edition frozen'),
    'job-run': _('audit-job-run', default='Scheduled job run'),
    'login-failures': _('audit-login-failures', default='Further failed logins'),
    'login-parallel': _('audit-login-parallel', default='Staff login from two places at once'),
    'login-shared-place': _('audit-login-shared-place', default='Staff login where students log in'),
    'personal-data-clearance-ended': _('audit-personal-data-clearance-ended', default='Left '
                                       'the staff authorised to process personal data'),
    'plan-step-done': _('audit-plan-step-done', default='Plan step done'),
    'plan-step-reopened': _('audit-plan-step-reopened', default='Plan step reopened'),
    'read-log-pruned': _('audit-read-log-pruned', default='Old reads of personal data '
                         'forgotten'),
    'survey-answer': _('audit-survey-answer', default='Survey answered'),
    'question-answer': _('audit-question-answer', default='Question answered or slot proposed'),
    'undertaking-confirm': _('audit-undertaking-confirm', default='Undertaking confirmed'),
    'announcement-sent': _('audit-announcement-sent', default='Announcement sent'),
}

FIELD_TITLES = {
    'action': _('audit-field-action', default='action'),
    'attendance': _('audit-field-attendance', default='attendance'),
    'by': _('audit-field-by', default='by'),
    'changes': _('audit-field-changes', default='changes'),
    'check': _('audit-field-check', default='check'),
    'class': _('audit-field-class', default='class'),
    'comment': _('audit-field-comment', default='comment'),
    'fields': _('audit-field-fields', default='fields'),
    'from': _('audit-field-from', default='from'),
    'kind': _('audit-field-kind', default='kind'),
    'lesson': _('audit-field-lesson', default='lesson'),
    'login': _('audit-field-login', default='login'),
    'marks': _('audit-field-marks', default='marks'),
    'new': _('audit-field-new', default='new'),
    'note': _('audit-field-note', default='note'),
    'number': _('audit-field-number', default='number'),
    'old': _('audit-field-old', default='old'),
    'people': _('audit-field-people', default='people'),
    'period': _('audit-field-period', default='period'),
    'principal': _('audit-field-principal', default='who'),
    'reason': _('audit-field-reason', default='reason'),
    'sessions_ended': _('audit-field-sessions-ended', default='sessions ended'),
    'start': _('audit-field-start', default='start'),
    'step': _('audit-field-step', default='step'),
    'student': _('audit-field-student', default='student'),
    'subject': _('audit-field-subject', default='subject'),
    'teacher': _('audit-field-teacher', default='teacher'),
    'text': _('audit-field-text', default='text'),
    'title': _('audit-field-title', default='title'),
    'to': _('audit-field-to', default='to'),
    'transition': _('audit-field-transition', default='transition'),
    'covers': _('audit-field-covers', default='for whom'),
    'forgotten': _('audit-field-forgotten', default='forgotten'),
    'group': _('audit-field-group', default='group'),
    'person': _('audit-field-person', default='person'),
    'scan': _('audit-field-scan', default='scan'),
    'scope': _('audit-field-scope', default='scope'),
    'source': _('audit-field-source', default='source'),
    'user': _('audit-field-user', default='user'),
    'years': _('audit-field-years', default='years'),
    'version': _('audit-field-version', default='version'),
    'audience': _('audit-field-audience', default='to whom'),
    'recipients': _('audit-field-recipients', default='recipients'),
    'mailed': _('audit-field-mailed', default='sent by e-mail'),
}
BY_TITLES = {'console': _('audit-by-console', default='the console'),
             'class teacher': _('audit-by-class-teacher', default='the class teacher')}
# fields that hold a login, a principal, a student's id
PEOPLE_FIELDS = {'login', 'people', 'logins', 'teacher', 'person', 'user'}
STUDENT_FIELDS = {'student'}
# long or technical values the screen leaves to the CSV export
HIDDEN_FIELDS = {'sha256', 'user_agent'}


def action_title(action):
    return ACTION_TITLES.get(action, action)


class DetailsText:
    """An entry's details for reading, in ``request``'s language."""

    def __init__(self, request):
        self.request = request
        self.portal = get_portal(request)
        self.translate = request.localizer.translate

    def __call__(self, entry):
        details = entry.get('details') or {}
        if not isinstance(details, dict):
            return self.value(details)
        workflow = self.workflow_at(entry.get('path')) if entry.get('action') == 'workflow' \
            else None
        parts = []
        for key, value in sorted(details.items()):
            if key in HIDDEN_FIELDS or value in (None, '', [], {}):
                continue
            if workflow is not None and key in ('from', 'to') and value in workflow.states:
                text = self.translate(workflow.states[value].title)
            elif workflow is not None and key == 'transition' and value in workflow.transitions:
                text = self.translate(workflow.transitions[value].title)
            else:
                text = self.value(value, key)
            parts.append('%s: %s' % (self.translate(FIELD_TITLES.get(key, key)), text))
        return '; '.join(parts)

    def value(self, value, key=''):
        if isinstance(value, dict):
            return ', '.join('%s: %s' % (self.translate(FIELD_TITLES.get(k, k)),
                                         self.value(v, k))
                             for k, v in sorted(value.items()) if k not in HIDDEN_FIELDS)
        if isinstance(value, (list, tuple)):
            return ', '.join(self.value(v, key) for v in value) or '—'
        if isinstance(value, bool):
            return self.translate(_('audit-yes', default='yes') if value
                                  else _('audit-no', default='no'))
        if isinstance(value, str):
            if key == 'by' and value in BY_TITLES:
                return self.translate(BY_TITLES[value])
            if key in PEOPLE_FIELDS:
                return translate(self.request.localizer, person_name(self.request, value))
            if ':' in value and value.split(':', 1)[0] in ('user', 'group'):
                return translate(self.request.localizer, principal_name(self.request, value))
            if key in ('old', 'new') and value in LOCAL_ROLES:
                return self.translate(LOCAL_ROLES[value])
            if key in STUDENT_FIELDS or key == 'new' or key == 'old' or key.isdigit():
                student = self.student(value)
                if student is not None:
                    return student.fullname
            return value
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        return str(value)

    def place(self, path):
        """The title of the object at ``path`` (a student's name, an order's title), or the
        path where nothing with a title is there (any more) or where the reader may not
        know the object (a family's question to its teacher: ``security.may_see``)."""
        obj = item_at(self.portal, path or '') if path and path.startswith('/') else None
        title = getattr(obj, 'title', None) if obj is not None and obj is not self.portal \
            and may_see(self.request, obj) else None
        return self.translate(title) if title else path

    def student(self, sid):
        students = item_at(self.portal, '/journal/students')
        try:
            return students.get(sid) if students is not None and len(sid) < 40 else None
        except TypeError:
            return None

    def workflow_at(self, path):
        obj = item_at(self.portal, path or '')
        return get_workflow(obj) if obj is not None else None

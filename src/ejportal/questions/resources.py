"""``/questions``: questions, consultations and support requests, each a conversation of
its asker with its addressees (a user, or a role: the psychologist, the administration, the
system administrator) under the one workflow engine (``workflows.py``).

Who sees an item is decided by its state's permissions, which name the asker (OWNER) and
``@addressees``: no one else learns that it exists (404), whatever their global role."""
import secrets

from pyramid.authorization import Allow, Authenticated

from ejportal.core.content import Resource, content_type
from ejportal.core.folder import Folder
from ejportal.core.workflow import WorkflowAware
from ejportal.i18n import _
from ejportal.security import ASK_QUESTION, VIEW

KINDS = ('question', 'consultation')
# whom a question goes to; 'support' is the system administrator (a support request)
ADDRESSEES = ('class_teacher', 'teacher', 'psychologist', 'administration', 'support')
ADDRESSEE_TITLES = {
    'class_teacher': _('q-to-class_teacher', default='The class teacher'),
    'teacher': _('q-to-teacher', default='A subject teacher'),
    'psychologist': _('q-to-psychologist', default='The psychologist'),
    'administration': _('q-to-administration', default='The administration'),
    'support': _('q-to-support', default='Technical support (the system administrator)'),
}
# the addressees that are roles, not one person
ROLE_ADDRESSEES = {
    'psychologist': ('role:psychologist',),
    'administration': ('role:director', 'role:deputy'),
    'support': ('role:admin',),
}
# the states in which an item waits for its addressee
WAITING = ('new', 'requested')
OPEN_STATES = ('new', 'answered', 'requested', 'scheduled')


@content_type('Questions', _('type-Questions', default='Questions'))
class Questions(Folder):
    """Everyone logged in asks here and finds their own items; the administrator reads the
    support requests' list."""
    title = _('Questions and consultations')
    structural = True
    seeing_permissions = (VIEW, ASK_QUESTION)
    __acl__ = [(Allow, Authenticated, ASK_QUESTION)]

    def new_name(self, prefix):
        """A random name: a sequence would tell how many others have asked."""
        name = '%s-%s' % (prefix, secrets.token_hex(5))
        while name in self:
            name = '%s-%s' % (prefix, secrets.token_hex(5))
        return name


class Inquiry(WorkflowAware, Resource):
    """What a question and a consultation share: asked by ``creator`` to ``addressees``
    (principals), about a child (``student``, a student id) where the addressee is the
    child's teacher."""
    deletable = False
    kind = 'question'
    to = ''                 # of ADDRESSEES
    addressees = ()         # principals: 'user:<login>' or 'role:<role>'
    addressee_name = ''     # the person addressed ('Соколова Е.Н.'); none for a role
    student = ''
    student_name = ''
    body = ''
    answer = ''
    answered_by = ''        # a login
    answered_at = None
    # who may see an item changes only with these (the catalog's security index follows)
    security_fields = ('addressees',)

    @property
    def asker(self):
        return self.creator or ''

    @property
    def date(self):
        return self.created

    @property
    def is_support(self):
        return self.to == 'support'

    @property
    def addressee_title(self):
        """Whom it is addressed to, as the asker reads it."""
        return self.addressee_name or ADDRESSEE_TITLES.get(self.to, '')

    def is_addressee(self, principals):
        return bool(set(self.addressees) & set(principals))

    def searchable_text(self):
        return ' '.join((self.body or '', self.answer or ''))


@content_type('Question', _('type-Question', default='Question'))
class Question(Inquiry):
    kind = 'question'


@content_type('Consultation', _('type-Consultation', default='Consultation'))
class Consultation(Inquiry):
    kind = 'consultation'
    wished = ''             # when the asker would like to come, in their words
    slot_date = None
    slot_time = ''          # 'HH:MM'
    place = ''

    @property
    def slot(self):
        if self.slot_date is None:
            return None
        return {'date': self.slot_date, 'time': self.slot_time, 'place': self.place}


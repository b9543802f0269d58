"""Satisfaction surveys: the section, a survey with its questions, and its answers.

Anonymity (README, "Satisfaction surveys"): a survey keeps two things apart.
``answered`` holds, for each person who answered, HMAC-SHA256(the survey's own secret,
their login): enough to refuse a second answer, no list of logins to read. ``responses``
holds the answers as plain tuples under random keys, so their order says nothing of who
answered when, with no time and no person (a named survey adds the login, openly). Answers
are written without object events: the audit log and the catalog never hear of them.
"""
import hashlib
import hmac
import secrets

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from pyramid.authorization import Allow, Authenticated

from ejportal.core.content import Resource, content_type
from ejportal.core.folder import Folder
from ejportal.core.workflow import WorkflowAware
from ejportal.i18n import _
from ejportal.security import (
    ANSWER_SURVEY, MANAGE_SURVEYS, VIEW, VIEW_SURVEY, VIEW_SURVEY_RESULTS)
from ejportal.surveys.schemas import SurveyFields

KINDS = ('single', 'multiple', 'scale', 'text')
KIND_TITLES = {
    'single': _('survey-kind-single', default='Single choice'),
    'multiple': _('survey-kind-multiple', default='Multiple choice'),
    'scale': _('survey-kind-scale', default='Scale 1–5'),
    'text': _('survey-kind-text', default='Free text'),
}
AUDIENCES = ('parents', 'students', 'staff')
AUDIENCE_TITLES = {
    'parents': _('Parents'), 'students': _('Students'),
    'staff': _('survey-audience-staff', default='Staff'),
}
SCALE = (1, 2, 3, 4, 5)
MANAGERS = ('role:psychologist', 'role:director', 'role:deputy')


@content_type('Surveys', _('type-Surveys', default='Surveys'))
class Surveys(Folder):
    """``/surveys``: every run of every survey. Everyone logged in may look for the open
    surveys meant for them; the psychologist, director and deputy add and manage."""
    title = _('Surveys')
    structural = True
    # whoever may look for surveys knows the section (``security.may_see`` where it exists)
    seeing_permissions = (VIEW, VIEW_SURVEY)
    __acl__ = [(Allow, role, (MANAGE_SURVEYS, VIEW_SURVEY, VIEW_SURVEY_RESULTS))
               for role in MANAGERS] + [
        (Allow, 'role:admin', (VIEW_SURVEY, VIEW_SURVEY_RESULTS)),
        (Allow, Authenticated, (VIEW_SURVEY, ANSWER_SURVEY))]

    def sorted(self):
        return sorted(self.values(), key=lambda s: (s.opens or s.created.date(), s.title),
                      reverse=True)


def question_ids(questions):
    """Questions and their options numbered by position (``q1``, ``o1``...): they are
    edited only while the survey is a draft, before any answer names them."""
    numbered = []
    for n, question in enumerate(questions, 1):
        options = [] if question['kind'] in ('scale', 'text') else [
            {'id': 'o%d' % m, 'title': title} for m, title in enumerate(
                [t for t in question.get('options') or () if t], 1)]
        numbered.append({'id': 'q%d' % n, 'title': question['title'],
                         'kind': question['kind'], 'required': bool(question['required']),
                         'options': options})
    return numbered


@content_type('Survey', _('type-Survey', default='Survey'), schema=SurveyFields,
              add_permission=MANAGE_SURVEYS, addable_to=('Surveys',))
class Survey(WorkflowAware, Resource):
    deletable = True
    # an open survey is seen by everyone logged in, a draft only by those who manage it
    seeing_permissions = (VIEW, VIEW_SURVEY)
    audience = ()          # of AUDIENCES
    grades = ()            # narrowed to these grades (ints), or none
    classes = ()           # narrowed to these classes of the current year ('5a'), or none
    opens = None
    closes = None
    anonymous = True
    questions = ()         # tuple of dicts, see question_ids()
    run_of = ''            # the name of the survey this run was copied from
    secret = None
    answered = None        # OOTreeSet of HMAC tokens: who answered, unreadable
    responses = None       # OOBTree random key -> response tuple (see add_response)
    class_counts = None    # OOBTree class name -> Length of respondents (response rate)

    def __init__(self, **fields):
        super().__init__(**fields)
        self.secret = secrets.token_bytes(32)
        self.answered = OOTreeSet()
        self.responses = OOBTree()
        self.class_counts = OOBTree()

    def accepts_on(self, day):
        """Whether answers are taken on ``day``: the survey is open and ``day`` within
        its dates."""
        return (self.review_state == 'open' and (self.opens is None or self.opens <= day)
                and (self.closes is None or day <= self.closes))

    def set_questions(self, questions):
        self.questions = tuple(question_ids(questions))

    def question(self, question_id):
        return next((q for q in self.questions if q['id'] == question_id), None)

    # -- answering --------------------------------------------------------------------
    def token(self, userid):
        return hmac.new(self.secret, userid.encode('utf-8'), hashlib.sha256).hexdigest()

    def has_answered(self, userid):
        return self.token(userid) in self.answered

    def add_response(self, userid, answers, classes=()):
        """Store ``answers`` ({question id: value}) as a tuple of (question id, value)
        under a random key; only a named survey keeps ``userid`` with them. The classes
        of the respondent (a parent's children's) count towards the response rate and are
        not kept with the answers."""
        values = tuple(sorted((qid, tuple(v) if isinstance(v, list) else v)
                              for qid, v in answers.items()))
        respondent = '' if self.anonymous else userid
        self.answered.insert(self.token(userid))
        key = secrets.token_hex(16)
        while key in self.responses:
            key = secrets.token_hex(16)
        self.responses[key] = (respondent, values)
        for name in set(classes):
            counter = self.class_counts.get(name)
            if counter is None:
                counter = self.class_counts[name] = Length()
            counter.change(1)  # a Length: parents of one class answering at once merge

    def prepare_counters(self, class_names):
        """A counter for each class of the audience before answers come (when the survey
        opens): answers then only change counters, which merge, and never add the same key
        at once, which would conflict."""
        for name in class_names:
            if name not in self.class_counts:
                self.class_counts[name] = Length()

    def answered_in(self, class_name):
        counter = self.class_counts.get(class_name)
        return counter() if counter is not None else 0

    def response_count(self):
        return len(self.answered)

    def answer_rows(self):
        """The responses as (respondent or '', {question id: value})."""
        return [(who, dict(values)) for who, values in self.responses.values()]

    def copy_fields(self):
        return {'title': self.title, 'description': self.description,
                'audience': tuple(self.audience), 'grades': tuple(self.grades),
                'classes': tuple(self.classes), 'anonymous': self.anonymous}


# -- results ------------------------------------------------------------------------------

def percent(part, whole):
    return round(100.0 * part / whole, 1) if whole else 0.0


def results(survey):
    """Per question: choices with counts and percentages (of those who answered the
    question), the scale's average and distribution, free texts listed."""
    rows = [answers for _who, answers in survey.answer_rows()]
    out = []
    for question in survey.questions:
        given = [a[question['id']] for a in rows if a.get(question['id']) not in (None, '', ())]
        item = {'id': question['id'], 'title': question['title'], 'kind': question['kind'],
                'answered': len(given)}
        if question['kind'] in ('single', 'multiple'):
            counts = {o['id']: 0 for o in question['options']}
            for value in given:
                for option in (value if isinstance(value, tuple) else (value,)):
                    if option in counts:
                        counts[option] += 1
            item['options'] = [{'id': o['id'], 'title': o['title'], 'count': counts[o['id']],
                                'percent': percent(counts[o['id']], len(given))}
                               for o in question['options']]
        elif question['kind'] == 'scale':
            item['distribution'] = [{'value': v, 'count': given.count(v),
                                     'percent': percent(given.count(v), len(given))}
                                    for v in SCALE]
            item['average'] = round(sum(given) / len(given), 2) if given else None
        else:
            item['texts'] = sorted(given)
        out.append(item)
    return out


def compare(survey, other):
    """The figures of two runs side by side, question by question (matched by title)."""
    mine, theirs = results(survey), {r['title']: r for r in results(other)}
    pairs = []
    for item in mine:
        before = theirs.get(item['title'])
        if before is None or before['kind'] != item['kind'] or item['kind'] == 'text':
            continue
        if item['kind'] == 'scale':
            pairs.append({'title': item['title'], 'kind': 'scale', 'rows': [
                {'title': _('Average'), 'this': item['average'], 'other': before['average']}]})
        else:
            old = {o['title']: o['percent'] for o in before['options']}
            pairs.append({'title': item['title'], 'kind': item['kind'], 'rows': [
                {'title': o['title'], 'this': o['percent'], 'other': old.get(o['title'])}
                for o in item['options']]})
    return pairs

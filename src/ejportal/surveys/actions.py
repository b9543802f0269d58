"""The changes of the surveys area, one action each, called by the forms and the API."""
import datetime

from ejportal.core.actions import Action
from ejportal.core.audit import record
from ejportal.core.content import create
from ejportal.core.errors import Conflict, Forbidden, Invalid
from ejportal.core.text import check_input
from ejportal.i18n import _
from ejportal.security import ANSWER_SURVEY, MANAGE_SURVEYS
from ejportal.surveys.audience import audience_classes
from ejportal.surveys.resources import SCALE, question_ids
from ejportal.surveys.schemas import SurveyFields

MAX_TEXT = 5000


def survey_values(appstruct):
    values = {k: appstruct[k] for k in ('title', 'description', 'opens', 'closes',
                                        'anonymous')}
    values['audience'] = tuple(sorted(appstruct['audience']))
    values['grades'] = tuple(sorted(appstruct['grades']))
    values['classes'] = tuple(appstruct['classes'])
    values['questions'] = tuple(question_ids(appstruct['questions']))
    return values


class AddSurvey(Action):
    permission = MANAGE_SURVEYS
    schema = SurveyFields

    def perform(self, appstruct):
        survey = create('Survey')
        for name, value in survey_values(appstruct).items():
            setattr(survey, name, value)
        return self.context.add(self.context.name_for(survey), survey)


class EditSurvey(Action):
    permission = MANAGE_SURVEYS
    schema = SurveyFields

    def check(self, appstruct):
        if self.context.review_state != 'draft':
            raise Conflict(_('survey-not-draft', default='Only a draft survey is edited: '
                             'its questions stay as they were asked.'))

    def perform(self, appstruct):
        return self.context.update(survey_values(appstruct))


class CopySurvey(Action):
    """A new run of the survey (the III quarter's after the I quarter's): a draft with the
    same audience and questions, and no answers."""
    permission = MANAGE_SURVEYS

    def perform(self, appstruct):
        source = self.context
        survey = create('Survey')
        for name, value in source.copy_fields().items():
            setattr(survey, name, value)
        survey.questions = tuple(source.questions)
        survey.run_of = source.run_of or source.__name__
        folder = source.__parent__
        return folder.add(folder.name_for(survey), survey)


def _fail(errors, qid, message):
    errors[qid] = message


def check_answers(survey, data):
    """``{"answers": {...}}`` checked against the survey's questions: the answers kept
    (blank optional ones left out), or ``Invalid`` naming each bad field."""
    check_input(data)
    answers = data.get('answers') if isinstance(data, dict) else None
    if not isinstance(answers, dict):
        message = _('survey-answers-object', default='Give the answers as an object.')
        raise Invalid(message, {'answers': message})
    errors, kept = {}, {}
    for qid in answers:
        if survey.question(qid) is None:
            _fail(errors, qid, _('survey-no-question', default='No such question.'))
    for question in survey.questions:
        qid, value = question['id'], answers.get(question['id'])
        options = {o['id'] for o in question['options']}
        if value in (None, '', []):
            if question['required']:
                _fail(errors, qid, _('Required'))
            continue
        kind = question['kind']
        if kind == 'single' and not (isinstance(value, str) and value in options):
            _fail(errors, qid, _('Choose from the list.'))
        elif kind == 'multiple' and not (
                isinstance(value, list) and all(isinstance(v, str) and v in options
                                                for v in value)
                and len(set(value)) == len(value)):
            _fail(errors, qid, _('Choose from the list.'))
        elif kind == 'scale' and (type(value) is not int or value not in SCALE):
            _fail(errors, qid, _('survey-scale', default='A number from 1 to 5.'))
        elif kind == 'text' and not (isinstance(value, str) and len(value) <= MAX_TEXT):
            _fail(errors, qid, _('survey-text', default='Text of up to 5000 characters.'))
        elif kind == 'multiple':
            kept[qid] = sorted(value)
        else:
            kept[qid] = value.strip() if kind == 'text' else value
    if errors:
        raise Invalid(_('Some fields are not valid.'), errors)
    return kept


class AnswerSurvey(Action):
    """One person's answers, once. For an anonymous survey nothing that names the person
    is written with them: no object event (so no audit entry and no catalog), and the
    transaction record of the database carries no user."""
    permission = ANSWER_SURVEY
    system_allowed = False

    def deserialize(self, data):
        return check_answers(self.context, data)

    def check(self, appstruct):
        survey, user = self.context, self.request.user
        if survey.review_state != 'open':
            raise Conflict(_('survey-closed', default='This survey is not open.'))
        if not survey.accepts_on(datetime.date.today()):
            raise Conflict(_('survey-not-now', default='This survey is not open today.'))
        found, self.classes = audience_classes(survey, user)
        if not found:
            raise Forbidden(_('survey-not-yours', default='This survey is not meant for you.'))
        if survey.has_answered(user.__name__):
            raise Conflict(_('survey-answered', default='You have answered this survey '
                             'already.'))

    def perform(self, appstruct):
        survey = self.context
        if survey.anonymous:
            self.request.tm.get().user = ''
        else:
            record(survey, 'survey-answer', {'questions': len(appstruct)})
        survey.add_response(self.request.user.__name__, appstruct, self.classes)
        return survey.response_count()


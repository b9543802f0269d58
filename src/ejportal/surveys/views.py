"""The surveys' screens and JSON doors: thin views over the actions and ``resources``."""
import datetime

import colander
import openpyxl
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from ejportal.core.errors import Forbidden, NotFound, UserError
from ejportal.core.exports import save_xlsx
from ejportal.core.forms import FormView, back_on_refusal
from ejportal.core.jsonapi import json_body
from ejportal.core.responses import json_response, jsonable
from ejportal.core.traversal import JSON_VIEW
from ejportal.core.workflow import current_state, do_transition, transitions_for
from ejportal.i18n import _
from ejportal.paths import template
from ejportal.site.resources import get_portal
from ejportal.security import (
    ANSWER_SURVEY, MANAGE_SURVEYS, VIEW_SURVEY, VIEW_SURVEY_RESULTS)
from ejportal.surveys.actions import AddSurvey, AnswerSurvey, CopySurvey, EditSurvey
from ejportal.surveys.audience import in_audience, response_rates
from ejportal.surveys.charts import comparison_chart, question_chart
from ejportal.surveys.resources import (
    AUDIENCE_TITLES, KIND_TITLES, SCALE, Survey, Surveys, compare, results)
from ejportal.surveys.schemas import SurveyForm

XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'


def open_for(request, folder):
    """The open surveys meant for the request's user: (survey, answered?)."""
    user, today = request.user, datetime.date.today()
    found = []
    for survey in folder.sorted():
        if survey.accepts_on(today) and in_audience(survey, user):
            found.append((survey, survey.has_answered(user.__name__)))
    return found


def surveys_panel(request):
    """The start page: open surveys the user has yet to answer."""
    user = request.user
    if user is None:
        return None
    folder = get_portal(request).get('surveys')
    if folder is None:
        return None
    waiting = [s for s, answered in open_for(request, folder) if not answered]
    if not waiting:
        return None
    return {'title': _('Surveys'),
            'items': [{'title': s.title, 'url': request.resource_url(s),
                       'note': _('survey-please', default='Please answer')} for s in waiting]}


def survey_json(request, survey):
    return {'@id': request.resource_url(survey).rstrip('/'), '@type': 'Survey',
            'id': survey.__name__, 'title': survey.title, 'description': survey.description,
            'review_state': survey.review_state, 'audience': list(survey.audience),
            'grades': list(survey.grades), 'classes': list(survey.classes),
            'opens': survey.opens, 'closes': survey.closes, 'anonymous': survey.anonymous,
            'run_of': survey.run_of or None,
            'answered': bool(request.user) and survey.has_answered(request.user.__name__),
            'questions': [dict(q, options=list(q['options'])) for q in survey.questions]}


def check_reader(survey, request):
    """Those who manage surveys read every one; the rest only those meant for them."""
    if request.has_permission(MANAGE_SURVEYS, survey) or \
            request.has_permission(VIEW_SURVEY_RESULTS, survey):
        return True
    if not in_audience(survey, request.user):
        raise Forbidden(_('survey-not-yours', default='This survey is not meant for you.'))
    return False


# -- the section ------------------------------------------------------------------------

@view_config(context=Surveys, request_method='GET', permission=VIEW_SURVEY,
             renderer=template('surveys/listing.pt'))
def listing(context, request):
    manager = request.has_permission(MANAGE_SURVEYS, context)
    reader = manager or request.has_permission(VIEW_SURVEY_RESULTS, context)
    rows = []
    if reader:
        for survey in context.sorted():
            state = current_state(survey)
            rows.append({'survey': survey, 'state': state.title if state else '',
                         'count': survey.response_count()})
    return {'title': _('Surveys'), 'manager': manager, 'reader': reader, 'rows': rows,
            'mine': open_for(request, context)}


@view_config(context=Surveys, name=JSON_VIEW, request_method='GET', permission=VIEW_SURVEY)
def listing_json(context, request):
    items = [{'@id': request.resource_url(s).rstrip('/'), 'id': s.__name__, 'title': s.title,
              'closes': s.closes, 'answered': answered}
             for s, answered in open_for(request, context)]
    return json_response(jsonable({'@id': request.resource_url(context).rstrip('/'),
                                   'items': items}, request.localizer))


@view_config(context=Surveys, name=JSON_VIEW, request_method='POST', permission=MANAGE_SURVEYS)
def add_json(context, request):
    survey = AddSurvey(context, request)(json_body(request))
    return json_response(jsonable(survey_json(request, survey), request.localizer), 201)


@view_config(context=Surveys, name='add-survey', permission=MANAGE_SURVEYS,
             renderer=template('form.pt'))
class AddSurveyForm(FormView):
    schema = SurveyForm
    title = _('New survey')

    def save_success(self, appstruct):
        survey = AddSurvey(self.context, self.request).run(appstruct)
        self.request.session.flash(_('Saved.'), 'success')
        return HTTPSeeOther(self.request.resource_url(survey))


# -- a survey -------------------------------------------------------------------------------

@view_config(context=Survey, name='edit', permission=MANAGE_SURVEYS,
             renderer=template('form.pt'))
class EditSurveyForm(FormView):
    schema = SurveyForm
    title = _('Edit the survey')

    def appstruct(self):
        fields = self.context.copy_fields()
        fields.update(opens=self.context.opens, closes=self.context.closes, questions=[
            {'title': q['title'], 'kind': q['kind'], 'required': q['required'],
             'options': tuple(o['title'] for o in q['options'])}
            for q in self.context.questions])
        fields['grades'] = {str(g) for g in fields['grades']}
        return {k: (colander.null if v is None else v) for k, v in fields.items()}

    def save_success(self, appstruct):
        EditSurvey(self.context, self.request).run(appstruct)
        self.request.session.flash(_('Saved.'), 'success')
        return HTTPSeeOther(self.request.resource_url(self.context))


def page(context, request, errors=None, given=None):
    manager = check_reader(context, request)
    userid = request.user.__name__
    state = current_state(context)
    return {'title': context.title, 'manager': manager,
            'can_manage': request.has_permission(MANAGE_SURVEYS, context),
            'can_results': request.has_permission(VIEW_SURVEY_RESULTS, context),
            'state': state.title if state else '',
            'transitions': transitions_for(context, request),
            'answered': context.has_answered(userid),
            'may_answer': (context.accepts_on(datetime.date.today())
                           and in_audience(context, request.user)),
            'audience': [AUDIENCE_TITLES[a] for a in context.audience],
            'kinds': KIND_TITLES, 'scale': SCALE, 'errors': errors or {}, 'given': given or {},
            'count': context.response_count()}


@view_config(context=Survey, request_method='GET', permission=VIEW_SURVEY,
             renderer=template('surveys/survey.pt'))
def survey_page(context, request):
    return page(context, request)


@view_config(context=Survey, name=JSON_VIEW, request_method='GET', permission=VIEW_SURVEY)
def survey_get_json(context, request):
    check_reader(context, request)
    return json_response(jsonable(survey_json(request, context), request.localizer))


@view_config(context=Survey, name=JSON_VIEW, request_method='PATCH', permission=MANAGE_SURVEYS)
def survey_patch_json(context, request):
    data = dict(context.copy_fields(), opens=context.opens, closes=context.closes,
                questions=[dict(q, options=[o['title'] for o in q['options']])
                           for q in context.questions])
    data = jsonable(data)
    data.update(json_body(request))
    EditSurvey(context, request)(data)
    return Response(status=204)


def form_answers(survey, post):
    """The answer form's fields as the API's ``answers``."""
    answers = {}
    for question in survey.questions:
        qid = question['id']
        if question['kind'] == 'multiple':
            answers[qid] = post.getall(qid)
        elif question['kind'] == 'scale':
            value = post.get(qid, '')
            answers[qid] = int(value) if value.isdigit() else value
        else:
            answers[qid] = post.get(qid, '')
    return answers


@view_config(context=Survey, name='answer', request_method='POST', permission=ANSWER_SURVEY,
             renderer=template('surveys/survey.pt'))
def answer_form(context, request):
    answers = form_answers(context, request.POST)
    try:
        AnswerSurvey(context, request)({'answers': answers})
    except UserError as refused:
        request.tm.doom()
        if not refused.fields:
            raise
        request.response.status = refused.status
        result = page(context, request, refused.fields, answers)
        result['error'] = refused.message
        return result
    request.session.flash(_('survey-thanks', default='Thank you: your answers are saved.'),
                          'success')
    return HTTPSeeOther(request.resource_url(context))


@view_config(context=Survey, name='@answer', request_method='POST', permission=ANSWER_SURVEY)
def answer_json(context, request):
    count = AnswerSurvey(context, request)(json_body(request))
    return json_response({'answered': True, 'responses': count}, 201)


@view_config(context=Survey, name='workflow', request_method='POST', permission=MANAGE_SURVEYS,
             decorator=back_on_refusal())
def workflow_action(context, request):
    do_transition(context, request.POST.get('transition', ''), request)
    state = current_state(context)
    request.session.flash(_('Done: ${state}.', mapping={'state': state.title}), 'success')
    return HTTPSeeOther(request.resource_url(context))


@view_config(context=Survey, name='copy', request_method='POST', permission=MANAGE_SURVEYS,
             decorator=back_on_refusal())
def copy_survey(context, request):
    survey = CopySurvey(context, request).run({})
    request.session.flash(_('survey-copied', default='A new run of the survey is made: '
                            'a draft.'), 'success')
    return HTTPSeeOther(request.resource_url(survey))


# -- results --------------------------------------------------------------------------------

def other_run(context, request):
    name = request.params.get('compare', '')
    if not name:
        return None
    other = context.__parent__.get(name)
    if not isinstance(other, Survey) or other is context or \
            not request.has_permission(VIEW_SURVEY_RESULTS, other):
        raise NotFound(_('survey-no-run', default='No such run of a survey.'))
    return other


def results_data(context, request):
    return {'responses': context.response_count(), 'questions': results(context),
            'response_rates': response_rates(context)}


@view_config(context=Survey, name='results', request_method='GET',
             permission=VIEW_SURVEY_RESULTS, renderer=template('surveys/results.pt'))
def results_page(context, request):
    data = results_data(context, request)
    for item in data['questions']:
        item['svg'] = question_chart(_translated(item, request))
    other = other_run(context, request)
    comparison = []
    if other is not None:
        for pair in compare(context, other):
            pair = _translated(pair, request)
            comparison.append(dict(pair, svg=comparison_chart(pair, context.title,
                                                              other.title)))
    runs = [s for s in context.__parent__.sorted() if s is not context
            and (s.run_of or s.__name__) == (context.run_of or context.__name__)]
    return dict(data, title=context.title, other=other, comparison=comparison, runs=runs,
                staff_title=AUDIENCE_TITLES['staff'])


def _translated(item, request):
    """Chart labels in the reader's language (pygal writes plain text)."""
    translate = request.localizer.translate
    if 'rows' in item:
        return dict(item, rows=[dict(r, title=translate(r['title'])) for r in item['rows']])
    return item


@view_config(context=Survey, name='@results', request_method='GET',
             permission=VIEW_SURVEY_RESULTS)
def results_json(context, request):
    data = results_data(context, request)
    other = other_run(context, request)
    if other is not None:
        data['compare'] = {'id': other.__name__, 'questions': compare(context, other)}
    return json_response(jsonable(data, request.localizer))


@view_config(context=Survey, name='results.xlsx', request_method='GET',
             permission=VIEW_SURVEY_RESULTS)
def results_xlsx(context, request):
    translate = request.localizer.translate
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = translate(_('Results'))[:31]
    sheet.append([context.title])
    sheet.append([translate(_('survey-responses', default='Responses')),
                  context.response_count()])
    for item in results(context):
        sheet.append([])
        sheet.append([item['title']])
        if item['kind'] in ('single', 'multiple'):
            for option in item['options']:
                sheet.append([option['title'], option['count'], option['percent']])
        elif item['kind'] == 'scale':
            for row in item['distribution']:
                sheet.append([row['value'], row['count'], row['percent']])
            sheet.append([translate(_('Average')), item['average']])
        else:
            for text in item['texts']:
                sheet.append([text])
    rates = book.create_sheet(translate(_('survey-rates', default='Response rate'))[:31])
    for row in response_rates(context):
        rates.append([row['title'] or translate(_('survey-audience-staff', default='Staff')),
                      row['audience'], row['answered'], row['percent']])
    response = Response(body=save_xlsx(book), content_type=XLSX)
    response.content_disposition = 'attachment; filename="survey-%s.xlsx"' % context.__name__
    return response


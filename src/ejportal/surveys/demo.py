"""The demo school's survey: the I quarter's satisfaction questionnaire for the parents of
5 А (step 18 of the roll-out plan), open, with a few answers typed in from paper forms."""
import datetime

from ejportal.core.content import create
from ejportal.core.workflow import do_transition

QUESTIONS = [
    {'title': 'Как вы оцениваете переход школы на электронный журнал и дневник?',
     'kind': 'single', 'required': True,
     'options': ('Положительно', 'Скорее положительно', 'Скорее отрицательно',
                 'Затрудняюсь ответить')},
    {'title': 'Что вы смотрите в электронном дневнике?', 'kind': 'multiple',
     'required': False,
     'options': ('Оценки', 'Домашние задания', 'Посещаемость', 'Замечания учителей')},
    {'title': 'Насколько удобно пользоваться электронным дневником?', 'kind': 'scale',
     'required': True, 'options': ()},
    {'title': 'Ваши предложения', 'kind': 'text', 'required': False, 'options': ()},
]
# paper forms: they count in the results, not in a class's response rate (no one's login)
PAPER = [
    {'q1': 'o1', 'q2': ['o1', 'o2'], 'q3': 5, 'q4': 'Удобно, спасибо.'},
    {'q1': 'o2', 'q2': ['o1'], 'q3': 4},
    {'q1': 'o1', 'q2': ['o1', 'o2', 'o3'], 'q3': 3,
     'q4': 'Хотелось бы уведомления об оценках на телефон.'},
]


def build_demo_surveys(portal, today=None):
    folder = portal.get('surveys')
    if folder is None or 'satisfaction-q1' in folder:
        return
    today = today or datetime.date.today()
    survey = create('Survey')
    survey.title = 'Удовлетворённость родителей электронным журналом (I четверть)'
    survey.description = ('Анкета педагога-психолога: помогите нам сделать электронный '
                          'дневник удобнее. Анкета анонимная.')
    survey.audience, survey.classes, survey.anonymous = ('parents',), ('5a',), True
    survey.opens = today - datetime.timedelta(days=7)
    survey.closes = today + datetime.timedelta(days=30)
    survey.set_questions(QUESTIONS)
    survey.creator = 'psychologist'
    folder.add('satisfaction-q1', survey, send_events=False)
    do_transition(survey, 'open')
    for n, answers in enumerate(PAPER, 1):
        survey.add_response('paper-form-%d' % n, answers)

"""The demo school's questions (step 19 of the roll-out plan, individual consultations):
the demo parent's question to the class teacher, answered, and a consultation with the
psychologist, requested."""
from ejportal.core.actor import Actor, acting_as
from ejportal.core.content import create, now
from ejportal.core.workflow import do_transition
from ejportal.questions.addressees import Unresolved, resolve


def _ask(folder, name, type_name, to, title, body, asker='parent'):
    user = folder.__parent__['people']['users'].get(asker)
    if user is None:
        return None
    try:
        principals, addressee, student = resolve(folder, user, to, 's0001')
    except Unresolved:
        return None
    with acting_as(Actor(userid=asker, address='demo', user_agent='demo')):
        item = create(type_name)
        item.title, item.body, item.to = title, body, to
        item.addressees, item.addressee_name = tuple(principals), addressee
        if student is not None:
            item.student, item.student_name = student.__name__, student.fullname
        return folder.add(name, item)


def build_demo_questions(portal):
    folder = portal.get('questions')
    if folder is None or 'question-demo' in folder:
        return
    question = _ask(folder, 'question-demo', 'Question', 'class_teacher',
                    'Как посмотреть домашнее задание на завтра?',
                    'Добрый день! Где в электронном дневнике найти домашнее задание, '
                    'которое задали сегодня?')
    if question is not None:
        teacher = question.addressees[0][len('user:'):]
        with acting_as(Actor(userid=teacher, address='demo', user_agent='demo')):
            question.answer = ('Откройте «Дневник» и выберите неделю: задание стоит в '
                               'строке урока, к которому его задали.')
            question.answered_by, question.answered_at = teacher, now()
            do_transition(question, 'answer')
    consultation = _ask(folder, 'consultation-demo', 'Consultation', 'psychologist',
                        'Адаптация в пятом классе',
                        'Хотела бы обсудить, как сын привыкает к новым учителям.')
    if consultation is not None:
        consultation.wished = 'В будни после 16:00'

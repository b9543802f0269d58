"""The demo school's site: a few published news items and an upcoming parents' meeting."""
import datetime

from ejportal.core.content import create
from ejportal.core.workflow import do_transition

NEWS = (
    ('journal-start', 'Электронный журнал начинает работу',
     'С понедельника оценки, домашние задания и посещаемость — в электронном журнале.',
     'Уважаемые родители! С понедельника школа ведёт электронный классный журнал и '
     'дневник. Логины и пароли вам выдаст классный руководитель.\n\nВопросы о работе '
     'портала задавайте системному администратору школы.'),
    ('olympiad', 'Итоги школьного этапа олимпиады',
     'Поздравляем победителей и призёров школьного этапа всероссийской олимпиады.',
     'Списки победителей и призёров размещены на стенде у учительской.'),
    ('library-week', 'Неделя школьной библиотеки',
     'Книжная выставка и встречи с читателями.',
     'Всю неделю в библиотеке открыта выставка новых поступлений.'),
)


def build_demo_news(portal):
    section = portal['news']
    for name, title, summary, body in NEWS:
        if name in section:
            continue
        item = section.add(name, create('NewsItem', title=title, description=summary,
                                        body=body))
        do_transition(item, 'publish')
    events = portal['events']
    if 'parents-meeting' not in events:
        start = (datetime.datetime.now() + datetime.timedelta(days=10)).replace(
            hour=18, minute=0, second=0, microsecond=0)
        meeting = events.add('parents-meeting', create(
            'Event', title='Общешкольное родительское собрание', kind='parents_meeting',
            start=start, end=start + datetime.timedelta(hours=1, minutes=30),
            place='Актовый зал, 2 этаж', audience='parents',
            description='Переход на электронный журнал и дневник.',
            agenda='О переходе на электронный журнал\nКак войти в электронный дневник\n'
                   'Ответы на вопросы родителей'))
        do_transition(meeting, 'publish')

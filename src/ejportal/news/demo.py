"""The demo school's site: a few published news items and an upcoming parents' meeting;
and step 13's announcement to the parents of 5 А that the electronic journal starts."""
import datetime

from ejportal.core.audit import record
from ejportal.core.content import create
from ejportal.core.workflow import do_transition
from ejportal.news.audience import recipients

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


# step 13 of the roll-out plan: the class teacher tells the parents of 5 А
JOURNAL_START = {
    'title': 'Школа переходит на электронный журнал и дневник',
    'body': (
        'Уважаемые родители!\n\n'
        'С понедельника наша школа начинает вести электронный классный журнал, а вы '
        'получаете электронный дневник вашего ребёнка: оценки, домашние задания, '
        'посещаемость и замечания учителей — на портале школы, с телефона или компьютера.\n\n'
        'Логин и временный пароль для входа выдаёт классный руководитель: подойдите ко мне '
        'на родительском собрании или в часы консультаций (вторник и четверг, 15:00–16:00, '
        'кабинет 21), при себе иметь паспорт. При первом входе портал попросит сменить '
        'пароль; не сообщайте его никому, в том числе ребёнку.\n\n'
        'Бумажный дневник пока сохраняется. Если забыли пароль или не получается войти, '
        'напишите мне или системному администратору школы.\n\n'
        'С уважением, классный руководитель 5 А Елена Николаевна Соколова.'),
}


def build_demo_announcements(portal):
    section = portal.get('announcements')
    users = portal['people']['users']
    if section is None or 'journal-start' in section or 'class_teacher' not in users:
        return
    author = users['class_teacher']
    announcement = create('Announcement', title=JOURNAL_START['title'],
                          body=JOURNAL_START['body'], audience='class-5a',
                          audience_title='Родители 5 А', author=author.__name__,
                          author_name=author.fullname)
    announcement.set_recipients(recipients(portal, 'class-5a'))
    section.add('journal-start', announcement)
    record(announcement, 'announcement-sent', {
        'audience': announcement.audience_title,
        'recipients': announcement.recipient_count(),
        'mailed': 0})

"""The help pages and the two training courses a new portal starts with, written from the
school's order № 181 (the duties it gives each role) and its roll-out plan (steps 7 and 15).
The administrator edits them afterwards; ``fill`` adds only what is missing."""
from ejportal.core.content import create
from ejportal.security import STAFF_ROLES

# name, order, roles, public, (title ru, title en), (text ru, text en)
PAGES = (
    ('entering-marks', 10, ('teacher', 'class_teacher'), False,
     ('Как выставлять отметки в журнале', 'Entering marks in the journal'),
     ('<p>Откройте <b>Журнал</b>, выберите класс и предмет. В таблице строки — учащиеся, '
      'столбцы — уроки.</p><ul><li>Щёлкните клетку и введите отметку: <code>5 4 3 2 1</code>, '
      '<code>зач</code>, <code>незач</code>, <code>н/а</code>, <code>осв</code>; пропуск — '
      '<code>н</code>, <code>б</code>, <code>уп</code>, <code>оп</code>.</li><li>Enter '
      'сохраняет клетку, стрелки и Tab переходят к соседней.</li><li>Под датой урока '
      'заполните тему и домашнее задание.</li></ul><p>Заполняйте журнал в день урока: '
      'заместитель директора видит записи, сделанные позже срока. Никогда не допускайте '
      'учащихся к журналу под своим логином и паролем (приказ № 181).</p>',
      '<p>Open <b>Journal</b> and choose the class and subject. In the grid the rows are the '
      'students and the columns the lessons.</p><ul><li>Click a cell and type a mark: '
      '<code>5 4 3 2 1</code>, <code>зач</code>, <code>незач</code>, <code>н/а</code>, '
      '<code>осв</code>; an absence: <code>н</code>, <code>б</code>, <code>уп</code>, '
      '<code>оп</code>.</li><li>Enter saves the cell; the arrows and Tab move to the next.'
      '</li><li>Fill in the topic and the homework under the lesson\'s date.</li></ul><p>Fill '
      'the journal on the day of the lesson: the deputy director sees late entries. Never let '
      'students work under your login and password (order № 181).</p>')),
    ('acknowledging-an-order', 20, tuple(r for r in STAFF_ROLES if r != 'director'), False,
     ('Как ознакомиться с приказом', 'Acknowledging an order'),
     ('<p>Приказы, с которыми вам нужно ознакомиться, перечислены на стартовой странице в '
      'блоке <b>Ознакомиться</b>; о новом приказе приходит и письмо.</p><ol><li>Откройте '
      'приказ и прочитайте его полностью, с приложениями.</li><li>Нажмите <b>С приказом '
      'ознакомлен(а)</b>.</li></ol><p>Отметка хранит время и ту версию приказа, которую вы '
      'прочитали. Если приказ изменят и подпишут снова, ознакомиться нужно будет ещё раз.</p>',
      '<p>The orders you must read are listed on your start page under <b>To acknowledge</b>; '
      'a new one also comes by e-mail.</p><ol><li>Open the order and read all of it, '
      'appendices included.</li><li>Press <b>I have read the order</b>.</li></ol><p>The '
      'mark keeps the time and the very version you read. If the order is amended and signed '
      'again, you will be asked to acknowledge it again.</p>')),
    ('reading-the-diary', 30, ('student', 'parent'), False,
     ('Как читать электронный дневник', 'Reading the diary'),
     ('<p>Войдите с логином и паролем, которые выдал классный руководитель, и откройте '
      '<b>Дневник</b>. Родитель нескольких детей переключается между ними вверху страницы.</p>'
      '<ul><li><b>Неделя</b>: уроки каждого дня, темы, домашние задания с файлами, отметки и '
      'пропуски.</li><li><b>Четверть</b>: все отметки по предметам, средний балл и '
      'четвертная отметка.</li><li><b>Отчёт</b>: успеваемость и посещаемость за любой '
      'период, его можно получать по почте раз в неделю или в месяц.</li></ul><p>Не '
      'передавайте свой логин другим людям.</p>',
      '<p>Log in with the login and password the class teacher gave you and open '
      '<b>Diary</b>. A parent of several children switches between them at the top of the '
      'page.</p><ul><li><b>Week</b>: each day\'s lessons, topics, homework with its files, '
      'marks and absences.</li><li><b>Quarter</b>: all marks by subject, the average and the '
      'period mark.</li><li><b>Report</b>: marks and attendance for any dates; it can come '
      'by e-mail every week or month.</li></ul><p>Do not pass your login on to anyone.</p>')),
    ('forgotten-password', 40, (), True,
     ('Если вы забыли пароль', 'If you forgot your password'),
     ('<p>Пароль нельзя узнать: портал хранит его только в зашифрованном виде. Его можно '
      'только заменить.</p><ul><li><b>Родители и учащиеся</b>: обратитесь к классному '
      'руководителю, он распечатает вам новый одноразовый пароль.</li><li><b>Сотрудники</b>: '
      'обратитесь к системному администратору школы.</li></ul><p>При первом входе с '
      'одноразовым паролем портал попросит придумать свой. После нескольких неудачных '
      'попыток вход с вашего логина ненадолго блокируется — подождите и попробуйте снова.</p>',
      '<p>Nobody can tell you your password: the portal keeps only a scrambled form of it. It '
      'can only be replaced.</p><ul><li><b>Parents and students</b>: ask the class teacher, '
      'who prints a new one-time password for you.</li><li><b>Staff</b>: ask the school\'s '
      'system administrator.</li></ul><p>On your first login with a one-time password the '
      'portal asks you to choose your own. After several failed attempts logins to your '
      'account pause for a while: wait and try again.</p>')),
    ('signing-an-order', 50, ('director',), False,
     ('Как подписать приказ', 'Signing an order'),
     ('<p>Проект приказа готовит секретарь или заместитель и отправляет его на '
      'согласование.</p><ol><li>Откройте приказ из раздела <b>Документы</b> (на '
      'согласовании).</li><li>Проверьте текст, пункты после «ПРИКАЗЫВАЮ:», ответственных и '
      'сроки, список ознакомления.</li><li>Нажмите <b>Подписать</b>: приказ получит номер '
      'по своему реестру, подписанная версия будет защищена от изменений.</li></ol><p>Изменить '
      'подписанный приказ можно только через изменение (рабочую копию), которое снова '
      'проходит согласование.</p>',
      '<p>The secretary or a deputy drafts the order and sends it for review.</p><ol><li>Open '
      'the order from <b>Documents</b> (on review).</li><li>Check the text, the clauses after '
      '«ПРИКАЗЫВАЮ:», who is responsible and by when, and who must acknowledge it.</li><li>'
      'Press <b>Sign</b>: the order gets its number in its register and the signed version '
      'can no longer change.</li></ol><p>A signed order is changed only through an amendment '
      '(a working copy), which goes through review again.</p>')),
    ('journal-control', 60, ('deputy', 'director'), False,
     ('Контроль ведения журнала', 'Controlling the journal'),
     ('<p>Приказ № 181 поручает заместителям директора периодический контроль ведения '
      'электронного журнала, директору — контроль полноты, качества и своевременности '
      'информации.</p><ul><li><b>Журнал → Контроль</b>: по каждому журналу проведённые и '
      'запланированные уроки, уроки без темы и домашнего задания, отметки и записи, '
      'сделанные позже срока.</li><li>Замечание учителю — <b>Справка</b> на странице журнала; '
      'учитель отвечает и отмечает исправление, вы закрываете справку.</li><li>Закрытие '
      'четверти запрещает правку её отметок; исправление после этого — только по заявке, '
      'которую вы одобряете.</li></ul>',
      '<p>Order № 181 gives the deputy directors the periodic control of the journal, and the '
      'director the control of its completeness, quality and timeliness.</p><ul><li><b>Journal '
      '→ Control</b>: per journal, lessons held against planned, lessons without topic or '
      'homework, marks, and entries made late.</li><li>A remark to a teacher is a <b>Check</b> '
      'on the journal\'s page; the teacher answers and marks it fixed, you close it.</li><li>'
      'Closing a quarter locks its marks; a change after that is a correction request you '
      'approve.</li></ul>')),
    ('admin-daily', 70, ('admin',), False,
     ('Ежедневные задачи администратора', "The administrator's daily jobs"),
     ('<p>По приказу № 181 системный администратор обеспечивает работу портала.</p><ul><li>'
      'Проверьте <b>Настройки → Задания</b>: резервная копия и выгрузка в РИД за прошлую ночь '
      'должны быть выполнены.</li><li>Выдайте реквизиты доступа новым сотрудникам, замените '
      'пароли забывшим (<b>Люди</b>).</li><li>Просмотрите <b>Журнал аудита</b>: неудачные '
      'входы, блокировки.</li><li>Ведите справочники и параметры системы; вместе с учителями '
      'делите классы на подгруппы в начале года.</li><li>Отвечайте на вопросы, проводите '
      'обучение (раздел <b>Помощь</b>, курс для сотрудников) и держите связь со службой '
      'технической поддержки.</li></ul>',
      '<p>Under order № 181 the system administrator keeps the portal working.</p><ul><li>'
      'Check <b>Settings → Jobs</b>: last night\'s backup and regional export must have run.'
      '</li><li>Give new staff their logins and replace forgotten passwords (<b>People</b>).'
      '</li><li>Look through the <b>Audit log</b>: failed logins, lock-outs.</li><li>Keep the '
      'reference books and settings; split classes into subgroups with the teachers at the '
      'start of the year.</li><li>Answer questions, train people (<b>Help</b>, the staff '
      'course) and keep in touch with technical support.</li></ul>')),
)

# name, audience, (title ru, title en), (intro ru, intro en), lessons:
# (name, (title ru, title en), (text ru, text en))
COURSES = (
    ('staff-course', 'staff',
     ('Курс для сотрудников', 'Course for staff'),
     ('<p>Шаг 7 технологической карты: обучение педагогических кадров работе с электронным '
      'журналом. Пройдите уроки по порядку и отметьте каждый кнопкой «Изучено».</p>',
      '<p>Step 7 of the roll-out plan: training the teaching staff to work with the '
      'electronic journal. Go through the lessons in order and mark each one "Done".</p>'),
     (('login', ('Вход и безопасность', 'Logging in safely'),
       ('<p>Логин и одноразовый пароль выдаёт системный администратор; при первом входе '
        'придумайте свой пароль. Выходите из портала на общих компьютерах. Учащиеся никогда '
        'не работают под логином учителя.</p>',
        '<p>The system administrator gives you a login and a one-time password; choose your '
        'own on your first login. Log out on shared computers. Students never work under a '
        'teacher\'s login.</p>')),
      ('plan', ('Календарно-тематический план', 'The lesson plan'),
       ('<p>Перед началом четверти заполните КТП журнала: темы и часы. Темы уроков '
        'подставляются из плана по порядку. План можно загрузить из XLSX.</p>',
        '<p>Before the quarter starts fill in the journal\'s lesson plan: topics and hours. '
        'Lessons take their topics from the plan in order. The plan can be imported from '
        'XLSX.</p>')),
      ('marks', ('Отметки и посещаемость', 'Marks and attendance'),
       ('<p>Отметки и пропуски вводятся прямо в клетки таблицы журнала; Enter сохраняет. '
        'В день урока заполните тему и домашнее задание — родители видят их в дневнике.</p>',
        '<p>Marks and absences are typed straight into the grid\'s cells; Enter saves. On the '
        'day of the lesson fill in the topic and homework: parents see them in the diary.'
        '</p>')),
      ('orders', ('Приказы и ознакомление', 'Orders and acknowledgement'),
       ('<p>Приказы, с которыми нужно ознакомиться, ждут на стартовой странице. Прочитайте '
        'приказ и нажмите «С приказом ознакомлен(а)».</p>',
        '<p>The orders you must read wait on your start page. Read the order and press '
        '"I have read the order".</p>')))),
    ('parents-course', 'parents',
     ('Курс для родителей', 'Course for parents'),
     ('<p>Шаг 15 технологической карты: обучение родителей работе с электронным дневником. '
      'Три коротких урока; отметьте каждый кнопкой «Изучено».</p>',
      '<p>Step 15 of the roll-out plan: training parents to use the electronic diary. Three '
      'short lessons; mark each one "Done".</p>'),
     (('first-login', ('Первый вход', 'Your first login'),
       ('<p>Логин и одноразовый пароль вам выдаст классный руководитель на родительском '
        'собрании. При первом входе придумайте свой пароль и не сообщайте его ребёнку.</p>',
        '<p>The class teacher gives you a login and a one-time password at the parents\' '
        'meeting. Choose your own password on your first login and keep it from your child.'
        '</p>')),
      ('week', ('Неделя в дневнике', 'The week in the diary'),
       ('<p>Раздел «Дневник» открывается на текущей неделе: уроки, темы, домашние задания, '
        'отметки и пропуски. Стрелки листают недели.</p>',
        '<p>The diary opens on the current week: lessons, topics, homework, marks and '
        'absences. The arrows turn the weeks.</p>')),
      ('reports', ('Отчёты об успеваемости', 'Progress reports'),
       ('<p>Отчёт об успеваемости и посещаемости строится за любой период; подпишитесь, '
        'чтобы получать его по почте раз в неделю или в месяц.</p>',
        '<p>The progress and attendance report covers any dates; subscribe to get it by '
        'e-mail every week or month.</p>')))),
)


def fill(section):
    """Add the pages, courses and lessons of this module that ``section`` lacks."""
    for name, order, roles, public, (title_ru, title_en), (text_ru, text_en) in PAGES:
        if name not in section:
            section.add(name, create('HelpPage', title_ru=title_ru, title_en=title_en,
                                     text_ru=text_ru, text_en=text_en, roles=tuple(roles),
                                     public=public, order=order), send_events=False)
    for name, audience, (title_ru, title_en), (text_ru, text_en), lessons in COURSES:
        if name not in section:
            section.add(name, create('Course', title_ru=title_ru, title_en=title_en,
                                     text_ru=text_ru, text_en=text_en, audience=audience),
                        send_events=False)
        course = section[name]
        for lesson_name, (l_title_ru, l_title_en), (l_text_ru, l_text_en) in lessons:
            if lesson_name not in course:
                course.add(lesson_name, create('CourseLesson', title_ru=l_title_ru,
                                               title_en=l_title_en, text_ru=l_text_ru,
                                               text_en=l_text_en), send_events=False)

"""Demo accounts, one per role, each with the password ``demo`` (only where
``ejportal.demo = true``)."""
from ejportal.core.passwords import DEMO_PASSWORD
from ejportal.principals.resources import Group, User

# login: (surname, name, patronymic, position, roles, groups)
DEMO_USERS = {
    'admin': ('Смирнов', 'Алексей', 'Петрович', 'Системный администратор', ('admin',), ('working-group',)),
    'director': ('Кузьмина', 'Светлана', 'Александровна', 'Директор', ('director',), ('administration', 'working-group')),
    'deputy': ('Орлова', 'Марина', 'Викторовна', 'Заместитель директора по УВР', ('deputy',), ('administration', 'working-group')),
    'secretary': ('Белова', 'Ирина', 'Сергеевна', 'Секретарь', ('secretary',), ()),
    'teacher': ('Петрова', 'Анна', 'Ивановна', 'Учитель математики и информатики', ('teacher',), ('teachers',)),
    'class_teacher': ('Соколова', 'Елена', 'Николаевна', 'Учитель русского языка и литературы', ('teacher', 'class_teacher'), ('teachers', 'class-teachers', 'working-group')),
    'psychologist': ('Григорьева', 'Ольга', 'Дмитриевна', 'Педагог-психолог', ('psychologist',), ()),
    'student': ('Иванов', 'Дмитрий', 'Сергеевич', '', ('student',), ()),
    'parent': ('Иванова', 'Наталья', 'Викторовна', '', ('parent',), ()),
}

DEMO_GROUPS = {
    'administration': 'Администрация',
    'teachers': 'Педагогический коллектив',
    'class-teachers': 'Классные руководители',
    'working-group': 'Рабочая группа (совет) по внедрению',
}


def build_demo_people(portal):
    people = portal['people']
    for name, title in DEMO_GROUPS.items():
        if name not in people['groups']:
            people['groups'].add(name, Group(title=title))
    for login, (surname, first, patronymic, position, roles, groups) in DEMO_USERS.items():
        if login in people['users']:
            continue
        user = User(surname=surname, first_name=first, patronymic=patronymic,
                    position=position, roles=roles, groups=groups,
                    email='%s@school4.example' % login)
        user.set_password(DEMO_PASSWORD)
        people['users'].add(login, user)
    settings = portal['settings']
    settings.school_name = 'МБОУ СОШ № 4'
    settings.school_full_name = ('Муниципальное бюджетное общеобразовательное учреждение '
                                 '«Средняя общеобразовательная школа № 4» '
                                 'Городского округа Балашиха Московской области')
    settings.director_name = 'С.А. Кузьмина'

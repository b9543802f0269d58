"""The principals' reference book: positions (должности), printed on acknowledgement sheets
and offered on the user's form. A user keeps the position's title itself, so a position in
use is retired (kept on its users) rather than deleted or renamed."""
from ejportal.i18n import _

POSITIONS = 'positions'
DEFAULT_POSITIONS = (
    ('director', 'Директор'),
    ('deputy-uvr', 'Заместитель директора по УВР'),
    ('deputy-vr', 'Заместитель директора по ВР'),
    ('secretary', 'Секретарь'),
    ('sysadmin', 'Системный администратор'),
    ('teacher', 'Учитель'),
    ('teacher-math', 'Учитель математики и информатики'),
    ('teacher-russian', 'Учитель русского языка и литературы'),
    ('teacher-history', 'Учитель истории'),
    ('teacher-physics', 'Учитель физики'),
    ('psychologist', 'Педагог-психолог'),
    ('social-pedagogue', 'Социальный педагог'),
    ('librarian', 'Педагог-библиотекарь'),
)


def position_in_use(portal, entry):
    return any(user.position == entry['title'] for user in portal['people']['users'].values())


def includeme(config):
    config.add_reference_book(
        POSITIONS, _('Positions'), key='title',
        defaults=tuple({'id': i, 'title': t} for i, t in DEFAULT_POSITIONS),
        in_use=position_in_use, order=80)

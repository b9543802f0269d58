"""The message catalogs: complete, placeholders intact, and the key strings right.

The .po files are compiled with Babel into a temporary directory (compiled catalogs are build
products, never committed), then read through Pyramid's own localizer, as the app does.
"""
import pathlib
import re

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from pyramid.i18n import TranslationString, make_localizer

LOCALES = pathlib.Path(__file__).resolve().parents[2] / 'locales'
PLACEHOLDER = re.compile(r'\$\{[^}]*\}')
LANGS = ('ru', 'en')


def read_catalog(lang):
    with open(LOCALES / lang / 'LC_MESSAGES' / 'ejportal.po', 'rb') as f:
        return read_po(f, locale=lang)


def english_text(message):
    """The English text of a message: the ``default`` of a symbolic id (lingua puts it in a
    "Default:" comment), otherwise the msgid itself."""
    comment = ' '.join(message.auto_comments)
    return comment[len('Default: '):] if comment.startswith('Default: ') else message.id


@pytest.fixture(scope='module')
def catalogs():
    return {lang: read_catalog(lang) for lang in LANGS}


@pytest.fixture(scope='module')
def localizers(catalogs, tmp_path_factory):
    root = tmp_path_factory.mktemp('locales')
    for lang, catalog in catalogs.items():
        target = root / lang / 'LC_MESSAGES'
        target.mkdir(parents=True)
        with open(target / 'ejportal.mo', 'wb') as f:
            write_mo(f, catalog)  # fuzzy messages are left out, as in a normal build
    return {lang: make_localizer(lang, [str(root)]) for lang in LANGS}


def messages(catalog):
    return [m for m in catalog if m.id]


@pytest.mark.parametrize('lang', LANGS)
def test_every_message_is_translated_and_none_is_fuzzy(catalogs, lang):
    catalog = catalogs[lang]
    assert len(messages(catalog)) > 100
    untranslated = [m.id for m in messages(catalog) if not m.string]
    fuzzy = [m.id for m in messages(catalog) if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert not catalog.fuzzy  # the header


def test_catalogs_hold_the_same_messages(catalogs):
    ids = {lang: {m.id for m in messages(catalog)} for lang, catalog in catalogs.items()}
    assert ids['ru'] == ids['en']


def test_catalogs_hold_every_message_of_the_template(catalogs):
    with open(LOCALES / 'ejportal.pot', 'rb') as f:
        template = {m.id for m in read_po(f) if m.id}
    assert template - {m.id for m in messages(catalogs['ru'])} == set()


@pytest.mark.parametrize('lang', LANGS)
def test_translations_keep_the_placeholders(catalogs, lang):
    broken = []
    for message in messages(catalogs[lang]):
        wanted = sorted(PLACEHOLDER.findall(english_text(message)))
        if sorted(PLACEHOLDER.findall(message.string)) != wanted:
            broken.append((message.id, message.string))
        if '{$' in message.string:  # the colander 2.0 slip
            broken.append((message.id, message.string))
    assert broken == []


def test_english_catalog_gives_the_english_defaults(catalogs):
    def words(text):  # a "Default:" comment keeps no line breaks
        return text.split()
    wrong = [(m.id, m.string) for m in messages(catalogs['en'])
             if words(m.string) != words(english_text(m))]
    assert wrong == []


@pytest.mark.parametrize('msgid, mapping, expected', [
    ('Log in', None, 'Войти'),
    ('Log out', None, 'Выйти'),
    ('Wrong login or password.', None, 'Неверный логин или пароль.'),
    ('Acknowledgement sheet', None, 'Лист ознакомления'),
    ('Journal', None, 'Журнал'),
    ('role-class_teacher', None, 'Классный руководитель'),
    ('role-teacher', None, 'Учитель-предметник'),
    ('role-deputy', None, 'Заместитель директора по УВР'),
    ('type-Order', None, 'Приказ'),
    ('type-Regulation', None, 'Локальный акт'),
    ('mark-5', None, 'отлично'),
    ('Average', None, 'Средний балл'),
    ('password-too-short', {'n': 8}, 'Не менее 8 символов.'),
    ('Found: ${n}', {'n': 3}, 'Найдено: 3'),
])
def test_key_strings_in_russian(localizers, msgid, mapping, expected):
    ts = TranslationString(msgid, domain='ejportal', mapping=mapping)
    assert localizers['ru'].translate(ts) == expected


def test_english_symbolic_ids_read_as_english(localizers):
    ts = TranslationString('role-class_teacher', domain='ejportal', default='Class teacher')
    assert localizers['en'].translate(ts) == 'Class teacher'
    ts = TranslationString('password-too-short', domain='ejportal', mapping={'n': 8})
    assert localizers['en'].translate(ts) == 'At least 8 characters, please.'


def test_colander_and_deform_read_well_in_russian(tmp_path):
    """The portal's own colander and deform catalogs, layered over the libraries' as the
    app adds them, fix colander's broken placeholder and deform's missing message."""
    import shutil
    for domain in ('colander', 'deform'):
        with open(LOCALES / 'ru' / 'LC_MESSAGES' / (domain + '.po'), 'rb') as f:
            catalog = read_po(f, locale='ru')
        target = tmp_path / 'ru' / 'LC_MESSAGES'
        target.mkdir(parents=True, exist_ok=True)
        with open(target / (domain + '.mo'), 'wb') as f:
            write_mo(f, catalog)
    from pyramid.path import AssetResolver
    libraries = [AssetResolver().resolve(spec).abspath()
                 for spec in ('colander:locale', 'deform:locale')]
    localizer = make_localizer('ru', libraries + [str(tmp_path)])
    shorter = TranslationString('Shorter than minimum length ${min}', domain='colander',
                                mapping={'min': 8})
    assert localizer.translate(shorter) == 'Короче минимальной длины (8)'
    longer = TranslationString('Longer than maximum length ${max}', domain='colander',
                               mapping={'max': 9})
    assert localizer.translate(longer) == 'Больше, чем максимальная длина 9'   # colander's own
    reorder = TranslationString('Reorder (via drag and drop)', domain='deform')
    assert localizer.translate(reorder) == 'Переставить (перетаскиванием)'
    shutil.rmtree(tmp_path / 'ru')

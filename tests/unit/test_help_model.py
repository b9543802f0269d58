"""The help area's model: which page a screen's header links to (``add_help_topic``), the
language fallback, the rich text cleaned and versioned, and the done marks of a course."""
import pytest
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationConflictError

from ejportal.core.content import create
from ejportal.core.registry import help_topic

pytestmark = pytest.mark.usefixtures('portal_registry')


class Document:
    pass


class Order(Document):
    pass


class Portal:
    pass


def test_a_screens_topic_by_view_role_and_base_class(config):
    config.add_help_topic('acknowledging', 'Document', '*')
    config.add_help_topic('signing', 'Document', '*', roles=('director',))
    config.add_help_topic('password', 'Portal', 'login')
    config.commit()
    registry = config.registry
    assert help_topic(registry, Order(), '', ('teacher',)) == 'acknowledging'
    assert help_topic(registry, Order(), 'history', ('director',)) == 'signing'
    assert help_topic(registry, Portal(), 'login', ()) == 'password'
    assert help_topic(registry, Portal(), '', ()) is None


def test_two_pages_for_one_screen_conflict():
    config = Configurator()
    config.include('ejportal.core.registry')
    config.add_help_topic('a', 'Journal', '*')
    config.add_help_topic('b', 'Journal', '*')
    with pytest.raises(ConfigurationConflictError):
        config.commit()


def test_english_falls_back_to_russian():
    page = create('HelpPage', title_ru='Пароль', title_en='Password', text_ru='<p>Текст</p>',
                  text_en='<p>Text</p>')
    assert page.in_language('en') == ('Password', '<p>Text</p>', 'en')
    assert page.in_language('ru') == ('Пароль', '<p>Текст</p>', 'ru')
    page.update({'text_en': '  '})
    assert page.in_language('en') == ('Пароль', '<p>Текст</p>', 'ru')


def test_rich_text_is_cleaned_and_each_change_is_a_version():
    page = create('HelpPage', title_ru='Пароль',
                  text_ru='<p onclick="x()">a<script>b</script></p>')
    assert page.text_ru == '<p>a</p>' and page.title == 'Пароль'
    page.update({'title_ru': 'Забыли пароль?'}, comment='title')
    assert page.title == 'Забыли пароль?' and page.current_version.number == 2
    assert page.update({'title_ru': 'Забыли пароль?'}) == {}
    assert page.current_version.number == 2


def test_done_marks_and_progress():
    course = create('Course', title_ru='Курс', audience='parents')
    for name in ('one', 'two'):
        course.add(name, create('CourseLesson', title_ru=name), send_events=False)
    assert course.progress('p') == (0, 2) and course.finished_on('p') is None
    assert course['one'].mark_done('p') is True
    assert course['one'].mark_done('p') is False
    assert course.progress('p') == (1, 2)
    course['two'].mark_done('p')
    assert course.finished_on('p') == course['two'].done_at('p')
    assert course['one'].next_lesson() is course['two'] and course['two'].next_lesson() is None

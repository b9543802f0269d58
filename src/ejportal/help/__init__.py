"""Help and training: help pages per role and screen, linked from each screen's header
(``config.add_help_topic``), and the training courses of steps 7 and 15 of the roll-out
plan, with a "done" mark per person and lesson."""
from ejportal.help.defaults import fill
from ejportal.help.views import courses_panel

HELP_TEXT_TYPES = ('HelpPage', 'Course', 'CourseLesson')


def first_version(obj):
    obj.initial_version()


def includeme(config):
    config.scan('.resources', categories=('ejportal',))
    config.scan('.evolve', categories=('ejportal',))
    config.add_section('help', 'HelpSection', order=70)
    config.add_after_create('HelpSection', fill)
    for type_name in HELP_TEXT_TYPES:
        config.add_after_create(type_name, first_version)
    config.add_start_panel(35, courses_panel)
    config.scan('.views')

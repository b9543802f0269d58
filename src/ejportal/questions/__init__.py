"""Questions, consultations and support requests (step 19 of the roll-out plan, and the
system administrator's technical support): a parent or staff member asks the class
teacher, a subject teacher, the psychologist, the administration or the administrator;
the addressee answers or proposes a slot; both see it on their start page."""
from ejportal.i18n import _
from ejportal.questions.demo import build_demo_questions
from ejportal.questions.views import my_questions_panel, to_answer_panel
from ejportal.security import ASK_QUESTION


def includeme(config):
    config.scan('.resources', categories=('ejportal',))
    config.scan('.evolve', categories=('ejportal',))
    config.include('.workflows')
    config.add_section('questions', 'Questions', order=70)
    for type_name in ('Question', 'Consultation'):
        config.add_cataloged_type(type_name)
    config.add_nav_entry(70, '/questions', _('Questions'), ASK_QUESTION)
    config.add_start_panel(25, to_answer_panel)
    config.add_start_panel(26, my_questions_panel)
    config.add_demo_builder(70, build_demo_questions)
    config.scan('.views')

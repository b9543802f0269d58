"""The school site's news (with a picture, an Atom feed) and events (with iCalendar), and
announcements to families and staff (on their start pages and by e-mail)."""
from ejportal.i18n import _
from ejportal.news.announce_views import announcements_panel
from ejportal.news.demo import build_demo_announcements, build_demo_news
from ejportal.news.panels import front_page_events, front_page_news
from ejportal.security import SEND_ANNOUNCEMENTS, VIEW_PUBLIC


def includeme(config):
    config.scan('.resources', categories=('ejportal',))
    config.scan('.announcements', categories=('ejportal',))
    config.scan('.evolve', categories=('ejportal',))
    config.include('.workflows')
    config.add_section('news', 'NewsSection', order=50)
    config.add_section('events', 'EventsSection', order=51)
    # the school site's own pages: in everyone's header, visitors' included
    config.add_nav_entry(60, '/news', _('News'), VIEW_PUBLIC)
    config.add_nav_entry(61, '/events', _('Events'), VIEW_PUBLIC)
    config.add_public_section(1, front_page_news)
    config.add_public_section(2, front_page_events)
    config.add_demo_builder(60, build_demo_news)
    # announcements: recipients find theirs on the start page; the menu is for who writes
    config.add_section('announcements', 'Announcements', order=52)
    config.add_nav_entry(62, '/announcements', _('Announcements'), SEND_ANNOUNCEMENTS)
    config.add_start_panel(3, announcements_panel)
    config.add_demo_builder(61, build_demo_announcements)
    config.scan('.views')
    config.scan('.announce_views')
    config.scan('.api')

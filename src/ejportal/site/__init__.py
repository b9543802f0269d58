"""The portal root, its sections, the public school site, login and the start page."""
from pyramid.events import BeforeRender

from ejportal.site.books import ensure_books
from ejportal.site.layout import Layout


def add_layout(event):
    request = event.get('request')
    if request is not None and 'layout' not in event:
        event['layout'] = Layout(request, event.get('context'))
        event.setdefault('form_resources', None)
        event.setdefault('title', '')
        event.setdefault('page_meta', None)  # description and link preview, public pages


def includeme(config):
    config.add_subscriber(add_layout, BeforeRender)
    config.scan('.resources', categories=('ejportal',))
    config.scan('.settings', categories=('ejportal',))
    config.scan('.books', categories=('ejportal',))
    config.scan('.evolve', categories=('ejportal',))
    config.add_section('settings', 'Settings', order=20)
    config.add_after_create('Settings', ensure_books)
    config.scan('.views')

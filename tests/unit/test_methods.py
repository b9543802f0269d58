"""The methods the views answer at a place (``core.methods``), read from the registry."""
from pyramid.config import Configurator
from zope.interface import Interface, implementer

from ejportal.core.methods import ANY_METHOD, answered_methods


class IMarked(Interface):
    pass


class Base:
    pass


@implementer(IMarked)
class Thing(Base):
    pass


class Other:
    pass


def view(context, request):
    return {}


def registry():
    config = Configurator()
    config.add_view(view, context=Thing, name='@json', request_method='GET', renderer='json')
    config.add_view(view, context=Base, name='@json', request_method=('PATCH', 'DELETE'),
                    renderer='json')
    config.add_view(view, context=IMarked, name='@json', request_method='POST',
                    renderer='json')
    config.add_view(view, context=Thing, name='@other', request_method='POST', renderer='json')
    config.add_view(view, name='any', renderer='json')
    config.add_view(view, context=Thing, name='@route', request_method='PUT', renderer='json',
                    route_name='r')
    config.add_route('r', '/r')
    config.commit()
    return config.registry


def test_the_views_of_the_context_its_bases_and_interfaces_are_united():
    reg = registry()
    assert answered_methods(reg, Thing(), '@json') == ('DELETE', 'GET', 'HEAD', 'PATCH', 'POST')
    assert answered_methods(reg, Base(), '@json') == ('DELETE', 'PATCH')
    assert answered_methods(reg, Thing(), '@other') == ('POST',)


def test_no_view_and_a_view_for_every_method():
    reg = registry()
    assert answered_methods(reg, Other(), '@json') == ()
    assert answered_methods(reg, Thing(), '@route') == ()
    assert answered_methods(reg, Other(), 'any') is ANY_METHOD

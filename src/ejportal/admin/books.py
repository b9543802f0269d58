"""The reference books' doors: the screen ``/settings/<book>`` and the JSON endpoints
``GET|POST <book>/@entries``, ``PATCH|DELETE <book>/@entries/<id>``. Each change is one of
the actions of ``site.books``; the screen's buttons and the API call the same ones."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ejportal.core.errors import NotFound, UserError
from ejportal.core.jsonapi import json_body
from ejportal.core.registry import portal_registry
from ejportal.core.responses import json_response
from ejportal.i18n import _
from ejportal.paths import template
from ejportal.security import MANAGE_SETTINGS
from ejportal.site.books import AddEntry, EditEntry, ReferenceBook, RemoveEntry


def entry_json(request, book, entry, position, translate):
    data = {'@id': request.resource_url(book, '@entries', entry['id']), 'id': entry['id'],
            'title': translate(entry['title']), 'retired': bool(entry.get('retired')),
            'position': position}
    for column in book.info.columns if book.info else ():
        value = entry.get(column.name)
        data[column.name] = translate(value) if isinstance(value, str) else value
    return data


def book_json(request, book):
    translate = request.localizer.translate
    return {'@id': request.resource_url(book).rstrip('/'), '@type': 'ReferenceBook',
            'id': book.__name__, 'title': translate(book.title),
            'columns': [{'name': c.name, 'title': translate(c.title), 'kind': c.kind}
                        for c in (book.info.columns if book.info else ())],
            'items': [entry_json(request, book, entry, n, translate)
                      for n, entry in enumerate(book.entries)]}


def books_of(request, settings):
    """The books under ``settings`` in the declared order, as (book, url)."""
    infos = sorted(portal_registry(request.registry).reference_books.values(),
                   key=lambda info: (info.order, info.name))
    return [(settings[info.name], request.resource_url(settings[info.name]))
            for info in infos if info.name in settings]


# -- the screen --------------------------------------------------------------------------
@view_config(context=ReferenceBook, permission=MANAGE_SETTINGS,
             renderer=template('admin/book.pt'))
def book_screen(context, request):
    translate = request.localizer.translate
    columns = list(context.info.columns) if context.info else []
    rows = []
    for n, entry in enumerate(context.entries):
        rows.append({'id': entry['id'], 'title': translate(entry['title']), 'position': n,
                     'retired': bool(entry.get('retired')),
                     'values': [(c, _shown(entry.get(c.name), translate)) for c in columns]})
    return {'title': context.title, 'book': context, 'rows': rows, 'columns': columns,
            'last': len(rows) - 1, 'settings_url': request.resource_url(context.__parent__)}


def _shown(value, translate):
    if value is None:
        return ''
    if isinstance(value, float):
        return '%g' % value
    return translate(value) if isinstance(value, str) else str(value)


def _form_data(request, columns):
    data = {'title': request.POST.get('title', '')}
    for column in columns:
        value = request.POST.get(column.name, '')
        if value != '' or column.kind == 'weight':
            data[column.name] = value
    return data


@view_config(context=ReferenceBook, name='entry', permission=MANAGE_SETTINGS,
             request_method='POST')
def book_screen_post(context, request):
    """One door for the screen's buttons: ``do`` names the change, ``entry`` the entry.
    A refusal goes back to the screen with its message (nothing kept)."""
    do = request.POST.get('do', '')
    entry_id = request.POST.get('entry', '')
    columns = list(context.info.columns) if context.info else []
    try:
        if do == 'add':
            AddEntry(context, request)(dict(_form_data(request, columns),
                                            id=request.POST.get('id', '')))
            request.session.flash(_('Entry added.'), 'success')
        elif do == 'edit':
            EditEntry(context, request, entry_id)(_form_data(request, columns))
            request.session.flash(_('Saved.'), 'success')
        elif do in ('up', 'down'):
            entry = context.entry(entry_id)
            if entry is None:
                raise NotFound(_('No such entry.'))
            position = context.entries.index(entry) + (-1 if do == 'up' else 1)
            EditEntry(context, request, entry_id)({'position': max(position, 0)})
        elif do in ('retire', 'restore'):
            EditEntry(context, request, entry_id)({'retired': do == 'retire'})
            request.session.flash(_('Saved.'), 'success')
        elif do == 'remove':
            result = RemoveEntry(context, request, entry_id)()
            request.session.flash(_('Entry deleted.') if result == 'deleted' else _(
                'book-entry-retired', default='Records use this entry: it is retired, kept '
                'on them and no longer offered.'), 'success')
        else:
            raise NotFound(_('No such change.'))
    except UserError as refused:
        request.tm.doom()
        translate = request.localizer.translate
        message = translate(refused.message)
        if refused.fields:
            message += ' ' + '; '.join('%s: %s' % (name, translate(text))
                                       for name, text in refused.fields.items())
        request.session.flash(message, 'error')
    return HTTPSeeOther(request.resource_url(context))


# -- the JSON door -----------------------------------------------------------------------
@view_config(context=ReferenceBook, name='@entries', request_method='GET',
             permission=MANAGE_SETTINGS)
def entries_get(context, request):
    if request.subpath:
        entry = context.entry(request.subpath[0])
        if entry is None or len(request.subpath) > 1:
            raise NotFound(_('No such entry.'))
        return json_response(entry_json(request, context, entry,
                                         context.entries.index(entry),
                                         request.localizer.translate))
    return json_response(book_json(request, context))


@view_config(context=ReferenceBook, name='@entries', request_method='POST',
             permission=MANAGE_SETTINGS)
def entries_post(context, request):
    if request.subpath:
        raise NotFound(_('No such entry.'))
    entry = AddEntry(context, request)(json_body(request))
    return json_response(entry_json(request, context, entry, len(context.entries) - 1,
                                    request.localizer.translate), 201)


def _entry_id(context, request):
    if len(request.subpath) != 1 or context.entry(request.subpath[0]) is None:
        raise NotFound(_('No such entry.'))
    return request.subpath[0]


@view_config(context=ReferenceBook, name='@entries', request_method='PATCH',
             permission=MANAGE_SETTINGS)
def entries_patch(context, request):
    entry_id = _entry_id(context, request)
    entry = EditEntry(context, request, entry_id)(json_body(request))
    return json_response(entry_json(request, context, entry, context.entries.index(entry),
                                    request.localizer.translate))


@view_config(context=ReferenceBook, name='@entries', request_method='DELETE',
             permission=MANAGE_SETTINGS)
def entries_delete(context, request):
    """200 ``{"result": "deleted"}``, or ``"retired"`` for an entry records use."""
    result = RemoveEntry(context, request, _entry_id(context, request))()
    return json_response({'result': result})

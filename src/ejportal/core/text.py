"""The one boundary check for text entering the portal by any door (form, JSON, console).

Text is stored only if it is well-formed Unicode that can be written out as UTF-8 (no lone
surrogates, which Python's ``json`` lets through and which break every later page that
prints them) and holds no control characters but newline, carriage return and tab.
"""
import re

from ejportal.core.errors import Invalid
from ejportal.i18n import _

# C0 controls but \t \n \r, DEL, C1 controls; lone surrogates; Unicode non-characters.
_BAD = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]')
# What an id may hold: it names an object in URLs, paths and the catalog.
ID_MAX = 100
_ID = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]*$')


def text_problem(value):
    """None if ``value`` (a str) may be stored, else a message saying what is wrong."""
    if _BAD.search(value) is None:
        return None
    return _('text-not-allowed', default='This text holds characters that cannot be stored '
             '(control characters or broken Unicode).')


def check_input(data, path=''):
    """Raise ``Invalid`` naming the first field of ``data`` (a JSON-like structure: dicts,
    lists, strings, numbers) that holds text which may not be stored; keys are checked too.
    Returns ``data`` unchanged."""
    problems = {}
    _walk(data, path, problems)
    if problems:
        raise Invalid(_('Some fields are not valid.'), problems)
    return data


def _walk(value, path, problems):
    if isinstance(value, str):
        problem = text_problem(value)
        if problem is not None:
            problems[path or 'body'] = problem
    elif isinstance(value, dict):
        for key, item in value.items():
            name = key if isinstance(key, str) else str(key)
            if isinstance(key, str) and text_problem(key) is not None:
                problems[path or 'body'] = text_problem(key)
                continue
            _walk(item, '%s.%s' % (path, name) if path else name, problems)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _walk(item, '%s.%d' % (path, index) if path else str(index), problems)


def id_problem(name):
    """None if ``name`` may be an object's id, else a message saying why not."""
    if not isinstance(name, str) or not name:
        return _('id-empty', default='An id is required.')
    if len(name) > ID_MAX:
        return _('id-too-long', default='An id has at most ${max} characters.',
                 mapping={'max': ID_MAX})
    if not _ID.match(name):
        return _('id-characters', default='An id holds Latin letters, digits, "-", "_" and '
                 '"." only, and starts with a letter or digit.')
    return None

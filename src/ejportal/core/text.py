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
# What an id may hold: it names an object in URLs, paths and the catalog. Russian letters
# too: a subgroup's journal is named after the group ("english-А"), and groups may be named
# in Russian; no spaces, no other scripts (look-alikes), no marks that reorder the text.
ID_MAX = 100
_ID = re.compile(r'^[A-Za-z0-9А-Яа-яЁё][A-Za-z0-9А-Яа-яЁё._-]*$')
# What WebOb's form parser puts where the bytes were not UTF-8 (it decodes with
# errors='replace'); a browser posting our UTF-8 pages never sends it otherwise.
_REPLACED = '\ufffd'


class BadText(Invalid):
    """Text refused at the door; ``fields`` names where it was."""


def text_problem(value):
    """None if ``value`` (a str) may be stored, else a message saying what is wrong."""
    if _BAD.search(value) is None:
        return None
    return _('text-not-allowed', default='This text holds characters that cannot be stored '
             '(control characters or broken Unicode).')


def check_input(data, path=''):
    """Raise ``BadText`` (an ``Invalid``) naming each field of ``data`` (a JSON-like
    structure: dicts, lists, strings, numbers) that holds text which may not be stored; keys
    are checked too. Returns ``data`` unchanged."""
    problems = {}
    _walk(data, path, problems)
    if problems:
        raise BadText(_('Some fields are not valid.'), problems)
    return data


def check_form(items):
    """``check_input`` for a posted form: ``items`` are its (name, value) pairs, a value a
    str or an upload (whose file name is text too). Raises ``BadText`` naming the fields."""
    problems = {}
    for name, value in items:
        for text in (name, getattr(value, 'filename', value)):
            problem = _form_text_problem(text) if isinstance(text, str) else None
            if problem is not None:
                field = name if _form_text_problem(name) is None else 'form'
                problems.setdefault(field, problem)
    if problems:
        raise BadText(_('Some fields are not valid.'), problems)


def strip_bad_text(value):
    """``value`` without what the form check refuses (to show a refused form again)."""
    return _BAD.sub('', value).replace(_REPLACED, '')


def _form_text_problem(value):
    problem = text_problem(value)
    if problem is None and _REPLACED in value:
        problem = _('text-not-utf8', default='This text was not sent as UTF-8; type it again.')
    return problem


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
    if not name:
        return _('id-empty', default='An id is required.')
    if isinstance(name, str) and len(name) > ID_MAX:
        return _('id-too-long', default='An id has at most ${max} characters.',
                 mapping={'max': ID_MAX})
    if not isinstance(name, str) or not _ID.match(name):
        return _('id-characters', default='An id holds letters, digits, "-", "_" and "." '
                 'only, and starts with a letter or digit.')
    return None

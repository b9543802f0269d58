"""The cookie session's serializer: JSON that keeps translation strings.

Flash messages are stored between a POST and the page after its redirect. Plain JSON would
turn a ``TranslationString`` into its bare message id and lose its mapping, so the next page
could not translate it; here it travels as a small marker object.
"""
import json

from translationstring import TranslationString

_MARK = '__ts__'
COOKIE_NAME = 'ejportal_session'


def _encode(value):
    if isinstance(value, TranslationString):
        return {_MARK: [str(value), value.domain, value.default,
                        {k: _encode(v) for k, v in (value.mapping or {}).items()}]}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def _decode(obj):
    if _MARK in obj and len(obj) == 1:
        msgid, domain, default, mapping = obj[_MARK]
        return TranslationString(msgid, domain=domain, default=default, mapping=mapping or None)
    return obj


class SessionSerializer:
    def dumps(self, appstruct):
        return json.dumps(_encode(appstruct), separators=(',', ':')).encode('utf-8')

    def loads(self, bstruct):
        try:
            return json.loads(bstruct, object_hook=_decode)
        except ValueError as error:
            raise ValueError('bad session data') from error

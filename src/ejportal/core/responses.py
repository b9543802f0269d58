"""Every JSON answer of the portal, written by one encoder: compact, and UTF-8 as it is
(Cyrillic stays two bytes a letter instead of a six-byte ``\\uXXXX`` escape), which halves
a Russian week's size and its encoding time. One encoder is made once: WebOb's
``json_body`` builds a new one on every response."""
import datetime
import json

from pyramid.response import Response

JSON = 'application/json'
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(',', ':'))


def json_response(data, status=200):
    return Response(body=_ENCODER.encode(data).encode('utf-8'), status=status,
                    content_type=JSON, charset='utf-8')


def jsonable(value, localizer=None):
    """``value`` as JSON can carry it: dates in ISO form, sets and tuples as lists,
    translation strings in the reader's language."""
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple, list)):
        return [jsonable(v, localizer) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v, localizer) for k, v in value.items()}
    if hasattr(value, 'interpolate') and localizer is not None:
        return localizer.translate(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)

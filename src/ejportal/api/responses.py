"""Every JSON answer of the portal, written by one encoder: compact, and UTF-8 as it is
(Cyrillic stays two bytes a letter instead of a six-byte ``\\uXXXX`` escape), which halves
a Russian week's size and its encoding time. One encoder is made once: WebOb's
``json_body`` builds a new one on every response."""
import json

from pyramid.response import Response

JSON = 'application/json'
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(',', ':'))


def json_response(data, status=200):
    return Response(body=_ENCODER.encode(data).encode('utf-8'), status=status,
                    content_type=JSON, charset='utf-8')

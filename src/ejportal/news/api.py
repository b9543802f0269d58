"""``<news item>/@picture``: POST the picture as the request's body (``Content-Type:
image/jpeg``...), resized as the form's; DELETE removes it. The form's action, another door."""
from pyramid.response import Response
from pyramid.view import view_config

from ejportal.core.responses import json_response
from ejportal.news.actions import SetPicture
from ejportal.news.resources import NewsItem
from ejportal.security import EDIT


@view_config(context=NewsItem, name='@picture', permission=EDIT, request_method='POST')
def post_picture(context, request):
    width, height = SetPicture(context, request)(request.body)
    return json_response({'picture': request.resource_url(context, '@@picture'),
                          'picture_size': [width, height]})


@view_config(context=NewsItem, name='@picture', permission=EDIT, request_method='DELETE')
def delete_picture(context, request):
    SetPicture(context, request).run({'picture': None})
    return Response(status=204)

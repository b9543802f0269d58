"""The JSON API, after plone.restapi: ``@login``, ``@logout``, any resource as JSON with
``Accept: application/json``, create with POST, change with PATCH, DELETE where allowed."""


def includeme(config):
    config.scan('.views')

"""The portal root, its sections, the public school site, login and the start page."""


def includeme(config):
    config.scan('.views')

"""Refusals meant for the user: the message is a translation string, shown as it is."""


class UserError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        interpolate = getattr(self.message, 'interpolate', None)
        return interpolate() if interpolate else str(self.message)

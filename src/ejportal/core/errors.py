"""The one family of domain errors. An action raises them before it changes anything; each
door renders them its own way: a form puts ``fields`` on its fields, the JSON API answers
``{"error": {"type", "message", "fields"}}`` with ``status``, the console prints the message
and exits non-zero. ``message`` and the field messages are translation strings."""

# The ``error.type`` the API answers for a status given at the raise (``status=409``), so a
# status and its type never disagree.
ERROR_TYPES = {400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound',
               409: 'Conflict', 429: 'TooManyRequests'}


class UserError(Exception):
    """A refusal meant for the user."""

    status = 400
    error_type = 'BadRequest'

    def __init__(self, message, fields=None, status=None):
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})
        if status is not None:
            self.status = status
            self.error_type = ERROR_TYPES.get(status, self.error_type)

    def __str__(self):
        interpolate = getattr(self.message, 'interpolate', None)
        return interpolate() if interpolate else str(self.message)


class Invalid(UserError):
    """The input breaks the schema or a rule of the data; ``fields`` names where."""


class Forbidden(UserError):
    status = 403
    error_type = 'Forbidden'


class NotFound(UserError):
    status = 404
    error_type = 'NotFound'


class Conflict(UserError):
    """The change would break an invariant of the stored data (a record would be lost, a
    structural container removed, an id taken, a closed period changed)."""
    status = 409
    error_type = 'Conflict'

"""Marking a course's lesson done: one action for the page's button and the JSON API."""
from ejportal.core.actions import Action
from ejportal.core.audit import record
from ejportal.core.errors import Forbidden
from ejportal.i18n import _
from ejportal.security import TAKE_COURSE


class MarkDone(Action):
    """``MarkDone(lesson, request)()`` marks the lesson done for the requester (again: no
    change) and returns their progress in its course, ``(done, lessons)``."""

    permission = TAKE_COURSE
    system_allowed = False

    def check(self, appstruct):
        if self.request.user is None:
            raise Forbidden(_('You may not do this here.'))

    def perform(self, appstruct):
        userid = self.request.user.__name__
        if self.context.mark_done(userid):
            record(self.context, 'lesson-done', {'user': userid})
        return self.context.__parent__.progress(userid)

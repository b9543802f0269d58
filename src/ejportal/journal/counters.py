"""What a cached page of the diary depends on, named cheaply: one change counter per
student (``Student.records_version``: their index, period marks, remarks, absences) and
one per journal (``Journal.lessons_version``: its lessons), each a ``BTrees.Length`` so
concurrent saves do not conflict on it. The models only send their events; these
subscribers move the counters (``diary.model.week_stamp`` reads them)."""
from ejportal.journal.resources import (
    LessonAdded, LessonModified, LessonRemoved, RecordsChanged)


def count_lesson_change(event):
    event.info['journal'].lessons_version.change(1)


def count_records_change(event):
    event.object.records_version.change(1)


def includeme(config):
    for event in (LessonAdded, LessonModified, LessonRemoved):
        config.add_subscriber(count_lesson_change, event)
    config.add_subscriber(count_records_change, RecordsChanged)

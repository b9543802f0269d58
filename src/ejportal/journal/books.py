"""The journal's reference books, kept under the settings (``site.books``): mark kinds and
their weights, lesson types, ICT means, absence reasons and the grading scale.

Each declares how to tell that a record uses an entry, so that such an entry is retired,
never deleted: a scan of the school's records that stops at the first use (an entry is
removed rarely, by the administrator).
"""
from ejportal.core.registry import BookColumn
from ejportal.i18n import _
from ejportal.journal import grading
from ejportal.journal.resources import Journal, SchoolYear

MARK_KINDS = 'mark-kinds'
LESSON_TYPES = 'lesson-types'
ICT_MEANS = 'ict-means'
ABSENCE_REASONS = 'absence-reasons'
GRADING_SCALE = 'grading-scale'
# the scale's records hold the mark as written (its title); its ids name it in URLs
SCALE_IDS = {'зач': 'pass', 'незач': 'fail', 'н/а': 'na', 'осв': 'exempt'}


def journals(portal):
    school = portal.get('journal') if hasattr(portal, 'get') else None
    if school is None:
        return
    for year in [y for y in school.values() if isinstance(y, SchoolYear)]:
        for school_class in year['classes'].values():
            for journal in school_class['journals'].values():
                if isinstance(journal, Journal):
                    yield journal


def _cells(portal):
    for journal in journals(portal):
        yield from journal.cells.values()


def kind_in_use(portal, entry):
    return any(kind == entry['id'] for cell in _cells(portal)
               for _value, kind, _weight in cell.get('marks', ()))


def mark_in_use(portal, entry):
    value = entry['title']
    if any(mark[0] == value for cell in _cells(portal) for mark in cell.get('marks', ())):
        return True
    return any(item.get('value') == value for journal in journals(portal)
               for item in journal.period_marks.values())


def lesson_type_in_use(portal, entry):
    return any(lesson.lesson_type == entry['id'] for journal in journals(portal)
               for lesson in journal.lessons.values())


def ict_in_use(portal, entry):
    return any(entry['id'] in (lesson.ict or ()) for journal in journals(portal)
               for lesson in journal.lessons.values())


def reason_in_use(portal, entry):
    return any(cell.get('reason') == entry['title'] for cell in _cells(portal))


def includeme(config):
    config.add_reference_book(
        MARK_KINDS, _('Mark kinds'), columns=(BookColumn('weight', _('Weight')),),
        defaults=tuple({'id': k, 'title': t, 'weight': w} for k, t, w in grading.MARK_KINDS),
        in_use=kind_in_use, order=10)
    config.add_reference_book(
        GRADING_SCALE, _('Grading scale'), key='title',
        columns=(BookColumn('numeric', _('Value in the average'), kind='number'),),
        defaults=tuple({'id': SCALE_IDS.get(value, value), 'title': value, 'numeric': numeric}
                       for value, (numeric, _title) in grading.MARKS.items()),
        in_use=mark_in_use, order=20)
    config.add_reference_book(
        LESSON_TYPES, _('Lesson types'),
        defaults=tuple({'id': k, 'title': t} for k, t in grading.LESSON_TYPES),
        in_use=lesson_type_in_use, order=30)
    config.add_reference_book(
        ICT_MEANS, _('ICT means'),
        defaults=tuple({'id': k, 'title': t} for k, t in grading.ICT_MEANS),
        in_use=ict_in_use, order=40)
    config.add_reference_book(
        ABSENCE_REASONS, _('Absence reasons'), key='title',
        defaults=tuple({'id': 'r%d' % (n + 1), 'title': t}
                       for n, t in enumerate(grading.ABSENCE_REASONS)),
        in_use=reason_in_use, order=50)

"""The lesson plan (КТП) of a journal: parse an XLSX or CSV the teacher already has into
planned lessons (number, topic, hours, section), with row-level errors; nothing is saved
unless every row is valid."""
import datetime

import colander

from ejportal.core.audit import record
from ejportal.core.errors import Invalid
from ejportal.core.tables import read_sheets
from ejportal.i18n import _
from ejportal.journal.schemas import PLAN_MAX_ROWS as MAX_ROWS, PlannedLesson

MAX_BYTES = 2 * 1024 * 1024
# header words (lower case) -> field
HEADERS = {'№': 'number', 'no': 'number', 'номер': 'number', 'number': 'number',
           '№ урока': 'number', 'тема': 'topic', 'тема урока': 'topic', 'topic': 'topic',
           'часы': 'hours', 'кол-во часов': 'hours', 'hours': 'hours',
           'раздел': 'section', 'section': 'section'}


class PlanError(Invalid):
    """A file that cannot be imported; ``rows`` [(row number in the file, message)] say
    which rows are wrong (``fields`` name them ``file.<row>``)."""

    def __init__(self, message, rows=None):
        self.rows = list(rows or ())
        super().__init__(message, {'file.%d' % row: text for row, text in self.rows} or
                         {'file': message})


def parse_plan(data, filename=''):
    """-> list of {'number', 'topic', 'hours', 'section'}; raises PlanError."""
    if not data:
        raise PlanError(_('The file is empty.'))
    if len(data) > MAX_BYTES:
        raise PlanError(_('The file is too large (at most 2 MB).'))
    # the one reader of uploaded tables: the zip-bomb check, read-only, the encodings
    rows = read_sheets(data, filename, MAX_ROWS, PlanError, first_only=True)[0][1]
    rows = [r for r in rows if any(r)]
    if not rows:
        raise PlanError(_('The file is empty.'))
    if len(rows) > MAX_ROWS + 1:
        raise PlanError(_('Too many rows (at most 2000).'))
    columns = {}
    for index, name in enumerate(rows[0]):
        field = HEADERS.get(name.strip().lower())
        if field and field not in columns:
            columns[field] = index
    if 'topic' not in columns:
        raise PlanError(_('plan-columns', default='The first row must name the columns: '
                          '"№", "Тема", "Часы", "Раздел" (the topic column is required).'))
    node, items, errors, seen = PlannedLesson(), [], [], set()
    for offset, row in enumerate(rows[1:], start=2):
        def get(field):
            index = columns.get(field)
            return row[index] if index is not None and index < len(row) else ''
        # the row as the save step will get it back, read with the save step's schema
        raw = {'number': get('number') or str(len(items) + 1), 'topic': get('topic')[:500],
               'hours': get('hours'), 'section': get('section')[:200]}
        try:
            item = node.deserialize(raw)
        except colander.Invalid as invalid:
            errors.append((offset, first_message(invalid)))
            continue
        if item['number'] in seen:
            errors.append((offset, _('This lesson number is used twice.')))
            continue
        seen.add(item['number'])
        items.append(item)
    if errors:
        raise PlanError(_('Some rows are not valid; nothing was saved.'), errors)
    return sorted(items, key=lambda i: i['number'])


def first_message(invalid):
    """The message of a row's first wrong field (a translation string, kept so)."""
    for path in invalid.paths():
        for error in reversed(path):
            if error.msg:
                return error.msg
    return _('Not valid.')


def set_plan(journal, items):
    old = len(journal.plan)
    journal.plan = tuple(items)
    record(journal, 'plan-import', {'old_count': old, 'new_count': len(items)})


def edit_plan(journal, rows):
    """Store the plan as edited in the browser: ``rows`` in their new order, each
    {'key': the row's number before (None for a new row), 'topic', 'hours', 'section'}.
    Rows are numbered 1, 2, ... in order; lessons follow their rows to the new numbers
    (a removed row's lessons keep their topic, unlinked), and lessons of open periods
    whose topic was the row's old topic take its new one. Audited: rows added, removed,
    changed and moved."""
    old_items = {item['number']: item for item in journal.plan}
    keys = [r['key'] for r in rows if r.get('key') is not None]
    if len(keys) != len(set(keys)) or not set(keys) <= set(old_items):
        raise ValueError('unknown or repeated row keys')
    items, renumber, changed, moved = [], {}, [], []
    for number, row in enumerate(rows, 1):
        item = {'number': number, 'topic': row['topic'].strip()[:500],
                'hours': int(row['hours']), 'section': (row.get('section') or '').strip()[:200]}
        items.append(item)
        key = row.get('key')
        if key is None:
            continue
        renumber[key] = number
        old = old_items[key]
        if (old['topic'], old['hours'], old.get('section', '')) != (
                item['topic'], item['hours'], item['section']):
            changed.append(number)
        if key != number:
            moved.append([key, number])
    removed = sorted(set(old_items) - set(renumber))
    year, relinked = journal.year, 0
    for lesson in journal.lessons.values():
        if lesson.planned is None:
            continue
        new_number = renumber.get(lesson.planned)
        old_topic = old_items.get(lesson.planned, {}).get('topic')
        values = {'planned': new_number}
        if new_number != lesson.planned:
            relinked += 1
        if new_number is not None and lesson.topic == old_topic and \
                items[new_number - 1]['topic'] != old_topic and \
                year.closed_period_of(lesson.date, journal.grade) is None:
            values['topic'] = items[new_number - 1]['topic']
        journal.edit_lesson(lesson, values, audit=False)  # one 'plan-edit' entry below
    journal.plan = tuple(items)
    record(journal, 'plan-edit', {
        'old_count': len(old_items), 'new_count': len(items),
        'added': len(rows) - len(keys), 'removed': removed, 'changed': changed,
        'moved': moved, 'lessons_relinked': relinked})
    return items


def apply_plan_topics(journal, start=None, keep_own=True):
    """Give the lessons not linked to the plan, from ``start`` (default the first), in
    date order, the plan's free topics in order, each for its hours. Lessons of closed
    periods are left alone, and with ``keep_own`` so are lessons with a topic of their own.
    One audit entry; returns the number of lessons given a topic."""
    free = journal.free_plan_items()
    year, count = journal.year, 0
    lessons = journal.lessons.values(min=start.isoformat()) if start else \
        journal.lessons.values()
    for lesson in lessons:
        if lesson.planned is not None or (keep_own and lesson.topic) or \
                year.closed_period_of(lesson.date, journal.grade) is not None:
            continue
        item = next(free, None)
        if item is None:
            break
        journal.edit_lesson(lesson, {'planned': item['number'], 'topic': item['topic']},
                            audit=False)  # one 'plan-topics' entry below
        count += 1
    if count:
        record(journal, 'plan-topics', {'start': start, 'keep_own': keep_own,
                                        'lessons': count})
    return count


def plan_report(journal, today=None):
    """Planned against held: per section and per planned lesson, the hours planned, the
    lessons given to it and those held (to ``today``); overall the hours the plan still
    needs against the lessons left in the journal (``behind`` > 0: the plan does not fit).

    -> {planned, held, scheduled, covered, off_plan, remaining, ahead, behind,
        sections: [{section, planned, held, rows: [{number, topic, hours, lessons, held,
        state}]}]}; ``state``: 'done', 'started', 'scheduled' or 'open'."""
    today = today or datetime.date.today()
    given, held_by = {}, {}
    held = ahead = off_plan = 0
    for lesson in journal.lessons.values():
        past = lesson.date <= today
        held += past
        ahead += not past
        if lesson.planned is None:
            off_plan += past
            continue
        given[lesson.planned] = given.get(lesson.planned, 0) + 1
        if past:
            held_by[lesson.planned] = held_by.get(lesson.planned, 0) + 1
    sections, planned, covered = [], 0, 0
    for item in journal.plan:
        hours = int(item.get('hours') or 1)
        done = min(held_by.get(item['number'], 0), hours)
        lessons = given.get(item['number'], 0)
        planned += hours
        covered += done
        state = ('done' if done >= hours else 'started' if done else
                 'scheduled' if lessons else 'open')
        name = item.get('section') or ''
        if not sections or sections[-1]['section'] != name:
            sections.append({'section': name, 'planned': 0, 'held': 0, 'rows': []})
        section = sections[-1]
        section['planned'] += hours
        section['held'] += done
        section['rows'].append({'number': item['number'], 'topic': item['topic'],
                                'hours': hours, 'lessons': lessons, 'held': done,
                                'state': state})
    remaining = planned - covered
    return {'planned': planned, 'held': held, 'scheduled': held + ahead, 'covered': covered,
            'off_plan': off_plan, 'remaining': remaining, 'ahead': ahead,
            'behind': max(remaining - ahead, 0) if planned else 0, 'sections': sections}

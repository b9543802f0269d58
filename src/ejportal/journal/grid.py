"""The journal grid of one period as plain data, shared by the page and the JSON API."""
from ejportal.journal import grading
from ejportal.journal.resources import revision


def chosen_period(journal, period_id=None):
    period = journal.period(period_id) if period_id else None
    return period or journal.year.current_period(grade=journal.grade)


def grid(journal, period):
    """students (alphabetical, those enrolled during the period), lessons of the period,
    cells {(student, lesson): cell}, averages {student: average dict}, period marks."""
    lessons = journal.lessons_of(period)
    students = journal.students(period.start, period.end)
    cells, averages, period_marks = {}, {}, {}
    school = journal.school
    for student in students:
        sid = student.__name__
        marks = []
        for lesson in lessons:
            cell = journal.cells.get((sid, lesson.id))
            if cell:
                cells[(sid, lesson.id)] = cell
                marks.extend(cell['marks'])
        averages[sid] = school.average(marks)
        period_marks[sid] = journal.period_mark(sid, period.id)
    spans = {s.__name__: [span for y, c, *span in s.enrolments
                          if y == journal.year.__name__ and c == journal.school_class.__name__]
             for s in students}
    return {'period': period, 'lessons': lessons, 'students': students, 'cells': cells,
            'averages': averages, 'period_marks': period_marks, 'spans': spans,
            'closed': journal.year.is_closed(period.id)}


def enrolled_on(spans, day):
    return any(s <= day and (e is None or day <= e) for s, e in spans)


def row_cells(student_id, name, lessons, cells, spans, editable, history_url):
    """The cells of one student's row for the grid's rows macro (``journal/grid_rows.pt``),
    each (css classes, lesson id, text, input label, history link, link label): an input
    where the teacher may type (the student was enrolled that day), else the value as a link
    to the cell's history. The values are made here, so the template's hot loop (hundreds of
    cells a page) reads each with one subscript."""
    out = []
    link = '%s?student=%s&lesson=' % (history_url, student_id)
    # usually one enrolment spans every lesson shown: then no check per cell
    always = bool(lessons) and enrolled_on(spans, lessons[0].date) and any(
        s <= lessons[0].date and (e is None or lessons[-1].date <= e) for s, e in spans)
    for lesson in lessons:
        cell = cells.get((student_id, lesson.id))
        enrolled = always or enrolled_on(spans, lesson.date)
        css = ('cell' if enrolled else 'cell out') + (
            ' corrected' if cell and revision(cell) else '')
        text = grading.cell_text(cell) if cell else ''
        # what a screen reader says of the cell: whose, which day (and, read-only, the value)
        label = '%s, %s' % (name, lesson.date.strftime('%d.%m.%Y'))
        if editable and enrolled:
            out.append((css, lesson.id, text, label, None, None))
        else:
            out.append((css, lesson.id, text, None, link + lesson.id,
                        '%s: %s' % (label, text) if text else label))
    return out


def cell_json(student_id, lesson_id, cell, kind_title=None):
    cell = cell or grading.EMPTY_CELL
    return {'student': student_id, 'lesson': lesson_id,
            'marks': [{'value': v, 'kind': k, 'weight': w,
                       **({'kind_title': kind_title(k)} if kind_title else {})}
                      for v, k, w in cell['marks']],
            'attendance': cell['attendance'], 'reason': cell.get('reason', ''),
            'comment': cell['comment'], 'text': grading.cell_text(cell)}


def average_json(average, kind_title=str):
    return {'value': float(average['value']) if average['value'] is not None else None,
            'formula': average['formula'],
            'terms': [{'value': v, 'weight': w, 'kind': k, 'kind_title': kind_title(k)}
                      for v, w, k in average['terms']],
            'ignored': average['ignored'],
            'suggested': grading.suggested_period_mark(average['value'])}


def lesson_json(lesson):
    return {'id': lesson.id, 'date': lesson.date.isoformat(), 'number': lesson.number,
            'topic': lesson.topic, 'lesson_type': lesson.lesson_type, 'ict': list(lesson.ict),
            'homework': {'text': lesson.homework,
                         'due': lesson.homework_due.isoformat() if lesson.homework_due else None},
            'note': lesson.note,
            'files': [{'name': f['name'], 'size': f['size']} for f in lesson.files]}

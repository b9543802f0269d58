"""The grading scale, attendance codes and the weighted average: pure functions, no ZODB.

A cell (one student in one lesson) is stored as an immutable record that is replaced,
never mutated (``journal.records.Cell``, read like a dict: ``cell['marks']`` is
``((value, kind, weight), ...)``, then 'attendance', 'reason', 'comment', 'time', 'userid' and
what its history needs, ``Journal.set_cell``); the functions here take a record or a dict.
"""
from decimal import ROUND_HALF_UP, Decimal

from ejportal.core.errors import Invalid
from ejportal.i18n import _

# value -> (numeric value or None, title). Only numeric marks enter the average.
MARKS = {
    '5': (5, _('mark-5', default='excellent')),
    '4': (4, _('mark-4', default='good')),
    '3': (3, _('mark-3', default='satisfactory')),
    '2': (2, _('mark-2', default='unsatisfactory')),
    '1': (1, _('mark-1', default='poor')),
    'зач': (None, _('mark-pass', default='pass')),
    'незач': (None, _('mark-fail', default='fail')),
    'н/а': (None, _('mark-na', default='not assessed')),
    'осв': (None, _('mark-exempt', default='exempt')),
}
# What people type for the same value.
MARK_ALIASES = {'зачёт': 'зач', 'зачет': 'зач', 'незачёт': 'незач', 'незачет': 'незач',
                'на': 'н/а', 'n/a': 'н/а', 'осв.': 'осв'}

ATTENDANCE = {
    'н': _('att-absent', default='absent'),
    'б': _('att-ill', default='ill'),
    'уп': _('att-excused', default='excused'),
    'оп': _('att-late', default='late'),
}
ATTENDANCE_ALIASES = {'у': 'уп', 'n': 'н'}

# Reference book of mark kinds: id -> (title, weight). Kept on the School, these are defaults.
MARK_KINDS = (
    ('answer', 'за ответ', 1),
    ('homework', 'домашняя работа', 1),
    ('practical', 'практическая работа', 1.5),
    ('lab', 'лабораторная работа', 1.5),
    ('test', 'контрольная работа', 2),
)
DEFAULT_KIND = 'answer'

LESSON_TYPES = (
    ('lesson', 'урок'),
    ('test', 'контрольная работа'),
    ('lab', 'лабораторная работа'),
    ('practical', 'практическая работа'),
    ('excursion', 'экскурсия'),
)
# The mark kind a lesson's marks get unless the teacher says otherwise.
LESSON_TYPE_KIND = {'test': 'test', 'lab': 'lab', 'practical': 'practical'}

ICT_MEANS = (
    ('board', 'интерактивная доска'),
    ('computers', 'компьютерный класс'),
    ('projector', 'проектор'),
    ('online', 'электронные образовательные ресурсы'),
)

ABSENCE_REASONS = ('болезнь', 'семейные обстоятельства', 'соревнования, олимпиада',
                   'без уважительной причины')

EMPTY_CELL = {'marks': (), 'attendance': '', 'reason': '', 'comment': '', 'history': ()}


class GradingError(Invalid):
    """A value outside the grading scale or attendance codes; ``field`` names where."""

    def __init__(self, field, message):
        super().__init__(message, {field: message})
        self.field = field


def default_scale():
    """The grading scale as the reference book gives it: value -> numeric value or None."""
    return {value: numeric for value, (numeric, _title) in MARKS.items()}


def normalize_mark(value, scale=None):
    """``scale``: the values offered (value -> numeric or None); default the seeded one."""
    scale = default_scale() if scale is None else scale
    text = str(value).strip().lower().replace(',', '.')
    text = MARK_ALIASES.get(text, text)
    if text not in scale:
        raise GradingError('marks', _('mark-invalid', mapping={'value': str(value)},
                                      default='"${value}" is not a mark of the grading scale.'))
    return text


def normalize_attendance(value):
    text = (value or '').strip().lower()
    text = ATTENDANCE_ALIASES.get(text, text)
    if text and text not in ATTENDANCE:
        raise GradingError('attendance', _('attendance-invalid', mapping={'value': value},
                                           default='"${value}" is not an attendance code.'))
    return text


def kind_weights(kinds=MARK_KINDS):
    return {kind: weight for kind, _title, weight in kinds}


def make_marks(items, default_kind=DEFAULT_KIND, kinds=MARK_KINDS, scale=None):
    """``items``: values, or dicts {value, kind}. -> tuple of (value, kind, weight): the
    weight the kind has now, kept for the cell's history (the averages read the book's
    current weights)."""
    weights = kind_weights(kinds)
    result = []
    for item in items or ():
        if isinstance(item, dict):
            value, kind = item.get('value'), item.get('kind') or default_kind
        else:
            value, kind = item, default_kind
        if kind not in weights:
            raise GradingError('marks', _('kind-invalid', mapping={'kind': str(kind)},
                                          default='"${kind}" is not a kind of mark.'))
        result.append((normalize_mark(value, scale), kind, weights[kind]))
    if len(result) > 5:
        raise GradingError('marks', _('Too many marks in one cell (at most 5).'))
    return tuple(result)


def parse_cell_text(text, default_kind=DEFAULT_KIND, kinds=MARK_KINDS, scale=None):
    """What a teacher types in a grid cell: ``"5"``, ``"5 4"``, ``"н"``, ``"оп 4"``,
    ``"н/а"``. -> (marks, attendance)."""
    marks, attendance = [], ''
    for token in (text or '').replace(',', ' ').split():
        low = token.lower()
        if ATTENDANCE_ALIASES.get(low, low) in ATTENDANCE:
            if attendance:
                raise GradingError('attendance', _('Only one attendance code per cell.'))
            attendance = normalize_attendance(low)
        else:
            marks.append(token)
    return make_marks(marks, default_kind, kinds, scale), attendance


def cell_text(cell):
    """The inverse of ``parse_cell_text`` for display in a grid cell."""
    if not cell:
        return ''
    parts = [m[0] for m in cell.get('marks', ())]
    if cell.get('attendance'):
        parts.insert(0, cell['attendance'])
    return ' '.join(parts)


def _fmt(number):
    number = Decimal(str(number))
    text = format(number.normalize(), 'f')
    return text


def weighted_average(marks, weights=None, scale=None):
    """``marks``: iterable of (value, kind, weight). ``weights`` (kind -> weight) and
    ``scale`` (value -> numeric or None) are the reference books' current ones: a weight
    changed in the book counts for the marks given before (the stored weight is read only
    for a kind the book does not know). Returns a dict: ``value`` (Decimal rounded to 2
    places, or None when no numeric mark), ``terms`` [(value, weight, kind)], ``formula``
    text, ``ignored`` (non-numeric marks, e.g. н/а, зач, осв)."""
    scale = default_scale() if scale is None else scale
    terms, ignored = [], []
    for value, kind, weight in marks:
        if weights is not None:
            weight = weights.get(kind, weight)
        numeric = scale.get(value)
        if numeric is None:
            ignored.append(value)
        else:
            terms.append((numeric, Decimal(str(weight)), kind))
    if not terms:
        return {'value': None, 'terms': [], 'formula': '', 'ignored': ignored}
    total = sum(Decimal(v) * w for v, w, _k in terms)
    weight = sum(w for _v, w, _k in terms)
    value = (total / weight).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)
    formula = '(%s) / (%s) = %s / %s = %s' % (
        ' + '.join('%d×%s' % (v, _fmt(w)) for v, w, _k in terms),
        ' + '.join(_fmt(w) for _v, w, _k in terms), _fmt(total), _fmt(weight), value)
    return {'value': value, 'terms': [(v, float(w), k) for v, w, k in terms],
            'formula': formula, 'ignored': ignored}


def suggested_period_mark(average):
    """The period mark the average suggests (x.5 rounds up); None without an average."""
    if average is None:
        return None
    return str(int(average.quantize(Decimal('1'), rounding=ROUND_HALF_UP)))


PERIOD_MARKS = ('5', '4', '3', '2', '1', 'зач', 'незач', 'н/а', 'осв')


def normalize_period_mark(value, scale=None):
    text = str(value or '').strip().lower()
    if not text:
        return ''
    text = MARK_ALIASES.get(text, text)
    if text not in (PERIOD_MARKS if scale is None else scale):
        raise GradingError('value', _('mark-invalid', mapping={'value': str(value)},
                                      default='"${value}" is not a mark of the grading scale.'))
    return text

from decimal import Decimal

import pytest

from ejportal.journal import grading
from ejportal.journal.grading import (
    GradingError, make_marks, parse_cell_text, suggested_period_mark, weighted_average)


def test_weighted_average_uses_weights_of_kinds():
    marks = make_marks([{'value': '5', 'kind': 'answer'}, {'value': '3', 'kind': 'test'}])
    result = weighted_average(marks)
    # (5*1 + 3*2) / (1 + 2) = 11 / 3 = 3.67
    assert result['value'] == Decimal('3.67')
    assert result['formula'] == '(5×1 + 3×2) / (1 + 2) = 11 / 3 = 3.67'
    assert result['terms'] == [(5, 1.0, 'answer'), (3, 2.0, 'test')]


def test_fractional_weights():
    marks = make_marks([{'value': '4', 'kind': 'lab'}, {'value': '5', 'kind': 'answer'}])
    # (4*1.5 + 5*1) / 2.5 = 11 / 2.5 = 4.4
    assert weighted_average(marks)['value'] == Decimal('4.40')


def test_empty_period_has_no_average():
    result = weighted_average([])
    assert result['value'] is None and result['formula'] == ''
    assert suggested_period_mark(result['value']) is None


def test_non_numeric_marks_are_left_out_of_the_average():
    marks = make_marks(['н/а', 'зач', '4', 'осв', '2'])
    result = weighted_average(marks)
    assert result['value'] == Decimal('3.00')
    assert result['ignored'] == ['н/а', 'зач', 'осв']


def test_only_non_numeric_marks_give_no_average():
    assert weighted_average(make_marks(['н/а', 'незач']))['value'] is None


def test_rounding_half_up():
    # 4.5 exactly suggests 5; 3.49 suggests 3
    assert weighted_average(make_marks(['5', '4']))['value'] == Decimal('4.50')
    assert suggested_period_mark(Decimal('4.50')) == '5'
    assert suggested_period_mark(Decimal('3.49')) == '3'
    # 2/3 rounds to 0.67, not 0.66
    assert weighted_average(make_marks(['5', '4', '4']))['value'] == Decimal('4.33')


def test_parse_cell_text():
    assert parse_cell_text('5') == ((('5', 'answer', 1),), '')
    assert parse_cell_text('5 4', 'test') == ((('5', 'test', 2), ('4', 'test', 2)), '')
    assert parse_cell_text('н') == ((), 'н')
    assert parse_cell_text('оп 4')[1] == 'оп'
    assert parse_cell_text('н/а') == ((('н/а', 'answer', 1),), '')
    assert parse_cell_text('зачёт')[0][0][0] == 'зач'
    assert parse_cell_text('') == ((), '')


@pytest.mark.parametrize('text', ['6', '0', '5+', 'abc', '4.5', 'н б'])
def test_values_outside_the_scale_are_refused(text):
    with pytest.raises(GradingError):
        parse_cell_text(text)


def test_unknown_kind_is_refused():
    with pytest.raises(GradingError) as error:
        make_marks([{'value': '5', 'kind': 'nonsense'}])
    assert error.value.field == 'marks'


def test_cell_text_round_trip():
    marks, attendance = parse_cell_text('оп 5 4')
    cell = dict(grading.EMPTY_CELL, marks=marks, attendance=attendance)
    assert grading.cell_text(cell) == 'оп 5 4'

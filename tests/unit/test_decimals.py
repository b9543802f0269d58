"""Decimals as the reader writes them (issue 11): a comma in Russian, a point in English."""
from decimal import Decimal

from ejportal.i18n import decimal_text, format_decimal


def test_format_decimal():
    assert format_decimal(Decimal('4'), 'ru') == '4,00'
    assert format_decimal(Decimal('3.75'), 'en') == '3.75'
    assert format_decimal('3.75', 'ru') == '3,75'
    assert format_decimal(2.5, 'ru', 1) == '2,5'
    assert format_decimal(None, 'ru') == '—' and format_decimal('—', 'ru') == '—'


def test_decimal_text_changes_numbers_only():
    formula = '(5×1 + 3×1.5) / (1 + 1.5) = 9.5 / 2.5 = 3.80'
    assert decimal_text(formula, 'ru') == '(5×1 + 3×1,5) / (1 + 1,5) = 9,5 / 2,5 = 3,80'
    assert decimal_text(formula, 'en') == formula
    assert decimal_text('', 'ru') == ''

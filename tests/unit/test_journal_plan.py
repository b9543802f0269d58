import io

import openpyxl
import pytest

from ejportal.journal.plan import PlanError, parse_plan


def xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_plan():
    data = xlsx([['№', 'Тема', 'Часы', 'Раздел'], [1, 'Натуральные числа', 2, 'Числа'],
                 [2, 'Сложение', None, 'Числа']])
    assert parse_plan(data, 'plan.xlsx') == [
        {'number': 1, 'topic': 'Натуральные числа', 'hours': 2, 'section': 'Числа'},
        {'number': 2, 'topic': 'Сложение', 'hours': 1, 'section': 'Числа'}]


def test_csv_plan_semicolons_cp1251():
    data = '№;Тема;Часы\n1;Дроби;1\n2;Проценты;2\n'.encode('cp1251')
    assert [i['topic'] for i in parse_plan(data, 'plan.csv')] == ['Дроби', 'Проценты']


@pytest.mark.parametrize('data', [b'', b'\x00\x01\x02binary', b'PK\x03\x04broken zip',
                                  'Что-то;Другое\n1;2\n'.encode()])
def test_bad_files(data):
    with pytest.raises(PlanError):
        parse_plan(data, 'x.csv')


def test_huge_file():
    with pytest.raises(PlanError):
        parse_plan(b'a' * (3 * 1024 * 1024), 'x.csv')


def test_row_errors_name_rows():
    data = '№,Тема,Часы\n1,Дроби,1\nx,Ошибка,1\n3,,1\n4,Тема,99\n1,Повтор,1\n'.encode()
    with pytest.raises(PlanError) as error:
        parse_plan(data, 'x.csv')
    assert [row for row, _m in error.value.rows] == [3, 4, 5, 6]

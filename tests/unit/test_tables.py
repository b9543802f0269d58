"""The one reader of uploaded tables (``core.tables``), and the named actions one area runs
for another (``config.add_action``)."""
import io
import zipfile

import openpyxl
import pytest
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationConflictError

from ejportal.core.actions import Action, named_action
from ejportal.core.errors import Invalid
from ejportal.core.tables import read_sheets


def test_csv_encodings_and_delimiters():
    text = 'Фамилия;Имя\r\nИванова;Мария\r\n'
    for encoding in ('utf-8', 'utf-8-sig', 'cp1251'):
        [(title, rows)] = read_sheets(text.encode(encoding), 'a.csv', 10)
        assert title == '' and rows == [['Фамилия', 'Имя'], ['Иванова', 'Мария']]
    [(_t, rows)] = read_sheets(b'a,b\r\n1,2\r\n', 'a.csv', 10)
    assert rows == [['a', 'b'], ['1', '2']]


def test_every_sheet_of_a_workbook_with_dates_and_numbers_as_text():
    import datetime
    book = openpyxl.Workbook()
    book.active.title = 'Первый'
    book.active.append(['Дата', 'Число'])
    book.active.append([datetime.datetime(2014, 3, 14), 5.0])
    book.create_sheet('Второй').append(['x'])
    out = io.BytesIO()
    book.save(out)
    sheets = read_sheets(out.getvalue(), 'book.xlsx', 10)
    assert sheets == [('Первый', [['Дата', 'Число'], ['2014-03-14', '5']]),
                      ('Второй', [['x']])]
    assert len(read_sheets(out.getvalue(), 'book.xlsx', 10, first_only=True)) == 1


def test_a_zip_bomb_is_refused_before_it_is_opened():
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as archive:
        archive.writestr('xl/sharedStrings.xml', b'\0' * (25 * 1024 * 1024))
    with pytest.raises(Invalid) as refused:
        read_sheets(out.getvalue(), 'bomb.xlsx', 10)
    assert 'unpacks to too much' in str(refused.value)


class Echo(Action):
    def perform(self, appstruct):
        return self.context, appstruct


def test_a_named_action_is_found_through_the_registry_and_named_once():
    config = Configurator()
    config.include('ejportal.core.registry')
    config.add_action('echo', Echo)
    config.commit()
    assert named_action('echo', 'ctx', registry=config.registry)({'a': 1}) == ('ctx', {'a': 1})
    config.add_action('echo', Echo)
    config.add_action('echo', Action)
    with pytest.raises(ConfigurationConflictError):
        config.commit()

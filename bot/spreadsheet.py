"""Tables (bot/domain/export.py) written as an XLSX workbook or a zip of CSV files.

The XLSX: a bold header row, frozen under it, an autofilter over the table, widths that fit
what the columns hold, dates and local times as real spreadsheet dates. The CSV: what Russian
Excel opens by a double click — UTF-8 with a BOM, `;` between fields. Text typed by people is
never taken for a formula: an XLSX cell is kept as text, and a CSV field that a spreadsheet
would evaluate (=, +, -, @ first) is prefixed with an apostrophe. Written in a child process
(bot/jobs.py), so openpyxl never stays in the bot's memory."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime

from bot.domain.export import Table, Value

DATE_FORMAT = "DD.MM.YYYY"
TIME_FORMAT = "DD.MM.YYYY HH:MM"
MIN_WIDTH, MAX_WIDTH = 6, 60
WIDTH_SAMPLE = 500  # rows looked at to size a column
_FORMULA_FIRST = ("=", "+", "-", "@", "\t", "\r")


def _shown(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")  # the decimal comma Russian Excel reads
    return str(value)


def _widths(table: Table) -> list[float]:
    widths = [len(title) + 2 for title in table.header]
    for row in table.rows[:WIDTH_SAMPLE]:
        for n, value in enumerate(row):
            longest = max((len(line) for line in _shown(value).split("\n")), default=0)
            widths[n] = max(widths[n], longest + 2)
    return [min(max(width, MIN_WIDTH), MAX_WIDTH) for width in widths]


def _column(n: int) -> str:
    """Excel's column letters: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def xlsx(built: Sequence[Table]) -> bytes:
    from openpyxl import Workbook  # imported here: only the child process that writes needs it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=True)
    for table in built:
        sheet = book.create_sheet(table.title[:31])  # Excel's limit for a sheet's name
        for n, width in enumerate(_widths(table)):
            sheet.column_dimensions[_column(n)].width = width
        sheet.freeze_panes = "A2"
        last = f"{_column(len(table.header) - 1)}{len(table.rows) + 1}"
        sheet.auto_filter.ref = f"A1:{last}"
        bold, top = Font(bold=True), Alignment(vertical="top", wrap_text=True)
        header = []
        for title in table.header:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font, cell.alignment = bold, top
            header.append(cell)
        sheet.append(header)
        day = WriteOnlyCell(sheet)
        day.number_format = DATE_FORMAT
        moment = WriteOnlyCell(sheet)
        moment.number_format = TIME_FORMAT
        for row in table.rows:
            cells: list[object] = []
            for value in row:
                if isinstance(value, datetime):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell._style = moment._style
                    cells.append(cell)
                elif isinstance(value, date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell._style = day._style
                    cells.append(cell)
                elif isinstance(value, str) and value.startswith("="):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"  # what a person typed, not a formula
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_field(value: Value) -> str:
    text = _shown(value)
    if isinstance(value, str) and text.startswith(_FORMULA_FIRST):
        return "'" + text
    return text


def csv_zip(built: Sequence[Table]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in built:
            text = io.StringIO()
            writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
            writer.writerow(table.header)
            writer.writerows([_csv_field(value) for value in row] for row in table.rows)
            archive.writestr(f"{table.name}.csv", "\ufeff" + text.getvalue())
    return out.getvalue()

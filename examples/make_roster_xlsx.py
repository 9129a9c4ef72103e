"""Write examples/roster.xlsx from examples/roster.csv, as an admin would keep it in Excel:
dates as date cells, numeric Telegram ids as numbers.

    python examples/make_roster_xlsx.py
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
DATE_COLUMNS = {"Начало", "Окончание"}
_DMY = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")


def typed(column: str, text: str) -> object:
    if not text:
        return None
    if column in DATE_COLUMNS and (match := _DMY.fullmatch(text)):
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    if column == "Telegram" and text.isdigit():
        return int(text)
    return text


def main() -> None:
    with (HERE / "roster.csv").open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source, delimiter=";"))
    header, body = rows[0], rows[1:]

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Список"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append([typed(column, text) for column, text in zip(header, row, strict=True)])
    for column_cells in sheet.iter_cols(min_row=2):
        for cell in column_cells:
            if isinstance(cell.value, date | datetime):
                cell.number_format = "DD.MM.YYYY"
    for index in range(len(header)):
        width = max(len(row[index]) for row in rows) + 2
        sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter].width = width
    sheet.freeze_panes = "A2"
    workbook.save(HERE / "roster.xlsx")


if __name__ == "__main__":
    main()

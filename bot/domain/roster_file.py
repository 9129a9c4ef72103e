"""Reading a roster file (CSV or XLSX) into a table of numbered rows of cells; no database and
no meaning of the cells here (bot/domain/roster.py reads the rows).

The kind of file is decided by its content, never by its name or MIME type: Telegram sends a CSV
saved by Excel as application/vnd.ms-excel, and people rename files.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from bot.domain.rules import ROSTER_MAX_BYTES, ROSTER_MAX_ROWS

Table = list[tuple[int, Sequence[object]]]  # (the row's number in the spreadsheet, its cells)
ColumnOf = Callable[[object], str | None]


class RosterRefused(Exception):
    """The file as a whole is refused; nothing is written. `key` is the text that says why."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key = key
        self._args: dict[str, object] = dict(args)

    # The text's arguments, as t(key, **args) takes them; Exception keeps its own tuple inside.
    @property
    def args(self) -> dict[str, object]:  # type: ignore[override]
        return self._args


_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_BINARY_MAGICS = (
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"%PDF-",
    b"\x1f\x8b",  # gzip
    b"Rar!",
    b"7z\xbc\xaf",
    b"RIFF",  # WebP, WAV, AVI
    b"\x7fELF",
)
# A 2 MB XLSX may unpack to far more; real rosters of 5000 rows stay well under this.
_XLSX_MAX_UNPACKED = 64 * 1024 * 1024
_MAX_COLUMNS = 64
# Rows counted toward the cap are the filled ones; this bounds the empty ones in between.
_MAX_LINES = ROSTER_MAX_ROWS * 10
# A quoted CSV cell longer than this many lines is a stray quote swallowing rows.
_MAX_LINES_IN_CELL = 20


def read_table(data: bytes, *, first_rows: int, column_of: ColumnOf) -> Table:
    """The file's filled rows, numbered as a spreadsheet numbers them; RosterRefused when the
    file as a whole cannot be a roster. `first_rows`: the rows above the people allowed for (a
    title and the header); `column_of` names the column a header cell is, if any (it tells a
    CSV's delimiter)."""
    if len(data) > ROSTER_MAX_BYTES:
        raise RosterRefused("roster-refused-too-big", max_mb=ROSTER_MAX_BYTES // (1024 * 1024))
    if data.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        return _xlsx_table(data, first_rows)
    if data.startswith(_OLE_MAGIC):
        raise RosterRefused("roster-refused-xls")
    if data.startswith(_BINARY_MAGICS):
        raise RosterRefused("roster-refused-not-roster")
    return _csv_table(_decode(data), first_rows, column_of)


def _bounded(rows: Iterable[Sequence[object]], first_rows: int) -> Table:
    """Number the rows from 1 as a spreadsheet does and enforce the row cap while reading."""
    table: Table = []
    filled = 0
    for line, cells in enumerate(rows, start=1):
        if is_empty(cells):
            if line > _MAX_LINES:
                raise RosterRefused("roster-refused-too-many-rows", max=ROSTER_MAX_ROWS)
            continue
        filled += 1
        # The header and the title lines above it; _parse_table counts the people exactly.
        if filled > ROSTER_MAX_ROWS + first_rows or line > _MAX_LINES:
            raise RosterRefused("roster-refused-too-many-rows", max=ROSTER_MAX_ROWS)
        table.append((line, cells))
    return table


def _xlsx_table(data: bytes, first_rows: int) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise RosterRefused("roster-refused-bad-xlsx") from exc
    if "xl/workbook.xml" not in names:
        raise RosterRefused("roster-refused-bad-xlsx")
    if unpacked > _XLSX_MAX_UNPACKED:
        raise RosterRefused("roster-refused-too-big", max_mb=ROSTER_MAX_BYTES // (1024 * 1024))

    from openpyxl import load_workbook  # imported here: only XLSX rosters pay for it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged workbook
        raise RosterRefused("roster-refused-bad-xlsx") from exc
    try:
        if not workbook.worksheets:
            raise RosterRefused("roster-refused-empty")
        sheet = workbook.worksheets[0]
        # The stored dimensions may be wrong (some programs write A1:A1); read what is there.
        sheet.reset_dimensions()
        return _bounded(sheet.iter_rows(max_col=_MAX_COLUMNS, values_only=True), first_rows)
    except RosterRefused:
        raise
    except Exception as exc:  # a damaged sheet part surfaces only while reading rows
        raise RosterRefused("roster-refused-bad-xlsx") from exc
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise RosterRefused("roster-refused-not-roster") from exc
    elif b"\x00" in data:
        raise RosterRefused("roster-refused-not-roster")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1251")  # Russian Excel's "CSV (разделители — запятые)"
            except UnicodeDecodeError as exc:
                raise RosterRefused("roster-refused-not-roster") from exc
    controls = sum(1 for char in text if _is_control(char) and char not in "\t\n\r")
    if controls * 100 > len(text):
        raise RosterRefused("roster-refused-not-roster")
    return text


def _csv_table(text: str, first_rows: int, column_of: ColumnOf) -> Table:
    first_lines = [line for line in text.split("\n") if line.strip()][:first_rows]
    if not first_lines:
        raise RosterRefused("roster-refused-empty")
    delimiter = _sniff_delimiter(first_lines, column_of)
    try:
        return _bounded(_csv_records(text, delimiter), first_rows)
    except csv.Error as exc:
        raise RosterRefused("roster-refused-unreadable") from exc


def _sniff_delimiter(first_lines: list[str], column_of: ColumnOf) -> str:
    """The delimiter under which a line names the most known columns (then has the most cells)."""

    def score(delimiter: str) -> tuple[int, int]:
        return max(score_line(line, delimiter) for line in first_lines)

    def score_line(line: str, delimiter: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error:
            return (0, 0)
        known = {column_of(cell) for cell in cells} - {None}
        return (len(known), len(cells))

    return max((";", ",", "\t"), key=score)


class BrokenQuote(tuple[str, ...]):
    """A CSV line whose opening quote does not close where a cell can end: read as it stands,
    the quote would swallow the rows after it. Holds the line as written."""


def _csv_records(text: str, delimiter: str) -> Iterator[Sequence[object]]:
    """The CSV's rows, one per spreadsheet row; a line with a stray quote becomes a BrokenQuote
    and the lines after it are read again as rows of their own."""
    # Lines end at \n, \r\n or \r, as the csv module reads them.
    lines = io.StringIO(text, newline="").readlines()
    feed = _CsvLines(lines, delimiter)
    while True:
        for cells in csv.reader(feed, delimiter=delimiter):
            if feed.broken or any(_swallows_rows(cell, delimiter) for cell in cells):
                feed.broken = True
                break
            feed.row_done()
            yield cells
        if not feed.broken:
            return
        yield BrokenQuote((lines[feed.row_start].strip(),))
        feed.skip_broken_row()


class _CsvLines:
    """Feeds a csv.reader line by line and stops it when a quoted cell runs on into what looks
    like the next rows: a line cannot continue a cell, the cell grows past _MAX_LINES_IN_CELL
    lines, or the file ends inside the quotes."""

    def __init__(self, lines: list[str], delimiter: str) -> None:
        self._lines = lines
        self._delimiter = delimiter
        self._next = 0
        self.row_start = 0
        self._in_row = False
        self.broken = False

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.broken:
            raise StopIteration
        if self._next >= len(self._lines):
            self.broken = self._in_row  # the file ended inside a quoted cell
            raise StopIteration
        line = self._lines[self._next]
        if not self._in_row:
            # The reader asks for a line in the middle of a row only inside a quoted cell.
            self._in_row = True
            self.row_start = self._next
        elif (
            not _continues_cell(line, self._delimiter)
            or self._next - self.row_start >= _MAX_LINES_IN_CELL
        ):
            self.broken = True
            raise StopIteration
        self._next += 1
        return line

    def row_done(self) -> None:
        self._in_row = False

    def skip_broken_row(self) -> None:
        self._next = self.row_start + 1
        self._in_row = False
        self.broken = False


def _continues_cell(line: str, delimiter: str) -> bool:
    """Whether a line can be the next line of a quoted cell: no delimiter before the closing
    quote ("" is a quote), and the quote, if any, ends the cell as a spreadsheet writes it."""
    start = 0
    while (quote := line.find('"', start)) >= 0:
        if line.startswith('"', quote + 1):
            start = quote + 2
            continue
        return delimiter not in line[:quote] and line[quote + 1 : quote + 2] in (
            delimiter,
            "\r",
            "\n",
            "",
        )
    return delimiter not in line


def _swallows_rows(cell: str, delimiter: str) -> bool:
    """A cell over several lines that holds the delimiter took in text meant as cells."""
    return delimiter in cell and ("\n" in cell or "\r" in cell)


# Cells -------------------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A cell as text: a date cell as DD.MM.YYYY, a whole number without its «.0», control
    characters as spaces."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if any(_is_control(char) for char in text):
        text = "".join(" " if _is_control(char) else char for char in text)
    return text.strip()


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def is_empty(cells: Sequence[Any]) -> bool:
    return all(not cell_text(cell) for cell in cells)

"""Reading a roster file (CSV or XLSX) into rows of people; no database here.

The kind of file is decided by its content, never by its name or MIME type: Telegram sends a CSV
saved by Excel as application/vnd.ms-excel, and people rename files.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.dates import MAX_DATE, MIN_DATE, DateOutOfRange, NotADate, read_date
from bot.domain.rules import (
    MAX_DEPARTMENT_LENGTH,
    MAX_NAME_LENGTH,
    MAX_ORDER_LENGTH,
    ROSTER_MAX_BYTES,
    ROSTER_MAX_ROWS,
    default_end_is_cut,
)
from storage.models import PairKind, Role
from storage.names import clean_name, clean_text


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


@dataclass(frozen=True)
class RosterRow:
    line: int
    full_name: str
    role: Role
    telegram_id: int | None
    username: str | None  # lower case, without "@"
    department: str | None
    mentor: str | None  # the mentor as written: full name, @username or numeric Telegram id
    kind: PairKind
    start: date | None
    end: date | None
    order_ref: str | None


@dataclass(frozen=True)
class RowError:
    line: int
    key: str
    args: dict[str, object]


@dataclass
class ParsedRoster:
    rows: list[RosterRow]
    errors: list[RowError]


# Column names as people write them: case, spaces, punctuation and "(…)" notes do not matter.
_COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "full_name": (
        "fullname",
        "name",
        "employee",
        "фио",
        "фамилияимяотчество",
        "фиосотрудника",
        "фиоработника",
        "сотрудник",
        "работник",
        "физическоелицо",
    ),
    # HR exports (1C and the like) spell the name as three columns; they are joined.
    "last_name": ("lastname", "surname", "familyname", "фамилия"),
    "first_name": ("firstname", "givenname", "имя"),
    "middle_name": ("middlename", "patronymic", "отчество"),
    "role": ("role", "роль", "рольвпрограмме"),
    "telegram": ("telegram", "телеграм", "телеграмм", "tg", "тг"),
    "department": (
        "department",
        "пцк",
        "отделение",
        "кафедра",
        "подразделение",
        "структурноеподразделение",
        "отдел",
    ),
    "mentor": ("mentor", "наставник", "фионаставника"),
    "kind": ("kind", "вид", "виднаставничества"),
    "start": ("start", "startdate", "начало", "датаначала"),
    "end": ("end", "enddate", "окончание", "датаокончания"),
    "order": ("order", "приказ", "номерприказа"),
}
_COLUMN_BY_NAME = {name: column for column, names in _COLUMN_NAMES.items() for name in names}
_NAME_PARTS = ("last_name", "first_name", "middle_name")
# An export puts a title line or two above the header; it is looked for among the first rows.
HEADER_SEARCH_ROWS = 10

_ROLES = {
    "mentor": Role.MENTOR,
    "наставник": Role.MENTOR,
    "наставница": Role.MENTOR,
    "педагог наставник": Role.MENTOR,
    "mentee": Role.MENTEE,
    "наставляемый": Role.MENTEE,
    "наставляемая": Role.MENTEE,
    "молодой специалист": Role.MENTEE,
    "admin": Role.ADMIN,
    "методист": Role.ADMIN,
    "администратор": Role.ADMIN,
}
_KINDS = {
    "pedagogical": PairKind.PEDAGOGICAL,
    "педагогический": PairKind.PEDAGOGICAL,
    "педагогическое": PairKind.PEDAGOGICAL,
    "педагогическая": PairKind.PEDAGOGICAL,
    "business": PairKind.BUSINESS,
    "бизнес": PairKind.BUSINESS,
    "бизнес наставник": PairKind.BUSINESS,
    "бизнес наставничество": PairKind.BUSINESS,
}

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
_SHOWN_VALUE_LENGTH = 60

_USERNAME = re.compile(r"@?([A-Za-z0-9_]{5,32})")
_LINK = re.compile(r"(?:https?://)?(?:www\.)?(?:t|telegram)\.me/([A-Za-z0-9_]{5,32})/?", re.I)
_NUMERIC_ID = re.compile(r"(\d{1,20})(?:\.0+)?")
_MAX_TELEGRAM_ID = 2**53  # Telegram promises user ids fit in 52 bits
_NOTE = re.compile(r"\([^)]*\)")
_NOT_WORD = re.compile(r"[\W_]+")


class _RowProblem(Exception):
    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = args


def parse_roster(data: bytes, filename: str | None = None) -> ParsedRoster:
    """Read a roster; raise RosterRefused when the file as a whole cannot be one. `filename` is
    only a hint for messages and is never trusted to tell the format."""
    del filename  # the content decides
    if len(data) > ROSTER_MAX_BYTES:
        raise RosterRefused("roster-refused-too-big", max_mb=ROSTER_MAX_BYTES // (1024 * 1024))
    if data.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        table = _xlsx_table(data)
    elif data.startswith(_OLE_MAGIC):
        raise RosterRefused("roster-refused-xls")
    elif data.startswith(_BINARY_MAGICS):
        raise RosterRefused("roster-refused-not-roster")
    else:
        table = _csv_table(_decode(data))
    return _parse_table(table)


# Reading the table -------------------------------------------------------------------------------

Table = list[tuple[int, Sequence[object]]]


def _bounded(rows: Iterable[Sequence[object]]) -> Table:
    """Number the rows from 1 as a spreadsheet does and enforce the row cap while reading."""
    table: Table = []
    filled = 0
    for line, cells in enumerate(rows, start=1):
        if _is_empty(cells):
            if line > _MAX_LINES:
                raise RosterRefused("roster-refused-too-many-rows", max=ROSTER_MAX_ROWS)
            continue
        filled += 1
        # The header and the title lines above it; _parse_table counts the people exactly.
        if filled > ROSTER_MAX_ROWS + HEADER_SEARCH_ROWS or line > _MAX_LINES:
            raise RosterRefused("roster-refused-too-many-rows", max=ROSTER_MAX_ROWS)
        table.append((line, cells))
    return table


def _xlsx_table(data: bytes) -> Table:
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
        return _bounded(sheet.iter_rows(max_col=_MAX_COLUMNS, values_only=True))
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


def _csv_table(text: str) -> Table:
    first_lines = [line for line in text.split("\n") if line.strip()][:HEADER_SEARCH_ROWS]
    if not first_lines:
        raise RosterRefused("roster-refused-empty")
    delimiter = _sniff_delimiter(first_lines)
    try:
        return _bounded(_csv_records(text, delimiter))
    except csv.Error as exc:
        raise RosterRefused("roster-refused-unreadable") from exc


def _sniff_delimiter(first_lines: list[str]) -> str:
    """The delimiter under which a line names the most known columns (then has the most cells)."""

    def score(delimiter: str) -> tuple[int, int]:
        return max(score_line(line, delimiter) for line in first_lines)

    def score_line(line: str, delimiter: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error:
            return (0, 0)
        known = {_column_of(cell) for cell in cells} - {None}
        return (len(known), len(cells))

    return max((";", ",", "\t"), key=score)


class _BrokenQuote(tuple[str, ...]):
    """A CSV line whose opening quote does not close where a cell can end: read as it stands,
    the quote would swallow the rows after it. Holds the line as written."""


def _csv_records(text: str, delimiter: str) -> Iterator[Sequence[object]]:
    """The CSV's rows, one per spreadsheet row; a line with a stray quote becomes a _BrokenQuote
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
        yield _BrokenQuote((lines[feed.row_start].strip(),))
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


# Reading the rows --------------------------------------------------------------------------------


def _parse_table(table: Table) -> ParsedRoster:
    if not table:
        raise RosterRefused("roster-refused-empty")
    header_index, columns = _find_header(table)
    people = table[header_index + 1 :]
    if len(people) > ROSTER_MAX_ROWS:
        raise RosterRefused("roster-refused-too-many-rows", max=ROSTER_MAX_ROWS)
    roster = ParsedRoster(rows=[], errors=[])
    for line, cells in people:
        try:
            if isinstance(cells, _BrokenQuote):
                raise _RowProblem("roster-row-unbalanced-quote", value=_shown(cells[0]))
            roster.rows.append(_parse_row(line, _Cells(cells, columns)))
        except _RowProblem as problem:
            roster.errors.append(RowError(line=line, key=problem.key, args=problem.values))
    return roster


def _find_header(table: Table) -> tuple[int, dict[str, int]]:
    """The first of the first rows that names the required columns, and its columns by index;
    the title lines above it are not people."""
    best: tuple[int, dict[str, int]] | None = None
    searched = table[:HEADER_SEARCH_ROWS]
    for index, (_, cells) in enumerate(searched):
        if isinstance(cells, _BrokenQuote):
            continue
        columns = _columns_of(cells)
        if not _missing(columns):
            return index, columns
        if columns and (best is None or len(columns) > len(best[1])):
            best = (index, columns)
    if best is None:
        raise RosterRefused("roster-refused-no-header", last=searched[-1][0])
    index, columns = best
    missing = _missing(columns)
    raise RosterRefused(
        "roster-refused-missing-columns",
        missing=missing[0] if len(missing) == 1 else "all",
        line=table[index][0],
    )


def _columns_of(cells: Sequence[object]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = _column_of(cell)
        if column is not None:
            columns.setdefault(column, index)
    return columns


def _missing(columns: dict[str, int]) -> list[str]:
    """The required columns a header lacks: the name (whole, or surname and first name) and
    the role."""
    has_name = "full_name" in columns or {"last_name", "first_name"} <= columns.keys()
    return [
        column
        for column, present in (("full_name", has_name), ("role", "role" in columns))
        if not present
    ]


class _Cells:
    def __init__(self, cells: Sequence[object], columns: dict[str, int]) -> None:
        self._cells = cells
        self._columns = columns

    def raw(self, column: str) -> object:
        index = self._columns.get(column)
        if index is None or index >= len(self._cells):
            return None
        return self._cells[index]

    def text(
        self, column: str, max_length: int, clean: Callable[[str], str] = clean_text
    ) -> str | None:
        """The cell's text: clean_name for names, clean_text for the rest; None when empty."""
        value = clean(_text(self.raw(column)))
        if not value:
            return None
        if len(value) > max_length:
            raise _RowProblem("roster-row-too-long", column=column, max=max_length)
        return value


def _parse_row(line: int, cells: _Cells) -> RosterRow:
    full_name = _full_name(cells)
    role_text = cells.text("role", MAX_NAME_LENGTH)
    if role_text is None:
        raise _RowProblem("roster-row-no-role")
    role = _ROLES.get(_word_key(role_text))
    if role is None:
        raise _RowProblem("roster-row-bad-role", value=_shown(role_text))
    telegram_id, username = _telegram(cells.raw("telegram"))
    department = cells.text("department", MAX_DEPARTMENT_LENGTH)

    mentor: str | None = None
    kind = PairKind.PEDAGOGICAL
    start: date | None = None
    end: date | None = None
    order_ref: str | None = None
    if role is Role.MENTEE:  # the pair columns mean something on a mentee's row only
        mentor = cells.text("mentor", MAX_NAME_LENGTH, clean_name)
    if mentor is not None:
        kind_text = cells.text("kind", MAX_NAME_LENGTH)
        if kind_text is not None:
            found = _KINDS.get(_word_key(kind_text))
            if found is None:
                raise _RowProblem("roster-row-bad-kind", value=_shown(kind_text))
            kind = found
        start = _date(cells.raw("start"), "start")
        end = _date(cells.raw("end"), "end")
        if start is not None and end is not None and end < start:
            raise _RowProblem("roster-row-end-before-start")
        if start is not None and end is None and default_end_is_cut(start):
            raise _RowProblem("roster-row-no-default-end", start=_day(start), max=_day(MAX_DATE))
        order_ref = cells.text("order", MAX_ORDER_LENGTH)
    return RosterRow(
        line=line,
        full_name=full_name,
        role=role,
        telegram_id=telegram_id,
        username=username,
        department=department,
        mentor=mentor,
        kind=kind,
        start=start,
        end=end,
        order_ref=order_ref,
    )


def _full_name(cells: _Cells) -> str:
    """The ФИО column, or else Фамилия, Имя and Отчество (optional) joined."""
    full_name = cells.text("full_name", MAX_NAME_LENGTH, clean_name)
    if full_name is not None:
        return full_name
    parts = {column: cells.text(column, MAX_NAME_LENGTH, clean_name) for column in _NAME_PARTS}
    if not any(parts.values()):
        raise _RowProblem("roster-row-no-name")
    for column in ("last_name", "first_name"):
        if parts[column] is None:
            raise _RowProblem("roster-row-no-name-part", column=column)
    full_name = " ".join(part for part in parts.values() if part)
    if len(full_name) > MAX_NAME_LENGTH:
        raise _RowProblem("roster-row-too-long", column="full_name", max=MAX_NAME_LENGTH)
    return full_name


def parse_telegram(value: str) -> tuple[int | None, str | None] | None:
    """A numeric Telegram id, or a username from "@name", "name" or a t.me link; None when the
    text is neither. Empty text gives (None, None)."""
    try:
        return _telegram(value)
    except _RowProblem:
        return None


def _telegram(raw: object) -> tuple[int | None, str | None]:
    if raw is None:
        return None, None
    number: int | None = None
    if isinstance(raw, bool):
        raise _RowProblem("roster-row-bad-telegram", value=_shown(_text(raw)))
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise _RowProblem("roster-row-bad-telegram", value=_shown(_text(raw)))
        number = int(raw)
    else:
        text = _text(raw).strip()
        if not text:
            return None, None
        digits = _NUMERIC_ID.fullmatch(text)
        if digits:
            number = int(digits.group(1))
        else:
            name = _LINK.fullmatch(text) or _USERNAME.fullmatch(text)
            if name is None:
                raise _RowProblem("roster-row-bad-telegram", value=_shown(text))
            return None, name.group(1).lower()
    if not 0 < number < _MAX_TELEGRAM_ID:
        raise _RowProblem("roster-row-bad-telegram", value=_shown(_text(raw)))
    return number, None


def _date(raw: object, column: str) -> date | None:
    """A typed date cell, an Excel serial number or written text, through the one range check."""
    try:
        return read_date(_text(raw) if isinstance(raw, str) else raw)
    except NotADate as exc:  # 31.02.2026, 2026/09/01 and the like
        raise _RowProblem("roster-row-bad-date", column=column, value=_shown(_text(raw))) from exc
    except DateOutOfRange as exc:  # 31.12.9999, 01.09.1900: a typo, not a date of the programme
        raise _RowProblem(
            "roster-row-date-out-of-range",
            column=column,
            value=_day(exc.day),
            min=_day(MIN_DATE),
            max=_day(MAX_DATE),
        ) from exc


def _day(day: date) -> str:
    return f"{day.day:02}.{day.month:02}.{day.year:04}"  # strftime drops the zeros of year 1


# Small helpers -----------------------------------------------------------------------------------


def _column_of(cell: object) -> str | None:
    name = _NOTE.sub("", _text(cell)).casefold().replace("ё", "е")
    return _COLUMN_BY_NAME.get(_NOT_WORD.sub("", name))


def _word_key(text: str) -> str:
    """Role and kind values: case, ё, hyphens and extra spaces do not matter."""
    folded = text.casefold().replace("ё", "е").replace("-", " ").replace("–", " ").strip(" .")
    return " ".join(folded.split())


def _text(value: object) -> str:
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


def _is_empty(cells: Sequence[Any]) -> bool:
    return all(not _text(cell) for cell in cells)


def _shown(text: str) -> str:
    """A bad value quoted back in a message, cut so a huge cell cannot flood the reply."""
    if len(text) <= _SHOWN_VALUE_LENGTH:
        return text
    return text[: _SHOWN_VALUE_LENGTH - 1] + "…"

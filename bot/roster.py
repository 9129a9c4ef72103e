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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.dates import parse_date
from bot.rules import (
    MAX_DEPARTMENT_LENGTH,
    MAX_NAME_LENGTH,
    MAX_ORDER_LENGTH,
    ROSTER_MAX_BYTES,
    ROSTER_MAX_ROWS,
)
from bot.text import clean_name
from storage.models import PairKind, Role


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
    "full_name": ("fullname", "name", "фио", "фамилияимяотчество"),
    "role": ("role", "роль"),
    "telegram": ("telegram", "телеграм", "телеграмм", "tg", "тг"),
    "department": ("department", "пцк", "отделение", "кафедра", "подразделение"),
    "mentor": ("mentor", "наставник", "фионаставника"),
    "kind": ("kind", "вид", "виднаставничества"),
    "start": ("start", "startdate", "начало", "датаначала"),
    "end": ("end", "enddate", "окончание", "датаокончания"),
    "order": ("order", "приказ", "номерприказа"),
}
_COLUMN_BY_NAME = {name: column for column, names in _COLUMN_NAMES.items() for name in names}
_REQUIRED = ("full_name", "role")

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
        if filled > ROSTER_MAX_ROWS + 1 or line > _MAX_LINES:  # + 1: the header
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
    header_line = next((line for line in text.split("\n") if line.strip()), None)
    if header_line is None:
        raise RosterRefused("roster-refused-empty")
    delimiter = _sniff_delimiter(header_line)
    try:
        return _bounded(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise RosterRefused("roster-refused-unreadable") from exc


def _sniff_delimiter(header_line: str) -> str:
    """The delimiter under which the header names the most known columns (then the most cells)."""

    def score(delimiter: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([header_line], delimiter=delimiter), [])
        except csv.Error:
            return (0, 0)
        known = {_column_of(cell) for cell in cells} - {None}
        return (len(known), len(cells))

    return max((";", ",", "\t"), key=score)


# Reading the rows --------------------------------------------------------------------------------


def _parse_table(table: Table) -> ParsedRoster:
    if not table:
        raise RosterRefused("roster-refused-empty")
    _, header = table[0]
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = _column_of(cell)
        if column is not None:
            columns.setdefault(column, index)
    missing = [column for column in _REQUIRED if column not in columns]
    if missing:
        raise RosterRefused(
            "roster-refused-missing-columns",
            missing=missing[0] if len(missing) == 1 else "all",
        )
    roster = ParsedRoster(rows=[], errors=[])
    for line, cells in table[1:]:
        try:
            roster.rows.append(_parse_row(line, _Cells(cells, columns)))
        except _RowProblem as problem:
            roster.errors.append(RowError(line=line, key=problem.key, args=problem.values))
    return roster


class _Cells:
    def __init__(self, cells: Sequence[object], columns: dict[str, int]) -> None:
        self._cells = cells
        self._columns = columns

    def raw(self, column: str) -> object:
        index = self._columns.get(column)
        if index is None or index >= len(self._cells):
            return None
        return self._cells[index]

    def text(self, column: str, max_length: int) -> str | None:
        value = clean_name(_text(self.raw(column)))
        if not value:
            return None
        if len(value) > max_length:
            raise _RowProblem("roster-row-too-long", column=column, max=max_length)
        return value


def _parse_row(line: int, cells: _Cells) -> RosterRow:
    full_name = cells.text("full_name", MAX_NAME_LENGTH)
    if full_name is None:
        raise _RowProblem("roster-row-no-name")
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
        mentor = cells.text("mentor", MAX_NAME_LENGTH)
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
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = _text(raw).strip()
    if not text:
        return None
    parsed = parse_date(text)
    if parsed is None:  # 31.02.2026, 2026/09/01 and the like
        raise _RowProblem("roster-row-bad-date", column=column, value=_shown(text))
    return parsed


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

"""Reading a roster file (CSV or XLSX) into rows of people; no database here.

The kind of file is decided by its content, never by its name or MIME type: Telegram sends a CSV
saved by Excel as application/vnd.ms-excel, and people rename files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.dates import MAX_DATE, MIN_DATE, DateOutOfRange, NotADate, read_date
from bot.domain.roster_file import (
    BrokenQuote,
    RosterRefused,
    Table,
    cell_text,
    read_table,
)
from bot.domain.rules import (
    MAX_DEPARTMENT_LENGTH,
    MAX_NAME_LENGTH,
    MAX_ORDER_LENGTH,
    ROSTER_MAX_ROWS,
    default_end_is_cut,
)
from storage.models import PairKind, Role
from storage.names import Gender, clean_name, clean_text


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
    gender: Gender | None = None  # a feminine role word («наставляемая») tells it


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

_FEMININE_ROLE_WORDS = frozenset({"наставница", "наставляемая"})
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
    return _parse_table(read_table(data, first_rows=HEADER_SEARCH_ROWS, column_of=_column_of))


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
            if isinstance(cells, BrokenQuote):
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
        if isinstance(cells, BrokenQuote):
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
        value = clean(cell_text(self.raw(column)))
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
    gender = Gender.FEMALE if _word_key(role_text) in _FEMININE_ROLE_WORDS else None
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
        gender=gender,
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
        raise _RowProblem("roster-row-bad-telegram", value=_shown(cell_text(raw)))
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise _RowProblem("roster-row-bad-telegram", value=_shown(cell_text(raw)))
        number = int(raw)
    else:
        text = cell_text(raw).strip()
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
        raise _RowProblem("roster-row-bad-telegram", value=_shown(cell_text(raw)))
    return number, None


def _date(raw: object, column: str) -> date | None:
    """A typed date cell, an Excel serial number or written text, through the one range check."""
    try:
        return read_date(cell_text(raw) if isinstance(raw, str) else raw)
    except NotADate as exc:  # 31.02.2026, 2026/09/01 and the like
        raise _RowProblem(
            "roster-row-bad-date", column=column, value=_shown(cell_text(raw))
        ) from exc
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
    name = _NOTE.sub("", cell_text(cell)).casefold().replace("ё", "е")
    return _COLUMN_BY_NAME.get(_NOT_WORD.sub("", name))


def _word_key(text: str) -> str:
    """Role and kind values: case, ё, hyphens and extra spaces do not matter."""
    folded = text.casefold().replace("ё", "е").replace("-", " ").replace("–", " ").strip(" .")
    return " ".join(folded.split())


def _shown(text: str) -> str:
    """A bad value quoted back in a message, cut so a huge cell cannot flood the reply."""
    if len(text) <= _SHOWN_VALUE_LENGTH:
        return text
    return text[: _SHOWN_VALUE_LENGTH - 1] + "…"

"""Dates from people and spreadsheets: written 01.09.2026 or 2026-09-01, or a typed cell.

Every date that comes from outside passes `check_date`, the one range check: a date the
programme can hold (years MIN_YEAR..MAX_YEAR), so a typo like 31.12.9999 or 01.09.1900 is
refused where it is read instead of failing later in date arithmetic.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
MIN_YEAR, MAX_YEAR = 2000, 2100
MIN_DATE, MAX_DATE = date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)
# Excel counts days from 30.12.1899 (serials from 61 on; earlier ones are out of range anyway).
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_MAX_SERIAL = (date.max - _EXCEL_EPOCH).days


class NotADate(ValueError):
    """The value is not a date at all (31.02.2026, «1 сентября», 09/01/2026)."""


class DateOutOfRange(ValueError):
    """A real date, but not one the programme can hold."""

    def __init__(self, day: date) -> None:
        super().__init__(day.isoformat())
        self.day = day


def in_range(day: date) -> bool:
    return MIN_DATE <= day <= MAX_DATE


def check_date(day: date) -> date:
    """The one range check for every date read from a person or a file."""
    if not in_range(day):
        raise DateOutOfRange(day)
    return day


def parse_date(text: str) -> date | None:
    """The date written as DD.MM.YYYY or YYYY-MM-DD and within the range; None otherwise."""
    try:
        return read_date(text)
    except ValueError:
        return None


def read_date(value: object) -> date | None:
    """A date from a spreadsheet cell or a message: a date or datetime cell, an Excel serial
    number (a date cell formatted as a number), or text. None for an empty cell; raises
    NotADate or DateOutOfRange."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return check_date(value.date())
    if isinstance(value, date):
        return check_date(value)
    if isinstance(value, bool):
        raise NotADate(str(value))
    if isinstance(value, int | float):
        return check_date(_from_excel_serial(value))
    text = str(value).strip()
    if not text:
        return None
    return check_date(_written(text))


def _written(text: str) -> date:
    if match := _DOTTED.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise NotADate(text)
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise NotADate(text) from exc


def _from_excel_serial(serial: float) -> date:
    # The fraction is the time of day; a date column needs the day only.
    if serial != serial or not 1 <= serial <= _EXCEL_MAX_SERIAL:  # NaN, or before/after dates
        raise NotADate(str(serial))
    return _EXCEL_EPOCH + timedelta(days=int(serial))

"""Dates as people type them: 01.09.2026 or 2026-09-01."""

from __future__ import annotations

import re
from datetime import date

_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_date(text: str) -> date | None:
    """The date written as DD.MM.YYYY or YYYY-MM-DD; None when it is not a real date."""
    text = text.strip()
    if match := _DOTTED.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None  # a typo like 20026, not a date of the programme
    try:
        return date(year, month, day)
    except ValueError:
        return None

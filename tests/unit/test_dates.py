"""The one range check every date from a person or a file passes, and the default pair end."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.domain.dates import (
    MAX_DATE,
    MIN_DATE,
    DateOutOfRange,
    NotADate,
    check_date,
    in_range,
    parse_date,
    read_date,
)
from bot.domain.rules import default_pair_end


def test_the_range_is_2000_to_2100() -> None:
    assert (MIN_DATE, MAX_DATE) == (date(2000, 1, 1), date(2100, 12, 31))
    assert in_range(MIN_DATE) and in_range(MAX_DATE)
    assert not in_range(date(1999, 12, 31)) and not in_range(date(2101, 1, 1))


def test_check_date_passes_a_date_in_range_and_refuses_one_outside() -> None:
    assert check_date(date(2026, 9, 1)) == date(2026, 9, 1)
    with pytest.raises(DateOutOfRange) as caught:
        check_date(date(9999, 12, 31))
    assert caught.value.day == date(9999, 12, 31)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("01.09.2026", date(2026, 9, 1)),
        (" 2026-09-01 ", date(2026, 9, 1)),
        (date(2026, 9, 1), date(2026, 9, 1)),
        (datetime(2026, 9, 1, 12, 30), date(2026, 9, 1)),
        (46266, date(2026, 9, 1)),
        (46266.75, date(2026, 9, 1)),
    ],
)
def test_read_date_reads_written_typed_and_serial_dates(value: object, expected: date) -> None:
    assert read_date(value) == expected


@pytest.mark.parametrize(
    "value",
    ["31.12.9999", "01.01.1900", date(9999, 12, 31), datetime(1900, 1, 1), 1, 2958465],
)
def test_read_date_refuses_dates_out_of_range(value: object) -> None:
    with pytest.raises(DateOutOfRange):
        read_date(value)


@pytest.mark.parametrize(
    "value", ["31.02.2026", "завтра", "09/01/2026", "1.9.20026", True, 0, -1, 10**9, float("nan")]
)
def test_read_date_refuses_what_is_no_date(value: object) -> None:
    with pytest.raises(NotADate):
        read_date(value)


@pytest.mark.parametrize("text", ["31.12.9999", "01.09.1900", "31.02.2026", "завтра", ""])
def test_parse_date_gives_none_for_a_date_out_of_range_or_no_date(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 9, 1), date(2027, 9, 1)),
        (date(2099, 12, 31), date(2100, 12, 31)),
        (date(2100, 1, 1), date(2100, 12, 31)),
        (date(2100, 12, 31), date(2100, 12, 31)),
        (date(9999, 12, 31), date(9999, 12, 31)),  # unchecked input: no overflow, end ≥ start
    ],
)
def test_default_pair_end_stays_in_range_and_never_overflows(start: date, end: date) -> None:
    assert default_pair_end(start) == end

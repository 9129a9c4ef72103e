"""One parser per field a person types (bot/domain/fields.py): what it takes, what it refuses
and with which text, and text cleaned of what cannot be seen before it is checked."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.domain import fields
from bot.domain.fields import MAX_MILESTONE_TITLE, MAX_TOPIC_LENGTH, FieldError

INVISIBLE = (
    "\u200b\u200c\u200d\u2060\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u00ad"
)


def refusal(parse: object, typed: str) -> str:
    with pytest.raises(FieldError) as caught:
        parse(typed)  # type: ignore[operator]
    return caught.value.key


def test_typed_times_and_durations_are_read_or_refused() -> None:
    assert fields.meeting_time("15:30") == time(15, 30)
    assert fields.meeting_time("9.05") == time(9, 5)
    for typed in ("24:00", "12:60", "полдень", ""):
        assert refusal(fields.meeting_time, typed) == "meet-time-invalid"
    assert fields.duration("90") == 90
    for typed in ("0", "721", "-5"):
        assert refusal(fields.duration, typed) == "meet-duration-invalid"
    assert fields.meeting_day("05.02.2027") == date(2027, 2, 5)
    assert refusal(fields.meeting_day, "31.02.2027") == "meet-date-invalid"


@pytest.mark.parametrize("typed", ["²", "①", "٣", "12a", "", "0", "10000", "9" * 5000])
def test_a_duration_that_is_not_plain_minutes_is_refused_not_crashed_on(typed: str) -> None:
    assert refusal(fields.duration, typed) == "meet-duration-invalid"


@pytest.mark.parametrize(
    "parse", [fields.milestone_title, fields.meeting_topic, fields.meeting_note]
)
def test_text_of_nothing_but_invisible_characters_or_spaces_is_empty(parse: object) -> None:
    for typed in (INVISIBLE, "   ", "\n \t \n", INVISIBLE + "  \u00a0 "):
        key = refusal(parse, typed)
        assert key in ("plan-title-empty", "meet-text-empty"), key


def test_three_spaces_as_a_title_are_empty_not_too_long() -> None:
    assert refusal(fields.milestone_title, "   ") == "plan-title-empty"
    assert refusal(fields.milestone_title, "Т" * (MAX_MILESTONE_TITLE + 1)) == (
        "plan-title-too-long"
    )


def test_a_title_is_one_line_and_a_note_keeps_its_lines() -> None:
    assert fields.milestone_title("  Открытый\u200b урок \n с самоанализом ") == (
        "Открытый урок с самоанализом"
    )
    assert fields.meeting_note("Разобрали КТП.\u200b\n\n\n\nЗадание:  план  урока ") == (
        "Разобрали КТП.\n\nЗадание: план урока"
    )


def test_a_topic_too_long_is_refused_whatever_way_it_came() -> None:
    assert fields.meeting_topic("Т" * MAX_TOPIC_LENGTH) == "Т" * MAX_TOPIC_LENGTH
    assert refusal(fields.meeting_topic, "Т" * 4700) == "meet-text-empty"

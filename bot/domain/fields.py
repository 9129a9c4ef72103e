"""What people type into the bot, each kind of field read by one parser. A step of a form and a
one-line quick form (`/meet DD.MM.YYYY HH:MM topic`, `/ask text`) call the same parser, so they
accept and refuse alike. A parser returns the value, cleaned, or raises FieldError with the
catalog key (and its arguments) that says what is wrong.

Free text is cleaned as names are (bot/domain: storage.names): what a person cannot see —
zero-width and bidirectional control characters, soft hyphens — is removed before anything is
checked, so text of nothing but those is empty, not sent.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time

from bot.domain.dates import parse_date
from bot.domain.rules import MAX_DEPARTMENT_LENGTH, MAX_NAME_LENGTH, MAX_ORDER_LENGTH
from bot.domain.rules import MAX_REASON_LENGTH as MAX_PAIR_REASON_LENGTH
from storage.names import clean_name, clean_text

MAX_TOPIC_LENGTH = 300
MAX_NOTE_LENGTH = 1000
MAX_DURATION = 720
MAX_MILESTONE_TITLE = 300
MAX_REASON_LENGTH = 500
MAX_COMMENT_LENGTH = 1000
_MEET_TEXT = "meet-text-empty"  # «one message, at most N characters»: for empty and too long
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_SPACES_IN_LINE = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class FieldError(Exception):
    """What a person typed is not a value of the field; `key` is the text that says why."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key = key
        self.values: dict[str, object] = dict(args)


# --- text ------------------------------------------------------------------------------------


def one_line(text: str | None, *, limit: int, empty: str, too_long: str) -> str:
    """A title or a topic: one line, every kind of space folded into one."""
    cleaned = clean_text(text or "")
    if not cleaned:
        raise FieldError(empty, max=limit)
    if len(cleaned) > limit:
        raise FieldError(too_long, max=limit, limit=limit, length=len(cleaned))
    return cleaned


def visible(text: str | None) -> str:
    """Free text as written, without what cannot be seen: the lines kept, each line's spaces
    folded, at most one empty line in a row, trimmed."""
    kept = "".join(_visible(char) for char in (text or "").replace("\r\n", "\n"))
    lines = [_SPACES_IN_LINE.sub(" ", line).strip() for line in kept.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def free_text(text: str | None, *, limit: int, empty: str, too_long: str) -> str:
    """A comment, what was done: `visible` text, not empty, at most `limit` characters."""
    cleaned = visible(text)
    if not cleaned:
        raise FieldError(empty, max=limit)
    if len(cleaned) > limit:
        raise FieldError(too_long, max=limit, limit=limit, length=len(cleaned))
    return cleaned


def _visible(char: str) -> str:
    if char == "\n":
        return char
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if category == "Cc":
        return " "
    return char


# --- the fields of the forms -----------------------------------------------------------------


def meeting_topic(text: str | None) -> str:
    return one_line(text, limit=MAX_TOPIC_LENGTH, empty=_MEET_TEXT, too_long=_MEET_TEXT)


def meeting_note(text: str | None) -> str:
    """What was done, its result, the task given (the journal's columns)."""
    return free_text(text, limit=MAX_NOTE_LENGTH, empty=_MEET_TEXT, too_long=_MEET_TEXT)


def meeting_day(text: str | None) -> date:
    day = parse_date((text or "").strip())
    if day is None:
        raise FieldError("meet-date-invalid")
    return day


def meeting_time(text: str | None) -> time:
    """HH:MM (or H.MM); 24:00 is no time of a day."""
    match = _TIME.match((text or "").strip())
    if match is None:
        raise FieldError("meet-time-invalid")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        raise FieldError("meet-time-invalid")
    return time(hours, minutes)


def duration(text: str | None) -> int:
    """Whole minutes, 1 to MAX_DURATION."""
    value = (text or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 4):  # int() takes «²»
        raise FieldError("meet-duration-invalid", max=MAX_DURATION)
    if not 1 <= int(value) <= MAX_DURATION:
        raise FieldError("meet-duration-invalid", max=MAX_DURATION)
    return int(value)


def milestone_title(text: str | None) -> str:
    return one_line(
        text, limit=MAX_MILESTONE_TITLE, empty="plan-title-empty", too_long="plan-title-too-long"
    )


def comment(text: str | None) -> str:
    """A report's comment, or why a report or a plan is returned: free text, maybe empty."""
    cleaned = visible(text)
    if len(cleaned) > MAX_COMMENT_LENGTH:
        raise FieldError("milestone-comment-too-long", max=MAX_COMMENT_LENGTH)
    return cleaned


def a_date(text: str | None) -> date:
    """A date typed DD.MM.YYYY (or YYYY-MM-DD), within the programme's range of dates."""
    day = parse_date((text or "").strip())
    if day is None:
        raise FieldError("date-invalid")
    return day


def milestone_due(text: str | None) -> date:
    """A deadline (whether it lies within the pair's period, the plan says)."""
    return a_date(text)


def pair_change_reason(text: str | None) -> str:
    """Why a pair gets a new mentor or ends early (it goes into the pair's history)."""
    return one_line(text, limit=MAX_PAIR_REASON_LENGTH, empty="reason-empty", too_long="too-long")


def full_name(text: str | None) -> str:
    """A person's full name as an admin corrects it: cleaned as the roster's names are, with
    letters in it."""
    name = clean_name(text or "")
    if not any(char.isalpha() for char in name):
        raise FieldError("person-name-empty")
    if len(name) > MAX_NAME_LENGTH:
        raise FieldError("too-long", limit=MAX_NAME_LENGTH)
    return name


def department(text: str | None) -> str:
    """A department (ПЦК) typed for a person; "" for none."""
    name = clean_text(text or "")  # as the roster reads a department
    if len(name) > MAX_DEPARTMENT_LENGTH:
        raise FieldError("too-long", limit=MAX_DEPARTMENT_LENGTH)
    return name


def order_ref(text: str | None) -> str:
    """The director's order a pair is formed by, as written (its number and date); "" for none."""
    order = clean_text(text or "")
    if len(order) > MAX_ORDER_LENGTH:
        raise FieldError("too-long", limit=MAX_ORDER_LENGTH)
    return order


def change_reason(text: str | None) -> str:
    """Why an approved plan changes: words, not blanks, dashes or dots alone."""
    reason = one_line(
        text,
        limit=MAX_REASON_LENGTH,
        empty="plan-reason-empty",
        too_long="milestone-comment-too-long",
    )
    if not any(char.isalnum() for char in reason):
        raise FieldError("plan-reason-empty", max=MAX_REASON_LENGTH)
    return reason

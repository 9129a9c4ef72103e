"""What to say, kept apart from how it reads: a catalog key with its arguments, and buttons whose
labels are catalog keys. The outbox stores them as JSON and the sender renders them in the
recipient's language when it sends (`bot/rendering.py`), so a queued message follows a change of
language. Nothing here knows the catalogs: the programme's core (bot/domain) builds these.

An argument is a string (HTML-escaped when rendered), a person's full name (`PersonName`: the
catalog declines it and agrees with its gender), a number (Fluent picks the plural form; a
`HoursSince` or `MinutesUntil` is a number counted when the text is rendered, so a message held
by quiet hours says what is true when it arrives),
or another catalog text (`Text`), rendered in the same language first; `Lines` are bounded to
their budget when rendered (one message, a share of it, or what the other parts of the
`joined` text around them leave). `joined(...)` puts texts one after another in code (a Fluent
placeable holds no more than 1000 characters). `Html` (text that is already safe HTML) is only
for a message queued as ready text before it could be kept by key (an edit adds a note to it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal

from bot.domain.bounded import MESSAGE_LIMIT
from storage.names import PersonName


class Html(str):
    """A string that is already safe HTML and must not be escaped again."""


_NESTED = "$text"  # marks an argument that is itself a catalog text
_HTML = "$html"  # marks an argument that is already safe HTML
_LINES = "$lines"  # marks an argument that is lines bounded when rendered
_NAME = "$name"  # marks an argument that is a person's full name, with its gender
_HOURS_SINCE = "$hours_since"  # marks a number of hours counted when rendered
_MINUTES_UNTIL = "$minutes_until"  # marks a number of minutes counted when rendered
_WAITED = "$waited"  # marks how long something has waited, said when rendered
JOINED = "$joined"  # the key of texts joined in code: a catalog placeable holds ≤ 1000 chars
REST: Final = "rest"  # a Lines budget: what the other parts of its joined text leave


@dataclass(frozen=True, slots=True)
class Text:
    """A catalog key and its arguments."""

    key: str
    args: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HoursSince:
    """The whole hours from `moment` to when the text is rendered (at least 1): a queued
    «ждёт ответа 34 часа» counts them when it is sent, not when it was queued."""

    moment: datetime

    def at(self, now: datetime) -> int:
        return max(int((now - self.moment).total_seconds() // 3600), 1)


@dataclass(frozen=True, slots=True)
class Waited:
    """How long something has waited since `moment`, said when the text is rendered: in hours
    up to two days («34 часа»), then in days («3 дня»)."""

    moment: datetime

    def at(self, now: datetime) -> Text:
        hours = HoursSince(self.moment).at(now)
        if hours < 48:
            return Text("waited-hours", {"hours": hours})
        return Text("waited-days", {"days": hours // 24})


@dataclass(frozen=True, slots=True)
class MinutesUntil:
    """The minutes from when the text is rendered to `moment`, to the nearest 5 (at least 5):
    «через час» queued for 07:30 and held by quiet hours says «через 30 минут» at 08:00."""

    moment: datetime

    def at(self, now: datetime) -> int:
        minutes = (self.moment - now).total_seconds() / 60
        return max(round(minutes / 5) * 5, 5)


@dataclass(frozen=True, slots=True)
class Lines:
    """`head` (if any), then as many `lines` as fit in `budget` once rendered, `sep` between
    them; the ones left out are counted by `more` (a catalog key taking $count). With
    `budget=REST`, a part of `joined(...)` that gets what the other parts leave of a message."""

    head: Text | None
    lines: Sequence[Text]
    more: str
    budget: int | Literal["rest"] = MESSAGE_LIMIT
    sep: str = "\n"


def joined(*parts: Text | Lines | Html, sep: str = "\n") -> Text:
    """Texts rendered one after another, `sep` between them (a message and a note below it);
    `Html` only for a message kept as ready text before it could be kept by key."""
    return Text(JOINED, {"sep": sep, **{str(n): part for n, part in enumerate(parts)}})


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: a catalog label and either callback data or a URL."""

    label: Text
    data: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.url is None):
            raise ValueError("a button needs callback data or a URL, not both")


def _encode(value: Any) -> Any:
    if isinstance(value, Html):
        return {_HTML: str(value)}
    if isinstance(value, Lines):
        lines = [_encode(line) for line in value.lines]
        encoded: dict[str, Any] = {"head": _encode(value.head), "lines": lines, "more": value.more}
        # Defaults left out: a row keeps the shape rows queued before these fields had.
        if value.budget != MESSAGE_LIMIT:
            encoded["budget"] = value.budget
        if value.sep != "\n":
            encoded["sep"] = value.sep
        return {_LINES: encoded}
    if isinstance(value, PersonName):
        return {_NAME: str(value), "g": value.gender.value if value.gender else None}
    if isinstance(value, HoursSince):
        return {_HOURS_SINCE: value.moment.isoformat()}
    if isinstance(value, MinutesUntil):
        return {_MINUTES_UNTIL: value.moment.isoformat()}
    if isinstance(value, Waited):
        return {_WAITED: value.moment.isoformat()}
    if isinstance(value, Text):
        return {_NESTED: value.key, "args": {k: _encode(v) for k, v in value.args.items()}}
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"a notice argument must be text or a number, not {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and _HTML in value:
        return Html(value[_HTML])
    if isinstance(value, dict) and _LINES in value:
        lines = value[_LINES]
        return Lines(
            _decode(lines["head"]),
            [_decode(line) for line in lines["lines"]],
            lines["more"],
            lines.get("budget", MESSAGE_LIMIT),
            lines.get("sep", "\n"),
        )
    if isinstance(value, dict) and _NAME in value:
        return PersonName(value[_NAME], value.get("g"))
    if isinstance(value, dict) and _HOURS_SINCE in value:
        return HoursSince(datetime.fromisoformat(value[_HOURS_SINCE]))
    if isinstance(value, dict) and _MINUTES_UNTIL in value:
        return MinutesUntil(datetime.fromisoformat(value[_MINUTES_UNTIL]))
    if isinstance(value, dict) and _WAITED in value:
        return Waited(datetime.fromisoformat(value[_WAITED]))
    if isinstance(value, dict) and _NESTED in value:
        return Text(value[_NESTED], {k: _decode(v) for k, v in value.get("args", {}).items()})
    return value


def args_json(args: Mapping[str, Any]) -> str:
    return json.dumps({k: _encode(v) for k, v in args.items()}, ensure_ascii=False)


def buttons_json(rows: Sequence[Sequence[Button]]) -> str | None:
    if not rows:
        return None
    encoded = [
        [
            {
                "label": _encode(button.label),
                **({"data": button.data} if button.data is not None else {"url": button.url}),
            }
            for button in row
        ]
        for row in rows
    ]
    return json.dumps(encoded, ensure_ascii=False)


def stored(key: str, stored_args: str | None) -> Text:
    """The text an outbox row keeps by key."""
    args = json.loads(stored_args) if stored_args else {}
    return Text(key, {k: _decode(v) for k, v in args.items()})


def stored_buttons(stored: str) -> list[list[Button]]:
    """The buttons the outbox keeps."""
    return [
        [
            Button(_decode(button["label"]), data=button.get("data"), url=button.get("url"))
            for button in row
        ]
        for row in json.loads(stored)
    ]

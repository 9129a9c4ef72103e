"""What to say, kept apart from how it reads: a catalog key with its arguments, and buttons whose
labels are catalog keys. The outbox stores them as JSON and the sender renders them in the
recipient's language when it sends, so a queued message follows a change of language.

An argument is a string (HTML-escaped when rendered), a number (Fluent picks the plural form),
or another catalog text (`Text`), rendered in the same language first; `Lines` are bounded to
one message when rendered. `joined(...)` puts texts one after another in code (a Fluent
placeable holds no more than 1000 characters). `Html` (text that is already safe HTML) is only
for a message queued as ready text before it could be kept by key (an edit adds a note to it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.domain.bounded import bounded_lines
from bot.i18n import Html, Translator

_NESTED = "$text"  # marks an argument that is itself a catalog text
_HTML = "$html"  # marks an argument that is already safe HTML
_LINES = "$lines"  # marks an argument that is lines bounded when rendered
JOINED = "$joined"  # the key of texts joined in code: a catalog placeable holds ≤ 1000 chars


@dataclass(frozen=True, slots=True)
class Text:
    """A catalog key and its arguments."""

    key: str
    args: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Lines:
    """`head`, then as many `lines` as fit in one message once rendered; the ones left out
    are counted by `more` (a catalog key taking $count). A whole message's text."""

    head: Text
    lines: Sequence[Text]
    more: str


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
        return {_LINES: {"head": _encode(value.head), "lines": lines, "more": value.more}}
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
            _decode(lines["head"]), [_decode(line) for line in lines["lines"]], lines["more"]
        )
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


def _args(t: Translator, args: Mapping[str, Any], *, html: bool) -> dict[str, Any]:
    rendered: dict[str, Any] = {}
    for name, value in args.items():
        if isinstance(value, Lines):
            rendered[name] = Html(_bounded(t, value, html=html))
        elif isinstance(value, Text):
            text = render(t, value, html=html)
            rendered[name] = Html(text) if html else text
        else:
            rendered[name] = value
    return rendered


def _part(t: Translator, part: Any, *, html: bool) -> str:
    if isinstance(part, Lines):
        return _bounded(t, part, html=html)
    if isinstance(part, Html):
        return str(part)
    return render(t, part, html=html)


def _bounded(t: Translator, lines: Lines, *, html: bool) -> str:
    def more(count: int) -> str:
        return t(lines.more, count=count)

    return bounded_lines(
        [render(t, line, html=html) for line in lines.lines],
        more,
        head=render(t, lines.head, html=html),
    )


def render(t: Translator, text: Text, *, html: bool = True) -> str:
    """The text in `t`'s language: HTML for a message, plain for a button label."""
    if text.key == JOINED:
        parts = (text.args[str(n)] for n in range(len(text.args) - 1))
        return str(text.args["sep"]).join(_part(t, part, html=html) for part in parts)
    args = _args(t, text.args, html=html)
    return t(text.key, **args) if html else t.plain(text.key, **args)


def stored(key: str, stored_args: str | None) -> Text:
    """The text an outbox row keeps by key."""
    args = json.loads(stored_args) if stored_args else {}
    return Text(key, {k: _decode(v) for k, v in args.items()})


def render_stored(t: Translator, key: str, stored_args: str | None) -> str:
    """A message text from what the outbox keeps."""
    return render(t, stored(key, stored_args))


def render_buttons(t: Translator, stored: str) -> str:
    """The inline keyboard (Bot API JSON) for buttons the outbox keeps."""
    keyboard = []
    for row in json.loads(stored):
        line = []
        for button in row:
            label = _decode(button["label"])
            shown: dict[str, str] = {"text": render(t, label, html=False)}
            if "data" in button:
                shown["callback_data"] = button["data"]
            else:
                shown["url"] = button["url"]
            line.append(shown)
        keyboard.append(line)
    return json.dumps({"inline_keyboard": keyboard}, ensure_ascii=False)

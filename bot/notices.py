"""What to say, kept apart from how it reads: a catalog key with its arguments, and buttons whose
labels are catalog keys. The outbox stores them as JSON and the sender renders them in the
recipient's language when it sends, so a queued message follows a change of language.

An argument is a string (HTML-escaped when rendered), a number (Fluent picks the plural form),
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
from typing import Any, Final, Literal

from bot.domain.bounded import MESSAGE_LIMIT, bounded_lines, text_length
from bot.i18n import Html, Translator

_NESTED = "$text"  # marks an argument that is itself a catalog text
_HTML = "$html"  # marks an argument that is already safe HTML
_LINES = "$lines"  # marks an argument that is lines bounded when rendered
JOINED = "$joined"  # the key of texts joined in code: a catalog placeable holds ≤ 1000 chars
REST: Final = "rest"  # a Lines budget: what the other parts of its joined text leave


@dataclass(frozen=True, slots=True)
class Text:
    """A catalog key and its arguments."""

    key: str
    args: Mapping[str, Any] = field(default_factory=dict)


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


def _bounded(t: Translator, lines: Lines, *, html: bool, rest: int | None = None) -> str:
    """`rest`: what is left of the message for Lines whose budget is REST (a part of a joined
    text, which alone knows what its other parts take)."""
    if isinstance(lines.budget, int):
        budget = lines.budget
    elif rest is not None:
        budget = rest
    else:
        raise ValueError("Lines with budget=REST belong directly in joined(...)")

    def more(count: int) -> str:
        return t(lines.more, count=count)

    return bounded_lines(
        [render(t, line, html=html) for line in lines.lines],
        more,
        head=render(t, lines.head, html=html) if lines.head is not None else "",
        budget=budget,
        sep=lines.sep,
    )


def _parts(text: Text) -> list[Any]:
    return [text.args[str(n)] for n in range(len(text.args) - 1)]


def _takes_rest(part: Any) -> bool:
    """Lines of budget REST, or a joined text holding them (a message kept with a note added
    below it: the note is taken from what the lines get)."""
    if isinstance(part, Lines):
        return part.budget == REST
    return isinstance(part, Text) and part.key == JOINED and any(map(_takes_rest, _parts(part)))


def _joined(t: Translator, text: Text, *, html: bool, limit: int = MESSAGE_LIMIT) -> str:
    sep = str(text.args["sep"])
    parts = _parts(text)
    rest = [n for n, part in enumerate(parts) if _takes_rest(part)]
    if len(rest) > 1:
        raise ValueError("one part of a joined text at most takes what the others leave")
    shown = {n: _part(t, part, html=html) for n, part in enumerate(parts) if n not in rest}
    for n in rest:  # after the others: it gets the message's length they leave
        used = sum(text_length(part) for part in shown.values())
        left = limit - used - text_length(sep) * (len(parts) - 1)
        part = parts[n]
        shown[n] = (
            _bounded(t, part, html=html, rest=left)
            if isinstance(part, Lines)
            else _joined(t, part, html=html, limit=left)
        )
    return sep.join(shown[n] for n in range(len(parts)))


def render(t: Translator, text: Text, *, html: bool = True) -> str:
    """The text in `t`'s language: HTML for a message, plain for a button label."""
    if text.key == JOINED:
        return _joined(t, text, html=html)
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
    rows = [
        [
            Button(_decode(button["label"]), data=button.get("data"), url=button.get("url"))
            for button in row
        ]
        for row in json.loads(stored)
    ]
    return render_keyboard(t, rows)


def render_keyboard(t: Translator, rows: Sequence[Sequence[Button]]) -> str:
    """The inline keyboard (Bot API JSON) for buttons shown now, in `t`'s language."""
    keyboard = []
    for row in rows:
        line = []
        for button in row:
            shown: dict[str, str] = {"text": render(t, button.label, html=False)}
            if button.data is not None:
                shown["callback_data"] = button.data
            else:
                shown["url"] = str(button.url)
            line.append(shown)
        keyboard.append(line)
    return json.dumps({"inline_keyboard": keyboard}, ensure_ascii=False)

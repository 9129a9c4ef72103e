"""Texts kept as data (`bot/notices.py`) rendered in one language: HTML for a message, plain
for a button label; `Lines` bounded to their budget, `joined` parts one after another."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.domain.bounded import MESSAGE_LIMIT, bounded_lines, text_length
from bot.i18n import Translator
from bot.notices import (
    JOINED,
    REST,
    Button,
    HoursSince,
    Html,
    Lines,
    MinutesUntil,
    Text,
    Waited,
    stored,
    stored_buttons,
)


def _args(t: Translator, args: Mapping[str, Any], *, html: bool, now: datetime) -> dict[str, Any]:
    rendered: dict[str, Any] = {}
    for name, value in args.items():
        if isinstance(value, HoursSince | MinutesUntil):
            rendered[name] = value.at(now)
        elif isinstance(value, Waited):
            said = render(t, value.at(now), html=html, now=now)
            rendered[name] = Html(said) if html else said
        elif isinstance(value, Lines):
            rendered[name] = Html(_bounded(t, value, html=html, now=now))
        elif isinstance(value, Text):
            text = render(t, value, html=html, now=now)
            rendered[name] = Html(text) if html else text
        else:
            rendered[name] = value
    return rendered


def _part(t: Translator, part: Any, *, html: bool, now: datetime) -> str:
    if isinstance(part, Lines):
        return _bounded(t, part, html=html, now=now)
    if isinstance(part, Html):
        return str(part)
    return render(t, part, html=html, now=now)


def _bounded(
    t: Translator, lines: Lines, *, html: bool, now: datetime, rest: int | None = None
) -> str:
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
        [render(t, line, html=html, now=now) for line in lines.lines],
        more,
        head=render(t, lines.head, html=html, now=now) if lines.head is not None else "",
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


def _joined(
    t: Translator, text: Text, *, html: bool, now: datetime, limit: int = MESSAGE_LIMIT
) -> str:
    sep = str(text.args["sep"])
    parts = _parts(text)
    rest = [n for n, part in enumerate(parts) if _takes_rest(part)]
    if len(rest) > 1:
        raise ValueError("one part of a joined text at most takes what the others leave")
    shown = {n: _part(t, part, html=html, now=now) for n, part in enumerate(parts) if n not in rest}
    for n in rest:  # after the others: it gets the message's length they leave
        used = sum(text_length(part) for part in shown.values())
        left = limit - used - text_length(sep) * (len(parts) - 1)
        part = parts[n]
        shown[n] = (
            _bounded(t, part, html=html, now=now, rest=left)
            if isinstance(part, Lines)
            else _joined(t, part, html=html, now=now, limit=left)
        )
    return sep.join(shown[n] for n in range(len(parts)))


def render(t: Translator, text: Text, *, html: bool = True, now: datetime | None = None) -> str:
    """The text in `t`'s language: HTML for a message, plain for a button label; the numbers
    counted when rendered are counted at `now` (the sender's clock; by default the moment)."""
    now = now or datetime.now(UTC)
    if text.key == JOINED:
        return _joined(t, text, html=html, now=now)
    args = _args(t, text.args, html=html, now=now)
    return t(text.key, **args) if html else t.plain(text.key, **args)


def render_stored(
    t: Translator, key: str, stored_args: str | None, now: datetime | None = None
) -> str:
    """A message text from what the outbox keeps, as true at `now` (when it is sent)."""
    return render(t, stored(key, stored_args), now=now)


def render_buttons(t: Translator, stored: str) -> str:
    """The inline keyboard (Bot API JSON) for buttons the outbox keeps."""
    return render_keyboard(t, stored_buttons(stored))


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


# Marks of the notices sent as one message, on each one's text and on its buttons' labels.
BUNDLE_MARKS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟")
BUNDLE_BUTTONS = 100  # Telegram's limit of buttons on a message


@dataclass(frozen=True, slots=True)
class Bundled:
    """Several notices as one message: the text, its keyboard (Bot API JSON, or None) and how
    many of the notices given it holds (the first ones; the rest did not fit and go later)."""

    text: str
    markup: str | None
    count: int


def render_bundle(
    t: Translator,
    notices: Sequence[tuple[Text, Sequence[Sequence[Button]]]],
    now: datetime,
    limit: int = MESSAGE_LIMIT,
) -> Bundled:
    """Notices due for one person at one moment, as one message: each text marked 1️⃣, 2️⃣ …
    and its buttons marked the same, as many as fit one message (at least the first)."""
    if len(notices) == 1:
        text, buttons = notices[0]
        markup = render_keyboard(t, buttons) if buttons else None
        return Bundled(render(t, text, now=now), markup, 1)
    texts: list[str] = []
    keyboard: list[list[dict[str, str]]] = []
    for mark, (text, buttons) in zip(BUNDLE_MARKS, notices, strict=False):
        said = f"{mark} {render(t, text, now=now)}"
        rows = json.loads(render_keyboard(t, buttons))["inline_keyboard"] if buttons else []
        for row in rows:
            for button in row:
                button["text"] = f"{mark} {button['text']}"
        length = sum(map(text_length, texts)) + 2 * len(texts) + text_length(said)
        count = sum(map(len, keyboard)) + sum(map(len, rows))
        if texts and (length > limit or count > BUNDLE_BUTTONS):
            break
        texts.append(said)
        keyboard += rows
    markup = json.dumps({"inline_keyboard": keyboard}, ensure_ascii=False) if keyboard else None
    return Bundled("\n\n".join(texts), markup, len(texts))

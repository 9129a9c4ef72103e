"""Texts that grow with data, kept within one Telegram message.

Lengths are counted as Telegram counts them: on the text its HTML renders to (tags gone,
entities such as &amp;lt; read as one character), in UTF-16 code units.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import Literal

MESSAGE_LIMIT = 4096  # characters of a message's text after its HTML is rendered
CAPTION_LIMIT = 1024  # characters of a photo's or document's caption, rendered
ALERT_LIMIT = 200  # characters of the alert a button press is answered with
_TAG = re.compile(r"<[^>]*>")


def text_length(text: str) -> int:
    """The length Telegram counts for an HTML text: rendered, in UTF-16 code units (an emoji
    outside the BMP counts two)."""
    return len(html.unescape(_TAG.sub("", text)).encode("utf-16-le")) // 2


def bounded_lines(
    lines: Sequence[str],
    more: Callable[[int], str],
    *,
    head: str = "",
    budget: int = MESSAGE_LIMIT,
    max_lines: int | None = None,
    keep: Literal["first", "last"] = "first",
    sep: str = "\n",
) -> str:
    """`head`, then as many of `lines` as fit in `budget` (and `max_lines`), joined by `sep`;
    the lines left out are counted by one more line, `more(n)`, after the kept ones
    (`keep="first"`) or before them (`keep="last"`, for a history that shows its newest
    entries). Every line is kept whole, so HTML stays balanced."""
    if head:
        body = bounded_lines(
            lines,
            more,
            budget=budget - text_length(head) - text_length(sep),
            max_lines=max_lines,
            keep=keep,
            sep=sep,
        )
        return head + sep + body if body else head
    ordered = list(lines) if keep == "first" else list(reversed(lines))
    limit = len(ordered) if max_lines is None else max(min(max_lines, len(ordered)), 0)
    kept = 0
    used = 0
    while kept < limit:
        extra = text_length(ordered[kept]) + (text_length(sep) if kept else 0)
        if used + extra > budget:
            break
        used += extra
        kept += 1
    left = len(ordered) - kept
    # Make room for the count of the rest, giving back kept lines if needed.
    while left and kept and used + text_length(sep) + text_length(more(left)) > budget:
        kept -= 1
        left += 1
        used = text_length(sep.join(ordered[:kept]))
    shown = ordered[:kept]
    if keep == "last":
        shown.reverse()
    if not left:
        return sep.join(shown)
    return sep.join([more(left), *shown] if keep == "last" else [*shown, more(left)])


def clip(text: str, limit: int) -> str:
    """Plain text (a name, a comment) cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain_clipped(text: str, limit: int) -> str:
    """An HTML text as the plain text it renders to, cut to `limit` UTF-16 code units with an
    ellipsis: the last resort for a text that does not fit, since cutting HTML breaks tags."""
    plain = html.unescape(_TAG.sub("", text))
    if text_length(plain) <= limit:
        return plain
    units = plain.encode("utf-16-le")[: 2 * (limit - 1)]
    return units.decode("utf-16-le", errors="ignore") + "…"

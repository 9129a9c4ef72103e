"""How names and other people-typed text are stored and matched: normalised, so that the same
name typed two ways is one name."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Text as people wrote it, without what they cannot see: format characters (zero-width,
    bidirectional controls, soft hyphens) removed, control characters and every kind of space
    folded into one space, trimmed."""
    if not text.isprintable():  # printable text has neither format nor control characters
        text = "".join(_visible(char) for char in text)
    return _SPACES.sub(" ", text).strip()


def clean_name(full_name: str) -> str:
    """A full name as stored: clean_text after Unicode NFKC, so a name typed with a no-break
    space, a decomposed «ё» or full-width letters is the same name."""
    # Format characters go first: one between «е» and its diaeresis would block composition.
    without_format = "".join(char for char in full_name if unicodedata.category(char) != "Cf")
    return clean_text(unicodedata.normalize("NFKC", without_format))


def name_key(full_name: str) -> str:
    """The key a full name is matched by: clean_name, case ignored, ё read as е."""
    return clean_name(full_name).casefold().replace("ё", "е")


def _visible(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if category == "Cc":
        return " "
    return char

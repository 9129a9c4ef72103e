"""Small text helpers shared by handlers, the import and storage."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")


def clean_name(full_name: str) -> str:
    """A full name as people wrote it, with runs of spaces folded."""
    return _SPACES.sub(" ", full_name).strip()


def name_key(full_name: str) -> str:
    """The key a full name is matched by: spaces folded, case ignored, ё read as е."""
    return clean_name(full_name).casefold().replace("ё", "е")


def as_sentence(text: str) -> str:
    """A reason written to follow a colon («…: у наставника уже…»), shown on its own."""
    return text[:1].upper() + text[1:]

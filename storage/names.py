"""How names and other people-typed text are stored and matched: normalised, so that the same
name typed two ways is one name."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

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


class Gender(StrEnum):
    """A person's grammatical gender, which Russian texts agree with (подтвердил / подтвердила)."""

    FEMALE = "f"
    MALE = "m"


# A patronymic tells the gender: Russian endings, and the Kyrgyz (and Kazakh) «кызы» / «уулу»
# written as a separate word after the father's name.
_FEMALE_PATRONYMIC = ("овна", "евна", "ична")
_MALE_PATRONYMIC = ("ович", "евич", "ич")
_FEMALE_WORDS = ("кызы", "гызы", "қызы")
_MALE_WORDS = ("уулу", "оглы", "улы")


def gender_from_name(full_name: str) -> Gender | None:
    """The gender a full name's patronymic tells («Фамилия Имя Отчество»), or a Kyrgyz surname's
    «уулу» / «кызы»; None when neither is there."""
    words = name_key(full_name).split()
    if len(words) < 3:
        return None
    if words[1] in _FEMALE_WORDS + _MALE_WORDS:  # «Асан уулу Бакыт»: a Kyrgyz surname
        return Gender.FEMALE if words[1] in _FEMALE_WORDS else Gender.MALE
    last = words[-1]
    if last in _FEMALE_WORDS:
        return Gender.FEMALE
    if last in _MALE_WORDS:
        return Gender.MALE
    if last.endswith(_FEMALE_PATRONYMIC):
        return Gender.FEMALE
    if last.endswith(_MALE_PATRONYMIC):
        return Gender.MALE
    return None


class PersonName(str):
    """A full name as texts use it: the name itself (a `str`, so it is shown, compared and
    stored as before) and the gender the texts agree with: the patronymic's, else the one
    recorded for the person (from the roster's role word or their card), else unknown."""

    __slots__ = ("gender",)
    gender: Gender | None

    def __new__(cls, full_name: str, recorded: Gender | str | None = None) -> PersonName:
        name = super().__new__(cls, full_name)
        told = gender_from_name(full_name)
        name.gender = told or (Gender(recorded) if recorded else None)
        return name

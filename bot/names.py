"""Full names in Russian texts: declined by case and gender («от Токтосуновой Айзады Маратовны»,
«с Жумабаевым Нурланом»), shortened («Сидорова М. О.») and as a colleague addresses someone
(«Айзада Маратовна»).

A full name is «Фамилия Имя Отчество», as the roster and the college's papers write it; a Kyrgyz
patronymic is two words («Бакыт кызы», «Асан уулу»), and a Kyrgyz surname may be too
(«Асан уулу Бакыт»). Declension is pytrovich's: the petrovich team's rules for Russian
anthroponyms (the `petrovich` 2.0.1 that pip reaches declines «Ольга» as «Ольгы»; 3.0 is not on
the index), with two corrections for names common here that its rules take for something else:
a man's name in ‑ек keeps its vowel («Эрмека», not «Эрмька», the rule for Russian diminutives
like «Санёк»), and a woman's name in ‑ь declines as «Любовь» does («Асели», «Айгулью»).
"""

from __future__ import annotations

from enum import Enum
from functools import lru_cache

from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case as _Case
from pytrovich.enums import Gender as _Gender
from pytrovich.enums import NamePart
from pytrovich.maker import PetrovichDeclinationMaker

from storage.names import Gender

__all__ = ["Case", "address", "declined", "gender_of", "short"]


class Case(Enum):
    NOMINATIVE = None
    GENITIVE = _Case.GENITIVE
    DATIVE = _Case.DATIVE
    ACCUSATIVE = _Case.ACCUSATIVE
    INSTRUMENTAL = _Case.INSTRUMENTAL
    PREPOSITIONAL = _Case.PREPOSITIONAL


_PATRONYMIC_WORDS = frozenset({"кызы", "гызы", "уулу", "оглы", "улы"})
# Endings for the two corrections, in pytrovich's order of cases (gen, dat, acc, ins, prep).
_MALE_EK = ("а", "у", "а", "ом", "е")
_FEMALE_SOFT = ("и", "и", "ь", "ью", "и")
_CASE_INDEX = {
    _Case.GENITIVE: 0,
    _Case.DATIVE: 1,
    _Case.ACCUSATIVE: 2,
    _Case.INSTRUMENTAL: 3,
    _Case.PREPOSITIONAL: 4,
}

_maker: PetrovichDeclinationMaker | None = None
_detector: PetrovichGenderDetector | None = None


def _tools() -> tuple[PetrovichDeclinationMaker, PetrovichGenderDetector]:
    global _maker, _detector  # loaded at the first name declined: the rules take ~50 ms
    if _maker is None or _detector is None:
        _maker, _detector = PetrovichDeclinationMaker(), PetrovichGenderDetector()
    return _maker, _detector


class _Parts:
    """A full name's surname, first name and patronymic (each may be empty)."""

    def __init__(self, full_name: str) -> None:
        words = full_name.split()
        self.last = self.first = self.middle = ""
        if len(words) >= 3 and words[1].casefold() in _PATRONYMIC_WORDS:
            # «Асан уулу Бакыт»: a Kyrgyz surname of two words.
            self.last, self.first = " ".join(words[:2]), words[2]
            self.middle = " ".join(words[3:])
        elif len(words) >= 3:
            self.last, self.first, self.middle = words[0], words[1], " ".join(words[2:])
        elif len(words) == 2:
            self.last, self.first = words
        elif words:
            self.first = words[0]  # one word: a first name (a name that came from Telegram)


def _cyrillic(word: str) -> bool:
    return bool(word) and all(("а" <= c.lower() <= "я") or c in "ёЁ-" for c in word)


@lru_cache(maxsize=4096)
def gender_of(full_name: str, told: Gender | None) -> Gender:
    """The gender a name is declined and agreed with: `told` (the patronymic's or recorded),
    else the one pytrovich reads from the first name and surname, else masculine (the form
    Russian uses for a person whose gender it does not know)."""
    if told is not None:
        return told
    parts = _Parts(full_name)
    first = parts.first if _cyrillic(parts.first) else None
    last = parts.last if _cyrillic(parts.last) else None
    if first is None and last is None:
        return Gender.MALE
    _, detector = _tools()
    found = detector.detect(firstname=first, lastname=last)  # type: ignore[no-untyped-call]
    return Gender.FEMALE if found is _Gender.FEMALE else Gender.MALE


def _word(word: str, part: NamePart, gender: Gender, case: _Case) -> str:
    if not _cyrillic(word) or word.casefold() in _PATRONYMIC_WORDS:
        return word
    if word.isupper() and len(word) > 1:  # «ИВАНОВ»: the rules read lower-case endings
        return _word(word.capitalize(), part, gender, case).upper()
    lower = word.casefold()
    if part is NamePart.FIRSTNAME:
        if gender is Gender.MALE and lower.endswith("ек"):
            return word + _MALE_EK[_CASE_INDEX[case]]
        if gender is Gender.FEMALE and lower.endswith("ь"):
            return word[:-1] + _FEMALE_SOFT[_CASE_INDEX[case]]
    maker, _ = _tools()
    their = _Gender.FEMALE if gender is Gender.FEMALE else _Gender.MALE
    return "-".join(maker.make(part, their, case, piece) for piece in word.split("-"))


def _words(text: str, part: NamePart, gender: Gender, case: _Case) -> str:
    words = text.split(" ")
    if len(words) == 2 and words[1].casefold() in _PATRONYMIC_WORDS:
        return text  # «Бакыт кызы», «Асан уулу»: not declined
    return " ".join(_word(word, part, gender, case) for word in words)


@lru_cache(maxsize=8192)
def declined(full_name: str, gender: Gender, case: Case) -> str:
    """The full name in `case`, agreeing with `gender`."""
    if case.value is None:
        return full_name
    parts = _Parts(full_name)
    pieces = [
        _words(text, part, gender, case.value)
        for text, part in (
            (parts.last, NamePart.LASTNAME),
            (parts.first, NamePart.FIRSTNAME),
            (parts.middle, NamePart.MIDDLENAME),
        )
        if text
    ]
    return " ".join(pieces)


@lru_cache(maxsize=4096)
def short(full_name: str) -> str:
    """«Сидорова М. О.»: the surname and initials, for where space is tight."""
    parts = _Parts(full_name)
    if not parts.last:
        return full_name
    initials = [f"{word[0]}." for word in (parts.first, parts.middle.split(" ")[0]) if word]
    return " ".join([parts.last, *initials])


def address(full_name: str) -> str:
    """«Айзада Маратовна»: how a colleague addresses someone (their full name when it has no
    patronymic)."""
    parts = _Parts(full_name)
    if parts.first and parts.middle:
        return f"{parts.first} {parts.middle}"
    return full_name

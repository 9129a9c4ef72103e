"""Every Russian text rendered for a woman and for a man: no «(а)» (the form agrees with the
person), no «..», and no full name left in the nominative right after a preposition («от
Сидорова Мария Олеговна»): it is declined, or put after a label."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from bot.i18n import I18n
from storage.names import PersonName

# The arguments that are people's full names (PersonName where the code passes them).
NAME_ARGS = {
    "mentor",
    "mentee",
    "other",
    "admin",
    "author",
    "name",
    "person",
    "owner",
    "old_mentor",
}
WOMAN = PersonName("Токтосунова Айзада Маратовна")
MAN = PersonName("Жумабаев Нурлан Асанович")
PREPOSITIONS = {"от", "с", "со", "у", "к", "ко", "о", "об", "обо", "для", "при", "без", "до", "про"}
NUMBERS = {"count", "limit", "max", "days", "hours", "minutes", "mb", "load", "total", "line"}
_ENTRY = re.compile(r"^([a-z][a-z0-9_-]*) =", re.M)
_VARIABLE = re.compile(r"\$([a-z_]+)")


def _entries() -> dict[str, set[str]]:
    """Each message of the Russian catalog and the variables it takes."""
    found: dict[str, set[str]] = {}
    for entry in (resources.files("bot") / "locales" / "ru").iterdir():
        if not entry.name.endswith(".ftl"):
            continue
        source = entry.read_text(encoding="utf-8")
        starts = [(m.start(), m.group(1)) for m in _ENTRY.finditer(source)]
        for (start, key), (end, _) in zip(starts, [*starts[1:], (len(source), "")], strict=True):
            found[key] = set(_VARIABLE.findall(source[start:end]))
    return found


ENTRIES = _entries()


@pytest.fixture(scope="module")
def t():  # type: ignore[no-untyped-def]
    return I18n("ru").get("ru")


@pytest.mark.parametrize("person", [WOMAN, MAN], ids=["woman", "man"])
def test_every_text_agrees_with_the_person_and_declines_their_name(t, person: PersonName) -> None:  # type: ignore[no-untyped-def]
    problems = []
    for key, variables in sorted(ENTRIES.items()):
        args: dict[str, object] = {
            name: person if name in NAME_ARGS else 3 if name in NUMBERS else "текст"
            for name in variables
        }
        text = t(key, **args)
        if "(а)" in text or "(ла)" in text or "(ась)" in text:
            problems.append(f"{key}: «(а)» in {text!r}")
        if re.search(r"(?<!\.)\.\.(?!\.)", text):
            problems.append(f"{key}: «..» in {text!r}")
        for match in re.finditer(re.escape(person), text):
            before = text[: match.start()].rstrip(" «<b>").split()
            if before and before[-1].lower().strip("(«") in PREPOSITIONS:
                problems.append(f"{key}: «{before[-1]} {person}» in {text!r}")
    assert not problems, "\n".join(problems)


def test_a_quote_inside_a_quote_reads_with_low_and_high_quotes(t) -> None:  # type: ignore[no-untyped-def]
    said = t("remind-milestone-day", title="Открытый урок «Моя профессия»", due="22.01.2027")
    assert "«Открытый урок „Моя профессия“»" in said
    label = t.plain("remind-milestone-day", title="Урок «А» и «Б»", due="22.01.2027")
    assert "«Урок „А“ и „Б“»" in label
    # Someone's lone « is left alone rather than turning the text's own quotes inside out.
    lone = t("remind-milestone-day", title="Тема «без пары", due="22.01.2027")
    assert "«Тема «без пары»" in lone

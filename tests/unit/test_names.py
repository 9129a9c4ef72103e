"""Names as stored and matched: NFKC, one kind of space, nothing invisible."""

from __future__ import annotations

import pytest

from storage.names import clean_name, clean_text, name_key

SAME_PERSON = [
    "Иванова Анна Петровна",
    "Иванова Анна\u00a0Петровна",  # no-break space
    "Иванова\u2007Анна\u202fПетровна",  # figure and narrow no-break spaces
    "Иванова\u3000Анна Петровна",  # ideographic space
    "Ива\u200bнова Анна Петровна",  # zero-width space
    "Иванова Анна\u200d Петровна\u200c",  # zero-width joiner and non-joiner
    "\u2066Иванова Анна Петровна\u2069",  # bidirectional isolate
    "\u200fИванова Анна\u200e Петровна",  # right-to-left and left-to-right marks
    "\ufeffИвано\u00adва Анна Петровна",  # byte order mark, soft hyphen
    "  Иванова \t Анна\nПетровна ",
    "ИВАНОВА анна ПЕТРОВНА",
]


@pytest.mark.parametrize("written", SAME_PERSON)
def test_the_same_name_written_differently_has_one_key(written: str) -> None:
    assert name_key(written) == "иванова анна петровна"


def test_soft_hyphen_is_removed_not_read_as_a_space() -> None:
    assert clean_name("Ива\u00adнова Анна") == "Иванова Анна"


def test_clean_name_keeps_case_and_yo_but_composes_them() -> None:
    assert clean_name("Семе\u0308нова  Алёна") == "Семёнова Алёна"
    assert name_key("Семе\u0308нова Алёна") == name_key("семенова алена")


def test_clean_name_applies_nfkc() -> None:
    assert clean_name("Ｉｖａｎｏｖａ Ａｎｎａ") == "Ivanova Anna"


def test_control_characters_become_spaces() -> None:
    assert clean_name("Иванова\x00Анна\x7f") == "Иванова Анна"


def test_clean_text_removes_the_invisible_but_keeps_signs_nfkc_would_change() -> None:
    assert clean_text("Приказ\u00a0№\u200b 112 … ") == "Приказ № 112 …"


def test_clean_name_is_idempotent() -> None:
    for written in SAME_PERSON:
        assert clean_name(clean_name(written)) == clean_name(written)

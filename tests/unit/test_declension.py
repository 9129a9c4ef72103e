"""Full names declined by case and gender (bot/names.py), and the gender a name tells."""

from __future__ import annotations

import pytest

from bot.i18n import I18n
from bot.names import Case, address, declined, gender_of, short
from storage.names import Gender, PersonName, gender_from_name

G, D, A, INS, P = (
    Case.GENITIVE,
    Case.DATIVE,
    Case.ACCUSATIVE,
    Case.INSTRUMENTAL,
    Case.PREPOSITIONAL,
)


@pytest.mark.parametrize(
    ("name", "case", "expected"),
    [
        ("Токтосунова Айзада Маратовна", G, "Токтосуновой Айзады Маратовны"),
        ("Жумабаев Нурлан Асанович", INS, "Жумабаевым Нурланом Асановичем"),
        ("Мамытов Эрмек Алмазович", INS, "Мамытовым Эрмеком Алмазовичем"),  # not «Эрмьком»
        ("Иманалиев Бектур Русланович", G, "Иманалиева Бектура Руслановича"),
        ("Сидорова Мария Олеговна", G, "Сидоровой Марии Олеговны"),
        ("Бондаренко Ольга Ивановна", G, "Бондаренко Ольги Ивановны"),
        ("Асанова Асель Бакыт кызы", INS, "Асановой Аселью Бакыт кызы"),  # «кызы» stays
        ("Асан уулу Бакыт", D, "Асан уулу Бакыту"),  # a Kyrgyz surname of two words
        ("Петрова-Водкина Анна Сергеевна", D, "Петровой-Водкиной Анне Сергеевне"),
        ("ИВАНОВ ИВАН ИВАНОВИЧ", G, "ИВАНОВА ИВАНА ИВАНОВИЧА"),
        ("Ким Ирина", A, "Ким Ирину"),  # no patronymic: the first name tells
        ("Гульмира", P, "Гульмире"),  # one word from Telegram: a first name
        ("John Smith", G, "John Smith"),  # not Cyrillic: as written
    ],
)
def test_full_names_decline_by_case_and_gender(name: str, case: Case, expected: str) -> None:
    person = PersonName(name)
    assert declined(person, gender_of(person, person.gender), case) == expected


@pytest.mark.parametrize(
    ("name", "gender"),
    [
        ("Токтосунова Айзада Маратовна", Gender.FEMALE),
        ("Кузьмина Ольга Ильинична", Gender.FEMALE),
        ("Асанова Айгуль Бакыт кызы", Gender.FEMALE),
        ("Жумабаев Нурлан Асанович", Gender.MALE),
        ("Бекович Тимур Ильич", Gender.MALE),
        ("Асан уулу Бакыт", Gender.MALE),
        ("Ким Саша", None),
        ("Гульмира", None),
    ],
)
def test_the_patronymic_tells_the_gender(name: str, gender: Gender | None) -> None:
    assert gender_from_name(name) is gender


def test_a_recorded_gender_counts_only_where_the_patronymic_is_silent() -> None:
    assert PersonName("Ким Саша", "f").gender is Gender.FEMALE
    assert PersonName("Ким Саша Петрович", "f").gender is Gender.MALE


def test_short_and_address_forms() -> None:
    assert short("Сидорова Мария Олеговна") == "Сидорова М. О."
    assert short("Асанова Айгуль Бакыт кызы") == "Асанова А. Б."
    assert address("Сидорова Мария Олеговна") == "Мария Олеговна"
    assert address("Гульмира") == "Гульмира"


def test_a_name_keeps_its_gender_through_the_outbox_and_is_escaped_when_declined() -> None:
    from bot.notices import args_json, stored

    kept = stored("remind-meeting-day", args_json({"other": PersonName("Ким Саша", "f")}))
    name = kept.args["other"]
    assert isinstance(name, PersonName) and name.gender is Gender.FEMALE
    t = I18n("ru").get("ru")
    text = t("meet-held-question", other=PersonName("<Ким> Саша", "f"), meeting="—")
    assert "&lt;Ким&gt; Сашей" in text

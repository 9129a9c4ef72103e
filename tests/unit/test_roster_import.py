"""Applying a roster to a real database: people, pairs, conflicts and the summary."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.__main__ import render_cli
from bot.domain.roster import parse_roster
from bot.domain.roster_import import ImportSummary, import_roster
from bot.domain.rules import PairRefusal
from bot.i18n import I18n
from handlers.roster import render_summary
from storage.db import Database
from storage.models import Pair, PairKind, PairStatus, Person, Role

NOW = datetime(2026, 8, 30, 6, 0, tzinfo=UTC)
TODAY = date(2026, 8, 30)
HEADER = "ФИО;Роль;Telegram;ПЦК;Наставник;Вид;Начало;Окончание;Приказ"
IVANOVA = "Иванова Анна Петровна;наставник;@ivanova_ap;ПЦК информационных технологий;;;;;"
PETROV = "Петров Пётр Сергеевич;наставник;222000222;ПЦК электротехники;;;;;"
SIDOROVA = (
    "Сидорова Мария Ивановна;наставляемая;333000333;ПЦК информационных технологий;"
    "Иванова Анна Петровна;педагогический;01.09.2026;30.06.2027;№ 112-к от 28.08.2026"
)


async def run(
    db: Database,
    i18n: I18n,
    *lines: str,
    max_mentees: int = 2,
    header: str = HEADER,
    imported_by: int | None = None,
) -> ImportSummary:
    """Import the rows under `header` as of NOW, the way the bot and the CLI do."""
    data = "\n".join((header, *lines)).encode("utf-8")
    return await import_roster(
        db,
        parse_roster(data),
        now=NOW,
        today=TODAY,
        max_mentees_per_mentor=max_mentees,
        imported_by=imported_by,
    )


def counts(summary: ImportSummary) -> tuple[int, int, int, int]:
    return summary.added, summary.updated, summary.unchanged, summary.pairs_formed


def errors(summary: ImportSummary) -> list[tuple[int, str]]:
    return [(error.line, error.key) for error in summary.errors]


async def person(db: Database, full_name: str) -> Person:
    async with db.read() as tx:
        found = await tx.people.by_name(full_name)
    assert len(found) == 1, found
    return found[0]


async def people_count(db: Database) -> int:
    async with db.read() as tx:
        return await tx.people.count()


async def pairs_of(db: Database, mentee: str) -> list[Pair]:
    mentee_id = (await person(db, mentee)).id
    async with db.read() as tx:
        return await tx.pairs.history(mentee_id)


async def outbox_people(db: Database) -> list[int]:
    async with db.conn.execute("SELECT person_id FROM outbox ORDER BY person_id") as cur:
        return [row[0] for row in await cur.fetchall()]


async def add_person(db: Database, full_name: str, role: Role, **fields: Any) -> Person:
    async with db.transaction() as tx:
        return await tx.people.add(full_name=full_name, role=role, now=NOW, **fields)


# People ------------------------------------------------------------------------------------------


async def test_new_people_are_added_with_their_fields(db: Database, i18n: I18n) -> None:
    admin = "Кузнецова Ольга;методист;;Методический кабинет;;;;;"
    summary = await run(db, i18n, IVANOVA, PETROV, admin)
    assert counts(summary) == (3, 0, 0, 0)
    assert summary.errors == []
    ivanova = await person(db, "Иванова Анна Петровна")
    assert (ivanova.role, ivanova.username, ivanova.telegram_id) == (
        Role.MENTOR,
        "ivanova_ap",
        None,
    )
    assert ivanova.department == "ПЦК информационных технологий"
    assert (await person(db, "Петров Пётр Сергеевич")).telegram_id == 222000222
    methodist = await person(db, "Кузнецова Ольга")
    assert methodist.role is Role.ADMIN and methodist.has_admin_rights


async def test_importing_the_same_file_twice_changes_nothing(db: Database, i18n: I18n) -> None:
    first = await run(db, i18n, IVANOVA, PETROV, SIDOROVA)
    assert counts(first) == (3, 0, 0, 1)
    outbox = await outbox_people(db)
    second = await run(db, i18n, IVANOVA, PETROV, SIDOROVA)
    assert counts(second) == (0, 0, 3, 0)
    assert second.errors == []
    assert await people_count(db) == 3
    assert len(await pairs_of(db, "Сидорова Мария Ивановна")) == 1
    assert await outbox_people(db) == outbox


async def test_changed_department_updates_the_person(db: Database, i18n: I18n) -> None:
    await run(db, i18n, IVANOVA)
    summary = await run(db, i18n, IVANOVA.replace("информационных технологий", "физики"))
    assert counts(summary) == (0, 1, 0, 0)
    assert (await person(db, "Иванова Анна Петровна")).department == "ПЦК физики"


async def test_empty_cells_do_not_erase_what_is_known(db: Database, i18n: I18n) -> None:
    await run(db, i18n, IVANOVA)
    summary = await run(db, i18n, "Иванова Анна Петровна;наставник;;;;;;;")
    assert counts(summary) == (0, 0, 1, 0)
    ivanova = await person(db, "Иванова Анна Петровна")
    assert (ivanova.username, ivanova.department) == ("ivanova_ap", "ПЦК информационных технологий")


async def test_match_by_telegram_id_renames_the_person(db: Database, i18n: I18n) -> None:
    await run(db, i18n, PETROV)
    summary = await run(db, i18n, PETROV.replace("Петров Пётр", "Петров-Водкин Пётр"))
    assert counts(summary) == (0, 1, 0, 0)
    assert (await person(db, "Петров-Водкин Пётр Сергеевич")).telegram_id == 222000222
    assert await people_count(db) == 1


async def test_match_by_username_ignores_case_and_fills_in_the_id(db: Database, i18n: I18n) -> None:
    await run(db, i18n, IVANOVA)
    row = "Иванова Анна Петровна;наставник;@Ivanova_AP;;;;;;"
    assert counts(await run(db, i18n, row)) == (0, 0, 1, 0)
    renamed = "Иванова-Смирнова Анна;наставник;@IVANOVA_AP;;;;;;"
    assert counts(await run(db, i18n, renamed)) == (0, 1, 0, 0)
    assert await people_count(db) == 1


async def test_match_by_name_ignores_case_spaces_and_yo_and_fills_in_the_id(
    db: Database, i18n: I18n
) -> None:
    await add_person(db, "Петров Пётр Сергеевич", Role.MENTOR)
    summary = await run(db, i18n, "  петров  петр сергеевич ;наставник;222000222;;;;;;")
    assert counts(summary) == (0, 1, 0, 0)
    updated = await person(db, "Петров Пётр Сергеевич")
    assert (updated.full_name, updated.telegram_id) == ("петров петр сергеевич", 222000222)
    assert await people_count(db) == 1


async def test_id_of_one_person_and_name_of_another_is_a_row_error(
    db: Database, i18n: I18n
) -> None:
    await add_person(db, "Петров Пётр Сергеевич", Role.MENTOR, telegram_id=222000222)
    await add_person(db, "Сидоров Иван", Role.MENTOR)
    summary = await run(db, i18n, "Сидоров Иван;наставник;222000222;;;;;;")
    assert errors(summary) == [(2, "roster-row-identity-conflict")]
    assert counts(summary) == (0, 0, 0, 0)
    assert (await person(db, "Сидоров Иван")).telegram_id is None


async def test_two_people_with_the_same_name_is_an_ambiguous_row(db: Database, i18n: I18n) -> None:
    await add_person(db, "Иванова Анна", Role.MENTOR)
    await add_person(db, "Иванова Анна", Role.MENTEE)
    summary = await run(db, i18n, "Иванова Анна;наставник;;;;;;;")
    assert errors(summary) == [(2, "roster-row-ambiguous-name")]
    assert await people_count(db) == 2


async def test_person_using_the_bot_is_not_moved_to_another_account(
    db: Database, i18n: I18n
) -> None:
    petrov = await add_person(db, "Петров Пётр Сергеевич", Role.MENTOR, telegram_id=222000222)
    async with db.transaction() as tx:
        await tx.people.mark_seen(petrov.id, NOW)
    summary = await run(db, i18n, "Петров Пётр Сергеевич;наставник;999000999;;;;;;")
    # Another id is another person, namesake or not; the one using the bot keeps their account.
    assert counts(summary) == (1, 0, 0, 0)
    async with db.read() as tx:
        kept = await tx.people.get(petrov.id)
    assert kept is not None and kept.telegram_id == 222000222


async def test_a_different_id_for_an_unlinked_namesake_is_another_person(
    db: Database, i18n: I18n
) -> None:
    await add_person(db, "Петров Пётр Сергеевич", Role.MENTOR, telegram_id=222000222)
    summary = await run(db, i18n, "Петров Пётр Сергеевич;наставник;999000999;;;;;;")
    assert summary.errors == [] and counts(summary) == (1, 0, 0, 0)
    async with db.read() as tx:
        ids = sorted(p.telegram_id or 0 for p in await tx.people.by_name("Петров Пётр Сергеевич"))
    assert ids == [222000222, 999000999]


async def test_a_reused_username_does_not_rename_someone_using_the_bot(
    db: Database, i18n: I18n
) -> None:
    ivanova = await add_person(
        db, "Иванова Анна Петровна", Role.MENTOR, telegram_id=5001, username="teacher_x"
    )
    async with db.transaction() as tx:
        await tx.people.mark_seen(ivanova.id, NOW)
    summary = await run(db, i18n, "Петров Пётр;наставник;@teacher_x;ПЦК ИТ;;;;;")
    assert errors(summary) == [(2, "roster-row-account-in-use")]
    assert (await person(db, "Иванова Анна Петровна")).department is None


async def test_role_change_is_refused_while_the_person_has_active_pairs(
    db: Database, i18n: I18n
) -> None:
    await run(db, i18n, IVANOVA, PETROV, SIDOROVA)
    summary = await run(db, i18n, IVANOVA.replace("наставник", "методист"))
    assert errors(summary) == [(2, "roster-row-role-locked")]
    assert (await person(db, "Иванова Анна Петровна")).role is Role.MENTOR


async def test_role_change_is_allowed_without_active_pairs(db: Database, i18n: I18n) -> None:
    await run(db, i18n, PETROV)
    summary = await run(db, i18n, PETROV.replace("наставник", "методист"))
    assert counts(summary) == (0, 1, 0, 0)
    petrov = await person(db, "Петров Пётр Сергеевич")
    assert petrov.role is Role.ADMIN and petrov.has_admin_rights


async def test_same_person_twice_in_one_file_is_one_person(db: Database, i18n: I18n) -> None:
    summary = await run(db, i18n, IVANOVA, IVANOVA)
    assert counts(summary) == (1, 0, 0, 0)
    assert summary.errors == []
    assert await people_count(db) == 1


async def test_same_person_twice_with_different_data_is_a_row_error(
    db: Database, i18n: I18n
) -> None:
    summary = await run(db, i18n, IVANOVA, IVANOVA.replace("информационных технологий", "физики"))
    assert errors(summary) == [(3, "roster-row-repeat-differs")]
    assert summary.errors[0].args == {"first": "2"}
    assert (await person(db, "Иванова Анна Петровна")).department == (
        "ПЦК информационных технологий"
    )


# Pairs -------------------------------------------------------------------------------------------


async def test_pair_is_formed_and_both_people_are_notified(db: Database, i18n: I18n) -> None:
    summary = await run(db, i18n, IVANOVA, SIDOROVA)
    assert counts(summary) == (2, 0, 0, 1)
    [pair] = await pairs_of(db, "Сидорова Мария Ивановна")
    ivanova = await person(db, "Иванова Анна Петровна")
    sidorova = await person(db, "Сидорова Мария Ивановна")
    assert (pair.mentor_id, pair.kind, pair.status) == (
        ivanova.id,
        PairKind.PEDAGOGICAL,
        PairStatus.ACTIVE,
    )
    assert (pair.start, pair.end, pair.order_ref) == (
        date(2026, 9, 1),
        date(2027, 6, 30),
        "№ 112-к от 28.08.2026",
    )
    assert await outbox_people(db) == sorted([ivanova.id, sidorova.id])


async def test_mentor_row_after_the_mentee_row_still_forms_the_pair(
    db: Database, i18n: I18n
) -> None:
    summary = await run(db, i18n, SIDOROVA, IVANOVA)
    assert counts(summary) == (2, 0, 0, 1)


async def test_pair_without_dates_starts_today_for_one_year(db: Database, i18n: I18n) -> None:
    await run(db, i18n, PETROV, "Орлов Илья;наставляемый;;;Петров Пётр Сергеевич;бизнес;;;")
    [pair] = await pairs_of(db, "Орлов Илья")
    assert (pair.kind, pair.start, pair.end, pair.order_ref) == (
        PairKind.BUSINESS,
        TODAY,
        date(2027, 8, 30),
        None,
    )


async def test_pair_without_dates_is_not_formed_again_on_another_day(
    db: Database, i18n: I18n
) -> None:
    rows = (PETROV, "Орлов Илья;наставляемый;;;Петров Пётр Сергеевич;;;;")
    await run(db, i18n, *rows)
    data = "\n".join((HEADER, *rows)).encode("utf-8")
    summary = await import_roster(
        db, parse_roster(data), now=NOW, today=date(2026, 9, 15), max_mentees_per_mentor=2
    )
    assert counts(summary) == (0, 0, 2, 0)
    assert len(await pairs_of(db, "Орлов Илья")) == 1


@pytest.mark.parametrize("mentee_row", [SIDOROVA, SIDOROVA.replace(";01.09.2026;", ";;")])
async def test_ended_pair_is_not_revived(db: Database, i18n: I18n, mentee_row: str) -> None:
    await run(db, i18n, IVANOVA, mentee_row)
    [pair] = await pairs_of(db, "Сидорова Мария Ивановна")
    async with db.transaction() as tx:
        assert await tx.pairs.close(pair.id, PairStatus.ENDED, "перевод", NOW)
    summary = await run(db, i18n, IVANOVA, mentee_row)
    assert counts(summary) == (0, 0, 2, 0)
    assert summary.errors == []
    [still] = await pairs_of(db, "Сидорова Мария Ивановна")
    assert still.status is PairStatus.ENDED


async def test_mentor_at_the_limit_is_a_row_error_for_the_next_mentee(
    db: Database, i18n: I18n
) -> None:
    summary = await run(
        db,
        i18n,
        PETROV,
        "Орлов Илья;наставляемый;;;Петров Пётр Сергеевич;;;;",
        "Зайцева Ксения;наставляемая;;;Петров Пётр Сергеевич;;;;",
        max_mentees=1,
    )
    assert counts(summary) == (3, 0, 0, 1)
    assert errors(summary) == [(4, PairRefusal.MENTOR_FULL.value)]
    assert await pairs_of(db, "Зайцева Ксения") == []


async def test_mentee_with_an_active_pair_of_the_kind_gets_no_second(
    db: Database, i18n: I18n
) -> None:
    await run(db, i18n, IVANOVA, PETROV, SIDOROVA)
    other_mentor = SIDOROVA.replace("Иванова Анна Петровна", "Петров Пётр Сергеевич")
    summary = await run(db, i18n, other_mentor)
    assert errors(summary) == [(2, PairRefusal.MENTEE_HAS_KIND.value)]
    assert len(await pairs_of(db, "Сидорова Мария Ивановна")) == 1


async def test_mentee_twice_in_a_file_gets_a_pedagogical_and_a_business_mentor(
    db: Database, i18n: I18n
) -> None:
    business = (
        "Сидорова Мария Ивановна;наставляемая;333000333;ПЦК информационных технологий;"
        "@petrov_ps;бизнес;01.09.2026;30.06.2027;№ 112-к от 28.08.2026"
    )
    petrov = "Петров Пётр Сергеевич;наставник;@petrov_ps;ООО «Техносервис»;;;;;"
    summary = await run(db, i18n, IVANOVA, petrov, SIDOROVA, business)
    assert counts(summary) == (3, 0, 0, 2)
    assert summary.errors == []
    kinds = {pair.kind for pair in await pairs_of(db, "Сидорова Мария Ивановна")}
    assert kinds == {PairKind.PEDAGOGICAL, PairKind.BUSINESS}


@pytest.mark.parametrize(
    "reference", ["222000222", "@Petrov_PS", "t.me/petrov_ps", "ПЕТРОВ  Петр Сергеевич"]
)
async def test_mentor_is_found_by_id_username_or_name(
    db: Database, i18n: I18n, reference: str
) -> None:
    petrov = "Петров Пётр Сергеевич;наставник;222000222;;;;;;"
    await run(db, i18n, petrov)
    petrov_id = (await person(db, "Петров Пётр Сергеевич")).id
    async with db.transaction() as tx:
        await tx.people.update(petrov_id, NOW, username="petrov_ps")
    summary = await run(db, i18n, f"Орлов Илья;наставляемый;;;{reference};;;;")
    assert summary.errors == []
    assert summary.pairs_formed == 1


async def test_unknown_mentor_is_a_row_error(db: Database, i18n: I18n) -> None:
    summary = await run(db, i18n, "Орлов Илья;наставляемый;;;Никто Никтоевич;;;;")
    assert errors(summary) == [(2, "roster-row-mentor-not-found")]
    assert counts(summary) == (1, 0, 0, 0)


async def test_mentor_who_is_not_a_mentor_is_a_row_error(db: Database, i18n: I18n) -> None:
    summary = await run(
        db,
        i18n,
        "Кузнецова Ольга;методист;;;;;;;",
        "Орлов Илья;наставляемый;;;Кузнецова Ольга;;;;",
    )
    assert errors(summary) == [(3, "roster-row-mentor-not-mentor")]


async def test_a_failed_write_leaves_nothing_of_the_file(
    db: Database, i18n: I18n, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.outbox import OutboxRepo

    async def broken(*args: object, **kwargs: object) -> bool:
        raise sqlite3.IntegrityError("outbox is broken")

    monkeypatch.setattr(OutboxRepo, "add", broken)
    with pytest.raises(sqlite3.IntegrityError):
        await run(db, i18n, IVANOVA, SIDOROVA)
    assert await people_count(db) == 0
    async with db.read() as tx:
        assert await tx.pairs.all() == []


async def test_bad_rows_do_not_stop_good_ones_and_errors_come_by_line(
    db: Database, i18n: I18n
) -> None:
    summary = await run(
        db,
        i18n,
        "Орлов Илья;наставляемый;;;Никто Никтоевич;;;;",
        IVANOVA,
        "Петров Пётр;директор;;;;;;;",
        SIDOROVA,
    )
    assert errors(summary) == [(2, "roster-row-mentor-not-found"), (4, "roster-row-bad-role")]
    assert counts(summary) == (3, 0, 0, 1)


# Rendering ---------------------------------------------------------------------------------------


def test_cli_report_has_the_contract_first_line_and_a_line_per_bad_row(i18n: I18n) -> None:
    roster = parse_roster("ФИО;Роль\nИванова <Анна>;директор\n".encode())
    summary = ImportSummary(
        added=3, updated=1, unchanged=5, pairs_formed=2, errors=list(roster.errors)
    )
    lines = render_cli(i18n.get("ru"), summary)
    assert lines[0] == "added: 3, updated: 1, unchanged: 5, pairs formed: 2, errors: 1"
    assert lines[1].startswith("line 2: ")
    assert "«директор»" in lines[1]
    assert len(lines) == 2


@pytest.mark.parametrize(
    ("added", "expected"),
    [(1, "Добавлен 1 человек"), (3, "Добавлено 3 человека"), (5, "Добавлено 5 человек")],
)
def test_summary_uses_russian_plural_forms(i18n: I18n, added: int, expected: str) -> None:
    text = render_summary(
        i18n.get("ru"), ImportSummary(added=added, updated=0, unchanged=0, pairs_formed=0)
    )
    assert expected in text
    assert "Ошибок нет" in text


def test_summary_lists_bad_rows_with_escaped_values(i18n: I18n) -> None:
    roster = parse_roster("ФИО;Роль\nИванова Анна;<b>x</b>\n".encode())
    summary = ImportSummary(added=0, updated=0, unchanged=0, pairs_formed=2, errors=roster.errors)
    text = render_summary(i18n.get("ru"), summary)
    assert "Сформированы 2 пары" in text
    assert "1 строка с ошибкой" in text
    assert "строка 2: непонятная роль «&lt;b&gt;x&lt;/b&gt;»" in text


def test_summary_of_many_bad_rows_fits_one_message(i18n: I18n) -> None:
    lines = "\n".join(f"Человек {n};директор" for n in range(1000))
    roster = parse_roster(f"ФИО;Роль\n{lines}\n".encode())
    summary = ImportSummary(added=0, updated=0, unchanged=0, pairs_formed=0, errors=roster.errors)
    text = render_summary(i18n.get("ru"), summary)
    assert len(text) < 4096
    assert "строка 1001:" not in text
    assert "…и ещё" in text


@pytest.mark.parametrize("rows", [40, 41, 100])
def test_summary_of_bad_rows_in_emoji_fits_one_message_as_telegram_counts(
    i18n: I18n, rows: int
) -> None:
    from bot.domain.bounded import text_length

    lines = "\n".join(f"Человек {n};{'🙂' * 59}" for n in range(rows))
    roster = parse_roster(f"ФИО;Роль\n{lines}\n".encode())
    summary = ImportSummary(added=0, updated=0, unchanged=0, pairs_formed=0, errors=roster.errors)
    text = render_summary(i18n.get("ru"), summary)
    shown = sum(line.startswith("строка ") for line in text.split("\n"))
    assert text_length(text) <= 4096
    assert shown < rows
    assert f"…и ещё {rows - shown}" in text

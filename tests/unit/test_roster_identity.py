"""Who a roster row is: matching by id, then @username, then name, and what a row may never do
to someone who already uses the bot (rename them, take their admin rights)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from test_roster_import import NOW, counts, errors, run

import bot.domain.roster_import
from bot.__main__ import render_cli
from bot.i18n import I18n
from storage.db import Database
from storage.models import Person, Role


async def add_seen(db: Database, full_name: str, role: Role, **fields: Any) -> Person:
    """Someone who has opened the bot."""
    async with db.transaction() as tx:
        person = await tx.people.add(full_name=full_name, role=role, now=NOW, **fields)
        await tx.people.mark_seen(person.id, NOW)
        found = await tx.people.get(person.id)
    assert found is not None
    return found


async def get(db: Database, person_id: int) -> Person:
    async with db.read() as tx:
        person = await tx.people.get(person_id)
    assert person is not None
    return person


async def everyone(db: Database) -> list[Person]:
    async with db.read() as tx:
        return await tx.people.all()


# A wrong id never renames someone who uses the bot --------------------------------------------


async def test_id_of_a_person_using_the_bot_under_another_name_is_refused_naming_both(
    db: Database, i18n: I18n
) -> None:
    admin = await add_seen(db, "Второй Админ", Role.ADMIN, telegram_id=9002)

    summary = await run(db, i18n, "Новенькая Анна;наставляемый;9002;;;;;;")

    assert errors(summary) == [(2, "roster-row-account-in-use")]
    assert counts(summary) == (0, 0, 0, 0)
    line = render_cli(i18n.get("ru"), summary)[1]
    assert line.startswith("line 2: ")
    assert "9002" in line and "«Второй Админ»" in line and "«Новенькая Анна»" in line
    assert await get(db, admin.id) == admin


async def test_id_of_a_person_not_using_the_bot_yet_may_correct_their_name(
    db: Database, i18n: I18n
) -> None:
    await run(db, i18n, "Петров Пётр;наставник;222000222;;;;;;")
    summary = await run(db, i18n, "Петров-Водкин Пётр;наставник;222000222;;;;;;")
    assert errors(summary) == [] and counts(summary) == (0, 1, 0, 0)
    [person] = await everyone(db)
    assert person.full_name == "Петров-Водкин Пётр"


# Admin rights are never taken by a file from someone who uses the bot --------------------------


async def test_admin_using_the_bot_keeps_their_rights_when_a_row_says_mentor(
    db: Database, i18n: I18n
) -> None:
    admin = await add_seen(db, "Кузнецова Ольга", Role.ADMIN, telegram_id=9001)

    summary = await run(db, i18n, "Кузнецова Ольга;наставник;9001;;;;;;")

    assert errors(summary) == [(2, "roster-row-admin-kept")]
    assert (await get(db, admin.id)).has_admin_rights


async def test_importing_admin_never_loses_their_own_rights(db: Database, i18n: I18n) -> None:
    async with db.transaction() as tx:  # not even before they are marked as seen
        admin = await tx.people.add(full_name="Кузнецова Ольга", role=Role.ADMIN, now=NOW)

    summary = await run(db, i18n, "Кузнецова Ольга;наставник;;;;;;;", imported_by=admin.id)

    assert errors(summary) == [(2, "roster-row-admin-kept")]
    assert (await get(db, admin.id)).role is Role.ADMIN


async def test_role_of_an_admin_by_a_grant_may_change_and_the_rights_stay(
    db: Database, i18n: I18n
) -> None:
    admin = await add_seen(db, "Кузнецова Ольга", Role.MENTEE, telegram_id=9001, is_admin=True)

    summary = await run(db, i18n, "Кузнецова Ольга;наставник;9001;;;;;;")

    assert errors(summary) == [] and counts(summary) == (0, 1, 0, 0)
    changed = await get(db, admin.id)
    assert changed.role is Role.MENTOR and changed.has_admin_rights


async def test_admin_row_of_someone_not_using_the_bot_may_be_corrected(
    db: Database, i18n: I18n
) -> None:
    await run(db, i18n, "Кузнецова Ольга;методист;;;;;;;")
    summary = await run(db, i18n, "Кузнецова Ольга;наставник;;;;;;;")
    assert errors(summary) == []
    [person] = await everyone(db)
    assert person.role is Role.MENTOR and not person.has_admin_rights


# One name, two people --------------------------------------------------------------------------


async def test_two_rows_with_one_name_and_different_ids_are_two_people(
    db: Database, i18n: I18n
) -> None:
    rows = (
        "Иванов Иван Иванович;наставник;1111;;;;;;",
        "Иванов Иван Иванович;наставляемый;2222;;;;;;",
    )

    first = await run(db, i18n, *rows)
    second = await run(db, i18n, *rows)

    assert errors(first) == [] and counts(first) == (2, 0, 0, 0)
    assert errors(second) == [] and counts(second) == (0, 0, 2, 0)
    roles = {person.telegram_id: person.role for person in await everyone(db)}
    assert roles == {1111: Role.MENTOR, 2222: Role.MENTEE}


async def test_a_row_with_a_new_id_fills_in_the_id_of_the_namesake_who_has_none(
    db: Database, i18n: I18n
) -> None:
    await run(db, i18n, "Иванов Иван;наставник;1111;;;;;;", "Иванов Иван;наставник;;;;;;;")
    # In the database: one Иванов with id 1111, one without; a new id belongs to the latter.
    await run(db, i18n, "Иванов Иван;наставник;1111;;;;;;")
    summary = await run(db, i18n, "Иванов Иван;наставник;3333;;;;;;")
    assert errors(summary) == [], summary.errors


async def test_a_mentor_named_by_a_shared_full_name_is_ambiguous(db: Database, i18n: I18n) -> None:
    summary = await run(
        db,
        i18n,
        "Иванов Иван Иванович;наставник;1111;;;;;;",
        "Иванов Иван Иванович;наставник;2222;;;;;;",
        "Орлов Илья;наставляемый;;;Иванов Иван Иванович;;;;",
        "Зайцева Ксения;наставляемая;;;2222;;;;",
    )
    assert errors(summary) == [(4, "roster-row-mentor-ambiguous")]
    assert counts(summary) == (4, 0, 0, 1)


async def test_a_row_without_an_id_for_a_shared_name_is_ambiguous(db: Database, i18n: I18n) -> None:
    await run(db, i18n, "Иванов Иван;наставник;1111;;;;;;", "Иванов Иван;наставляемый;2222;;;;;;")
    summary = await run(db, i18n, "Иванов Иван;наставник;;ПЦК ИТ;;;;;")
    assert errors(summary) == [(2, "roster-row-ambiguous-name")]


# Planned outside the write lock, written as a whole ---------------------------------------------


async def test_a_change_made_while_planning_is_seen_by_a_second_plan(
    db: Database, i18n: I18n, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = bot.domain.roster_import._read_snapshot
    calls = 0

    async def snapshot_then_someone_adds_petrov(tx: Any) -> Any:
        nonlocal calls
        snapshot = await original(tx)
        calls += 1
        if calls == 1:  # another process writes between the plan's read and its write
            with sqlite3.connect(db.path) as other:
                other.execute(
                    "INSERT INTO people (full_name, name_key, role, telegram_id, created_at,"
                    " updated_at) VALUES ('Петров Пётр', 'петров петр', 'mentor', 222, '', '')"
                )
        return snapshot

    monkeypatch.setattr(
        bot.domain.roster_import, "_read_snapshot", snapshot_then_someone_adds_petrov
    )

    summary = await run(db, i18n, "Петров Пётр;наставник;222;ПЦК ИТ;;;;;")

    assert summary.plans == 2
    assert errors(summary) == [] and counts(summary) == (0, 1, 0, 0)
    [petrov] = await everyone(db)
    assert petrov.department == "ПЦК ИТ"

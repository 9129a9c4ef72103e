"""/overdue and /inactive: the pairs that need attention for one reason, counted as the digest
counts them (the same pairs and numbers for the same moment), each opening its card; admins
only, and a forged page changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import test_digest
import test_stats
from conftest import BotRunner
from people import TelegramUser

from handlers.keyboards import AttentionPage
from scheduler.clock import ManualClock

people = test_digest.people  # Иванова–Сидорова overdue, Смирнов–Орлов and Белов–Зайцева quiet


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(test_digest.MONDAY - timedelta(hours=1))


async def test_overdue_and_inactive_list_the_digests_pairs_for_that_reason(
    people: dict[str, TelegramUser],
) -> None:
    admin = people["admin"]
    admin.send("/digest")
    digest = await admin.wait_message("Сводка по наставничеству")

    admin.send("/overdue")
    overdue = await admin.wait_message("Просроченные этапы")
    assert "Просроченные этапы: 1 пара" in overdue["text"]
    assert (
        "1. Иванова Анна Петровна — Сидорова Мария Ивановна: просрочено этапов: 1"
        in (overdue["text"])
    )
    assert "Сидорова Мария Ивановна: просрочено этапов: 1" in digest["text"]  # the same count
    assert admin.inline_buttons(overdue) == ["1. Сидорова Мария Ивановна"]

    admin.send("/inactive")
    inactive = await admin.wait_message("Давно не было встреч")
    assert "Давно не было встреч: 2 пары" in inactive["text"]
    for line in (
        "1. Смирнов Алексей Николаевич — Орлов Илья Сергеевич: вопросов без ответа: 1"
        " · без встреч 145 дней",
        "Белов Дмитрий Игоревич — Зайцева Ксения Андреевна: без встреч 20 дней",
    ):
        assert line in inactive["text"] and line.split(". ", 1)[-1] in digest["text"]
    assert admin.inline_buttons(inactive) == [
        "1. Орлов Илья Сергеевич",
        "2. Зайцева Ксения Андреевна",
    ]
    admin.press("2. Зайцева Ксения Андреевна", inactive)
    await admin.wait_message("Зайцева Ксения Андреевна")

    for forged in ("at:stats:0", "at:overdue:-1"):
        admin.press_data(forged, inactive["message_id"])
        assert (await admin.wait_answer_callback())["show_alert"], forged


async def test_overdue_and_inactive_are_refused_to_mentors_and_mentees(
    people: dict[str, TelegramUser],
) -> None:
    for who in (people["mentor"], people["mentee"]):
        for command in ("/overdue", "/inactive"):
            who.send(command)
            await who.wait_message("только администраторам")
        who.press_data(AttentionPage(concern="overdue").pack(), 1)
        assert (await who.wait_answer_callback())["show_alert"]


async def test_pairs_shows_each_pairs_progress_and_last_held_meeting(
    people: dict[str, TelegramUser],
) -> None:
    admin = people["admin"]
    admin.send("/pairs")
    listed = await admin.wait_message("Активны 3 пары")
    lines = listed["text"].split("\n")[1:]
    assert len(lines) == 3
    zaitseva = next(line for line in lines if line.startswith("Зайцева К. А. ← Белов Д. И.: "))
    assert re.search(r": ░░░░░ 1/\d+ · последняя встреча 05\.01\.2027$", zaitseva), zaitseva
    orlov = next(line for line in lines if line.startswith("Орлов И. С."))
    assert orlov.endswith(" · встреч ещё не было")


async def test_pairs_filters_by_status_kind_and_department(
    bot_runner: BotRunner, people: dict[str, TelegramUser]
) -> None:
    await test_stats._more(bot_runner)  # Смирнов–Зайцева ended, Белов–Орлов completed
    admin = people["admin"]
    admin.send("/pairs")
    listed = await admin.wait_message("Активны 3 пары")
    assert admin.inline_buttons(listed)[:8] == [
        "• Активные", "Завершённые", "Прекращённые", "Все",
        "• Любой вид", "Педагогическое", "Бизнес", "ПЦК: все ▾",
    ]  # fmt: skip
    admin.press("Все", listed)
    every = await admin.wait_message("Пар: 5 (Все; Любой вид; ПЦК: все)")
    admin.press("Бизнес", every)
    business = await admin.wait_message("Пар: 2 (Все; Бизнес; ПЦК: все)")
    assert "Орлов Илья Сергеевич ← Белов Дмитрий Игоревич" in admin.inline_buttons(business)
    admin.press("ПЦК: все ▾", business)
    picker = await admin.wait_message("Пары какой ПЦК")
    assert admin.inline_buttons(picker)[:3] == ["все", "ПЦК ИТ", "ПЦК электротехники"]
    admin.press("ПЦК электротехники", picker)
    one = await admin.wait_message("Пар: 1 (Все; Бизнес; ПЦК: ПЦК электротехники)")
    assert "Зайцева Ксения Андреевна ← Смирнов Алексей Николаевич" in admin.inline_buttons(one)
    admin.press("Завершённые", one)
    await admin.wait_message("Таких пар нет. Измените фильтр")
    # A forged filter reads as none; a mentor's press is refused.
    admin.press_data("pp:0:nonsense:nonsense:zzz", one["message_id"])
    await admin.wait_message("Активны 3 пары")
    people["mentor"].press_data("pp:0:all", 1)
    assert (await people["mentor"].wait_answer_callback())["show_alert"]

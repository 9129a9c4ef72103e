"""/settings: each person switches the reminders meant for them on and off, with the clock moved
by days: a switched-off kind is not sent (not even one waiting for the morning), switching it
back on makes the next one come, and nobody else's switch moves."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any

import pytest
from conftest import BotRunner
from people import TelegramUser
from test_reminders import (
    BISHKEK,
    TIMEOUT,
    _app,
    _at,
    _confirmed_meeting,
    _nobody_else,
    _one_deadline,
    bot_clock,  # noqa: F401 (a fixture)
    people,  # noqa: F401 (a fixture)
)

from scheduler.clock import ManualClock
from scheduler.tick import MARK

MENTEE_ONLY = "Срок этапа через неделю"
MENTOR_ONLY = "Отчёт ждёт решения"


async def _settings(who: TelegramUser) -> dict[str, Any]:
    who.send("/settings")
    return await who.wait_message("Напоминания")


async def _switch(who: TelegramUser, button: str, answer: str) -> dict[str, Any]:
    who.press(button)
    answered = await who.wait_answer_callback()
    assert answer in answered.get("text", ""), answered
    return answered


async def _ticked(runner: BotRunner, clock: ManualClock, *moment: int) -> None:
    """Move the clock and wait until a tick has covered it (what it queued may wait)."""
    clock.set(datetime(*moment, tzinfo=BISHKEK))  # type: ignore[misc]
    app = _app(runner)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while True:
        async with app.db.read() as tx:
            done = await tx.reminders.done_until(MARK)
        if done is not None and done >= clock.now():
            return
        if loop.time() > deadline:
            raise AssertionError(f"no tick covered {clock.now()} within {TIMEOUT} s")
        await asyncio.sleep(0.02)


async def _statuses(runner: BotRunner, kind: str) -> list[tuple[int, str]]:
    async with _app(runner).db.read() as tx:
        rows = await tx.conn.execute_fetchall(
            "SELECT p.telegram_id, o.status FROM outbox o JOIN people p ON p.id = o.person_id"
            " WHERE o.key LIKE ? ORDER BY p.telegram_id",
            (f"remind:{kind}:%",),
        )
    return [(row[0], row[1]) for row in rows]


@pytest.mark.bot_settings(quiet_hours="21:00-08:00")
async def test_settings_show_the_reminders_meant_for_each_role_and_the_quiet_hours(
    people: dict[str, TelegramUser],  # noqa: F811
) -> None:
    mentee = await _settings(people["mentee"])
    assert "Тихие часы: с 21:00 до 08:00" in mentee["text"]
    buttons = people["mentee"].inline_buttons(mentee)
    assert f"✅ {MENTEE_ONLY}" in buttons and f"✅ {MENTOR_ONLY}" not in buttons
    assert "✅ Встреча завтра" in buttons and "✅ Просроченный этап" in buttons

    mentor = people["mentor"].inline_buttons(await _settings(people["mentor"]))
    assert f"✅ {MENTOR_ONLY}" in mentor and f"✅ {MENTEE_ONLY}" not in mentor
    assert "✅ Встреча завтра" in mentor

    admin = people["admin"].inline_buttons(await _settings(people["admin"]))
    assert f"✅ {MENTEE_ONLY}" not in admin and f"✅ {MENTOR_ONLY}" not in admin

    people["mentee"].send("/cancel")  # a screen, not a form: nothing to leave
    await people["mentee"].wait_message("Отменять нечего")


async def test_quiet_hours_switched_off_are_shown_as_off(
    people: dict[str, TelegramUser],  # noqa: F811
) -> None:
    shown = await _settings(people["mentee"])
    assert "Тихих часов нет" in shown["text"]


async def test_a_switched_off_kind_is_not_sent_and_switching_it_on_brings_the_next(
    bot_runner: BotRunner,
    people: dict[str, TelegramUser],  # noqa: F811
    bot_clock: ManualClock,  # noqa: F811
) -> None:
    app = _app(bot_runner)
    await _one_deadline(app, date(2027, 2, 1))
    mentee = people["mentee"]
    await _settings(mentee)
    await _switch(mentee, "✅ Просроченный этап", "Выключено: Просроченный этап")
    assert "🔕 Просроченный этап" in mentee.inline_buttons()
    assert "✅ Срок этапа завтра" in mentee.inline_buttons()

    await _at(bot_runner, bot_clock, 2027, 2, 2, 9, 0, 30)
    # The mentee's switch is theirs: the mentor is still warned.
    _nobody_else(people, "прошло 1 день", "mentor")
    assert "✅ Просроченный этап" in people["mentor"].inline_buttons(
        await _settings(people["mentor"])
    )

    await _settings(mentee)
    await _switch(mentee, "🔕 Просроченный этап", "Включено: Просроченный этап")
    await _at(bot_runner, bot_clock, 2027, 2, 9, 9, 0, 30)
    _nobody_else(people, "прошло 8 дней", "mentee", "mentor")


@pytest.mark.bot_settings(quiet_hours="21:00-08:00")
async def test_switching_off_cancels_a_reminder_waiting_for_the_morning(
    bot_runner: BotRunner,
    people: dict[str, TelegramUser],  # noqa: F811
    bot_clock: ManualClock,  # noqa: F811
) -> None:
    await _confirmed_meeting(people, "28.01.2027 07:30 Разбор КТП")
    mentor, mentee = people["mentor"].id, people["mentee"].id
    await _ticked(bot_runner, bot_clock, 2027, 1, 27, 7, 40)  # due 07:30, quiet until 08:00
    assert await _statuses(bot_runner, "meeting-day") == [(mentor, "pending"), (mentee, "pending")]

    await _settings(people["mentee"])
    await _switch(people["mentee"], "✅ Встреча завтра", "Выключено: Встреча завтра")
    assert await _statuses(bot_runner, "meeting-day") == [
        (mentor, "pending"),
        (mentee, "cancelled"),
    ]
    await _at(bot_runner, bot_clock, 2027, 1, 27, 8, 0, 30)
    _nobody_else(people, "Завтра встреча", "mentor")


async def test_a_double_press_sets_it_once_and_a_forged_kind_is_refused(
    bot_runner: BotRunner,
    people: dict[str, TelegramUser],  # noqa: F811
) -> None:
    mentee = people["mentee"]
    shown = await _settings(mentee)
    await _switch(mentee, "✅ Срок этапа завтра", "Выключено")
    # The same button pressed again on the message as it was (a double tap).
    mentee.press_data("rs:milestone-day:0", shown["message_id"])
    assert "уже выключено" in (await mentee.wait_answer_callback()).get("text", "")
    assert "🔕 Срок этапа завтра" in mentee.inline_buttons(mentee.last_message())

    mentee.press_data("rs:milestone-review:0", shown["message_id"])  # a mentor's kind
    refused = await mentee.wait_answer_callback()
    assert refused.get("show_alert") and "нет" in refused.get("text", "")
    mentee.press_data("rs:no-such-kind:0", shown["message_id"])
    assert (await mentee.wait_answer_callback()).get("show_alert")

    async with _app(bot_runner).db.read() as tx:
        rows = await tx.conn.execute_fetchall(
            "SELECT kind, enabled FROM reminder_switches ORDER BY kind"
        )
    assert [tuple(row) for row in rows] == [("milestone-day", 0)]

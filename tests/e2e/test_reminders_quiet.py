"""Reminders held by quiet hours: one that no longer holds when the quiet hours end ("in an
hour" after the meeting, "tomorrow" on the meeting's day) is skipped, not sent in the morning."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from conftest import BotRunner
from people import TelegramUser
from roster_seed import seed
from test_pairs import fill_pair_form
from test_reminders import BISHKEK, TIMEOUT, _app, _confirmed_meeting, _count, bot_clock, people  # noqa: F401

from scheduler.clock import ManualClock
from scheduler.tick import MARK

MEETING = "25.01.2027 22:30 Разбор КТП"


async def _at(runner: BotRunner, clock: ManualClock, *moment: int) -> None:
    """Move the clock to a local moment, wait until a tick has covered it, then drain what
    the sender may send now (in quiet hours notices stay pending, so that is no condition)."""
    clock.set(datetime(*moment, tzinfo=BISHKEK))  # type: ignore[misc]
    app = _app(runner)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while True:
        async with app.db.read() as tx:
            done = await tx.reminders.done_until(MARK)
        if done is not None and done >= clock.now():
            break
        assert loop.time() < deadline, f"no tick covered {clock.now()} within {TIMEOUT} s"
        await asyncio.sleep(0.02)
    await app.sender.drain()


async def _statuses(runner: BotRunner, kind: str) -> list[tuple[str, str | None]]:
    async with _app(runner).db.read() as tx:
        rows = await tx.conn.execute_fetchall(
            "SELECT status, last_error FROM outbox WHERE key LIKE ? ORDER BY id",
            (f"remind:{kind}:%",),
        )
    return [(row[0], row[1]) for row in rows]


@pytest.mark.bot_settings(quiet_hours="21:00-08:00")
async def test_an_hour_reminder_held_by_quiet_hours_past_the_meeting_is_skipped(
    bot_runner: BotRunner,
    people: dict[str, TelegramUser],  # noqa: F811
    bot_clock: ManualClock,  # noqa: F811
) -> None:
    await _confirmed_meeting(people, MEETING)
    await _at(bot_runner, bot_clock, 2027, 1, 25, 21, 30, 30)  # due now, but quiet hours
    assert await _statuses(bot_runner, "meeting-hour") == [("pending", None)] * 2
    await _at(bot_runner, bot_clock, 2027, 1, 26, 8, 0, 30)  # the morning after the meeting
    for who in (people["mentor"], people["mentee"]):
        assert _count(who, "Через час встреча") == 0
    assert await _statuses(bot_runner, "meeting-hour") == [("skipped", "stale")] * 2


@pytest.mark.bot_settings(quiet_hours="21:00-08:00")
async def test_a_day_before_reminder_held_into_the_meeting_day_is_skipped(
    bot_runner: BotRunner,
    people: dict[str, TelegramUser],  # noqa: F811
    bot_clock: ManualClock,  # noqa: F811
) -> None:
    await _confirmed_meeting(people, MEETING)
    await _at(bot_runner, bot_clock, 2027, 1, 24, 22, 30, 30)  # due now, but quiet hours
    assert await _statuses(bot_runner, "meeting-day") == [("pending", None)] * 2
    await _at(bot_runner, bot_clock, 2027, 1, 25, 8, 0, 30)  # the meeting's own morning
    for who in (people["mentor"], people["mentee"]):
        assert _count(who, "Завтра встреча") == 0
    assert await _statuses(bot_runner, "meeting-day") == [("skipped", "stale")] * 2


@pytest.mark.bot_settings(quiet_hours="21:00-08:00")
async def test_a_pair_formed_in_quiet_hours_says_when_its_people_will_be_told(
    bot_runner: BotRunner,
    admin: TelegramUser,
    bot_clock: ManualClock,  # noqa: F811
) -> None:
    await seed(bot_runner.app)
    bot_clock.set(datetime(2027, 1, 25, 22, 10, tzinfo=BISHKEK))
    await fill_pair_form(admin, "Иванова Анна", "Сидорова Мария Ивановна", order=None)
    admin.press("✅ Сформировать пару")
    formed = await admin.wait_message("Пара сформирована")
    assert "Сейчас тихие часы: участники получат уведомления в 08:00" in formed["text"]
    assert "отправлены" not in formed["text"]


@pytest.mark.bot_settings(quiet_hours="21:00-08:00")
async def test_an_hour_reminder_held_by_quiet_hours_says_the_time_left_when_it_arrives(
    bot_runner: BotRunner,
    people: dict[str, TelegramUser],  # noqa: F811
    bot_clock: ManualClock,  # noqa: F811
) -> None:
    await _confirmed_meeting(people, "26.01.2027 08:30 Разбор КТП")
    await _at(bot_runner, bot_clock, 2027, 1, 26, 7, 30, 30)  # due now, but quiet hours
    assert await _statuses(bot_runner, "meeting-hour") == [("pending", None)] * 2
    await _at(bot_runner, bot_clock, 2027, 1, 26, 8, 0, 30)
    for who in (people["mentor"], people["mentee"]):
        reminder = await who.wait_message("встреча с")
        assert reminder["text"].startswith("⏰ Через 30 минут встреча с"), reminder["text"]
        assert _count(who, "Через час") == 0

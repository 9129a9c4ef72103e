"""Quiet hours: a notice due at night waits in the outbox until the morning."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import MENTEE_SIDOROVA, MENTOR_IVANOVA, seed
from test_pairs import form_pair

from scheduler.clock import ManualClock

BISHKEK = ZoneInfo("Asia/Bishkek")


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 27, 22, 30, tzinfo=BISHKEK))


@pytest.mark.bot_settings(quiet_hours="21:00-08:00", scheduler_tick_seconds=0.05)
async def test_a_notice_formed_at_night_is_delivered_in_the_morning(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser, bot_clock: ManualClock
) -> None:
    await seed(bot_runner.app)
    mentor = TelegramUser(fake_api, MENTOR_IVANOVA, "Анна", "Иванова")
    mentee = TelegramUser(fake_api, MENTEE_SIDOROVA, "Мария", "Сидорова")
    await start_everyone(mentor, mentee)

    await form_pair(admin, "Иванова Анна", "Сидорова Мария Ивановна", order=None)
    await asyncio.sleep(0.3)  # proving an absence: six sender ticks pass at night
    assert not any("Вы назначены наставником" in m["text"] for m in mentor.messages())
    async with bot_runner.app.db.read() as tx:
        assert await tx.outbox.pending_count() == 2

    bot_clock.set(datetime(2026, 11, 28, 8, 0, 30, tzinfo=BISHKEK))
    await mentor.wait_message("Вы назначены наставником", since=0)
    await mentee.wait_message("Вам назначен наставник", since=0)

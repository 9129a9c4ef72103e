"""The outbox sender: a notice survives a flood wait and is sent once, also across a restart;
a person who blocked the bot is marked so, and unmarked when they come back."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import MENTEE_SIDOROVA, MENTOR_IVANOVA, seed
from test_pairs import form_pair
from waiting import eventually

from scheduler.clock import ManualClock
from scheduler.sender import OutboxSender, Outcome
from storage.db import Database, open_database

NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)


async def outbox(runner: BotRunner) -> dict[str, str]:
    async with runner.app.db.read() as tx:
        rows = await tx.conn.execute_fetchall("SELECT key, status FROM outbox")
    return {row[0]: row[1] for row in rows}


def notices_to(user: TelegramUser, text: str) -> int:
    return sum(text in message["text"] for message in user.messages())


async def test_a_notice_is_retried_after_429_and_sent_once(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    mentor = TelegramUser(fake_api, MENTOR_IVANOVA, "Анна", "Иванова")
    mentee = TelegramUser(fake_api, MENTEE_SIDOROVA, "Мария", "Сидорова")
    await start_everyone(mentor, mentee)
    fake_api.fail_next(
        "sendMessage", MENTOR_IVANOVA, 429, "Too Many Requests: retry after 1", retry_after=1
    )

    await form_pair(admin, "Иванова Анна", "Сидорова Мария Ивановна", order=None)

    await mentor.wait_message("Вы назначены наставником")
    refused = [
        r
        for r in fake_api.calls("sendMessage")
        if not r.ok and r.params["chat_id"] == MENTOR_IVANOVA
    ]
    assert len(refused) == 1
    await bot_runner.restart()
    await bot_runner.settle()
    assert notices_to(mentor, "Вы назначены наставником") == 1
    assert set((await outbox(bot_runner)).values()) == {"sent"}


async def test_a_person_who_blocked_the_bot_is_marked_and_comes_back(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    mentor = TelegramUser(fake_api, MENTOR_IVANOVA, "Анна", "Иванова")
    mentee = TelegramUser(fake_api, MENTEE_SIDOROVA, "Мария", "Сидорова")
    await start_everyone(mentor, mentee)
    fake_api.block(MENTEE_SIDOROVA)

    await form_pair(admin, "Иванова Анна", "Сидорова Мария Ивановна", order=None)
    await mentor.wait_message("Вы назначены наставником")

    async def mentee_blocked() -> bool:
        async with bot_runner.app.db.read() as tx:
            person = await tx.people.by_telegram_id(MENTEE_SIDOROVA)
        return person is not None and person.blocked

    async def both_settled() -> bool:
        return sorted((await outbox(bot_runner)).values()) == ["failed", "sent"]

    await eventually(mentee_blocked, what="the mentee marked as having blocked the bot")
    await eventually(both_settled, what="one notice sent, the blocked one failed")

    fake_api.unblock(MENTEE_SIDOROVA)
    mentee.send("/start")
    await mentee.wait_message("Здравствуйте")
    assert not await mentee_blocked()


async def test_a_refused_message_is_given_up_and_the_rows_behind_it_still_go(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    async with sender_on(fake_api, tmp_path) as (db, sender):
        async with db.transaction() as tx:
            await tx.outbox.add_ready_text("a", "первое", NOW, chat_id=501)
            await tx.outbox.add_ready_text("b", "второе", NOW, chat_id=502)
        fake_api.fail_next("sendMessage", 501, 404, "Not Found: chat not found")

        assert await sender.drain() == 1

        async with db.read() as tx:
            rows = await tx.conn.execute_fetchall("SELECT key, status, attempts FROM outbox")
    assert sorted(tuple(row) for row in rows) == [("a", "failed", 1), ("b", "sent", 1)]
    assert [m["text"] for m in fake_api.messages_to(502)] == ["второе"]


async def test_a_row_cancelled_after_its_batch_was_read_is_not_sent(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    async with sender_on(fake_api, tmp_path) as (db, sender):
        async with db.transaction() as tx:
            await tx.outbox.add_ready_text("copy", "запрос", NOW, chat_id=501, subject="s")
        async with db.read() as tx:
            (stale,) = await tx.outbox.due(NOW)
        async with db.transaction() as tx:
            await tx.outbox.cancel_pending("s", "settled")

        assert await sender._deliver(stale, silent=False) is Outcome.DONE

    assert fake_api.calls("sendMessage") == []


@asynccontextmanager
async def sender_on(
    api: FakeBotAPI, tmp_path: Path
) -> AsyncIterator[tuple[Database, OutboxSender]]:
    """The project's sender and database against the fake server, drained by the test."""
    db = await open_database(tmp_path / "outbox.db")
    bot = Bot(
        api.token,
        session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    try:
        yield db, OutboxSender(db, bot, ManualClock(NOW))
    finally:
        await bot.session.close()
        await db.close()


@pytest.mark.allow_errors
async def test_a_row_the_sender_cannot_even_build_counts_an_attempt_and_blocks_nothing(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    async with sender_on(fake_api, tmp_path) as (db, sender):
        async with db.transaction() as tx:
            await tx.outbox.add_ready_text("a", "кнопки", NOW, chat_id=501, markup="{broken")
            await tx.outbox.add_ready_text("b", "второе", NOW, chat_id=502)

        assert await sender.drain() == 1

        async with db.read() as tx:
            rows = await tx.conn.execute_fetchall("SELECT key, status, attempts FROM outbox")
    assert sorted(tuple(row) for row in rows) == [("a", "pending", 1), ("b", "sent", 1)]


async def test_a_row_whose_moment_passed_while_it_waited_is_skipped_not_sent(
    fake_api: FakeBotAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with sender_on(fake_api, tmp_path) as (db, sender):
        async with db.transaction() as tx:
            await tx.outbox.add_ready_text("late", "через час", NOW, chat_id=501, stale_at=NOW)
            later = NOW + timedelta(minutes=1)
            await tx.outbox.add_ready_text("fresh", "ещё в силе", NOW, chat_id=502, stale_at=later)

        with caplog.at_level(logging.INFO, logger="scheduler.sender"):
            assert await sender.drain() == 1

        async with db.read() as tx:
            rows = await tx.conn.execute_fetchall("SELECT key, status, last_error FROM outbox")
    assert sorted(tuple(row) for row in rows) == [
        ("fresh", "sent", None),
        ("late", "skipped", "stale"),
    ]
    assert fake_api.calls("sendMessage") != [] and fake_api.messages_to(501) == []
    assert "1 skipped as stale" in caplog.text


async def test_a_server_error_backs_off_only_its_own_chat(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    """One failed call holds up its own chat (its next message keeps its place behind it), not
    everyone: the other chats' messages go in the same drain."""
    async with sender_on(fake_api, tmp_path) as (db, sender):
        async with db.transaction() as tx:
            await tx.outbox.add_ready_text("a1", "первое А", NOW, chat_id=501)
            await tx.outbox.add_ready_text("b", "для Б", NOW, chat_id=502)
            await tx.outbox.add_ready_text("a2", "второе А", NOW, chat_id=501)
            await tx.outbox.add_ready_text("c", "для В", NOW, chat_id=503)
        fake_api.fail_next("sendMessage", 501, 500, "Internal Server Error")

        assert await sender.drain() == 2

        async with db.read() as tx:
            rows = await tx.conn.execute_fetchall("SELECT key, status, attempts FROM outbox")
    assert sorted(tuple(row) for row in rows) == [
        ("a1", "pending", 1),  # retried after its back-off, before "a2"
        ("a2", "pending", 0),
        ("b", "sent", 1),
        ("c", "sent", 1),
    ]


async def test_failures_in_a_row_pause_everyone_as_an_outage(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    async with sender_on(fake_api, tmp_path) as (db, sender):
        async with db.transaction() as tx:
            for chat in (501, 502, 503, 504):
                await tx.outbox.add_ready_text(f"n{chat}", "текст", NOW, chat_id=chat)
        fake_api.fail_next("sendMessage", None, 502, "Bad Gateway", times=3)

        assert await sender.drain() == 0

        async with db.read() as tx:
            rows = await tx.conn.execute_fetchall("SELECT key, attempts FROM outbox")
    assert sorted(tuple(row) for row in rows) == [
        ("n501", 1),
        ("n502", 1),
        ("n503", 1),
        ("n504", 0),  # not tried: three failures in a row are an outage, everything waits
    ]


async def test_a_row_given_up_leaves_its_chat_free_for_what_comes_next(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    async with sender_on(fake_api, tmp_path) as (db, sender):
        async with db.transaction() as tx:
            await tx.outbox.add_ready_text("doomed", "уведомление", NOW, chat_id=501)
            await tx.conn.execute("UPDATE outbox SET attempts = 11 WHERE key = 'doomed'")
        fake_api.fail_next("sendMessage", 501, 500, "Internal Server Error")
        assert await sender.drain() == 0  # its twelfth attempt: given up

        async with db.transaction() as tx:
            await tx.outbox.add_ready_text("question", "вопрос", NOW, chat_id=501, personal=True)
        assert await sender.drain() == 1  # the chat does not wait out a back-off of hours

        async with db.read() as tx:
            rows = await tx.conn.execute_fetchall("SELECT key, status FROM outbox ORDER BY id")
    assert [tuple(row) for row in rows] == [("doomed", "failed"), ("question", "sent")]


async def test_after_an_outage_is_noticed_a_new_drain_makes_no_call_until_it_is_due(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    async with sender_on(fake_api, tmp_path) as (db, sender):
        async with db.transaction() as tx:
            for chat in (501, 502, 503, 504):
                await tx.outbox.add_ready_text(f"n{chat}", "текст", NOW, chat_id=chat)
        fake_api.fail_next("sendMessage", None, 502, "Bad Gateway", times=3)
        assert await sender.drain() == 0
        calls = len(fake_api.calls("sendMessage"))

        assert await sender.drain() == 0  # woken by something new: still waits out the outage

    assert len(fake_api.calls("sendMessage")) == calls == 3

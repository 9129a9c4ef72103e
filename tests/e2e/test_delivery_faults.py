"""Delivery under faults: a person who blocked the bot is tried once, marked and left alone until
Telegram says they unblocked it; every attempt's outcome is recorded; with a 429 on every 5th
call and a 500 on every 7th, 500 notices all arrive exactly once."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser
from waiting import eventually

from bot.app import App
from scheduler.sender import MAX_ATTEMPTS, RateLimiter
from storage.models import Role

FIRST_ID = 810_000_000


def quick(app: App) -> None:
    """Shrink the sender's waits for the test; the limits' logic is unchanged (production
    defaults: 1 s per chat, 25 a second, back-off from 5 s, flood waits as Telegram asks)."""
    app.sender.limiter = RateLimiter(per_chat_interval=0.01, per_second=10_000)
    app.sender.retry_base = 0.001
    app.sender.flood_wait_scale = 0.01


async def add_people(app: App, count: int) -> list[int]:
    """People of the roster who opened the bot, with chat ids FIRST_ID…; their person ids."""
    now = app.clock.now()
    ids = []
    async with app.db.transaction() as tx:
        for index in range(count):
            person = await tx.people.add(
                full_name=f"Получатель Номер {index:04d}",
                role=Role.MENTEE,
                now=now,
                telegram_id=FIRST_ID + index,
            )
            await tx.people.mark_seen(person.id, now)
            ids.append(person.id)
    return ids


async def enqueue(app: App, notices: list[tuple[str, int, str]]) -> None:
    """Due notices (key, person id, text) queued as the tick queues them, then the sender woken."""
    async with app.db.transaction() as tx:
        await tx.outbox.add_ready_texts(notices, app.clock.now())
    app.sender.wake()


def delivered(api: FakeBotAPI) -> Counter[tuple[int, str]]:
    """How many times each (chat, text) arrived."""
    return Counter(
        (r.params["chat_id"], r.params["text"]) for r in api.calls("sendMessage") if r.ok
    )


def calls_to(api: FakeBotAPI, chat_id: int) -> int:
    return sum(r.params.get("chat_id") == chat_id for r in api.calls("sendMessage"))


async def statuses(app: App) -> dict[str, str]:
    async with app.db.read() as tx:
        rows = await tx.conn.execute_fetchall("SELECT key, status FROM outbox")
    return {row[0]: row[1] for row in rows}


async def attempt_outcomes(app: App, key: str) -> list[str]:
    async with app.db.read() as tx:
        rows = await tx.conn.execute_fetchall(
            "SELECT a.outcome FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id"
            " WHERE o.key = ? ORDER BY a.id",
            (key,),
        )
    return [row[0] for row in rows]


async def blocked_at(app: App, chat_id: int) -> datetime | None:
    async with app.db.read() as tx:
        rows = await tx.conn.execute_fetchall(
            "SELECT blocked_at FROM people WHERE telegram_id = ?", (chat_id,)
        )
    return rows[0][0] if rows else None


async def test_a_blocked_chat_is_tried_once_marked_left_alone_and_unblocked_by_telegram(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    app = bot_runner.app
    assert app is not None
    quick(app)
    a, b, c = await add_people(app, 3)
    chat_a, chat_b, chat_c = FIRST_ID, FIRST_ID + 1, FIRST_ID + 2
    fake_api.block(chat_b)  # blocked while the bot was away: no my_chat_member reached it

    first = [(f"n1:{p}:{i}", p, f"Первое {i}") for i in range(3) for p in (a, b, c)]
    await enqueue(app, first)
    await fake_api.wait_for(
        lambda: all(
            len(delivered(fake_api) & Counter({(chat, f"Первое {i}"): 1 for i in range(3)})) == 3
            for chat in (chat_a, chat_c)
        ),
        what="the first notices to A and C",
    )
    await fake_api.wait_for(lambda: calls_to(fake_api, chat_b) == 1, what="one try to B")

    async def settled() -> bool:
        return "pending" not in (await statuses(app)).values()

    await eventually(settled, what="the first round settled")
    rows = await statuses(app)
    assert sorted(rows[f"n1:{b}:{i}"] for i in range(3)) == ["failed", "skipped", "skipped"]
    assert await blocked_at(app, chat_b) is not None
    assert await attempt_outcomes(app, f"n1:{b}:0") == ["blocked"]
    assert await attempt_outcomes(app, f"n1:{b}:1") == []  # skipped: never tried

    # Left alone: a later notice to B is skipped without a call; the others still get theirs.
    await enqueue(app, [(f"n2:{p}", p, "Второе") for p in (a, b, c)])
    await fake_api.wait_for(
        lambda: delivered(fake_api)[(chat_c, "Второе")] == 1, what="the second notice to C"
    )
    await eventually(settled, what="the second round settled")
    assert (await statuses(app))[f"n2:{b}"] == "skipped"
    assert calls_to(fake_api, chat_b) == 1

    # Telegram says B unblocked the bot: new notices go to B again.
    user_b = TelegramUser(fake_api, chat_b, "Получатель")
    user_b.unblock_bot()
    await bot_runner.settle()
    assert await blocked_at(app, chat_b) is None
    await enqueue(app, [(f"n3:{b}", b, "Третье")])
    await fake_api.wait_for(
        lambda: delivered(fake_api)[(chat_b, "Третье")] == 1, what="the third notice to B"
    )
    assert "my_chat_member" in fake_api.allowed_updates


async def test_a_person_who_blocks_the_bot_is_marked_by_my_chat_member_and_never_tried(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    app = bot_runner.app
    assert app is not None
    quick(app)
    (person,) = await add_people(app, 1)
    user = TelegramUser(fake_api, FIRST_ID, "Получатель")

    user.block_bot()
    await bot_runner.settle()
    assert await blocked_at(app, FIRST_ID) is not None
    await enqueue(app, [("n", person, "Напоминание")])

    async def skipped() -> bool:
        return (await statuses(app))["n"] == "skipped"

    await eventually(skipped, what="the notice skipped")
    assert calls_to(fake_api, FIRST_ID) == 0

    # Opening the bot again (/start) clears the mark too.
    fake_api.unblock(FIRST_ID)
    user.send("/start")
    await bot_runner.settle()
    assert await blocked_at(app, FIRST_ID) is None


async def test_500_notices_arrive_exactly_once_through_429s_and_500s(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    app = bot_runner.app
    assert app is not None
    quick(app)
    people = await add_people(app, 100)
    fake_api.fail_every("sendMessage", 5, 429, "Too Many Requests: retry after 1", retry_after=1)
    fake_api.fail_every("sendMessage", 7, 500, "Internal Server Error")
    notices = [(f"n:{p}:{i}", p, f"Уведомление {p}/{i}") for i in range(5) for p in people]

    await enqueue(app, notices)

    expected = {
        (FIRST_ID + index, f"Уведомление {p}/{i}")
        for i in range(5)
        for index, p in enumerate(people)
    }
    await fake_api.wait_for(lambda: set(delivered(fake_api)) >= expected, 20.0, "all 500 notices")
    await eventually(_all_sent(app), what="every row recorded as sent")
    arrived = delivered(fake_api)
    assert set(arrived) == expected
    assert set(arrived.values()) == {1}  # exactly once each
    failed = Counter(r.error_code for r in fake_api.calls("sendMessage") if not r.ok)
    assert failed[429] > 50 and failed[500] > 30  # the patterns did fire
    async with app.db.read() as tx:
        outcomes = await tx.attempts.outcomes()
    assert outcomes == {"sent": 500, "retry_after": failed[429], "server_error": failed[500]}


async def test_a_notice_that_cannot_be_sent_is_given_up_after_its_attempts_and_logged_once(
    bot_runner: BotRunner, fake_api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    app = bot_runner.app
    assert app is not None
    quick(app)
    (person,) = await add_people(app, 1)
    fake_api.fail_next("sendMessage", FIRST_ID, 502, "Bad Gateway", times=1000)
    caplog.set_level(logging.INFO, logger="scheduler.sender")

    await enqueue(app, [("doomed", person, "Не дойдёт")])

    async def failed() -> bool:
        return (await statuses(app))["doomed"] == "failed"

    await eventually(failed, what="the notice given up")
    await app.sender.drain()
    await app.sender.drain()  # later drains leave it alone and say nothing more
    assert await attempt_outcomes(app, "doomed") == ["server_error"] * MAX_ATTEMPTS
    assert calls_to(fake_api, FIRST_ID) == MAX_ATTEMPTS
    given_up = [r for r in caplog.records if "given up" in r.getMessage()]
    assert len(given_up) == 1
    assert given_up[0].levelno == logging.WARNING and "doomed" in given_up[0].getMessage()


def _all_sent(app: App) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return set((await statuses(app)).values()) == {"sent"}

    return check


async def test_a_person_with_several_notices_in_a_row_does_not_hold_up_the_others(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    app = bot_runner.app
    assert app is not None  # the production limits: a second between two messages to one chat
    a, b = await add_people(app, 2)

    await enqueue(app, [(f"a:{i}", a, f"Для А {i}") for i in range(3)] + [("b", b, "Для Б")])

    await fake_api.wait_for(lambda: len(delivered(fake_api)) == 4, 10.0, "all four notices")
    order = [r.params["text"] for r in fake_api.calls("sendMessage") if r.ok]
    assert order == ["Для А 0", "Для Б", "Для А 1", "Для А 2"]

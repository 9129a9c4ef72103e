"""The real bot process (`python -m bot`) killed with SIGKILL in the middle of a burst and started
again delivers the rest; the one send that reached Telegram but whose record did not is known
(an 'interrupted' attempt), sent again, and the only duplicate."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections import Counter
from pathlib import Path

from bot_process import bot_env
from fake_bot_api import FakeBotAPI

from scheduler.clock import SystemClock
from storage.db import open_database
from storage.models import Role

START_TIMEOUT = 60.0  # importing aiogram alone takes seconds on a busy machine
STOP_TIMEOUT = 10.0
CHATS = 100
PER_CHAT = 3
FIRST_ID = 820_000_000
KILL_AFTER = 60  # sends answered before the one that is never answered


async def seed_burst(database: Path) -> set[tuple[int, str]]:
    """People and a burst of due notices in the bot's database, as the tick queues them."""
    db = await open_database(database)
    now = SystemClock().now()
    try:
        async with db.transaction() as tx:
            ids = []
            for index in range(CHATS):
                person = await tx.people.add(
                    full_name=f"Получатель Номер {index:04d}",
                    role=Role.MENTEE,
                    now=now,
                    telegram_id=FIRST_ID + index,
                )
                await tx.people.mark_seen(person.id, now)
                ids.append(person.id)
            notices = [
                (f"burst:{p}:{i}", p, f"Уведомление {p}/{i}") for i in range(PER_CHAT) for p in ids
            ]
            await tx.outbox.add_ready_texts(notices, now)
    finally:
        await db.close()
    return {
        (FIRST_ID + index, f"Уведомление {p}/{i}")
        for i in range(PER_CHAT)
        for index, p in enumerate(ids)
    }


def arrived(api: FakeBotAPI) -> Counter[tuple[int, str]]:
    """What each chat received: a call the server carried out, answered or not."""
    return Counter(
        (r.params["chat_id"], r.params["text"]) for r in api.calls("sendMessage") if r.ok
    )


async def start_bot(env: dict[str, str], cwd: Path, log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as stderr:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=cwd, env=env, stderr=stderr
        )


async def test_the_bot_killed_mid_burst_delivers_the_rest_with_only_the_interrupted_send_twice(
    tmp_path: Path, fake_api: FakeBotAPI
) -> None:
    database = tmp_path / "bot.db"
    expected = await seed_burst(database)
    env = bot_env(
        BOT_TOKEN=fake_api.token,
        TELEGRAM_API_URL=fake_api.base_url,
        DATABASE_PATH=str(database),
        SCHEDULER_TICK_SECONDS="0.2",
        QUIET_HOURS="",
        LOG_LEVEL="INFO",
    )
    # The KILL_AFTER+1-th message reaches the chat, but its answer never reaches the bot.
    held = fake_api.hold_answer("sendMessage", KILL_AFTER + 1)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = await start_bot(env, tmp_path, first_log)
    try:
        await fake_api.wait_for(
            lambda: held.is_set() or first.returncode is not None,
            START_TIMEOUT,
            "a send held in the middle of the burst",
        )
        assert first.returncode is None, first_log.read_text()
        first.send_signal(signal.SIGKILL)
        await first.wait()
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()
    before = arrived(fake_api)
    assert len(before) == KILL_AFTER + 1 < len(expected)

    second = await start_bot(env, tmp_path, second_log)
    try:
        await fake_api.wait_for(
            lambda: set(arrived(fake_api)) >= expected or second.returncode is not None,
            START_TIMEOUT,
            "every notice after the restart",
        )
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), STOP_TIMEOUT)
    finally:
        if second.returncode is None:
            second.kill()
            await second.wait()
    log = second_log.read_text()
    assert second.returncode == 0, log
    assert "Traceback" not in log and " ERROR " not in log, log

    delivered = arrived(fake_api)
    assert set(delivered) == expected  # nothing lost
    twice = [message for message, count in delivered.items() if count > 1]
    db = await open_database(database)
    try:
        async with db.read() as tx:
            rows = await tx.conn.execute_fetchall(
                "SELECT o.key, o.text, p.telegram_id FROM outbox_attempts a"
                " JOIN outbox o ON o.id = a.outbox_id JOIN people p ON p.id = o.person_id"
                " WHERE a.outcome = 'interrupted'"
            )
            statuses = await tx.conn.execute_fetchall(
                "SELECT status, COUNT(*) FROM outbox GROUP BY status"
            )
    finally:
        await db.close()
    # The one duplicate is the send under way at the kill, and the bot knew and said so.
    assert [(row[2], row[1]) for row in rows] == twice
    assert len(twice) == 1 and max(delivered.values()) == 2
    assert f"notice {rows[0][0]} was being sent when the bot stopped" in log
    assert [tuple(row) for row in statuses] == [("sent", len(expected))]

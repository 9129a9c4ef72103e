"""The database refuses a write: locked by another process past the busy timeout, the disk
full, the file read-only. Each time the person is told that nothing was saved and to try again,
one WARNING names the cause, nothing earlier is lost and the file stays sound, and once the
cause is gone the bot carries on by itself: the next question is saved, and the outbox sender
and the reminders' tick, refused meanwhile, log their spell once and send what waited, once.

How each refusal is made: `locked` — a connection of the test holds `BEGIN EXCLUSIVE` past a
busy timeout shortened to 0.3 s; `full` — SQLite's `max_page_count` on the bot's own writing
connections set to the pages the file has, its free pages filled, and a question that needs
pages of its own (SQLITE_FULL, "database or disk is full", as a full disk gives); `read-only` —
the bot started on a file it may not write: `chmod 0444` when the tests do not run as root,
else (root writes whatever the mode) its connections opened as SQLite opens a file the system
refuses to let it write, `mode=ro` (SQLITE_READONLY, "attempt to write a readonly database")."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser
from test_questions import setup_pair

import storage.db
from bot.app import App
from storage.db import Database, WriteRefused

BUSY_TIMEOUT_MS = 300
# About 5 600 bytes in UTF-8: a row that needs new pages wherever it goes.
LONG_QUESTION = "Как оформить отчёт по первому этапу плана? " * 65
REFUSED = "Не удалось сохранить"
REFUSAL_BACKOFF = 0.2  # the background jobs' first pause after a refusal, shortened
MAX_PAGES = 1_073_741_823  # SQLite's default max_page_count


@pytest.fixture(autouse=True)
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lock is waited for 0.3 s instead of 30 s (set before the bot opens its database)."""
    monkeypatch.setattr(storage.db, "BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS)


def app_of(runner: BotRunner) -> App:
    assert runner.app is not None
    runner.app.sender.refusals.base = REFUSAL_BACKOFF
    return runner.app


async def asked_and_delivered(mentee: TelegramUser, mentor: TelegramUser, text: str) -> None:
    since = mentee.api.seq
    mentee.send(f"/ask {text}")
    await mentee.wait_message("Вопрос отправлен", timeout=10)
    copy = await mentor.wait_message("Вопрос от", timeout=10, since=since)
    assert text[:40] in copy["text"]


async def asked_and_refused(mentee: TelegramUser, app: App) -> None:
    before = await question_texts(app)
    mentee.send(f"/ask {LONG_QUESTION}")
    told = await mentee.wait_message(REFUSED, timeout=10)
    assert "Ничего не изменилось" in told["text"] and "попробуйте ещё раз" in told["text"]
    assert await question_texts(app) == before


async def question_texts(app: App) -> list[str]:
    async with app.db.read() as tx:
        rows = await tx.conn.execute_fetchall("SELECT text FROM questions ORDER BY id")
    return [row[0] for row in rows]


async def queue_notice(app: App, person: TelegramUser, text: str, due_in: float) -> None:
    """A notice that falls due while the database refuses writes: the sender meets the refusal."""
    async with app.db.transaction() as tx:
        found = await tx.people.by_telegram_id(person.id)
        assert found is not None
        due = datetime.now(UTC) + timedelta(seconds=due_in)
        await tx.outbox.add_ready_text(f"test:{text}", text, due, person_id=found.id)


def messages_with(api: FakeBotAPI, person: TelegramUser, text: str) -> int:
    return sum(1 for m in api.messages_to(person.id) if text in str(m.get("text", "")))


def lines(caplog: pytest.LogCaptureFixture, name: str, contains: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == name and r.levelno >= logging.WARNING and contains in r.getMessage()
    ]


def check_the_logs(caplog: pytest.LogCaptureFixture, cause: str, *, sender_refused: bool) -> None:
    """One line for the refused update; at most one per background job for its whole spell."""
    refusal = f"the database refused the write ({cause})"
    assert len(lines(caplog, "handlers.common", refusal)) == 1, caplog.text
    sender = lines(caplog, "scheduler.sender", f"outbox sender: {refusal}")
    assert len(sender) == 1 if sender_refused else len(sender) <= 1, caplog.text
    assert len(lines(caplog, "scheduler.setup", "reminders' tick: ")) <= 1, caplog.text
    assert not [r for r in caplog.records if r.exc_info], "a traceback for a known condition"
    refusals = [r.getMessage() for r in caplog.records if "refused the write" in r.getMessage()]
    assert all(f"({cause})" in line for line in refusals), refusals


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


# --- locked ---------------------------------------------------------------------------------


async def test_a_database_locked_past_the_busy_timeout_refuses_tells_and_recovers(
    bot_runner: BotRunner, fake_api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    mentor, mentee = await setup_pair(bot_runner, fake_api)
    app = app_of(bot_runner)
    await asked_and_delivered(mentee, mentor, "Где взять образец отчёта?")
    await queue_notice(app, mentee, "Напоминание, ждавшее замка", due_in=0.5)
    locker = sqlite3.connect(app.settings.database_path, check_same_thread=False, timeout=10)
    locker.isolation_level = None
    await asyncio.to_thread(locker.execute, "BEGIN EXCLUSIVE")  # another process, say
    try:
        with caplog.at_level(logging.INFO):
            await asked_and_refused(mentee, app)
            # The sender meets the lock again and again, waiting longer each time.
            await fake_api.wait_for(lambda: app.sender.refusals.refusals >= 3, 15, "3 refusals")
            assert app.sender.refusals.refusals <= 6  # backing off, not spinning
    finally:
        await asyncio.to_thread(locker.execute, "ROLLBACK")
        locker.close()

    with caplog.at_level(logging.INFO):
        await asked_and_delivered(mentee, mentor, "А теперь дошло?")
        await mentee.wait_message("Напоминание, ждавшее замка", timeout=10, since=0)
        await bot_runner.settle()
        await sender_recovered(caplog, fake_api)
    assert messages_with(fake_api, mentee, "Напоминание, ждавшее замка") == 1
    check_the_logs(caplog, "locked", sender_refused=True)
    assert await question_texts(app) == ["Где взять образец отчёта?", "А теперь дошло?"]
    assert integrity(app.settings.database_path) == "ok"


def lines_info(caplog: pytest.LogCaptureFixture, contains: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if contains in r.getMessage()]


async def sender_recovered(caplog: pytest.LogCaptureFixture, fake_api: FakeBotAPI) -> None:
    """The outbox sender's INFO line that the spell is over: written once its pass is done,
    which may be after the messages of that pass have arrived."""
    recovered = "outbox sender: the database accepts writes again"
    await fake_api.wait_for(lambda: lines_info(caplog, recovered), 10, "the sender's line")


async def test_a_send_whose_record_is_refused_is_recorded_later_and_not_sent_again(
    bot_runner: BotRunner,
    fake_api: FakeBotAPI,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, mentee = await setup_pair(bot_runner, fake_api)
    app = app_of(bot_runner)
    locker = sqlite3.connect(app.settings.database_path, check_same_thread=False, timeout=10)
    locker.isolation_level = None
    call = app.sender._call

    async def locked_once_sent(*args: Any) -> Any:
        """The call goes through; then another process takes the lock before it is recorded."""
        result = await call(*args)
        if not locker.in_transaction:
            await asyncio.to_thread(locker.execute, "BEGIN EXCLUSIVE")
        return result

    monkeypatch.setattr(app.sender, "_call", locked_once_sent)
    try:
        with caplog.at_level(logging.INFO):
            await queue_notice(app, mentee, "Уведомление, записанное позже", due_in=0)
            app.sender.wake()
            await mentee.wait_message("Уведомление, записанное позже", since=0)
            await fake_api.wait_for(lambda: app.sender.refusals.refusals >= 2, 15, "2 refusals")
    finally:
        await asyncio.to_thread(locker.execute, "ROLLBACK")
        locker.close()

    async def recorded() -> bool:
        async with app.db.read() as tx:
            rows = await tx.conn.execute_fetchall(
                "SELECT status FROM outbox WHERE key = 'test:Уведомление, записанное позже'"
            )
        return [row[0] for row in rows] == ["sent"]

    for _ in range(100):
        if await recorded():
            break
        await asyncio.sleep(0.1)
    assert await recorded()
    await asyncio.sleep(1.0)  # several passes of the sender: none sends it again
    assert messages_with(fake_api, mentee, "Уведомление, записанное позже") == 1
    assert len(lines(caplog, "scheduler.sender", "refused the write (locked)")) == 1
    assert integrity(app.settings.database_path) == "ok"


async def test_a_form_step_whose_state_is_refused_goes_on_from_memory_and_is_saved_later(
    bot_runner: BotRunner, fake_api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    mentor, mentee = await setup_pair(bot_runner, fake_api)
    app = app_of(bot_runner)
    locker = sqlite3.connect(app.settings.database_path, check_same_thread=False, timeout=10)
    locker.isolation_level = None
    await asyncio.to_thread(locker.execute, "BEGIN EXCLUSIVE")
    try:
        with caplog.at_level(logging.INFO):
            mentee.send("/ask")  # nothing but the form's step to write
            await mentee.wait_message("Напишите вопрос")
            await bot_runner.settle()
    finally:
        await asyncio.to_thread(locker.execute, "ROLLBACK")
        locker.close()
    kept = lines(caplog, "storage.fsm", "a form's step is kept in memory only")
    assert len(kept) == 1 and "(locked)" in kept[0], caplog.text
    assert not lines(caplog, "handlers.common", "refused")  # nothing the person must redo

    mentor.send("/help")  # anyone's next update writes the step that waited
    await mentor.wait_message("")
    await bot_runner.restart()
    since = fake_api.seq
    mentee.send("Как оформить отчёт?")  # the form goes on where it was, after a restart too
    await mentee.wait_message("Вопрос отправлен")
    await mentor.wait_message("Как оформить отчёт?", since=since)


# --- full -----------------------------------------------------------------------------------


async def set_max_pages(db: Database, pages: int) -> None:
    """On both of the bot's writing connections (a per-connection limit): the one on the event
    loop and aiosqlite's. Reached into, as a fault is injected; the lock keeps transactions out."""
    pragma = f"PRAGMA max_page_count = {pages}"
    async with db.bulk_read() as tx:
        # Its row read, so that no statement is left open holding a snapshot.
        await tx.conn.execute_fetchall(pragma)
        writer = db._writer  # the loop's own connection, reached into for the fault only
        assert writer is not None
        writer._conn.execute(pragma).fetchall()


async def fill_the_disk(db: Database) -> None:
    """No page may be added and none is free: like a disk with no byte left."""
    async with db.transaction() as tx:
        await tx.conn.execute("CREATE TABLE disk_filler (b BLOB)")
    await set_max_pages(db, 1)  # SQLite keeps it at the pages the file has
    for size in (4000, 500, 50):
        while True:
            try:
                async with db.transaction() as tx:
                    await tx.conn.execute("INSERT INTO disk_filler VALUES (zeroblob(?))", (size,))
            except WriteRefused as refused:
                assert refused.cause == "full"
                break


async def test_a_full_disk_refuses_tells_and_recovers_when_space_is_freed(
    bot_runner: BotRunner, fake_api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    mentor, mentee = await setup_pair(bot_runner, fake_api)
    app = app_of(bot_runner)
    await asked_and_delivered(mentee, mentor, "Где взять образец отчёта?")
    await queue_notice(app, mentee, "Напоминание при полном диске", due_in=0.5)
    await fill_the_disk(app.db)

    since = fake_api.seq
    with caplog.at_level(logging.INFO):
        await asked_and_refused(mentee, app)
        await asyncio.sleep(1.0)  # the notice falls due; the tick runs a few times
        await set_max_pages(app.db, MAX_PAGES)  # space freed

        await asked_and_delivered(mentee, mentor, LONG_QUESTION)
        await mentee.wait_message("Напоминание при полном диске", timeout=10, since=since)
        await bot_runner.settle()
    assert messages_with(fake_api, mentee, "Напоминание при полном диске") == 1
    # Small writes may still find room in a page: the sender may or may not have been refused.
    check_the_logs(caplog, "full", sender_refused=False)
    assert await question_texts(app) == ["Где взять образец отчёта?", LONG_QUESTION.strip()]
    assert integrity(app.settings.database_path) == "ok"


# --- read-only ------------------------------------------------------------------------------


class ReadOnlyFile:
    """The database file made one the bot may not write, and writable again. Not as root, by
    its mode (the file and the -wal and -shm SQLite makes beside it with the same mode); as
    root, whom no mode stops, by opening the bot's connections the way SQLite opens a file the
    system will not let it write: read-only (`mode=ro`)."""

    def __init__(self, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.path = path
        self.monkeypatch = monkeypatch
        self.by_mode = os.geteuid() != 0

    def deny(self) -> None:
        if self.by_mode:
            for file in self._files():
                file.chmod(0o444)
            return
        connect = sqlite3.connect
        path = str(self.path)

        def read_only(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
            if str(database) == path:
                return connect(f"file:{path}?mode=ro", *args, **{**kwargs, "uri": True})
            return connect(database, *args, **kwargs)

        self.monkeypatch.setattr(sqlite3, "connect", read_only)

    def allow(self) -> None:
        if self.by_mode:
            for file in self._files():
                file.chmod(0o644)
        else:
            self.monkeypatch.undo()

    def _files(self) -> Iterator[Path]:
        for suffix in ("", "-wal", "-shm"):
            file = self.path.with_name(self.path.name + suffix)
            if file.exists():
                yield file


async def test_a_read_only_file_refuses_tells_and_recovers_when_writable_again(
    bot_runner: BotRunner, fake_api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    mentor, mentee = await setup_pair(bot_runner, fake_api)
    await asked_and_delivered(mentee, mentor, "Где взять образец отчёта?")
    path = app_of(bot_runner).settings.database_path
    await bot_runner.stop()
    with pytest.MonkeyPatch.context() as monkeypatch:
        read_only = ReadOnlyFile(path, monkeypatch)
        read_only.deny()  # restored from a backup as another user, say
        try:
            with caplog.at_level(logging.INFO):
                await bot_runner.start()  # it starts: reads work, writes are refused
                app = app_of(bot_runner)
                await asked_and_refused(mentee, app)
        finally:
            read_only.allow()

    with caplog.at_level(logging.INFO):
        await asked_and_delivered(mentee, mentor, "А теперь дошло?")
        await bot_runner.settle()
        await sender_recovered(caplog, fake_api)
    check_the_logs(caplog, "read-only", sender_refused=True)
    assert await question_texts(app) == ["Где взять образец отчёта?", "А теперь дошло?"]
    assert integrity(path) == "ok"

import importlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey

from storage.db import Database, available_migrations, open_database, write_refused
from storage.fsm import SQLiteStorage
from storage.models import Role

NOW = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)


class Form(StatesGroup):
    step = State()


async def test_stairway_applies_migrations_one_by_one(tmp_path: Path) -> None:
    db = Database(tmp_path / "stairway.db")
    await db.connect()
    try:
        for version, _name, _sql in available_migrations():
            assert await db.migrate(up_to=version) == [version]
            assert await db.schema_version() == version
        assert await db.migrate() == []
    finally:
        await db.close()


async def test_a_migration_numbered_below_the_latest_and_added_later_is_applied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A number left unused (008 today) and filled by a later release: a database already
    past it still gets it."""
    import storage.db as storage_db

    shipped = available_migrations()
    assert 8 not in {m.version for m in shipped}
    filled_later = storage_db.Migration(
        8, "008_filled_later.sql", "CREATE TABLE filled_later (id INTEGER PRIMARY KEY);"
    )
    db = Database(tmp_path / "gap.db")
    await db.connect()
    try:
        assert await db.migrate() == [m.version for m in shipped]
        monkeypatch.setattr(
            storage_db, "available_migrations", lambda: sorted([*shipped, filled_later])
        )

        assert await db.migrate() == [8]
        assert await db.migrate() == []
        assert 8 in await db.recorded_versions()
        async with db.conn.execute("SELECT COUNT(*) FROM filled_later") as cur:
            assert tuple(await cur.fetchone() or ()) == (0,)
    finally:
        await db.close()


async def test_migration_003_recomputes_names_stored_the_old_way(tmp_path: Path) -> None:
    db = Database(tmp_path / "names.db")
    await db.connect()
    try:
        await db.migrate(up_to=2)
        old = [  # as the import before 003 stored them: spaces folded, nothing else
            ("Ива\u200bнова Анна", "ива\u200bнова анна"),
            ("Семе\u0308нова Алла", "семе\u0308нова алла"),
            ("\u202bПетров Пётр\u202c", "\u202bпетров петр\u202c"),
            ("Орлов Илья", "орлов илья"),
        ]
        for full_name, key in old:
            await db.conn.execute(
                "INSERT INTO people (full_name, name_key, role, department, created_at,"
                " updated_at) VALUES (?, ?, 'mentee', 'ПЦК​ ИТ‎', ?, ?)",
                (full_name, key, NOW.isoformat(), NOW.isoformat()),
            )

        assert 3 in await db.migrate()  # and whatever comes after it

        async with db.conn.execute("SELECT DISTINCT department FROM people") as cur:
            assert [tuple(row) for row in await cur.fetchall()] == [("ПЦК ИТ",)]

        async with db.conn.execute("SELECT full_name, name_key FROM people ORDER BY id") as cur:
            assert [tuple(row) for row in await cur.fetchall()] == [
                ("Иванова Анна", "иванова анна"),
                ("Семёнова Алла", "семенова алла"),
                ("Петров Пётр", "петров петр"),
                ("Орлов Илья", "орлов илья"),
            ]
        async with db.transaction() as tx:
            assert [p.full_name for p in await tx.people.by_name("Иванова\u00a0Анна")] == [
                "Иванова Анна"
            ]
    finally:
        await db.close()


async def test_a_failing_python_migration_leaves_nothing_and_is_not_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(tmp_path / "failing.db")
    await db.connect()
    try:
        await db.migrate(up_to=2)
        await db.conn.execute(
            "INSERT INTO people (full_name, name_key, role, created_at, updated_at)"
            " VALUES ('Ива\u200bнова', 'ива\u200bнова', 'mentee', '', '')"
        )
        migration = importlib.import_module("storage.migrations.003_normalise_names")
        original = migration.upgrade

        async def upgrade_then_fail(conn: aiosqlite.Connection) -> None:
            await original(conn)
            raise RuntimeError("disk full")

        monkeypatch.setattr(migration, "upgrade", upgrade_then_fail)
        with pytest.raises(RuntimeError):
            await db.migrate(up_to=3)

        assert await db.schema_version() < 3
        async with db.conn.execute("SELECT full_name FROM people") as cur:
            assert [row[0] for row in await cur.fetchall()] == ["Ива\u200bнова"]
    finally:
        await db.close()


async def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "again.db")
    version = await db.schema_version()
    await db.close()
    db = await open_database(tmp_path / "again.db")
    assert await db.schema_version() == version
    await db.close()


async def test_connection_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "pragmas.db")
    try:
        async with db.conn.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with db.conn.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
    finally:
        await db.close()


async def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "tx.db")
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await tx.people.add(full_name="Тест Тестов", role=Role.MENTEE, now=NOW)
                raise RuntimeError("boom")
        async with db.read() as tx:
            assert await tx.people.count() == 0
    finally:
        await db.close()


async def test_fsm_state_and_data_survive_reopening(tmp_path: Path) -> None:
    key = StorageKey(bot_id=1, chat_id=10, user_id=10)
    db = await open_database(tmp_path / "fsm.db")
    storage = SQLiteStorage(db)
    await storage.set_state(key, Form.step)
    await storage.set_data(key, {"mentor_id": 5, "name": "Иванова", "nested": {"a": [1, 2]}})
    await db.close()

    db = await open_database(tmp_path / "fsm.db")
    storage = SQLiteStorage(db)
    try:
        assert await storage.get_state(key) == Form.step.state
        assert await storage.get_data(key) == {
            "mentor_id": 5,
            "name": "Иванова",
            "nested": {"a": [1, 2]},
        }
    finally:
        await db.close()


async def test_fsm_keys_without_thread_do_not_collide_or_duplicate(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "fsm2.db")
    storage = SQLiteStorage(db)
    try:
        plain = StorageKey(bot_id=1, chat_id=10, user_id=10)
        await storage.set_state(plain, "a")
        await storage.set_state(plain, "b")
        other = StorageKey(bot_id=1, chat_id=11, user_id=11)
        assert await storage.get_state(plain) == "b"
        assert await storage.get_state(other) is None
        async with db.conn.execute("SELECT COUNT(*) FROM fsm") as cur:
            assert (await cur.fetchone())[0] == 1
    finally:
        await db.close()


async def test_fsm_data_that_is_not_json_is_refused(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "fsm3.db")
    try:
        with pytest.raises(TypeError):
            await SQLiteStorage(db).set_data(StorageKey(1, 1, 1), {"when": NOW})
    finally:
        await db.close()


async def test_people_are_found_by_name_regardless_of_case_spaces_and_yo(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "people.db")
    try:
        async with db.transaction() as tx:
            await tx.people.add(full_name="  Семёнова   Анна ", role=Role.MENTOR, now=NOW)
            found = await tx.people.by_name("семенова анна")
            page, total = await tx.people.page(name_part="СЕМЕН")
        assert [p.full_name for p in found] == ["Семёнова Анна"]
        assert total == 1 and page[0].full_name == "Семёнова Анна"
    finally:
        await db.close()


async def test_concurrent_transactions_on_one_connection_do_not_interleave(tmp_path: Path) -> None:
    import asyncio

    db = await open_database(tmp_path / "concurrent.db")
    try:
        async with db.transaction() as tx:
            person = await tx.people.add(full_name="Счётчик", role=Role.MENTEE, now=NOW)

        async def bump() -> None:
            # Read, yield to the other tasks, write: a lost update shows if transactions mix.
            async with db.transaction() as tx:
                current = await tx.people.get(person.id)
                assert current is not None
                await asyncio.sleep(0)
                count = int(current.department or "0") + 1
                await tx.people.update(person.id, NOW, department=str(count))

        await asyncio.gather(*(bump() for _ in range(50)))
        async with db.read() as tx:
            final = await tx.people.get(person.id)
        assert final is not None and final.department == "50"
    finally:
        await db.close()


async def test_migration_2_moves_request_copies_into_the_outbox(tmp_path: Path) -> None:
    """A request shown to an admin before the upgrade can still be closed after it."""
    db = Database(tmp_path / "upgrade.db")
    await db.connect()
    try:
        await db.migrate(up_to=1)
        await db.conn.executescript(
            "INSERT INTO people (id, full_name, name_key, role, telegram_id, created_at,"
            " updated_at) VALUES (1, 'Админ', 'админ', 'admin', 1001, 'x', 'x');"
            "INSERT INTO access_requests (id, telegram_id, display_name, created_at)"
            " VALUES (7, 7001, 'Тимур', '2026-11-27T03:00:00+00:00');"
            "INSERT INTO access_request_messages VALUES (7, 1001, 55), (7, 1002, 0);"
            "INSERT INTO outbox (key, person_id, text, not_before, created_at)"
            " VALUES ('pair:1', 1, 'Пара', 'x', 'x');"
        )
        assert await db.migrate(up_to=2) == [2]
        async with db.read() as tx:
            copies = await tx.outbox.copies("access-request:7")
            pending = await tx.outbox.pending_count()
            where = await tx.conn.execute_fetchall(
                "SELECT sent_chat_id, sent_message_id FROM outbox WHERE subject IS NOT NULL"
            )
        assert [(c.person_id, c.status) for c in copies] == [(1, "sent")]
        assert [tuple(row) for row in where] == [(1001, 55)]  # what a closing edit changes
        assert pending == 1  # the pair notice is still to send
    finally:
        await db.close()


async def test_fsm_writes_inside_a_batch_reach_the_database_once_at_its_end(
    tmp_path: Path,
) -> None:
    key = StorageKey(bot_id=1, chat_id=12, user_id=12)
    db = await open_database(tmp_path / "fsm4.db")
    storage = SQLiteStorage(db)
    try:
        async with storage.batch():
            await storage.set_state(key, Form.step)
            await storage.set_data(key, {"a": 1})
            await storage.update_data(key, {"b": 2})
            assert await storage.get_data(key) == {"a": 1, "b": 2}
            rows = await db.conn.execute_fetchall("SELECT state FROM fsm")
            assert list(rows) == []  # nothing written yet
        rows = await db.conn.execute_fetchall("SELECT state, data FROM fsm")
        assert [tuple(r) for r in rows] == [(Form.step.state, '{"a": 1, "b": 2}')]
        changes = db.conn.total_changes
        async with storage.batch():
            await storage.set_state(key, Form.step)  # no change: no write at all
        assert db.conn.total_changes == changes
    finally:
        await db.close()


async def test_fsm_data_read_is_a_copy(tmp_path: Path) -> None:
    key = StorageKey(bot_id=1, chat_id=13, user_id=13)
    db = await open_database(tmp_path / "fsm5.db")
    storage = SQLiteStorage(db)
    try:
        await storage.set_data(key, {"items": [1]})
        (await storage.get_data(key))["items"].append(2)
        assert await storage.get_data(key) == {"items": [1]}
    finally:
        await db.close()


async def test_reads_on_the_loop_see_each_commit_and_refuse_writes(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "reader.db")
    try:
        async with db.transaction() as tx:
            await tx.people.add(full_name="Тест Тестов", role=Role.MENTEE, now=NOW)
        async with db.read() as tx:
            assert await tx.people.count() == 1
        async with db.read() as tx:
            with pytest.raises(AttributeError):  # no execute: a write cannot slip through
                await tx.people.add(full_name="Другой", role=Role.MENTEE, now=NOW)
            with pytest.raises(sqlite3.OperationalError):  # and the connection is read-only
                await tx.conn.execute_fetchall("DELETE FROM people")
        async with db.bulk_read() as tx:
            assert await tx.people.count() == 1
    finally:
        await db.close()


async def test_reads_on_the_loop_take_named_and_positional_parameters(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "params.db")
    try:
        async with db.read() as tx:
            named = await tx.conn.execute_fetchall("SELECT :a + :b", {"a": 1, "b": 2})
            positional = await tx.conn.execute_fetchall("SELECT ? + ?", [3, 4])
            generated = await tx.conn.execute_fetchall("SELECT ?", (n for n in [5]))
        assert [tuple(r) for r in (*named, *positional, *generated)] == [(3,), (7,), (5,)]
    finally:
        await db.close()


async def test_a_form_that_ends_as_it_began_is_not_written(tmp_path: Path) -> None:
    key = StorageKey(bot_id=1, chat_id=14, user_id=14)
    db = await open_database(tmp_path / "fsm6.db")
    storage = SQLiteStorage(db)
    try:
        changes = db.conn.total_changes
        async with storage.batch():
            await storage.set_state(key, Form.step)
            await storage.set_data(key, {"form": 5})
            await storage.set_state(key, None)
            await storage.set_data(key, {})
        assert db.conn.total_changes == changes
    finally:
        await db.close()


async def test_every_connection_has_the_same_pragmas(tmp_path: Path) -> None:
    """synchronous and foreign_keys are per connection: the writer on the loop needs them too."""
    db = await open_database(tmp_path / "pragmas.db")
    try:
        assert db._writer is not None
        writer = db._writer._conn
        expected = [tuple(r) for r in await db.conn.execute_fetchall("PRAGMA synchronous")]
        assert [tuple(r) for r in writer.execute("PRAGMA synchronous")] == expected == [(1,)]
        assert [tuple(r) for r in writer.execute("PRAGMA foreign_keys")] == [(1,)]
    finally:
        await db.close()


async def test_fsm_keeps_at_most_its_bound_in_memory_and_reads_a_dropped_key_back(
    tmp_path: Path,
) -> None:
    db = await open_database(tmp_path / "fsm7.db")
    storage = SQLiteStorage(db, max_cached=3)
    try:
        keys = [StorageKey(bot_id=1, chat_id=n, user_id=n) for n in range(100, 110)]
        for n, key in enumerate(keys):
            await storage.set_state(key, f"step{n}")
            assert storage.cached <= 3
        for key in keys:  # a stranger's first update only reads: nothing there
            await storage.get_state(StorageKey(bot_id=1, chat_id=-key.chat_id, user_id=1))
        assert storage.cached == 3
        assert [await storage.get_state(key) for key in keys] == [f"step{n}" for n in range(10)]
        assert storage.cached == 3
    finally:
        await db.close()


async def test_fsm_never_drops_a_key_whose_write_is_still_due(tmp_path: Path) -> None:
    key = StorageKey(bot_id=1, chat_id=15, user_id=15)
    db = await open_database(tmp_path / "fsm8.db")
    storage = SQLiteStorage(db, max_cached=1)
    try:
        async with storage.batch():
            await storage.set_state(key, Form.step)
            await storage.set_data(key, {"a": 1})
            for n in range(5):  # others' reads push it out of the bound
                await storage.get_state(StorageKey(bot_id=1, chat_id=200 + n, user_id=200 + n))
            assert await storage.get_state(key) == Form.step.state
            assert await storage.get_data(key) == {"a": 1}
        rows = await db.conn.execute_fetchall("SELECT state, data FROM fsm")
        assert [tuple(r) for r in rows] == [(Form.step.state, '{"a": 1}')]
        await storage.get_state(StorageKey(bot_id=1, chat_id=300, user_id=300))
        assert storage.cached == 1  # written, it may go now
    finally:
        await db.close()


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        (5, "locked"),  # SQLITE_BUSY
        (261, "locked"),  # SQLITE_BUSY_RECOVERY
        (8, "read-only"),  # SQLITE_READONLY
        (1544, "read-only"),  # SQLITE_READONLY_DIRECTORY
        (13, "full"),  # SQLITE_FULL
        (778, "I/O error"),  # SQLITE_IOERR_WRITE: the filesystem remounted read-only
        (1290, "I/O error"),  # SQLITE_IOERR_FSYNC
        (1, None),  # SQLITE_ERROR: a bug, not a refusal
        (11, None),  # SQLITE_CORRUPT
    ],
)
def test_refusals_are_told_from_other_errors_by_their_primary_code(
    code: int, cause: str | None
) -> None:
    error = sqlite3.OperationalError("refused")
    error.sqlite_errorcode = code
    refused = write_refused(error)
    assert (refused.cause if refused else None) == cause

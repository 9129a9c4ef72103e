"""The SQLite connection: PRAGMAs, serialised transactions and the migration runner."""

from __future__ import annotations

import asyncio
import contextvars
import importlib
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple, cast

import aiosqlite

from storage.repos import Repos
from storage.sql import fetch_all, fetch_one

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.(?:sql|py)$")
# A CLI import of a large roster holds the write lock for seconds; the bot waits that long.
BUSY_TIMEOUT_MS = 30_000

# Commits that changed rows while handling the current update (each update runs in its own
# task and context): the error answer says "saved" only when something was.
_commits: contextvars.ContextVar[int] = contextvars.ContextVar("commits", default=0)


def start_counting_commits() -> None:
    _commits.set(0)


def commits_counted() -> int:
    return _commits.get()


class Migration(NamedTuple):
    """A numbered file in storage/migrations: SQL, or a Python module with
    `async def upgrade(conn)` for what SQL cannot do (Unicode normalisation)."""

    version: int
    name: str
    source: str


def available_migrations() -> list[Migration]:
    """Every migration shipped with the package, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            source = entry.read_text(encoding="utf-8")
            found.append(Migration(int(match.group(1)), entry.name, source))
    return sorted(found)


def _python_upgrade(name: str) -> Callable[[aiosqlite.Connection], Awaitable[None]]:
    module = importlib.import_module(f"storage.migrations.{name.removesuffix('.py')}")
    upgrade: Callable[[aiosqlite.Connection], Awaitable[None]] = module.upgrade
    return upgrade


# A read on the event loop never waits for a writer in WAL mode; this bounds the rare waits
# (a WAL being recovered) so that the loop is never held for long.
LOOP_READ_BUSY_TIMEOUT_MS = 2_000
# Prepared statements kept per connection: more than the queries the code has (sqlite3's
# default, 128, is near their number, and a statement pushed out is parsed again).
STATEMENT_CACHE = 1024


class LoopReader:
    """A read-only connection used on the event loop's own thread, for the short indexed reads
    of every update (the person, their pairs, a plan). Such a read takes a few microseconds
    there, while a trip to aiosqlite's thread costs ~50 µs of hand-over and contends for the
    GIL with the loop; in WAL mode a reader never waits for a writer. It offers only what the
    repositories' reads use (`storage/sql.py`), so a write through it fails loudly."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    async def execute_fetchall(
        self, sql: str, parameters: Iterable[Any] | None = None
    ) -> list[sqlite3.Row]:
        return self._conn.execute(sql, _as_sqlite_wants(parameters)).fetchall()

    def close(self) -> None:
        self._conn.close()


def _as_sqlite_wants(parameters: Iterable[Any] | None) -> Sequence[Any] | Mapping[str, Any]:
    """Named parameters as a mapping, anything else as a sequence (the usual kinds pass as
    they are: an ABC isinstance check costs more than the read it guards)."""
    if isinstance(parameters, tuple | list | dict):
        return parameters
    if isinstance(parameters, Mapping | Sequence):
        return parameters
    return tuple(parameters or ())


class _LoopCursor:
    """What the repositories read of a cursor after a write: its counts."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid


class LoopWriter(LoopReader):
    """The short write transactions of updates (a question, a form's state, a press), on the
    event loop's own thread: a transaction of four statements took four trips to aiosqlite's
    thread, each waiting for the loop to come round, with the write lock held all along. It
    never waits for SQLite's lock: when another process holds it (the command-line import),
    `begin` says so and the transaction goes through aiosqlite's thread, which waits."""

    def begin(self) -> bool:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return False
            raise
        return True

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> _LoopCursor:
        return _LoopCursor(self._conn.execute(sql, _as_sqlite_wants(parameters)))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> _LoopCursor:
        return _LoopCursor(self._conn.executemany(sql, rows))

    @property
    def total_changes(self) -> int:
        return self._conn.total_changes

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction


def _open_on_loop(path: Path, *, writer: bool) -> LoopReader:
    # autocommit: each read sees the latest commit; a statement cache that holds every query
    conn = sqlite3.connect(path, isolation_level=None, cached_statements=STATEMENT_CACHE)
    conn.row_factory = sqlite3.Row
    if writer:
        conn.execute("PRAGMA busy_timeout = 0")  # never wait on the loop: see LoopWriter
        # Per connection, as on aiosqlite's: WAL without an fsync at every commit.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        return LoopWriter(conn)
    conn.execute(f"PRAGMA busy_timeout = {LOOP_READ_BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA query_only = ON")
    return LoopReader(conn)


class WriteRefused(Exception):
    """SQLite refused a write for a reason outside the bot: another process holds the write
    lock past the busy timeout, the disk is full, or the file cannot be written. The
    transaction was rolled back whole; the same write may succeed once the cause goes away.
    An I/O error counts too: a filesystem remounted read-only under a running bot gives one."""

    def __init__(self, cause: str, detail: str) -> None:
        super().__init__(f"the database refused the write ({cause}): {detail}")
        self.cause = cause  # "locked", "full", "read-only" or "I/O error"
        self.detail = detail


# SQLite's primary result codes for the refusals above (an extended code keeps them in its
# low byte: SQLITE_READONLY_DIRECTORY is one of SQLITE_READONLY).
_REFUSALS = {5: "locked", 6: "locked", 8: "read-only", 10: "I/O error", 13: "full"}
# After these the writers' connections are opened again: theirs may hold a stale file handle.
_REOPEN_AFTER = frozenset({"read-only", "I/O error"})


def write_refused(exc: sqlite3.Error) -> WriteRefused | None:
    """The refusal an SQLite error is, or None for any other error (a bug, a corrupt file)."""
    cause = _REFUSALS.get(getattr(exc, "sqlite_errorcode", 0) & 0xFF)
    return WriteRefused(cause, str(exc)) if cause else None


class RefusedWrites:
    """A background job's spell of refused writes (the outbox sender, the reminders' tick):
    its first refusal is logged once, at WARNING, with the cause; `refused` says how long to
    wait before the next try, longer each time; the first write the database takes again (from
    anyone) ends the spell with one INFO line."""

    BASE_SECONDS = 1.0
    MAX_SECONDS = 60.0

    def __init__(self, db: Database, what: str, then: str, logger: logging.Logger) -> None:
        self.db = db
        self.log = logger  # the job's own
        self.what = what  # who was refused: "outbox sender"
        self.then = then  # what happens meanwhile: "messages wait in the outbox"
        self.refusals = 0
        self.base = self.BASE_SECONDS
        self._cause: str | None = None
        self._writes_at_refusal = 0

    def refused(self, error: WriteRefused) -> float:
        """Note a refusal; the seconds to wait before trying again."""
        if error.cause != self._cause:
            self.log.warning("%s: %s; %s until it accepts writes", self.what, error, self.then)
            self._cause = error.cause
        self.refusals += 1
        self._writes_at_refusal = self.db.writes_committed
        return min(self.base * 2.0 ** (self.refusals - 1), self.MAX_SECONDS)

    def settle(self) -> None:
        """Called after a pass that was not refused: ends the spell once a write went through."""
        if self._cause is None or self.db.writes_committed <= self._writes_at_refusal:
            return
        self.log.info(
            "%s: the database accepts writes again (%s refused meanwhile)", self.what, self.refusals
        )
        self._cause, self.refusals = None, 0


class DatabaseUnavailable(Exception):
    """The database file cannot be opened (a bad DATABASE_PATH, no permission, not SQLite)."""


class DatabaseNewer(DatabaseUnavailable):
    """The database was written by a newer version of the bot: its schema has migrations this
    version does not know, whose data it would misread. Nothing is changed."""


class Database:
    """One connection per process; aiogram runs handlers concurrently, so every use of the
    connection takes a lock and transactions never interleave. Other processes (the CLI import)
    wait on SQLite's own lock thanks to busy_timeout and BEGIN IMMEDIATE."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._reader: LoopReader | None = None  # none for ":memory:", a database of its own
        self._writer: LoopWriter | None = None
        self._lock = asyncio.Lock()
        # A connection opened on a file it could not write stays read-only: after such a
        # refusal the writing connections are opened again, so a fixed permission is seen.
        self._reopen_writers = False
        self.writes_committed = 0  # commits that changed rows, since the start

    async def connect(self) -> None:
        try:
            if str(self.path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = await self._open_writing()
            try:
                if str(self.path) != ":memory:":
                    self._reader = _open_on_loop(self.path, writer=False)
                    self._writer = cast(LoopWriter, _open_on_loop(self.path, writer=True))
            except BaseException:
                await conn.close()
                raise
        except (OSError, sqlite3.Error) as exc:
            raise DatabaseUnavailable(f"{self.path}: {exc}") from exc
        self._conn = conn

    async def _open_writing(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(
            self.path, isolation_level=None, cached_statements=STATEMENT_CACHE
        )
        conn.row_factory = aiosqlite.Row
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:  # its thread would keep the process alive
            await conn.close()
            raise
        return conn

    async def _reopen(self) -> None:
        """Open the writing connections again (the loop's reader reads either way)."""
        self._reopen_writers = False
        try:
            conn = await self._open_writing()
        except sqlite3.Error as exc:  # the old ones stay; the next transaction tries again
            self._reopen_writers = True
            if (refused := write_refused(exc)) is None:
                raise
            raise refused from exc
        old, self._conn = self._conn, conn
        if old is not None:
            await old.close()
        if self._writer is not None:
            self._writer.close()
            self._writer = cast(LoopWriter, _open_on_loop(self.path, writer=True))
        log.debug("database connections opened again after a read-only refusal")

    async def close(self) -> None:
        for on_loop in (self._reader, self._writer):
            if on_loop is not None:
                on_loop.close()
        self._reader = self._writer = None
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not connected")
        return self._conn

    @asynccontextmanager
    async def transaction(
        self, *, bookkeeping: bool = False, heavy: bool = False
    ) -> AsyncIterator[Repos]:
        """A write transaction: BEGIN IMMEDIATE takes the write lock up front, so a concurrent
        writer in another process waits (busy_timeout) instead of failing mid-transaction.
        A short one runs on the event loop (`LoopWriter`) when SQLite's lock is free; a `heavy`
        one (thousands of rows: the reminders' tick, an import, the digest) always on
        aiosqlite's thread, leaving the loop free.
        `bookkeeping`: the bot's own records (form state, menus), not what a person did."""
        async with self._lock:
            if self._reopen_writers:
                await self._reopen()
            conn: aiosqlite.Connection
            try:
                if not heavy and self._writer is not None and self._writer.begin():
                    # The repositories use execute, executemany, execute_fetchall,
                    # total_changes.
                    conn = cast(aiosqlite.Connection, self._writer)
                else:
                    conn = self.conn
                    await conn.execute("BEGIN IMMEDIATE")  # waits out busy_timeout
            except sqlite3.Error as exc:
                if (refused := self._refused(exc)) is None:
                    raise
                raise refused from exc
            changes = conn.total_changes
            try:
                yield Repos(conn)
                await conn.execute("COMMIT")
            except BaseException as exc:
                # SQLITE_FULL has rolled the transaction back already.
                if conn.in_transaction:
                    await conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error) and (refused := self._refused(exc)):
                    raise refused from exc
                raise
            if conn.total_changes != changes:
                self.writes_committed += 1
                if not bookkeeping:
                    _commits.set(_commits.get() + 1)  # a commit that changed something

    def _refused(self, exc: sqlite3.Error) -> WriteRefused | None:
        """The refusal an error is (after a read-only or I/O one the writers are opened again)."""
        refused = write_refused(exc)
        if refused is not None and refused.cause in _REOPEN_AFTER:
            self._reopen_writers = True
        return refused

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Repos]:
        """Short reads outside a transaction, on the event loop (`LoopReader`): each statement
        sees the latest commit and none waits for a writer. Nothing here needs several reads to
        agree to the row. For reads of thousands of rows use `bulk_read`."""
        if self._reader is None:
            async with self.bulk_read() as tx:
                yield tx
            return
        # The repositories read through `execute_fetchall` alone, which LoopReader offers.
        yield Repos(cast(aiosqlite.Connection, self._reader))

    @asynccontextmanager
    async def bulk_read(self) -> AsyncIterator[Repos]:
        """Reads outside a transaction on aiosqlite's thread, so that a long one (a roster's
        snapshot, a report) leaves the event loop free."""
        async with self._lock:
            yield Repos(self.conn)

    async def schema_version(self) -> int:
        async with self._lock:
            await self._ensure_version_table()
            row = await fetch_one(self.conn, "SELECT MAX(version) FROM schema_version")
        return int(row[0]) if row and row[0] is not None else 0

    async def _ensure_version_table(self) -> None:
        await self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )

    async def recorded_versions(self) -> set[int]:
        async with self._lock:
            await self._ensure_version_table()
            rows = await fetch_all(self.conn, "SELECT version FROM schema_version")
        return {int(row[0]) for row in rows}

    async def migrate(self, up_to: int | None = None) -> list[int]:
        """Apply every migration not yet recorded, whatever its number (one left unused and
        filled later is applied too), in order, each in its own transaction."""
        applied = []
        recorded = await self.recorded_versions()
        known = available_migrations()
        newest = max((m.version for m in known), default=0)
        unknown = sorted(v for v in recorded if v > newest)
        if unknown:
            raise DatabaseNewer(
                f"{self.path}: written by a newer version of the bot (schema {unknown[-1]};"
                f" this one knows up to {newest}): run that version, or restore a backup made"
                " by this one"
            )
        for version, name, source in known:
            if version in recorded or (up_to is not None and version > up_to):
                continue
            record = (
                "INSERT INTO schema_version (version, name, applied_at)"
                f" VALUES ({version}, '{name}', datetime('now'))"
            )
            async with self._lock:
                try:
                    if name.endswith(".py"):
                        await self.conn.execute("BEGIN IMMEDIATE")
                        await _python_upgrade(name)(self.conn)
                        await self.conn.execute(record)
                        await self.conn.execute("COMMIT")
                    else:
                        # executescript runs the whole file; the explicit BEGIN keeps it atomic.
                        await self.conn.executescript(
                            f"BEGIN IMMEDIATE;\n{source}\n{record};\nCOMMIT;"
                        )
                except BaseException as exc:
                    if self.conn.in_transaction:
                        await self.conn.execute("ROLLBACK")
                    if isinstance(exc, sqlite3.Error) and (refused := write_refused(exc)):
                        raise refused from exc
                    raise
            log.info("applied migration %s", name)
            applied.append(version)
        return applied


async def open_database(path: Path | str) -> Database:
    db = Database(path)
    await db.connect()
    try:
        await db.migrate()
    except BaseException:  # a refused or failed migration: no connection thread left behind
        await db.close()
        raise
    return db


@asynccontextmanager
async def read_snapshot(path: Path | str) -> AsyncIterator[Repos]:
    """The repositories over a read-only connection of its own, in one read transaction: the
    reads of a report or an export in a child process (bot/offload.py) agree to the row, and in
    WAL mode they hold no lock a writer waits for."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = ON")
        conn.execute("BEGIN")
        yield Repos(cast(aiosqlite.Connection, LoopReader(conn)))
    finally:
        conn.close()

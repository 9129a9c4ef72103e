"""storage/backup.py: a consistent copy while another connection keeps writing (WAL), checked
before it counts; a folder gets a dated copy; old copies pruned to the newest N; a database
written by a newer version of the bot is refused, changing nothing."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.backup import BackupFailed, make_backup, prune_backups
from storage.db import DatabaseNewer, open_database

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)


async def test_a_copy_made_while_another_connection_writes_is_whole(tmp_path: Path) -> None:
    source = tmp_path / "bot.db"
    db = await open_database(source)
    await db.close()
    stop, fifty = threading.Event(), threading.Event()
    written = []

    def write() -> None:
        conn = sqlite3.connect(source, timeout=30)
        n = 0
        while not stop.is_set():
            with conn:
                conn.execute(
                    "INSERT INTO people (full_name, name_key, role, created_at, updated_at)"
                    " VALUES (?, ?, 'mentee', 'x', 'x')",
                    (f"Человек {n}", f"человек {n}"),
                )
            n += 1
            written.append(n)
            if n == 50:
                fifty.set()
        conn.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert fifty.wait(timeout=30)  # a thread: the event loop has nothing else to do
        made = make_backup(source, tmp_path / "copies", NOW)  # a folder not there yet
    finally:
        stop.set()
        writer.join()
    assert made == tmp_path / "copies" / "nastavnik-20261204-030000.db"
    with sqlite3.connect(made) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        people = copy.execute("SELECT COUNT(*) FROM people").fetchone()[0]
    assert 50 <= people <= len(written)  # one snapshot: every row up to some moment
    assert not list((tmp_path / "copies").glob("*.partial"))


def test_a_folder_gets_dated_copies_and_the_oldest_are_pruned(tmp_path: Path) -> None:
    source = tmp_path / "bot.db"
    sqlite3.connect(source).close()
    folder = tmp_path / "backups"
    folder.mkdir()
    for day in range(5):
        make_backup(source, folder, NOW + timedelta(days=day))
    removed = prune_backups(folder, keep=3)
    assert [p.name for p in removed] == [
        "nastavnik-20261204-030000.db",
        "nastavnik-20261205-030000.db",
    ]
    assert len(list(folder.glob("nastavnik-*.db"))) == 3


def test_no_database_is_a_clear_failure(tmp_path: Path) -> None:
    with pytest.raises(BackupFailed, match="no database at"):
        make_backup(tmp_path / "missing.db", tmp_path / "copy.db", NOW)
    assert not (tmp_path / "copy.db").exists()


async def test_a_database_of_a_newer_version_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    db = await open_database(path)
    await db.conn.execute(
        "INSERT INTO schema_version (version, name, applied_at) VALUES (999, '999_x.sql', 'x')"
    )
    await db.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseNewer, match="schema 999"):
        await open_database(path)
    assert path.read_bytes() == before

"""The daily backup through the real app: with BACKUP_DIR set the scheduler has a BACKUP_CRON
job that makes a dated, whole copy of the running bot's database and keeps the newest
BACKUP_KEEP; without it there is no such job."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import BotRunner

from scheduler.clock import ManualClock


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(datetime(2026, 12, 4, 12, 0, tzinfo=UTC))


async def test_the_daily_backup_keeps_the_newest_copies(
    bot_runner: BotRunner, bot_clock: ManualClock, tmp_path: Path
) -> None:
    assert bot_runner.app is not None
    assert bot_runner.app.scheduler.jobs.get_job("backup") is None  # off by default
    folder = tmp_path / "backups"
    app = await bot_runner.restart(backup_dir=folder, backup_keep=2, backup_cron="30 3 * * *")
    job = app.scheduler.jobs.get_job("backup")
    assert job is not None
    assert job.trigger.get_next_fire_time(None, datetime(2026, 12, 4, 12, 0, tzinfo=UTC)) == (
        datetime(2026, 12, 4, 21, 30, tzinfo=UTC)  # 03:30 in Bishkek
    )
    assert app.scheduler.backup is not None
    start = datetime(2026, 12, 4, 21, 30, tzinfo=UTC)
    for day in range(3):
        bot_clock.set(start + timedelta(days=day))
        await app.scheduler.backup()
    copies = sorted(path.name for path in folder.iterdir())
    assert copies == ["nastavnik-20261205-213000.db", "nastavnik-20261206-213000.db"]
    with sqlite3.connect(folder / copies[-1]) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] >= 17

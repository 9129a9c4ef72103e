"""What `python -m bot health` reads: when the scheduler's tick last ran (the bot's process is
alive and its scheduler going; the tick runs every SCHEDULER_TICK_SECONDS), when Telegram last
answered the bot's getUpdates as that tick saw it (the bot receives updates), and how many queued
messages have been due for a while without being sent (the outbox is not moving). A read-only
connection of its own, so it may run beside the bot, from Docker's HEALTHCHECK or a monitor."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from storage.models import from_db_time, to_db_time

TICK_MARK = "reminders"  # scheduler/tick.py MARK
POLLING_MARK = "polling"  # scheduler/tick.py POLLING_MARK


@dataclass(frozen=True, slots=True)
class Health:
    last_tick: datetime | None  # None: the bot has never run on this database
    # None: no bot of a version that records it has run on this database
    last_poll: datetime | None
    overdue_messages: int  # pending, not held, due before the cut-off


def read_health(database: Path, now: datetime, overdue_after: timedelta) -> Health:
    if not database.exists():
        raise FileNotFoundError(f"no database at {database}")
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        conn.execute("PRAGMA busy_timeout = 5000")
        marks = dict(
            conn.execute(
                "SELECT name, done_until FROM scheduler_marks WHERE name IN (?, ?)",
                (TICK_MARK, POLLING_MARK),
            ).fetchall()
        )
        overdue = conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND held = 0 AND not_before <= ?",
            (to_db_time(now - overdue_after),),
        ).fetchone()[0]
    tick, poll = marks.get(TICK_MARK), marks.get(POLLING_MARK)
    return Health(
        from_db_time(tick) if tick else None,
        from_db_time(poll) if poll else None,
        int(overdue),
    )

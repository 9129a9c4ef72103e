"""The outbox: notifications recorded with a unique key in the transaction that causes them,
then sent once by the scheduler's sender."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.models import OutboxMessage, to_db_time
from storage.sql import fetch_all, fetch_one


class OutboxRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def enqueue(
        self, key: str, person_id: int, text: str, now: datetime, not_before: datetime | None = None
    ) -> bool:
        """Record a notification; False when one with this key exists (already due or sent)."""
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO outbox (key, person_id, text, not_before, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (key, person_id, text, to_db_time(not_before or now), to_db_time(now)),
        )
        return cur.rowcount == 1

    async def due(self, now: datetime, limit: int = 100) -> list[OutboxMessage]:
        rows = await fetch_all(
            self.conn,
            "SELECT o.id, o.key, o.person_id, p.telegram_id, o.text, o.attempts,"
            " p.blocked_at IS NULL AND p.active = 1 AS reachable"
            " FROM outbox o JOIN people p ON p.id = o.person_id"
            " WHERE o.status = 'pending' AND o.not_before <= ? ORDER BY o.not_before, o.id LIMIT ?",
            (to_db_time(now), limit),
        )
        return [
            OutboxMessage(
                id=row["id"],
                key=row["key"],
                person_id=row["person_id"],
                chat_id=row["telegram_id"],
                text=row["text"],
                attempts=row["attempts"],
                reachable=bool(row["reachable"]),
            )
            for row in rows
        ]

    async def mark_sent(self, message_id: int, now: datetime) -> None:
        await self.conn.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?",
            (to_db_time(now), message_id),
        )

    async def mark_skipped(self, message_id: int, reason: str) -> None:
        await self.conn.execute(
            "UPDATE outbox SET status = 'skipped', last_error = ? WHERE id = ?",
            (reason, message_id),
        )

    async def retry_later(
        self, message_id: int, error: str, not_before: datetime, *, counts: bool = True
    ) -> None:
        await self.conn.execute(
            "UPDATE outbox SET attempts = attempts + ?, last_error = ?, not_before = ?"
            " WHERE id = ?",
            (int(counts), error, to_db_time(not_before), message_id),
        )

    async def mark_failed(self, message_id: int, error: str) -> None:
        await self.conn.execute(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?"
            " WHERE id = ?",
            (error, message_id),
        )

    async def pending_count(self) -> int:
        row = await fetch_one(self.conn, "SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
        return int(row[0]) if row else 0

"""Requests for access from people the bot does not know yet."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.models import AccessRequest, RequestStatus, to_db_time
from storage.sql import fetch_all, fetch_one


def _request(row: aiosqlite.Row) -> AccessRequest:
    return AccessRequest(
        id=row["id"],
        telegram_id=row["telegram_id"],
        username=row["username"],
        display_name=row["display_name"],
        status=RequestStatus(row["status"]),
        decided_by=row["decided_by"],
        person_id=row["person_id"],
    )


class AccessRequestsRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def _one(self, where: str, value: int) -> AccessRequest | None:
        row = await fetch_one(
            self.conn,
            "SELECT id, telegram_id, username, display_name, status, decided_by, person_id"
            f" FROM access_requests WHERE {where}",
            (value,),
        )
        return _request(row) if row else None

    async def get(self, request_id: int) -> AccessRequest | None:
        return await self._one("id = ?", request_id)

    async def by_telegram_id(self, telegram_id: int) -> AccessRequest | None:
        return await self._one("telegram_id = ?", telegram_id)

    async def add(
        self, telegram_id: int, username: str | None, display_name: str, now: datetime
    ) -> AccessRequest | None:
        """A new pending request, or None when this account already has one."""
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO access_requests (telegram_id, username, display_name,"
            " created_at) VALUES (?, ?, ?, ?)",
            (telegram_id, username, display_name, to_db_time(now)),
        )
        if cur.rowcount != 1:
            return None
        return await self.get(int(cur.lastrowid or 0))

    async def decide(
        self,
        request_id: int,
        status: RequestStatus,
        decided_by: int,
        now: datetime,
        person_id: int | None = None,
    ) -> bool:
        """Record a decision; False when another admin decided first."""
        cur = await self.conn.execute(
            "UPDATE access_requests SET status = ?, decided_by = ?, decided_at = ?, person_id = ?"
            " WHERE id = ? AND status = 'pending'",
            (status.value, decided_by, to_db_time(now), person_id, request_id),
        )
        return cur.rowcount == 1

    async def pending_without_copy(self, person_id: int) -> list[AccessRequest]:
        """Pending requests with no copy sent or on its way to this admin (they had not opened
        the bot yet, or the copy could not be delivered)."""
        rows = await fetch_all(
            self.conn,
            "SELECT id, telegram_id, username, display_name, status, decided_by, person_id"
            " FROM access_requests r WHERE status = 'pending' AND NOT EXISTS ("
            " SELECT 1 FROM outbox o WHERE o.subject = 'access-request:' || r.id"
            " AND o.method = 'send' AND o.person_id = ? AND o.status IN ('pending', 'sent'))"
            " ORDER BY id",
            (person_id,),
        )
        return [_request(row) for row in rows]

    async def count_pending(self, *, after: int = 0, up_to: int | None = None) -> int:
        """Pending requests; with bounds, those with `after` < id <= `up_to` (ids grow with
        each new request)."""
        row = await fetch_one(
            self.conn,
            "SELECT COUNT(*) FROM access_requests"
            " WHERE status = 'pending' AND id > ? AND (? IS NULL OR id <= ?)",
            (after, up_to, up_to),
        )
        return int(row[0]) if row else 0

    async def pending_and_newest(self) -> tuple[int, int]:
        """How many requests are pending and the id of the newest of them (0 when none), read
        together so that the count and the bound agree."""
        row = await fetch_one(
            self.conn,
            "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM access_requests WHERE status = 'pending'",
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def pending_page(
        self, offset: int, limit: int, *, up_to: int | None = None
    ) -> list[AccessRequest]:
        """Pending requests, oldest first: the admins' list to review; with `up_to`, none
        newer than that id."""
        rows = await fetch_all(
            self.conn,
            "SELECT id, telegram_id, username, display_name, status, decided_by, person_id"
            " FROM access_requests WHERE status = 'pending' AND (? IS NULL OR id <= ?)"
            " ORDER BY id LIMIT ? OFFSET ?",
            (up_to, up_to, limit, offset),
        )
        return [_request(row) for row in rows]

    async def pending_between(self, after: int, up_to: int, limit: int) -> list[AccessRequest]:
        """Up to `limit` pending requests with `after` < id <= `up_to`, oldest first: a chunk of
        a bulk decision, the next one starting after the last id of this one."""
        rows = await fetch_all(
            self.conn,
            "SELECT id, telegram_id, username, display_name, status, decided_by, person_id"
            " FROM access_requests WHERE status = 'pending' AND id > ? AND id <= ?"
            " ORDER BY id LIMIT ?",
            (after, up_to, limit),
        )
        return [_request(row) for row in rows]

    async def pending_of_people(self) -> list[int]:
        """Accounts with a pending request that belong to a person by now (a roster linked
        them by id): their requests are to be settled."""
        rows = await fetch_all(
            self.conn,
            "SELECT r.telegram_id FROM access_requests r JOIN people p"
            " ON p.telegram_id = r.telegram_id WHERE r.status = 'pending' ORDER BY r.id",
        )
        return [row[0] for row in rows]

    async def settle_for_account(self, telegram_id: int, person_id: int, now: datetime) -> None:
        """The account joined without an admin's decision: its pending request is done."""
        await self.conn.execute(
            "UPDATE access_requests SET status = 'approved', decided_at = ?, person_id = ?"
            " WHERE telegram_id = ? AND status = 'pending'",
            (to_db_time(now), person_id, telegram_id),
        )

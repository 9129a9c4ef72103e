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

    async def pending_not_shown_in(self, chat_id: int) -> list[AccessRequest]:
        """Pending requests this admin's chat has not received (they had not opened the bot
        yet, or the bot stopped before sending)."""
        rows = await fetch_all(
            self.conn,
            "SELECT id, telegram_id, username, display_name, status, decided_by, person_id"
            " FROM access_requests r WHERE status = 'pending' AND NOT EXISTS ("
            " SELECT 1 FROM access_request_messages m WHERE m.request_id = r.id"
            " AND m.chat_id = ?) ORDER BY id",
            (chat_id,),
        )
        return [_request(row) for row in rows]

    async def settle_for_account(self, telegram_id: int, person_id: int, now: datetime) -> None:
        """The account joined without an admin's decision: its pending request is done."""
        await self.conn.execute(
            "UPDATE access_requests SET status = 'approved', decided_at = ?, person_id = ?"
            " WHERE telegram_id = ? AND status = 'pending'",
            (to_db_time(now), person_id, telegram_id),
        )

    async def release_unsent_claims(self) -> int:
        """Claims left by a stop between claiming and sending: the request is shown again."""
        cur = await self.conn.execute("DELETE FROM access_request_messages WHERE message_id = 0")
        return cur.rowcount

    async def claim_message(self, request_id: int, chat_id: int) -> bool:
        """Reserve the request's message in this chat before sending it; False when it is
        there already or on its way (two updates at once must not show it twice)."""
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO access_request_messages (request_id, chat_id, message_id)"
            " VALUES (?, ?, 0)",
            (request_id, chat_id),
        )
        return cur.rowcount == 1

    async def set_message(self, request_id: int, chat_id: int, message_id: int | None) -> None:
        """The message sent for a claim; None gives the claim up (the send failed)."""
        if message_id is None:
            await self.conn.execute(
                "DELETE FROM access_request_messages WHERE request_id = ? AND chat_id = ?",
                (request_id, chat_id),
            )
        else:
            await self.conn.execute(
                "UPDATE access_request_messages SET message_id = ?"
                " WHERE request_id = ? AND chat_id = ?",
                (message_id, request_id, chat_id),
            )

    async def messages(self, request_id: int) -> list[tuple[int, int]]:
        rows = await fetch_all(
            self.conn,
            "SELECT chat_id, message_id FROM access_request_messages"
            " WHERE request_id = ? AND message_id <> 0",
            (request_id,),
        )
        return [(row[0], row[1]) for row in rows]

"""Personal invite links: single-use tokens that expire."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.models import Invite, from_db_time, to_db_time
from storage.sql import fetch_one


class InvitesRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(
        self, token: str, person_id: int, created_by: int | None, now: datetime, expires: datetime
    ) -> None:
        await self.conn.execute(
            "INSERT INTO invites (token, person_id, created_by, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (token, person_id, created_by, to_db_time(now), to_db_time(expires)),
        )

    async def get(self, token: str) -> Invite | None:
        row = await fetch_one(
            self.conn,
            "SELECT token, person_id, expires_at, used_at FROM invites WHERE token = ?",
            (token,),
        )
        if row is None:
            return None
        return Invite(
            token=row["token"],
            person_id=row["person_id"],
            expires_at=from_db_time(row["expires_at"]),
            used=row["used_at"] is not None,
        )

    async def use(self, token: str, now: datetime) -> bool:
        cur = await self.conn.execute(
            "UPDATE invites SET used_at = ? WHERE token = ? AND used_at IS NULL",
            (to_db_time(now), token),
        )
        return cur.rowcount == 1

    async def revoke_for_person(self, person_id: int, now: datetime) -> None:
        """A person linked by any means needs none of their other links any more."""
        await self.conn.execute(
            "UPDATE invites SET used_at = ? WHERE person_id = ? AND used_at IS NULL",
            (to_db_time(now), person_id),
        )

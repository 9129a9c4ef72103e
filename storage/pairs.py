"""Pairs: a mentor and a mentee for a period by the director's order. Rows are never
overwritten: a reassignment closes the pair and opens a new one that points back to it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import aiosqlite

from storage.models import Pair, PairKind, PairStatus, to_db_time
from storage.names import PersonName
from storage.sql import fetch_all, fetch_one

_SELECT = (
    "SELECT p.id, p.mentor_id, p.mentee_id, p.kind, p.start_date, p.end_date, p.order_ref,"
    " p.status, p.close_reason, p.previous_pair_id,"
    " mentor.full_name AS mentor_name, mentee.full_name AS mentee_name,"
    " mentor.gender AS mentor_gender, mentee.gender AS mentee_gender"
    " FROM pairs p JOIN people mentor ON mentor.id = p.mentor_id"
    " JOIN people mentee ON mentee.id = p.mentee_id"
)


def _pair(row: aiosqlite.Row) -> Pair:
    return Pair(
        id=row["id"],
        mentor_id=row["mentor_id"],
        mentee_id=row["mentee_id"],
        kind=PairKind(row["kind"]),
        start=date.fromisoformat(row["start_date"]),
        end=date.fromisoformat(row["end_date"]),
        order_ref=row["order_ref"],
        status=PairStatus(row["status"]),
        close_reason=row["close_reason"],
        previous_pair_id=row["previous_pair_id"],
        mentor_name=PersonName(row["mentor_name"], row["mentor_gender"]),
        mentee_name=PersonName(row["mentee_name"], row["mentee_gender"]),
    )


class PairsRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def _many(self, where: str, *params: Any) -> list[Pair]:
        return [
            _pair(row) for row in await fetch_all(self.conn, f"{_SELECT} WHERE {where}", params)
        ]

    async def get(self, pair_id: int) -> Pair | None:
        found = await self._many("p.id = ?", pair_id)
        return found[0] if found else None

    async def add(
        self,
        *,
        mentor_id: int,
        mentee_id: int,
        kind: PairKind,
        start: date,
        end: date,
        order_ref: str | None,
        now: datetime,
        created_by: int | None = None,
        previous_pair_id: int | None = None,
    ) -> Pair:
        cur = await self.conn.execute(
            "INSERT INTO pairs (mentor_id, mentee_id, kind, start_date, end_date, order_ref,"
            " previous_pair_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                mentor_id,
                mentee_id,
                kind.value,
                start.isoformat(),
                end.isoformat(),
                order_ref,
                previous_pair_id,
                created_by,
                to_db_time(now),
            ),
        )
        pair = await self.get(int(cur.lastrowid or 0))
        assert pair is not None
        return pair

    async def all(self) -> list[Pair]:
        """Every pair, in any status, for planning a roster import in memory."""
        return await self._many("1 = 1 ORDER BY p.id")

    async def add_many(self, pairs: list[Pair], now: datetime, created_by: int | None) -> None:
        """Insert new pairs with the ids given (a roster import decides them in its plan)."""
        await self.conn.executemany(
            "INSERT INTO pairs (id, mentor_id, mentee_id, kind, start_date, end_date, order_ref,"
            " previous_pair_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    pair.id,
                    pair.mentor_id,
                    pair.mentee_id,
                    pair.kind.value,
                    pair.start.isoformat(),
                    pair.end.isoformat(),
                    pair.order_ref,
                    pair.previous_pair_id,
                    created_by,
                    to_db_time(now),
                )
                for pair in pairs
            ],
        )

    async def close(
        self, pair_id: int, status: PairStatus, reason: str | None, now: datetime
    ) -> bool:
        """Close an active pair; False when it was not active any more (a stale button)."""
        cur = await self.conn.execute(
            "UPDATE pairs SET status = ?, close_reason = ?, closed_at = ?"
            " WHERE id = ? AND status = 'active'",
            (status.value, reason, to_db_time(now), pair_id),
        )
        return cur.rowcount == 1

    async def active_for_person(self, person_id: int) -> list[Pair]:
        return await self._many(
            "p.status = 'active' AND (p.mentor_id = ? OR p.mentee_id = ?)"
            " ORDER BY p.start_date, p.id",
            person_id,
            person_id,
        )

    async def active_mentee_count(self, mentor_id: int) -> int:
        row = await fetch_one(
            self.conn,
            "SELECT COUNT(*) FROM pairs WHERE mentor_id = ? AND status = 'active'",
            (mentor_id,),
        )
        return int(row[0]) if row else 0

    async def active_of_kind(self, mentee_id: int, kind: PairKind) -> Pair | None:
        found = await self._many(
            "p.mentee_id = ? AND p.kind = ? AND p.status = 'active'", mentee_id, kind.value
        )
        return found[0] if found else None

    async def find(self, mentee_id: int, mentor_id: int, start: date) -> Pair | None:
        found = await self._many(
            "p.mentee_id = ? AND p.mentor_id = ? AND p.start_date = ?",
            mentee_id,
            mentor_id,
            start.isoformat(),
        )
        return found[0] if found else None

    async def latest(self, mentee_id: int, mentor_id: int, kind: PairKind) -> Pair | None:
        found = await self._many(
            "p.mentee_id = ? AND p.mentor_id = ? AND p.kind = ? ORDER BY p.start_date DESC, p.id"
            " DESC LIMIT 1",
            mentee_id,
            mentor_id,
            kind.value,
        )
        return found[0] if found else None

    async def active_without_plan(self) -> list[Pair]:
        """Active pairs formed before plans existed (or by a path that made none)."""
        return await self._many(
            "p.status = 'active' AND NOT EXISTS (SELECT 1 FROM plans WHERE plans.pair_id = p.id)"
            " ORDER BY p.id"
        )

    async def list_active(self, offset: int = 0, limit: int = 10) -> tuple[list[Pair], int]:
        """Active pairs by the mentee's name, those whose plan awaits approval first."""
        row = await fetch_one(self.conn, "SELECT COUNT(*) FROM pairs WHERE status = 'active'")
        total = int(row[0]) if row else 0
        pairs = await self._many(
            "p.status = 'active' ORDER BY EXISTS (SELECT 1 FROM plans pl"
            " WHERE pl.pair_id = p.id AND pl.status = 'submitted') DESC,"
            " mentee.name_key, p.id LIMIT ? OFFSET ?",
            limit,
            offset,
        )
        return pairs, total

    async def list_filtered(
        self,
        *,
        status: str | None,
        kind: str | None,
        department: str | None,
        offset: int = 0,
        limit: int = 10,
    ) -> tuple[list[Pair], int]:
        """Pairs of a status (None: every one but the reassigned, whose continuations are
        listed), a kind and the mentee's department (None: any), by the mentee's name; those
        whose plan awaits approval first."""
        where = ["p.status <> 'reassigned'" if status is None else "p.status = ?"]
        params: list[Any] = [] if status is None else [status]
        if kind is not None:
            where.append("p.kind = ?")
            params.append(kind)
        if department is not None:
            where.append("COALESCE(mentee.department, '') = ?")
            params.append(department)
        condition = " AND ".join(where)
        row = await fetch_one(
            self.conn,
            "SELECT COUNT(*) FROM pairs p JOIN people mentee ON mentee.id = p.mentee_id"
            f" WHERE {condition}",
            params,
        )
        total = int(row[0]) if row else 0
        pairs = await self._many(
            f"{condition} ORDER BY EXISTS (SELECT 1 FROM plans pl"
            " WHERE pl.pair_id = p.id AND pl.status = 'submitted') DESC,"
            " mentee.name_key, p.id LIMIT ? OFFSET ?",
            *params,
            limit,
            offset,
        )
        return pairs, total

    async def mentee_departments(self) -> list[str]:
        """The departments of the mentees of any pair, for the /pairs filter."""
        rows = await fetch_all(
            self.conn,
            "SELECT DISTINCT mentee.department FROM pairs p JOIN people mentee"
            " ON mentee.id = p.mentee_id WHERE mentee.department IS NOT NULL"
            " AND mentee.department <> '' ORDER BY mentee.department",
        )
        return [row[0] for row in rows]

    async def history(self, mentee_id: int) -> list[Pair]:
        return await self._many("p.mentee_id = ? ORDER BY p.start_date, p.id", mentee_id)

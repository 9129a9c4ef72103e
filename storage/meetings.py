"""Meetings of a pair, and the held ones that form the journal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from storage.models import Meeting, MeetingFormat, MeetingStatus, from_db_time, to_db_time
from storage.sql import fetch_all

# A meeting's columns, read by every query that makes a Meeting (meeting_from_row): a new field
# is one name here and one line there.
_FIELDS = (
    "id",
    "pair_id",
    "proposed_by",
    "starts_at",
    "duration_min",
    "format",
    "topic",
    "status",
    "logged",
    "content",
    "result",
    "task",
    "revision",
)


def meeting_columns(alias: str = "") -> str:
    """The columns meeting_from_row reads, for a query's SELECT (`alias`: the table's, if any)."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + name for name in _FIELDS)


_SELECT = f"SELECT {meeting_columns()} FROM meetings"


def meeting_from_row(row: aiosqlite.Row) -> Meeting:
    return Meeting(
        id=row["id"],
        pair_id=row["pair_id"],
        proposed_by=row["proposed_by"],
        starts_at=from_db_time(row["starts_at"]),
        duration_min=row["duration_min"],
        format=MeetingFormat(row["format"]),
        topic=row["topic"],
        status=MeetingStatus(row["status"]),
        logged=bool(row["logged"]),
        content=row["content"],
        result=row["result"],
        task=row["task"],
        revision=row["revision"],
    )


class MeetingsRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def _many(self, where: str, *params: Any) -> list[Meeting]:
        rows = await fetch_all(self.conn, f"{_SELECT} WHERE {where}", params)
        return [meeting_from_row(row) for row in rows]

    async def get(self, meeting_id: int) -> Meeting | None:
        found = await self._many("id = ?", meeting_id)
        return found[0] if found else None

    async def add(
        self,
        *,
        pair_id: int,
        proposed_by: int,
        starts_at: datetime,
        duration_min: int,
        format: MeetingFormat,
        topic: str,
        logged: bool,
        content: str | None,
        result: str | None,
        task: str | None,
        now: datetime,
    ) -> Meeting:
        cur = await self.conn.execute(
            "INSERT INTO meetings (pair_id, proposed_by, starts_at, duration_min, format, topic,"
            " logged, content, result, task, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pair_id,
                proposed_by,
                to_db_time(starts_at),
                duration_min,
                format.value,
                topic,
                int(logged),
                content,
                result,
                task,
                to_db_time(now),
                to_db_time(now),
            ),
        )
        meeting = await self.get(int(cur.lastrowid or 0))
        assert meeting is not None
        return meeting

    async def change(
        self, meeting: Meeting, now: datetime, **values: str | int | datetime | None
    ) -> Meeting | None:
        """Change a meeting as it was read (same revision); None when it changed meanwhile
        (a double or stale press). Bumps the revision, so buttons on older messages go stale."""
        columns = ", ".join(f"{name} = ?" for name in values)
        params = [to_db_time(v) if isinstance(v, datetime) else v for v in values.values()]
        cur = await self.conn.execute(
            f"UPDATE meetings SET {columns}, revision = revision + 1, updated_at = ?"
            " WHERE id = ? AND revision = ?",
            (*params, to_db_time(now), meeting.id, meeting.revision),
        )
        if cur.rowcount != 1:
            return None
        return await self.get(meeting.id)

    async def of_people_between(
        self, person_ids: tuple[int, ...], start: datetime, end: datetime
    ) -> list[Meeting]:
        """Meetings of any of these people still on (proposed, confirmed) or held that start
        in [start, end): the candidates for a clash."""
        marks = ", ".join("?" for _ in person_ids)
        return await self._many(
            "status IN ('proposed', 'confirmed', 'held') AND starts_at >= ? AND starts_at < ?"
            f" AND pair_id IN (SELECT id FROM pairs WHERE mentor_id IN ({marks})"
            f" OR mentee_id IN ({marks})) ORDER BY starts_at",
            to_db_time(start),
            to_db_time(end),
            *person_ids,
            *person_ids,
        )

    async def held_of_pairs(self, pair_ids: list[int]) -> list[Meeting]:
        """The journal of several pairs (a reassigned mentee's chain), oldest first."""
        marks = ", ".join("?" for _ in pair_ids)
        return await self._many(
            f"pair_id IN ({marks}) AND status = 'held' ORDER BY starts_at, id", *pair_ids
        )

    async def next_of_pair(self, pair_id: int, now: datetime) -> Meeting | None:
        """The next proposed or confirmed meeting of the pair from `now` on."""
        found = await self._many(
            "pair_id = ? AND status IN ('proposed', 'confirmed') AND starts_at >= ?"
            " ORDER BY starts_at, id LIMIT 1",
            pair_id,
            to_db_time(now),
        )
        return found[0] if found else None

    async def unmarked_of_pair(self, pair_id: int, now: datetime) -> Meeting | None:
        """The pair's latest confirmed meeting whose time has come and that nobody has marked
        held or not held yet."""
        found = await self._many(
            "pair_id = ? AND status = 'confirmed' AND starts_at <= ?"
            " ORDER BY starts_at DESC, id DESC LIMIT 1",
            pair_id,
            to_db_time(now),
        )
        return found[0] if found else None

    async def ahead_of_pair(self, pair_id: int, now: datetime) -> list[Meeting]:
        """The pair's proposed or confirmed meetings that start after `now`."""
        return await self._many(
            "pair_id = ? AND status IN ('proposed', 'confirmed') AND starts_at > ?"
            " ORDER BY starts_at, id",
            pair_id,
            to_db_time(now),
        )

    async def last_held_of_pair(self, pair_id: int) -> Meeting | None:
        found = await self._many(
            "pair_id = ? AND status = 'held' ORDER BY starts_at DESC, id DESC LIMIT 1", pair_id
        )
        return found[0] if found else None

"""Plans and their milestones. Status changes are guarded in SQL (`WHERE status = …`), so a
doubled or stale decision changes no row and the caller learns it from the row count."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from storage.models import (
    Milestone,
    MilestoneStatus,
    Plan,
    PlanChange,
    PlanHistoryEntry,
    PlanStatus,
    from_db_time,
    to_db_time,
)
from storage.names import PersonName
from storage.rules import milestone_to_report
from storage.sql import fetch_all, fetch_one

_PLAN = "SELECT id, pair_id, status, submission, comment, decided_by FROM plans"
_MILESTONE = (
    "SELECT id, plan_id, title, due_date, status, submission, comment, file_id, file_kind,"
    " mentor_comment FROM milestones"
)


def _plan(row: aiosqlite.Row) -> Plan:
    return Plan(
        id=row["id"],
        pair_id=row["pair_id"],
        status=PlanStatus(row["status"]),
        submission=row["submission"],
        comment=row["comment"],
        decided_by=row["decided_by"],
    )


def _milestone(row: aiosqlite.Row) -> Milestone:
    return Milestone(
        id=row["id"],
        plan_id=row["plan_id"],
        title=row["title"],
        due=date.fromisoformat(row["due_date"]),
        status=MilestoneStatus(row["status"]),
        submission=row["submission"],
        comment=row["comment"],
        file_id=row["file_id"],
        file_kind=row["file_kind"],
        mentor_comment=row["mentor_comment"],
    )


class PlansRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add_many(
        self, plans: list[tuple[int, list[tuple[str, date]]]], now: datetime
    ) -> None:
        """Plans of new pairs, (pair id, [(title, deadline)]) each, in two statements."""
        if not plans:
            return
        moment = to_db_time(now)
        await self.conn.executemany(
            "INSERT INTO plans (pair_id, created_at, updated_at) VALUES (?, ?, ?)",
            [(pair_id, moment, moment) for pair_id, _ in plans],
        )
        await self.conn.executemany(
            "INSERT INTO milestones (plan_id, position, title, due_date)"
            " SELECT id, ?, ?, ? FROM plans WHERE pair_id = ?",
            [
                (position, title, due.isoformat(), pair_id)
                for pair_id, milestones in plans
                for position, (title, due) in enumerate(milestones, 1)
            ],
        )

    async def move(self, from_pair_id: int, to_pair_id: int) -> None:
        """A reassigned pair's continuation takes over its plan."""
        await self.conn.execute(
            "UPDATE plans SET pair_id = ? WHERE pair_id = ?", (to_pair_id, from_pair_id)
        )

    async def get(self, plan_id: int) -> Plan | None:
        row = await fetch_one(self.conn, f"{_PLAN} WHERE id = ?", (plan_id,))
        return _plan(row) if row else None

    async def for_pair(self, pair_id: int) -> Plan | None:
        row = await fetch_one(self.conn, f"{_PLAN} WHERE pair_id = ?", (pair_id,))
        return _plan(row) if row else None

    async def for_pair_or_successor(self, pair_id: int) -> Plan | None:
        """The plan of a pair or, once a reassignment moved it, of the pair that took over."""
        row = await fetch_one(
            self.conn,
            "WITH RECURSIVE chain(id) AS (SELECT ? UNION"
            " SELECT p.id FROM pairs p JOIN chain c ON p.previous_pair_id = c.id)"
            f" {_PLAN} WHERE pair_id IN (SELECT id FROM chain) LIMIT 1",
            (pair_id,),
        )
        return _plan(row) if row else None

    async def awaiting_approval(self, pair_ids: list[int]) -> set[int]:
        """Which of these pairs have their plan on the admins' desk."""
        if not pair_ids:
            return set()
        marks = ",".join("?" * len(pair_ids))
        rows = await fetch_all(
            self.conn,
            f"SELECT pair_id FROM plans WHERE status = 'submitted' AND pair_id IN ({marks})",
            tuple(pair_ids),
        )
        return {int(row[0]) for row in rows}

    async def awaiting_approval_count(self) -> int:
        """Plans of active pairs on the admins' desk."""
        row = await fetch_one(
            self.conn,
            "SELECT COUNT(*) FROM plans pl JOIN pairs p ON p.id = pl.pair_id"
            " WHERE pl.status = 'submitted' AND p.status = 'active'",
        )
        return int(row[0]) if row else 0

    async def milestones(self, plan_id: int) -> list[Milestone]:
        rows = await fetch_all(
            self.conn,
            f"{_MILESTONE} WHERE plan_id = ? ORDER BY due_date, position, id",
            (plan_id,),
        )
        return [_milestone(row) for row in rows]

    async def milestone(self, milestone_id: int) -> Milestone | None:
        row = await fetch_one(self.conn, f"{_MILESTONE} WHERE id = ?", (milestone_id,))
        return _milestone(row) if row else None

    async def add_milestone(self, plan_id: int, title: str, due: date) -> Milestone:
        cur = await self.conn.execute(
            "INSERT INTO milestones (plan_id, position, title, due_date)"
            " SELECT ?, COALESCE(MAX(position), 0) + 1, ?, ? FROM milestones WHERE plan_id = ?",
            (plan_id, title, due.isoformat(), plan_id),
        )
        found = await self.milestone(int(cur.lastrowid or 0))
        assert found is not None
        return found

    async def edit_milestone(
        self, milestone_id: int, *, title: str | None, due: date | None
    ) -> None:
        await self.conn.execute(
            "UPDATE milestones SET title = COALESCE(?, title), due_date = COALESCE(?, due_date)"
            " WHERE id = ?",
            (title, due.isoformat() if due else None, milestone_id),
        )

    async def remove_milestone(self, milestone_id: int) -> None:
        await self.conn.execute(
            "DELETE FROM milestones WHERE id = ? AND status = 'planned'", (milestone_id,)
        )

    async def set_status(
        self, plan_id: int, old: PlanStatus, new: PlanStatus, now: datetime
    ) -> bool:
        """Move a plan on from `old`; a submission is counted. False when it moved meanwhile."""
        cur = await self.conn.execute(
            "UPDATE plans SET status = ?, updated_at = ?,"
            " submission = submission + (? = 'submitted') WHERE id = ? AND status = ?",
            (new.value, to_db_time(now), new.value, plan_id, old.value),
        )
        return cur.rowcount == 1

    async def decide(
        self,
        plan_id: int,
        submission: int,
        status: PlanStatus,
        admin_id: int,
        comment: str | None,
        now: datetime,
    ) -> bool:
        cur = await self.conn.execute(
            "UPDATE plans SET status = ?, comment = ?, decided_by = ?, decided_at = ?,"
            " updated_at = ? WHERE id = ? AND status = 'submitted' AND submission = ?",
            (
                status.value,
                comment,
                admin_id,
                to_db_time(now),
                to_db_time(now),
                plan_id,
                submission,
            ),
        )
        return cur.rowcount == 1

    async def submit_milestone(
        self,
        milestone_id: int,
        comment: str,
        file_id: str | None,
        file_kind: str | None,
        now: datetime,
    ) -> bool:
        cur = await self.conn.execute(
            "UPDATE milestones SET status = 'submitted', submission = submission + 1,"
            " comment = ?, file_id = ?, file_kind = ?, mentor_comment = NULL, submitted_at = ?"
            f" WHERE id = ? AND {milestone_to_report('milestones')}",
            (comment, file_id, file_kind, to_db_time(now), milestone_id),
        )
        return cur.rowcount == 1

    async def decide_milestone(
        self,
        milestone_id: int,
        submission: int,
        status: MilestoneStatus,
        comment: str | None,
        now: datetime,
    ) -> bool:
        cur = await self.conn.execute(
            "UPDATE milestones SET status = ?, mentor_comment = ?, decided_at = ?"
            " WHERE id = ? AND status = 'submitted' AND submission = ?",
            (status.value, comment, to_db_time(now), milestone_id, submission),
        )
        return cur.rowcount == 1

    async def log_change(
        self,
        plan_id: int,
        person_id: int,
        change: PlanChange,
        title: str,
        old: str | None,
        new: str | None,
        reason: str | None,
        now: datetime,
    ) -> None:
        await self.conn.execute(
            "INSERT INTO plan_history (plan_id, person_id, change, title, old_value, new_value,"
            " reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (plan_id, person_id, change.value, title, old, new, reason or "", to_db_time(now)),
        )

    async def history(self, plan_id: int, limit: int) -> tuple[list[PlanHistoryEntry], int]:
        """The newest `limit` changes after approval, oldest first, and how many there are."""
        row = await fetch_one(
            self.conn, "SELECT COUNT(*) FROM plan_history WHERE plan_id = ?", (plan_id,)
        )
        rows = await fetch_all(
            self.conn,
            "SELECT h.change, h.title, h.old_value, h.new_value, h.reason, h.created_at,"
            " p.full_name, p.gender FROM plan_history h JOIN people p ON p.id = h.person_id"
            " WHERE h.plan_id = ? ORDER BY h.id DESC LIMIT ?",
            (plan_id, limit),
        )
        entries = [
            PlanHistoryEntry(
                change=PlanChange(r["change"]),
                title=r["title"],
                old=r["old_value"],
                new=r["new_value"],
                reason=r["reason"],
                author_name=PersonName(r["full_name"], r["gender"]),
                at=from_db_time(r["created_at"]),
            )
            for r in reversed(rows)
        ]
        return entries, int(row[0]) if row else 0

"""What the weekly digest counts: the state of every active pair in one statement, and the
week's events per department in another. The rules the counts follow (overdue, unanswered,
inactive) are bot/domain's, the same the reminders use; here only their SQL form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from storage.models import from_db_time, to_db_time
from storage.names import PersonName
from storage.rules import milestone_overdue, question_unanswered
from storage.sql import fetch_all


@dataclass(frozen=True, slots=True)
class PairState:
    pair_id: int
    department: str  # the mentee's; '' when none
    mentor_name: str
    mentee_name: str
    start: date
    entered_at: datetime  # when the pair was entered in the bot
    plan_status: str | None
    last_held: datetime | None  # the start of its latest held meeting
    overdue: int  # milestones not accepted whose deadline passed
    unanswered: int  # open questions asked at or before the cut-off


@dataclass
class WeekCounts:
    meetings: int = 0  # held in the week
    minutes: int = 0
    accepted: int = 0  # milestones
    asked: int = 0  # questions


class DigestRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def pair_states(self, today: date, unanswered_before: datetime) -> list[PairState]:
        rows = await fetch_all(
            self.conn,
            "SELECT pr.id, COALESCE(b.department, '') AS department, a.full_name AS mentor_name,"
            " b.full_name AS mentee_name, a.gender AS mentor_gender, b.gender AS mentee_gender,"
            " pr.start_date, pr.created_at, pl.status AS plan_status,"
            " (SELECT MAX(h.starts_at) FROM meetings h WHERE h.pair_id = pr.id"
            " AND h.status = 'held') AS last_held,"
            " (SELECT COUNT(*) FROM milestones ms WHERE ms.plan_id = pl.id"
            f" AND {milestone_overdue('ms', '?')}) AS overdue,"
            " (SELECT COUNT(*) FROM questions q WHERE q.pair_id = pr.id"
            f" AND {question_unanswered('q', '?')}) AS unanswered"
            " FROM pairs pr JOIN people a ON a.id = pr.mentor_id"
            " JOIN people b ON b.id = pr.mentee_id LEFT JOIN plans pl ON pl.pair_id = pr.id"
            " WHERE pr.status = 'active' ORDER BY pr.id",
            (today.isoformat(), to_db_time(unanswered_before)),
        )
        return [
            PairState(
                pair_id=row["id"],
                department=row["department"],
                mentor_name=PersonName(row["mentor_name"], row["mentor_gender"]),
                mentee_name=PersonName(row["mentee_name"], row["mentee_gender"]),
                start=date.fromisoformat(row["start_date"]),
                entered_at=from_db_time(row["created_at"]),
                plan_status=row["plan_status"],
                last_held=from_db_time(row["last_held"]) if row["last_held"] else None,
                overdue=row["overdue"],
                unanswered=row["unanswered"],
            )
            for row in rows
        ]

    async def week_counts(self, since: datetime, until: datetime) -> dict[str, WeekCounts]:
        """Per department (the mentee's): meetings held and their minutes, milestones accepted,
        questions asked in (since, until]; any pair, ended ones too (the week's work)."""
        dept = " JOIN pairs pr ON pr.id = {pair} JOIN people b ON b.id = pr.mentee_id"
        rows = await fetch_all(
            self.conn,
            "SELECT 'm' AS what, COALESCE(b.department, '') AS department, COUNT(*) AS n,"
            " SUM(m.duration_min) AS minutes FROM meetings m"
            + dept.format(pair="m.pair_id")
            + " WHERE m.status = 'held' AND m.starts_at > ? AND m.starts_at <= ?"
            " GROUP BY 2"
            " UNION ALL SELECT 'a', COALESCE(b.department, ''), COUNT(*), 0 FROM milestones ms"
            " JOIN plans pl ON pl.id = ms.plan_id"
            + dept.format(pair="pl.pair_id")
            + " WHERE ms.status = 'accepted' AND ms.decided_at > ?"
            " AND ms.decided_at <= ? GROUP BY 2"
            " UNION ALL SELECT 'q', COALESCE(b.department, ''), COUNT(*), 0 FROM questions q"
            + dept.format(pair="q.pair_id")
            + " WHERE q.asked_at > ? AND q.asked_at <= ? GROUP BY 2",
            (to_db_time(since), to_db_time(until)) * 3,
        )
        counts: dict[str, WeekCounts] = {}
        for row in rows:
            found = counts.setdefault(row["department"], WeekCounts())
            if row["what"] == "m":
                found.meetings, found.minutes = row["n"], row["minutes"] or 0
            elif row["what"] == "a":
                found.accepted = row["n"]
            else:
                found.asked = row["n"]
        return counts

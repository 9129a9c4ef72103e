"""What /stats, the export and the programme's report count, as plain rows: the pairs, the
milestones due in a period, the held meetings and the questions asked in it. The rules that
count them (bot/domain/attention.py, bot/domain/stats.py) are applied to these rows in Python,
off the event loop, so there is no second, SQL form of them to keep in step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from storage.feedback import AnsweredRow, FeedbackRepo
from storage.models import from_db_time, to_db_time
from storage.sql import fetch_all

# The department a pair counts in: its mentee's (as the digest counts it).
_DEPARTMENT = "COALESCE(b.department, '')"


@dataclass(frozen=True, slots=True)
class PairRow:
    pair_id: int
    department: str
    status: str  # active | completed | ended (a reassigned pair goes on as its successor)
    kind: str
    start: date
    end: date
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class MilestoneRow:
    department: str
    due: date
    status: str
    reported_at: datetime | None  # the report that was decided on (or the latest)


@dataclass(frozen=True, slots=True)
class MeetingRow:
    department: str
    starts_at: datetime
    minutes: int
    format: str


@dataclass(frozen=True, slots=True)
class QuestionRow:
    department: str
    asked_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class StatsRows:
    pairs: list[PairRow]
    milestones: list[MilestoneRow]
    meetings: list[MeetingRow]
    questions: list[QuestionRow]
    feedback: list[AnsweredRow]  # questionnaires answered in the period


class StatsRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def rows(
        self, first_day: date, last_day: date, since: datetime, until: datetime
    ) -> StatsRows:
        """Every pair but the reassigned ones (their successors go on), the milestones due
        from `first_day` to `last_day` (local dates), the meetings held and the questions asked
        in [since, until) (UTC); any pair's, ended ones too."""
        join = " JOIN pairs pr ON pr.id = {pair} JOIN people b ON b.id = pr.mentee_id"
        pairs = await fetch_all(
            self.conn,
            f"SELECT pr.id, {_DEPARTMENT} AS department, pr.status, pr.kind, pr.start_date,"
            " pr.end_date, pr.closed_at FROM pairs pr JOIN people b ON b.id = pr.mentee_id"
            " WHERE pr.status <> 'reassigned' ORDER BY pr.id",
        )
        milestones = await fetch_all(
            self.conn,
            f"SELECT {_DEPARTMENT} AS department, ms.due_date, ms.status, ms.submitted_at"
            " FROM milestones ms JOIN plans pl ON pl.id = ms.plan_id"
            + join.format(pair="pl.pair_id")
            + " WHERE ms.due_date >= ? AND ms.due_date <= ?",
            (first_day.isoformat(), last_day.isoformat()),
        )
        meetings = await fetch_all(
            self.conn,
            f"SELECT {_DEPARTMENT} AS department, m.starts_at, m.duration_min, m.format"
            " FROM meetings m"
            + join.format(pair="m.pair_id")
            + " WHERE m.status = 'held' AND m.starts_at >= ? AND m.starts_at < ?",
            (to_db_time(since), to_db_time(until)),
        )
        questions = await fetch_all(
            self.conn,
            f"SELECT {_DEPARTMENT} AS department, q.asked_at, q.answered_at FROM questions q"
            + join.format(pair="q.pair_id")
            + " WHERE q.asked_at >= ? AND q.asked_at < ?",
            (to_db_time(since), to_db_time(until)),
        )
        return StatsRows(
            pairs=[
                PairRow(
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    date.fromisoformat(row[4]),
                    date.fromisoformat(row[5]),
                    from_db_time(row[6]) if row[6] else None,
                )
                for row in pairs
            ],
            milestones=[
                MilestoneRow(row[0], date.fromisoformat(row[1]), row[2], _moment(row[3]))
                for row in milestones
            ],
            meetings=[MeetingRow(row[0], from_db_time(row[1]), row[2], row[3]) for row in meetings],
            questions=[
                QuestionRow(row[0], from_db_time(row[1]), _moment(row[2])) for row in questions
            ],
            feedback=await FeedbackRepo(self.conn).answered_between(since, until),
        )


def _moment(text: str | None) -> datetime | None:
    return from_db_time(text) if text else None

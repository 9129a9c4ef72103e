"""What /export writes, as plain rows: everyone, every pair (the reassigned ones too: history is
kept), the milestones due in a period, the meetings held and the questions asked in it. Plain
values only, so the rows cross to the process that writes the files (bot/offload.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from storage.feedback import AnsweredRow, FeedbackRepo
from storage.models import from_db_time, to_db_time
from storage.sql import fetch_all


@dataclass(frozen=True, slots=True)
class PersonRow:
    full_name: str
    role: str
    is_admin: bool
    department: str
    username: str | None
    active: bool
    first_seen_at: datetime | None  # the first /start
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PairRow:
    pair_id: int
    mentor: str
    mentee: str
    department: str  # the mentee's
    kind: str
    start: date
    end: date
    order_ref: str | None
    status: str
    closed_at: datetime | None
    close_reason: str | None


@dataclass(frozen=True, slots=True)
class MilestoneRow:
    pair_id: int
    position: int
    title: str
    due: date
    status: str
    comment: str | None  # the mentee's report
    mentor_comment: str | None
    reported_at: datetime | None
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class MeetingRow:
    pair_id: int
    starts_at: datetime
    minutes: int
    format: str
    topic: str
    content: str | None
    result: str | None
    task: str | None
    logged: bool  # written down after it happened


@dataclass(frozen=True, slots=True)
class QuestionRow:
    pair_id: int
    asked_at: datetime
    text: str
    status: str
    answer: str | None
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class ExportRows:
    people: list[PersonRow]
    pairs: list[PairRow]
    milestones: list[MilestoneRow]
    meetings: list[MeetingRow]
    questions: list[QuestionRow]
    feedback: list[AnsweredRow]  # questionnaires answered in the period


@dataclass(frozen=True, slots=True)
class PairFile:
    """Everything a pair's report for the council holds."""

    pair: PairRow
    mentor_department: str
    milestones: list[MilestoneRow]  # its plan, every milestone
    meetings: list[MeetingRow]  # every meeting held
    feedback: list[AnsweredRow]  # every questionnaire answered


def _moment(text: str | None) -> datetime | None:
    return from_db_time(text) if text else None


_PAIRS = (
    "SELECT pr.id, a.full_name, b.full_name, COALESCE(b.department, ''), pr.kind,"
    " pr.start_date, pr.end_date, pr.order_ref, pr.status, pr.closed_at,"
    " pr.close_reason FROM pairs pr JOIN people a ON a.id = pr.mentor_id"
    " JOIN people b ON b.id = pr.mentee_id"
)
_MILESTONES = (
    "SELECT pl.pair_id, ms.position, ms.title, ms.due_date, ms.status, ms.comment,"
    " ms.mentor_comment, ms.submitted_at, ms.decided_at FROM milestones ms"
    " JOIN plans pl ON pl.id = ms.plan_id"
)
_MEETINGS = (
    "SELECT pair_id, starts_at, duration_min, format, topic, content, result, task,"
    " logged FROM meetings WHERE status = 'held'"
)


def _pair(r: Any) -> PairRow:
    return PairRow(
        r[0], r[1], r[2], r[3], r[4], date.fromisoformat(r[5]), date.fromisoformat(r[6]),
        r[7], r[8], _moment(r[9]), r[10],
    )  # fmt: skip


def _milestone(r: Any) -> MilestoneRow:
    return MilestoneRow(
        r[0], r[1], r[2], date.fromisoformat(r[3]), r[4], r[5], r[6], _moment(r[7]),
        _moment(r[8]),
    )  # fmt: skip


def _meeting(r: Any) -> MeetingRow:
    return MeetingRow(r[0], from_db_time(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]))


class ExportRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def of_pair(self, pair_id: int) -> PairFile | None:
        pairs = await fetch_all(self.conn, _PAIRS + " WHERE pr.id = ?", (pair_id,))
        if not pairs:
            return None
        mentor = await fetch_all(
            self.conn,
            "SELECT COALESCE(a.department, '') FROM pairs pr JOIN people a ON a.id = pr.mentor_id"
            " WHERE pr.id = ?",
            (pair_id,),
        )
        milestones = await fetch_all(
            self.conn, _MILESTONES + " WHERE pl.pair_id = ? ORDER BY ms.due_date, ms.position",
            (pair_id,),
        )  # fmt: skip
        meetings = await fetch_all(
            self.conn, _MEETINGS + " AND pair_id = ? ORDER BY starts_at, id", (pair_id,)
        )
        return PairFile(
            pair=_pair(pairs[0]),
            mentor_department=mentor[0][0],
            milestones=[_milestone(r) for r in milestones],
            meetings=[_meeting(r) for r in meetings],
            feedback=await FeedbackRepo(self.conn).answered_of_pair(pair_id),
        )

    async def rows(
        self, first_day: date, last_day: date, since: datetime, until: datetime
    ) -> ExportRows:
        """The milestones due from `first_day` to `last_day` (local dates), the meetings held
        and the questions asked in [since, until) (UTC); everyone and every pair."""
        people = await fetch_all(
            self.conn,
            "SELECT full_name, role, is_admin, COALESCE(department, ''), username, active,"
            " first_seen_at, created_at FROM people ORDER BY name_key, id",
        )
        pairs = await fetch_all(self.conn, _PAIRS + " ORDER BY b.name_key, pr.start_date, pr.id")
        milestones = await fetch_all(
            self.conn,
            _MILESTONES + " WHERE ms.due_date >= ? AND ms.due_date <= ?"
            " ORDER BY pl.pair_id, ms.due_date, ms.position",
            (first_day.isoformat(), last_day.isoformat()),
        )
        meetings = await fetch_all(
            self.conn,
            _MEETINGS + " AND starts_at >= ? AND starts_at < ? ORDER BY starts_at, id",
            (to_db_time(since), to_db_time(until)),
        )
        questions = await fetch_all(
            self.conn,
            "SELECT pair_id, asked_at, text, status, answer_text, answered_at FROM questions"
            " WHERE asked_at >= ? AND asked_at < ? ORDER BY asked_at, id",
            (to_db_time(since), to_db_time(until)),
        )
        return ExportRows(
            people=[
                PersonRow(
                    r[0],
                    r[1],
                    bool(r[2]),
                    r[3],
                    r[4],
                    bool(r[5]),
                    _moment(r[6]),
                    from_db_time(r[7]),
                )
                for r in people
            ],
            pairs=[
                PairRow(
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    date.fromisoformat(r[5]),
                    date.fromisoformat(r[6]),
                    r[7],
                    r[8],
                    _moment(r[9]),
                    r[10],
                )
                for r in pairs
            ],
            milestones=[
                MilestoneRow(
                    r[0],
                    r[1],
                    r[2],
                    date.fromisoformat(r[3]),
                    r[4],
                    r[5],
                    r[6],
                    _moment(r[7]),
                    _moment(r[8]),
                )
                for r in milestones
            ],
            meetings=[
                MeetingRow(r[0], from_db_time(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]))
                for r in meetings
            ],
            questions=[
                QuestionRow(r[0], from_db_time(r[1]), r[2], r[3], r[4], _moment(r[5]))
                for r in questions
            ],
            feedback=await FeedbackRepo(self.conn).answered_between(since, until),
        )

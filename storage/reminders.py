"""What the scheduler's tick reads: one set-based query per kind of reminder, each a range scan
on an index over the moments that fell due since the last tick. Only active pairs; the due
rules are in bot/domain/reminders.py, and whoever switched a kind off is left out when the
notices are queued (bot/domain/notify.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import aiosqlite

from storage.meetings import meeting_columns, meeting_from_row
from storage.models import Meeting, from_db_time, to_db_time
from storage.names import PersonName
from storage.rules import milestone_to_report
from storage.sql import fetch_all, fetch_one

# The pair's two people and their names (whether each wants a kind, bot/domain/notify decides).
_A_DAY = timedelta(days=1)  # the UTC day of pairs.counted_from against the local one

_SIDES = (
    "pr.mentor_id, pr.mentee_id, a.full_name AS mentor_name, b.full_name AS mentee_name,"
    " a.gender AS mentor_gender, b.gender AS mentee_gender"
)
_PAIR_JOIN = (
    " JOIN pairs pr ON pr.id = {pair} AND pr.status = 'active'"
    " JOIN people a ON a.id = pr.mentor_id JOIN people b ON b.id = pr.mentee_id"
)


@dataclass(frozen=True, slots=True)
class Sides:
    """A pair's mentor and mentee."""

    pair_id: int
    mentor_id: int
    mentee_id: int
    mentor_name: str
    mentee_name: str


@dataclass(frozen=True, slots=True)
class MeetingDue:
    meeting: Meeting
    sides: Sides
    changed_at: datetime  # its last change: a proposal waits for an answer from then


@dataclass(frozen=True, slots=True)
class MilestoneDue:
    id: int
    title: str
    due: date
    status: str
    submission: int
    submitted_at: datetime | None
    sides: Sides


@dataclass(frozen=True, slots=True)
class QuestionDue:
    id: int
    text: str
    asked_at: datetime
    sides: Sides


@dataclass(frozen=True, slots=True)
class PairDue:
    sides: Sides
    start: date
    end: date
    plan_status: str | None
    last_held: datetime | None  # the start of its latest held meeting
    entered_at: datetime  # when the pair was entered in the bot


@dataclass(frozen=True, slots=True)
class PairObjects:
    meetings: list[int]
    milestones: list[int]
    questions: list[int]


def _sides(row: aiosqlite.Row, pair_id: int) -> Sides:
    return Sides(
        pair_id=pair_id,
        mentor_id=row["mentor_id"],
        mentee_id=row["mentee_id"],
        mentor_name=PersonName(row["mentor_name"], row["mentor_gender"]),
        mentee_name=PersonName(row["mentee_name"], row["mentee_gender"]),
    )


class RemindersRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    # --- where the tick got to ----------------------------------------------------------------

    async def done_until(self, name: str) -> datetime | None:
        row = await fetch_one(
            self.conn, "SELECT done_until FROM scheduler_marks WHERE name = ?", (name,)
        )
        return from_db_time(row[0]) if row else None

    async def set_done_until(self, name: str, moment: datetime) -> None:
        await self.conn.execute(
            "INSERT INTO scheduler_marks (name, done_until) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET done_until = excluded.done_until",
            (name, to_db_time(moment)),
        )

    async def set_switch(self, person_id: int, kind: str, enabled: bool) -> None:
        await self.conn.execute(
            "INSERT INTO reminder_switches (person_id, kind, enabled) VALUES (?, ?, ?)"
            " ON CONFLICT (person_id, kind) DO UPDATE SET enabled = excluded.enabled",
            (person_id, kind, int(enabled)),
        )

    async def switched_off(self, person_id: int) -> set[str]:
        """The kinds a person switched off (a kind never switched is on)."""
        rows = await fetch_all(
            self.conn,
            "SELECT kind FROM reminder_switches WHERE person_id = ? AND enabled = 0",
            (person_id,),
        )
        return {row[0] for row in rows}

    async def switched_off_among(self, kinds: list[str]) -> set[tuple[int, str]]:
        """(person, kind) for everyone who switched one of these kinds off (a few rows: a kind
        never switched is on)."""
        rows = await fetch_all(
            self.conn,
            "SELECT person_id, kind FROM reminder_switches WHERE enabled = 0"
            " AND kind IN (SELECT value FROM json_each(?))",
            (json.dumps(kinds),),
        )
        return {(row[0], row[1]) for row in rows}

    # --- meetings -----------------------------------------------------------------------------

    async def _meetings(self, where: str, **params: Any) -> list[MeetingDue]:
        rows = await fetch_all(
            self.conn,
            f"SELECT {meeting_columns('m')}, m.updated_at, {_SIDES} FROM meetings m"
            + _PAIR_JOIN.format(pair="m.pair_id")
            + f" WHERE {where} ORDER BY m.starts_at, m.id",
            params,
        )
        return [
            MeetingDue(
                meeting_from_row(row), _sides(row, row["pair_id"]), from_db_time(row["updated_at"])
            )
            for row in rows
        ]

    async def meetings_starting(
        self, status: str, after: datetime, until: datetime
    ) -> list[MeetingDue]:
        """Meetings in `status` that start in (after, until] (the (status, starts_at) index)."""
        return await self._meetings(
            "m.status = :status AND m.starts_at > :after AND m.starts_at <= :until",
            status=status,
            after=to_db_time(after),
            until=to_db_time(until),
        )

    async def proposals_changed(self, after: datetime, until: datetime) -> list[MeetingDue]:
        """Proposals (not logged ones) last changed in (after, until], still waiting for an
        answer (the (status, updated_at) index)."""
        return await self._meetings(
            "m.status = 'proposed' AND m.logged = 0"
            " AND m.updated_at > :after AND m.updated_at <= :until",
            after=to_db_time(after),
            until=to_db_time(until),
        )

    # --- milestones ---------------------------------------------------------------------------

    async def _milestones(self, where: str, **params: Any) -> list[MilestoneDue]:
        rows = await fetch_all(
            self.conn,
            "SELECT ms.id, ms.title, ms.due_date, ms.status, ms.submission, ms.submitted_at,"
            f" pl.pair_id, {_SIDES} FROM milestones ms JOIN plans pl ON pl.id = ms.plan_id"
            + _PAIR_JOIN.format(pair="pl.pair_id")
            + f" WHERE {where} ORDER BY ms.due_date, ms.id",
            params,
        )
        return [
            MilestoneDue(
                id=row["id"],
                title=row["title"],
                due=date.fromisoformat(row["due_date"]),
                status=row["status"],
                submission=row["submission"],
                submitted_at=from_db_time(row["submitted_at"]) if row["submitted_at"] else None,
                sides=_sides(row, row["pair_id"]),
            )
            for row in rows
        ]

    async def milestones_due_between(self, first: date, last: date) -> list[MilestoneDue]:
        """Milestones still to report (planned or returned) due in [first, last]."""
        return await self._milestones(
            f"{milestone_to_report('ms')} AND ms.due_date BETWEEN :first AND :last",
            first=first.isoformat(),
            last=last.isoformat(),
        )

    async def milestones_overdue_on(self, first: date, last: date) -> list[MilestoneDue]:
        """Milestones still to report whose deadline passed and that have a weekly overdue day
        (the day after the deadline, then every 7 days) in [first, last]."""
        return await self._milestones(
            f"{milestone_to_report('ms')} AND ms.due_date < :last"
            " AND (CAST(julianday(:last) - julianday(ms.due_date) AS INTEGER) - 1) % 7"
            " <= CAST(julianday(:last) - julianday(:first) AS INTEGER)",
            first=first.isoformat(),
            last=last.isoformat(),
        )

    async def milestones_submitted(self, after: datetime, until: datetime) -> list[MilestoneDue]:
        """Milestones on review that were submitted in (after, until]."""
        return await self._milestones(
            "ms.status = 'submitted' AND ms.submitted_at > :after AND ms.submitted_at <= :until",
            after=to_db_time(after),
            until=to_db_time(until),
        )

    # --- questions, plans, pairs ----------------------------------------------------------------

    async def questions_asked(self, after: datetime, until: datetime) -> list[QuestionDue]:
        """Questions still open that were asked in (after, until] (the (status, asked_at)
        index)."""
        rows = await fetch_all(
            self.conn,
            f"SELECT q.id, q.text, q.asked_at, q.pair_id, {_SIDES} FROM questions q"
            + _PAIR_JOIN.format(pair="q.pair_id")
            + " WHERE q.status = 'open' AND q.asked_at > :after AND q.asked_at <= :until"
            " ORDER BY q.asked_at, q.id",
            {"after": to_db_time(after), "until": to_db_time(until)},
        )
        return [
            QuestionDue(
                id=row["id"],
                text=row["text"],
                asked_at=from_db_time(row["asked_at"]),
                sides=_sides(row, row["pair_id"]),
            )
            for row in rows
        ]

    async def _pairs(self, where: str, **params: Any) -> list[PairDue]:
        rows = await fetch_all(
            self.conn,
            "SELECT pr.id AS pair_id, pr.start_date, pr.end_date, pl.status AS plan_status,"
            " pr.created_at, (SELECT MAX(h.starts_at) FROM meetings h WHERE h.pair_id = pr.id"
            f" AND h.status = 'held') AS last_held, {_SIDES} FROM pairs pr"
            " JOIN people a ON a.id = pr.mentor_id JOIN people b ON b.id = pr.mentee_id"
            " LEFT JOIN plans pl ON pl.pair_id = pr.id"
            f" WHERE {where} ORDER BY pr.id",
            params,
        )
        return [
            PairDue(
                sides=_sides(row, row["pair_id"]),
                start=date.fromisoformat(row["start_date"]),
                end=date.fromisoformat(row["end_date"]),
                plan_status=row["plan_status"],
                last_held=from_db_time(row["last_held"]) if row["last_held"] else None,
                entered_at=from_db_time(row["created_at"]),
            )
            for row in rows
        ]

    async def pairs_counted_between(self, first: date, last: date) -> list[PairDue]:
        """Active pairs whose plan is not approved yet, counted from (started, or entered in
        the bot) around [first, last]: a day wider on each side, for the UTC day the column
        keeps; bot/domain/attention.py `counted_from` decides."""
        return await self._pairs(
            "pr.status = 'active' AND pr.counted_from BETWEEN :first AND :last"
            " AND COALESCE(pl.status, '') <> 'approved'",
            first=(first - _A_DAY).isoformat(),
            last=(last + _A_DAY).isoformat(),
        )

    async def pairs_ending_between(self, first: date, last: date) -> list[PairDue]:
        return await self._pairs(
            "pr.status = 'active' AND pr.end_date BETWEEN :first AND :last",
            first=first.isoformat(),
            last=last.isoformat(),
        )

    async def pairs_quiet_since(
        self, after: datetime, until: datetime, first: date, last: date
    ) -> list[PairDue]:
        """Active pairs whose last held meeting started in (after, until], or with none held
        counted from around [first, last] (see pairs_counted_between): those whose quiet time
        may end in the tick's window."""
        held_in = (
            "pr.id IN (SELECT m.pair_id FROM meetings m WHERE m.status = 'held'"
            " AND m.starts_at > :after AND m.starts_at <= :until AND NOT EXISTS ("
            "SELECT 1 FROM meetings n WHERE n.pair_id = m.pair_id AND n.status = 'held'"
            " AND n.starts_at > m.starts_at))"
        )
        none_held = (
            "pr.status = 'active' AND pr.counted_from BETWEEN :first AND :last"
            " AND NOT EXISTS (SELECT 1 FROM meetings n WHERE n.pair_id = pr.id"
            " AND n.status = 'held')"
        )
        # `+pr.status` keeps the planner off the (status, …) index for the whole OR, which
        # would read every active pair: each side then searches its own index.
        return await self._pairs(
            f"+pr.status = 'active' AND ({held_in} OR ({none_held}))",
            after=to_db_time(after),
            until=to_db_time(until),
            first=(first - _A_DAY).isoformat(),
            last=(last + _A_DAY).isoformat(),
        )

    # --- an ended pair --------------------------------------------------------------------------

    async def objects_of_pair(self, pair_id: int) -> PairObjects:
        """The meetings, milestones and questions of a pair, whose reminders it ends."""
        rows = await fetch_all(
            self.conn,
            "SELECT 'meeting', id FROM meetings WHERE pair_id = :pair"
            " UNION ALL SELECT 'milestone', ms.id FROM milestones ms"
            " JOIN plans pl ON pl.id = ms.plan_id WHERE pl.pair_id = :pair"
            " UNION ALL SELECT 'question', id FROM questions WHERE pair_id = :pair",
            {"pair": pair_id},
        )
        found: dict[str, list[int]] = {"meeting": [], "milestone": [], "question": []}
        for row in rows:
            found[row[0]].append(row[1])
        return PairObjects(found["meeting"], found["milestone"], found["question"])

    async def cancel_pending_many(
        self, subjects: list[str], reason: str, *, person_id: int | None = None
    ) -> int:
        """What is not sent yet about any of these subjects (to `person_id` only, when given)
        is no longer wanted."""
        if not subjects:
            return 0
        cur = await self.conn.execute(
            "UPDATE outbox SET status = 'cancelled', last_error = ? WHERE status = 'pending'"
            " AND subject IN (SELECT value FROM json_each(?)) AND (? IS NULL OR person_id = ?)",
            (reason, json.dumps(subjects), person_id, person_id),
        )
        return cur.rowcount

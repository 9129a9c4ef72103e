"""The effectiveness questionnaires: a form per pair, round and side, its scores item by item,
and the reads of the tick (rounds falling due, forms to remind of), of /stats and the export.
Changes are guarded in SQL (`WHERE status = 'open'`), so a stale or doubled press changes no
row and the caller learns it from the row count."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import aiosqlite

from storage.models import from_db_time, to_db_time
from storage.names import PersonName
from storage.reminders import _PAIR_JOIN, _SIDES, Sides, _sides
from storage.sql import fetch_all, fetch_one

_FORM = (
    "SELECT f.id, f.pair_id, f.round, f.side, f.person_id, f.status, f.comment, f.shared,"
    " f.opened_at, f.answered_at FROM feedback_forms f"
)


@dataclass(frozen=True, slots=True)
class FeedbackForm:
    id: int
    pair_id: int
    round: str  # mid | final | asked:<local date>
    side: str  # mentee | mentor: who answers, and so which items
    person_id: int
    status: str  # open | done
    comment: str | None
    shared: bool  # a mentee's comment the mentor may read
    opened_at: datetime
    answered_at: datetime | None
    scores: dict[str, int] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.status == "done"


@dataclass(frozen=True, slots=True)
class RoundDue:
    """An active pair whose mid-period or final round falls on a day of the window."""

    sides: Sides
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class FormDue:
    """An open form, with its pair's people, to remind its person of."""

    form: FeedbackForm
    sides: Sides


@dataclass(frozen=True, slots=True)
class AnsweredRow:
    """A form answered, for /stats, the export and the reports."""

    pair_id: int
    department: str  # the mentee's
    mentor: str
    mentee: str
    round: str
    side: str
    answered_at: datetime
    comment: str | None
    shared: bool
    scores: dict[str, int]


def _form(row: aiosqlite.Row, scores: dict[str, int] | None = None) -> FeedbackForm:
    return FeedbackForm(
        id=row[0],
        pair_id=row[1],
        round=row[2],
        side=row[3],
        person_id=row[4],
        status=row[5],
        comment=row[6],
        shared=bool(row[7]),
        opened_at=from_db_time(row[8]),
        answered_at=from_db_time(row[9]) if row[9] else None,
        scores=scores or {},
    )


class FeedbackRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def _scores(self, form_ids: list[int]) -> dict[int, dict[str, int]]:
        found: dict[int, dict[str, int]] = {form_id: {} for form_id in form_ids}
        for chunk in range(0, len(form_ids), 500):
            ids = form_ids[chunk : chunk + 500]
            marks = ",".join("?" * len(ids))
            for row in await fetch_all(
                self.conn,
                f"SELECT form_id, item, score FROM feedback_scores WHERE form_id IN ({marks})",
                ids,
            ):
                found[row[0]][row[1]] = row[2]
        return found

    async def open(
        self, pair_id: int, round_: str, answering: list[tuple[str, int]], now: datetime
    ) -> list[FeedbackForm]:
        """The round's forms, one per (side, person) not there yet; returns the new ones."""
        made = []
        for side, person_id in answering:
            cursor = await self.conn.execute(
                "INSERT INTO feedback_forms (pair_id, round, side, person_id, opened_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (pair_id, round, side) DO NOTHING",
                (pair_id, round_, side, person_id, to_db_time(now)),
            )
            if cursor.rowcount:
                form = await self.get(int(cursor.lastrowid or 0))
                if form is not None:
                    made.append(form)
        return made

    async def get(self, form_id: int) -> FeedbackForm | None:
        row = await fetch_one(self.conn, f"{_FORM} WHERE f.id = ?", (form_id,))
        if row is None:
            return None
        return _form(row, (await self._scores([form_id]))[form_id])

    async def open_of_pair(self, pair_id: int) -> list[FeedbackForm]:
        rows = await fetch_all(
            self.conn, f"{_FORM} WHERE f.pair_id = ? AND f.status = 'open' ORDER BY f.id",
            (pair_id,),
        )  # fmt: skip
        return [_form(row) for row in rows]

    async def set_score(self, form_id: int, item: str, score: int) -> bool:
        """Only while the form is open."""
        cursor = await self.conn.execute(
            "INSERT INTO feedback_scores (form_id, item, score) SELECT id, ?, ?"
            " FROM feedback_forms WHERE id = ? AND status = 'open'"
            " ON CONFLICT (form_id, item) DO UPDATE SET score = excluded.score",
            (item, score, form_id),
        )
        return cursor.rowcount > 0

    async def finish(self, form_id: int, comment: str | None, now: datetime) -> bool:
        cursor = await self.conn.execute(
            "UPDATE feedback_forms SET status = 'done', comment = ?, answered_at = ?"
            " WHERE id = ? AND status = 'open'",
            (comment, to_db_time(now), form_id),
        )
        return cursor.rowcount > 0

    async def share(self, form_id: int) -> bool:
        """A mentee's comment, once, for their mentor to read."""
        cursor = await self.conn.execute(
            "UPDATE feedback_forms SET shared = 1 WHERE id = ? AND status = 'done'"
            " AND side = 'mentee' AND shared = 0 AND comment IS NOT NULL",
            (form_id,),
        )
        return cursor.rowcount > 0

    async def rounds_between(self, first: date, last: date, before_end: int) -> list[RoundDue]:
        """Active pairs whose middle day (`pairs.midpoint`, migration 016), or the day
        `before_end` days before their end, is from `first` to `last` (local dates); each by
        a range of its index."""
        select = (
            f"SELECT pr.id, pr.start_date, pr.end_date, {_SIDES} FROM pairs pr"
            " JOIN people a ON a.id = pr.mentor_id JOIN people b ON b.id = pr.mentee_id"
        )
        shift = timedelta(days=before_end)
        rows = await fetch_all(
            self.conn,
            f"{select} WHERE pr.status = 'active' AND pr.midpoint BETWEEN ? AND ?"
            f" UNION {select} WHERE pr.status = 'active' AND pr.end_date BETWEEN ? AND ?",
            (
                first.isoformat(), last.isoformat(), (first + shift).isoformat(),
                (last + shift).isoformat(),
            ),
        )  # fmt: skip
        return [
            RoundDue(
                _sides(row, row["id"]),
                date.fromisoformat(row["start_date"]),
                date.fromisoformat(row["end_date"]),
            )
            for row in rows
        ]

    async def open_since(self, since: datetime, until: datetime) -> list[FormDue]:
        """Open forms of active pairs opened in (since, until]."""
        rows = await fetch_all(
            self.conn,
            f"SELECT f.id, f.pair_id, f.round, f.side, f.person_id, f.status, f.comment,"
            f" f.shared, f.opened_at, f.answered_at, {_SIDES} FROM feedback_forms f"
            + _PAIR_JOIN.format(pair="f.pair_id")
            + " WHERE f.status = 'open' AND f.opened_at > ? AND f.opened_at <= ?",
            (to_db_time(since), to_db_time(until)),
        )
        return [FormDue(_form(row), _sides(row, row[1])) for row in rows]

    async def answered_between(self, since: datetime, until: datetime) -> list[AnsweredRow]:
        """Forms answered in [since, until), any pair's."""
        return await self._answered(
            "f.answered_at >= ? AND f.answered_at < ?", (to_db_time(since), to_db_time(until))
        )

    async def answered_of_pair(self, pair_id: int) -> list[AnsweredRow]:
        return await self._answered("f.pair_id = ?", (pair_id,))

    async def _answered(self, where: str, params: tuple[object, ...]) -> list[AnsweredRow]:
        rows = await fetch_all(
            self.conn,
            "SELECT f.id, f.pair_id, COALESCE(b.department, ''), a.full_name, a.gender,"
            " b.full_name, b.gender, f.round, f.side, f.answered_at, f.comment, f.shared"
            " FROM feedback_forms f JOIN pairs pr ON pr.id = f.pair_id"
            " JOIN people a ON a.id = pr.mentor_id JOIN people b ON b.id = pr.mentee_id"
            f" WHERE f.status = 'done' AND {where} ORDER BY f.answered_at, f.id",
            params,
        )
        scores = await self._scores([row[0] for row in rows])
        return [
            AnsweredRow(
                pair_id=row[1],
                department=row[2],
                mentor=PersonName(row[3], row[4]),
                mentee=PersonName(row[5], row[6]),
                round=row[7],
                side=row[8],
                answered_at=from_db_time(row[9]),
                comment=row[10],
                shared=bool(row[11]),
                scores=scores[row[0]],
            )
            for row in rows
        ]

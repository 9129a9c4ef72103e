"""Questions of a mentee to their mentor: open → answered → resolved (or open → resolved)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.models import FileKind, Question, QuestionStatus, from_db_time, to_db_time
from storage.names import PersonName
from storage.sql import fetch_all, fetch_one

_SELECT = (
    "SELECT q.id, q.pair_id, p.mentor_id, p.mentee_id, q.text, q.file_id, q.file_kind,"
    " q.ask_message_id, q.status, q.asked_at, q.answered_at, q.resolved_at,"
    " mentor.full_name AS mentor_name, mentee.full_name AS mentee_name,"
    " mentor.gender AS mentor_gender, mentee.gender AS mentee_gender"
    " FROM questions q JOIN pairs p ON p.id = q.pair_id"
    " JOIN people mentor ON mentor.id = p.mentor_id"
    " JOIN people mentee ON mentee.id = p.mentee_id"
)


def _time(text: str | None) -> datetime | None:
    return from_db_time(text) if text else None


def _question(row: aiosqlite.Row) -> Question:
    return Question(
        id=row["id"],
        pair_id=row["pair_id"],
        mentor_id=row["mentor_id"],
        mentee_id=row["mentee_id"],
        text=row["text"],
        file_id=row["file_id"],
        file_kind=FileKind(row["file_kind"]) if row["file_kind"] else None,
        ask_message_id=row["ask_message_id"],
        status=QuestionStatus(row["status"]),
        asked_at=from_db_time(row["asked_at"]),
        answered_at=_time(row["answered_at"]),
        resolved_at=_time(row["resolved_at"]),
        mentor_name=PersonName(row["mentor_name"], row["mentor_gender"]),
        mentee_name=PersonName(row["mentee_name"], row["mentee_gender"]),
    )


class QuestionsRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(
        self,
        *,
        pair_id: int,
        text: str,
        file_id: str | None,
        file_kind: FileKind | None,
        ask_message_id: int | None,
        now: datetime,
    ) -> Question:
        cur = await self.conn.execute(
            "INSERT INTO questions (pair_id, text, file_id, file_kind, ask_message_id, asked_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                pair_id,
                text,
                file_id,
                file_kind.value if file_kind else None,
                ask_message_id,
                to_db_time(now),
            ),
        )
        question = await self.get(int(cur.lastrowid or 0))
        if question is None:
            raise LookupError("the question just added is gone")
        return question

    async def get(self, question_id: int) -> Question | None:
        row = await fetch_one(self.conn, f"{_SELECT} WHERE q.id = ?", (question_id,))
        return _question(row) if row else None

    async def open_for_mentor(
        self, mentor_id: int, *, offset: int = 0, limit: int = 8
    ) -> tuple[list[Question], int]:
        """The open questions of the mentor's active pairs, oldest first, and how many."""
        where = " WHERE p.mentor_id = ? AND p.status = 'active' AND q.status = 'open'"
        rows = await fetch_all(
            self.conn,
            f"{_SELECT}{where} ORDER BY q.asked_at, q.id LIMIT ? OFFSET ?",
            (mentor_id, limit, offset),
        )
        total = await fetch_one(
            self.conn,
            f"SELECT COUNT(*) FROM questions q JOIN pairs p ON p.id = q.pair_id{where}",
            (mentor_id,),
        )
        return [_question(row) for row in rows], int(total[0]) if total else 0

    async def mark_answered(
        self,
        question_id: int,
        *,
        by: int,
        text: str,
        file_id: str | None,
        file_kind: FileKind | None,
        now: datetime,
    ) -> bool:
        """False when the question is not open any more (answered or resolved meanwhile)."""
        cur = await self.conn.execute(
            "UPDATE questions SET status = 'answered', answer_text = ?, answer_file_id = ?,"
            " answer_file_kind = ?, answered_by = ?, answered_at = ?"
            " WHERE id = ? AND status = 'open'",
            (
                text,
                file_id,
                file_kind.value if file_kind else None,
                by,
                to_db_time(now),
                question_id,
            ),
        )
        return cur.rowcount == 1

    async def mark_resolved(self, question_id: int, now: datetime) -> bool:
        """False when it was resolved already."""
        cur = await self.conn.execute(
            "UPDATE questions SET status = 'resolved', resolved_at = ?"
            " WHERE id = ? AND status IN ('open', 'answered')",
            (to_db_time(now), question_id),
        )
        return cur.rowcount == 1

    async def open_count(self, pair_id: int) -> int:
        row = await fetch_one(
            self.conn,
            "SELECT COUNT(*) FROM questions WHERE pair_id = ? AND status = 'open'",
            (pair_id,),
        )
        return int(row[0]) if row else 0

    async def open_ids(self, pair_id: int) -> list[int]:
        rows = await fetch_all(
            self.conn,
            "SELECT id FROM questions WHERE pair_id = ? AND status = 'open' ORDER BY id",
            (pair_id,),
        )
        return [int(row[0]) for row in rows]

    async def move_open(self, from_pair_id: int, to_pair_id: int) -> None:
        """A reassigned pair's open questions go on with its continuation (the new mentor)."""
        await self.conn.execute(
            "UPDATE questions SET pair_id = ? WHERE pair_id = ? AND status = 'open'",
            (to_pair_id, from_pair_id),
        )

"""Everything the bot stores about one person, for /mydata: their row, their pairs with the
plans, meetings and questions of those pairs (they are a party to each), the questionnaires
they answered (their own only), the reminders they switched off, the messages queued for them,
and an access request they made. Plain rows as dictionaries, ready to be written as JSON."""

from __future__ import annotations

from typing import Any

import aiosqlite

from storage.sql import fetch_all

Rows = list[dict[str, Any]]


class PersonalDataRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def _all(self, sql: str, *params: Any) -> Rows:
        return [dict(row) for row in await fetch_all(self.conn, sql, params)]

    async def of_person(self, person_id: int) -> dict[str, Rows]:
        pairs = "SELECT id FROM pairs WHERE mentor_id = ? OR mentee_id = ?"
        return {
            "person": await self._all(
                "SELECT id, full_name, role, is_admin, department, username, telegram_id,"
                " language, active, blocked_at, first_seen_at, created_at, updated_at"
                " FROM people WHERE id = ?",
                person_id,
            ),
            "pairs": await self._all(
                "SELECT p.id, p.kind, p.start_date, p.end_date, p.order_ref, p.status,"
                " p.closed_at, p.close_reason, a.full_name AS mentor, b.full_name AS mentee"
                " FROM pairs p JOIN people a ON a.id = p.mentor_id"
                " JOIN people b ON b.id = p.mentee_id WHERE p.mentor_id = ? OR p.mentee_id = ?"
                " ORDER BY p.id",
                person_id,
                person_id,
            ),
            "plan": await self._all(
                "SELECT pl.pair_id, ms.position, ms.title, ms.due_date, ms.status, ms.comment,"
                " ms.mentor_comment, ms.submitted_at, ms.decided_at FROM milestones ms"
                f" JOIN plans pl ON pl.id = ms.plan_id WHERE pl.pair_id IN ({pairs})"
                " ORDER BY pl.pair_id, ms.due_date, ms.position",
                person_id,
                person_id,
            ),
            "meetings": await self._all(
                "SELECT pair_id, starts_at, duration_min, format, topic, status, content, result,"
                f" task, created_at FROM meetings WHERE pair_id IN ({pairs}) ORDER BY starts_at",
                person_id,
                person_id,
            ),
            "questions": await self._all(
                "SELECT pair_id, text, status, asked_at, answer_text, answered_at FROM questions"
                f" WHERE pair_id IN ({pairs}) ORDER BY asked_at",
                person_id,
                person_id,
            ),
            "questionnaires": await self._all(
                "SELECT f.pair_id, f.round, f.side, f.status, f.comment, f.shared, f.answered_at,"
                " (SELECT json_group_object(s.item, s.score) FROM feedback_scores s"
                " WHERE s.form_id = f.id) AS scores FROM feedback_forms f WHERE f.person_id = ?"
                " ORDER BY f.id",
                person_id,
            ),
            "reminders_off": await self._all(
                "SELECT kind FROM reminder_switches WHERE person_id = ? AND enabled = 0",
                person_id,
            ),
            "messages_queued": await self._all(
                "SELECT kind, status, created_at, sent_at FROM outbox"
                " WHERE person_id = ? AND method = 'send' ORDER BY id",
                person_id,
            ),
        }

    async def access_request(self, telegram_id: int) -> Rows:
        return await self._all(
            "SELECT username, display_name, status, created_at, decided_at FROM access_requests"
            " WHERE telegram_id = ?",
            telegram_id,
        )

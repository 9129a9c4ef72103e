"""Everything the bot stores about one person, for /mydata: their row, their pairs with the
plans, meetings and questions of those pairs (they are a party to each), the questionnaires
they answered (their own only), the reminders they switched off, the messages queued for them,
and an access request they made. Plain rows as dictionaries, ready to be written as JSON.

And the erasure of a person who left (`erase`): what names or reaches them goes; the rows the
programme's figures count stay, under a label."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from storage.models import to_db_time
from storage.names import name_key
from storage.sql import fetch_all, fetch_one

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
                " language, active, blocked_at, first_seen_at, consent_version, consent_at,"
                " consent_withdrawn_at, created_at, updated_at"
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

    async def erase(self, person_id: int, label: str, now: datetime) -> bool:
        """Their name becomes `label`; their @username, Telegram id and language go, with their
        access request, invites, reminder switches and anything queued for them; the messages
        the outbox keeps (to them and to others) lose their name. Their department, role, pairs,
        plans, meetings, questions and questionnaires stay, so every figure stays right. What
        people typed (a question, a comment) is theirs to have written and stays as it is.
        False when there is no such person."""
        row = await fetch_one(
            self.conn, "SELECT full_name, telegram_id FROM people WHERE id = ?", (person_id,)
        )
        if row is None:
            return False
        old_name, telegram_id = row["full_name"], row["telegram_id"]
        await self.conn.execute(
            "UPDATE people SET full_name = ?, name_key = ?, username = NULL, telegram_id = NULL,"
            " language = NULL, blocked_at = NULL, commands_menu = NULL, linked_by_username = 0,"
            " name_from_telegram = 0, updated_at = ? WHERE id = ?",
            (label, name_key(label), to_db_time(now), person_id),
        )
        await self.conn.execute(
            "DELETE FROM access_requests WHERE person_id = ? OR telegram_id = ?",
            (person_id, telegram_id),
        )
        await self.conn.execute("DELETE FROM invites WHERE person_id = ?", (person_id,))
        await self.conn.execute("DELETE FROM reminder_switches WHERE person_id = ?", (person_id,))
        # Their chat is forgotten: what waits for them is cancelled, what was sent keeps no id.
        await self.conn.execute(
            "UPDATE outbox SET status = 'cancelled' WHERE person_id = ? AND status = 'pending'",
            (person_id,),
        )
        await self.conn.execute(
            "UPDATE outbox SET chat_id = NULL, sent_chat_id = NULL WHERE person_id = ?",
            (person_id,),
        )
        if telegram_id is not None:  # messages to their account from before it was linked
            stranger = "SELECT id FROM outbox WHERE person_id IS NULL AND chat_id = ?"
            await self.conn.execute(
                f"DELETE FROM outbox_attempts WHERE outbox_id IN ({stranger})", (telegram_id,)
            )
            await self.conn.execute(
                "DELETE FROM outbox WHERE person_id IS NULL AND chat_id = ?", (telegram_id,)
            )
        # The texts kept to render or edit a message name people by their arguments (as JSON,
        # the way bot.notices.args_json writes them) or, in rows from before, in ready text.
        in_json = json.dumps(old_name, ensure_ascii=False)[1:-1]
        await self.conn.execute(
            "UPDATE outbox SET text_args = REPLACE(text_args, ?, ?) WHERE instr(text_args, ?) > 0",
            (in_json, json.dumps(label, ensure_ascii=False)[1:-1], in_json),
        )
        await self.conn.execute(
            "UPDATE outbox SET text = REPLACE(text, ?, ?) WHERE instr(text, ?) > 0",
            (old_name, label, old_name),
        )
        return True

"""The outbox: messages recorded with a unique key in the transaction that causes them, then
sent once by the scheduler's sender — to a person, or to a chat that is no person yet — and
edits of messages it sent earlier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.models import (
    FileKind,
    OutboxMessage,
    OutboxMethod,
    QueuedNotice,
    from_db_time,
    to_db_time,
)
from storage.sql import fetch_all, fetch_one


@dataclass(frozen=True, slots=True)
class WithButtons:
    """A sent message that still shows its buttons: its text, ready or by catalog key."""

    id: int
    person_id: int | None
    text: str
    text_key: str | None
    text_args: str | None


@dataclass(frozen=True, slots=True)
class SentCopy:
    """A message the outbox holds for a subject (a copy of a request, say)."""

    id: int
    person_id: int | None
    status: str


class OutboxRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def enqueue(
        self,
        key: str,
        person_id: int | None,
        text: str,
        now: datetime,
        not_before: datetime | None = None,
        *,
        chat_id: int | None = None,
        personal: bool = False,
        markup: str | None = None,
        subject: str | None = None,
        file_id: str | None = None,
        file_kind: FileKind | None = None,
        reply_to_message_id: int | None = None,
        text_key: str | None = None,
        text_args: str | None = None,
        buttons: str | None = None,
        stale_at: datetime | None = None,
    ) -> bool:
        """Record a message to a person (or, with no person, to `chat_id`); False when one with
        this key exists (already due or sent). `personal` marks a message between people.
        With `file_id` it is a photo or document and `text` its caption (≤ 1024 rendered
        characters: the caller bounds it); `reply_to_message_id` is in the recipient's chat.
        With `text_key` (and its JSON `text_args`, `buttons`) the text is rendered when sent,
        in the recipient's language then, and `text` and `markup` are not used. From
        `stale_at` on it no longer holds: the sender skips it rather than send it late."""
        if (file_id is None) != (file_kind is None):
            raise ValueError("a file needs both its file_id and its kind")
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO outbox (key, person_id, chat_id, subject, personal, text,"
            " markup, not_before, created_at, file_id, file_kind, reply_to_message_id,"
            " text_key, text_args, buttons, stale_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                person_id,
                chat_id,
                subject,
                int(personal),
                text,
                markup,
                to_db_time(not_before or now),
                to_db_time(now),
                file_id,
                file_kind.value if file_kind else None,
                reply_to_message_id,
                text_key,
                text_args,
                buttons,
                _db_time(stale_at),
            ),
        )
        return cur.rowcount == 1

    async def enqueue_notices(self, notices: list[QueuedNotice], now: datetime) -> int:
        """Notices by catalog key, in one statement; keys already there are kept (a notice is
        queued once however many ticks find it due). Returns how many are new."""
        before = self.conn.total_changes
        await self.conn.executemany(
            "INSERT OR IGNORE INTO outbox (key, person_id, subject, text, text_key, text_args,"
            " buttons, not_before, created_at, stale_at) VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, ?)",
            [
                (
                    n.key,
                    n.person_id,
                    n.subject,
                    n.text_key,
                    n.text_args,
                    n.buttons,
                    to_db_time(n.not_before),
                    to_db_time(now),
                    _db_time(n.stale_at),
                )
                for n in notices
            ],
        )
        return self.conn.total_changes - before

    async def enqueue_many(self, notices: list[tuple[str, int, str]], now: datetime) -> None:
        """Notices (key, person id, text) due now, in one statement; existing keys are kept."""
        moment = to_db_time(now)
        await self.conn.executemany(
            "INSERT OR IGNORE INTO outbox (key, person_id, text, not_before, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(key, person_id, text, moment, moment) for key, person_id, text in notices],
        )

    async def enqueue_edit(
        self,
        key: str,
        edit_of: int,
        text: str,
        now: datetime,
        *,
        markup: str | None = None,
        text_key: str | None = None,
        text_args: str | None = None,
    ) -> bool:
        """Change the message that row `edit_of` sends (or sent); due once it has been sent.
        The edit of a photo or document changes its caption (the edit keeps its file kind).
        With `text_key` the new text is rendered when sent, in the recipient's language."""
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO outbox (key, person_id, chat_id, method, edit_of, subject,"
            " personal, text, markup, not_before, created_at, file_id, file_kind,"
            " text_key, text_args)"
            " SELECT ?, person_id, chat_id, 'edit', id, subject, 1, ?, ?, ?, ?, file_id,"
            " file_kind, ?, ? FROM outbox WHERE id = ?",
            (key, text, markup, to_db_time(now), to_db_time(now), text_key, text_args, edit_of),
        )
        return cur.rowcount == 1

    async def copies(self, subject: str) -> list[SentCopy]:
        """The messages sent (or still to send) about a subject, edits left out."""
        rows = await fetch_all(
            self.conn,
            "SELECT id, person_id, status FROM outbox"
            " WHERE subject = ? AND method = 'send' ORDER BY id",
            (subject,),
        )
        return [SentCopy(row[0], row[1], row[2]) for row in rows]

    async def sent_with_buttons(
        self, subject: str, *, except_person: int | None = None
    ) -> list[WithButtons]:
        """The messages about a subject that went out with buttons and have no edit yet (an
        edit that takes the buttons away is made once)."""
        rows = await fetch_all(
            self.conn,
            "SELECT o.id, o.person_id, o.text, o.text_key, o.text_args FROM outbox o"
            " WHERE o.subject = ? AND o.method = 'send' AND o.status = 'sent'"
            " AND (o.markup IS NOT NULL OR o.buttons IS NOT NULL)"
            " AND (? IS NULL OR o.person_id IS NOT ?)"
            " AND NOT EXISTS (SELECT 1 FROM outbox e"
            " WHERE e.subject = o.subject AND e.edit_of = o.id) ORDER BY o.id",
            (subject, except_person, except_person),
        )
        return [WithButtons(row[0], row[1], row[2], row[3], row[4]) for row in rows]

    async def cancel_pending(self, subject: str, reason: str) -> int:
        """What is not sent yet about a subject is no longer wanted."""
        cur = await self.conn.execute(
            "UPDATE outbox SET status = 'cancelled', last_error = ?"
            " WHERE subject = ? AND status = 'pending'",
            (reason, subject),
        )
        return cur.rowcount

    async def cancel_pending_keyed(self, person_id: int, key_prefix: str, reason: str) -> int:
        """What is not sent yet to a person under keys starting with `key_prefix` (a kind of
        reminder they switched off) is no longer wanted."""
        cur = await self.conn.execute(
            "UPDATE outbox SET status = 'cancelled', last_error = ?"
            " WHERE status = 'pending' AND person_id = ? AND substr(key, 1, ?) = ?",
            (reason, person_id, len(key_prefix), key_prefix),
        )
        return cur.rowcount

    async def due(
        self, now: datetime, limit: int = 100, *, notices: bool = True
    ) -> list[OutboxMessage]:
        """Pending rows due now, oldest first; `notices=False` (quiet hours) keeps to the
        messages between people. An edit waits until the message it changes has gone."""
        rows = await fetch_all(
            self.conn,
            "SELECT o.id, o.key, o.person_id, o.method, o.text, o.markup, o.personal,"
            " o.attempts, o.file_id, o.file_kind, o.reply_to_message_id,"
            " o.text_key, o.text_args, o.buttons, o.stale_at, p.language,"
            " COALESCE(o.chat_id, p.telegram_id) AS chat_id,"
            " (p.id IS NULL OR (p.blocked_at IS NULL AND p.active = 1)) AS reachable,"
            " c.status AS copy_status, c.sent_chat_id AS copy_chat,"
            " c.sent_message_id AS copy_message"
            " FROM outbox o LEFT JOIN people p ON p.id = o.person_id"
            " LEFT JOIN outbox c ON c.id = o.edit_of"
            " WHERE o.status = 'pending' AND o.not_before <= ? AND (o.personal = 1 OR ?)"
            " AND (o.edit_of IS NULL OR c.status <> 'pending')"
            " ORDER BY o.not_before, o.id LIMIT ?",
            (to_db_time(now), int(notices), limit),
        )
        due = []
        for row in rows:
            method = OutboxMethod(row["method"])
            edit = method is OutboxMethod.EDIT
            due.append(
                OutboxMessage(
                    id=row["id"],
                    key=row["key"],
                    person_id=row["person_id"],
                    chat_id=row["copy_chat"] if edit else row["chat_id"],
                    text=row["text"],
                    attempts=row["attempts"],
                    method=method,
                    message_id=row["copy_message"] if edit else None,
                    markup=row["markup"],
                    personal=bool(row["personal"]),
                    # An edit changes a message already there: it is made even after a block.
                    reachable=edit or bool(row["reachable"]),
                    edit_target_lost=edit and row["copy_status"] != "sent",
                    file_id=row["file_id"],
                    file_kind=FileKind(row["file_kind"]) if row["file_kind"] else None,
                    reply_to_message_id=row["reply_to_message_id"],
                    text_key=row["text_key"],
                    text_args=row["text_args"],
                    buttons=row["buttons"],
                    language=row["language"],
                    stale_at=from_db_time(row["stale_at"]) if row["stale_at"] else None,
                )
            )
        return due

    async def is_pending(self, message_id: int) -> bool:
        row = await fetch_one(self.conn, "SELECT status FROM outbox WHERE id = ?", (message_id,))
        return row is not None and row[0] == "pending"

    async def mark_sent(
        self, message_id: int, now: datetime, chat_id: int | None, sent_message_id: int | None
    ) -> None:
        """Recorded whatever the row's status became meanwhile: it did go out."""
        await self.conn.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1,"
            " sent_chat_id = ?, sent_message_id = ? WHERE id = ?",
            (to_db_time(now), chat_id, sent_message_id, message_id),
        )

    async def mark_skipped(self, message_id: int, reason: str) -> None:
        await self.conn.execute(
            "UPDATE outbox SET status = 'skipped', last_error = ? WHERE id = ?",
            (reason, message_id),
        )

    async def retry_later(
        self, message_id: int, error: str, not_before: datetime, *, counts: bool = True
    ) -> None:
        await self.conn.execute(
            "UPDATE outbox SET attempts = attempts + ?, last_error = ?, not_before = ?"
            " WHERE id = ?",
            (int(counts), error, to_db_time(not_before), message_id),
        )

    async def mark_failed(self, message_id: int, error: str) -> None:
        await self.conn.execute(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?"
            " WHERE id = ?",
            (error, message_id),
        )

    async def pending_count(self) -> int:
        row = await fetch_one(self.conn, "SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
        return int(row[0]) if row else 0

    async def counts_by_status(self) -> dict[str, int]:
        """How many rows are in each status (pending, sent, failed, …)."""
        rows = await fetch_all(self.conn, "SELECT status, COUNT(*) FROM outbox GROUP BY status")
        return {row[0]: row[1] for row in rows}


def _db_time(moment: datetime | None) -> str | None:
    return to_db_time(moment) if moment is not None else None

"""The outbox: messages recorded with a unique key in the transaction that causes them, then
sent once by the scheduler's sender — to a person, or to a chat that is no person yet — and
edits of messages it sent earlier."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.models import (
    FileKind,
    OutboxMessage,
    OutboxMethod,
    OutboxRow,
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
class Joining:
    """A notice due for the same person as the one being sent, to go in the same message."""

    id: int
    text_key: str
    text_args: str | None
    buttons: str | None


@dataclass(frozen=True, slots=True)
class SentCopy:
    """A message the outbox holds for a subject (a copy of a request, say)."""

    id: int
    person_id: int | None
    status: str


class OutboxRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(self, rows: list[OutboxRow], now: datetime) -> int:
        """Queue messages in one statement; a key already there is kept (a notice is queued
        once however often it is found due). Returns how many are new. A row for a person who
        has never opened the bot is held (not due) until their first /start (release_held),
        unless the row says it need not be; one for a person who withdrew their consent, until
        they accept again.
        Only bot/domain/notify.py calls this: it fills the rows from a notice's kind."""
        for row in rows:
            if (row.file_id is None) != (row.file_kind is None):
                raise ValueError("a file needs both its file_id and its kind")
            if (row.person_id is None) == (row.chat_id is None):
                raise ValueError("a message goes to a person or to a chat, not both")
        before = self.conn.total_changes
        await self.conn.executemany(
            "INSERT OR IGNORE INTO outbox (key, person_id, chat_id, kind, subject, personal,"
            " text, text_key, text_args, buttons, not_before, created_at, stale_at, file_id,"
            " file_kind, reply_to_message_id, upload_id, held)"
            " VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " COALESCE((SELECT (? AND first_seen_at IS NULL) OR consent_withdrawn_at IS NOT NULL"
            " FROM people WHERE id = ?), 0))",
            [
                (
                    row.key,
                    row.person_id,
                    row.chat_id,
                    row.kind,
                    row.subject,
                    int(row.personal),
                    row.text_key,
                    row.text_args,
                    row.buttons,
                    to_db_time(row.not_before),
                    to_db_time(now),
                    _db_time(row.stale_at),
                    row.file_id,
                    row.file_kind.value if row.file_kind else None,
                    row.reply_to_message_id,
                    row.upload_id,
                    int(row.held_until_seen),
                    row.person_id,
                )
                for row in rows
            ],
        )
        return self.conn.total_changes - before

    async def add_upload(self, data: bytes, filename: str, now: datetime) -> int:
        """A file the bot made, for outbox rows to send (their upload_id)."""
        cursor = await self.conn.execute(
            "INSERT INTO uploads (data, filename, created_at) VALUES (?, ?, ?)",
            (data, filename, to_db_time(now)),
        )
        return int(cursor.lastrowid or 0)

    async def upload(self, upload_id: int) -> tuple[bytes, str, str | None] | None:
        """(data, filename, Telegram's file_id once uploaded)."""
        row = await fetch_one(
            self.conn, "SELECT data, filename, file_id FROM uploads WHERE id = ?", (upload_id,)
        )
        return (bytes(row[0]), row[1], row[2]) if row else None

    async def uploaded(self, upload_id: int, file_id: str) -> None:
        await self.conn.execute(
            "UPDATE uploads SET file_id = ? WHERE id = ? AND file_id IS NULL", (file_id, upload_id)
        )

    async def has_key_prefix(self, prefix: str) -> bool:
        """Whether any row's key starts with `prefix` (by the keys' unique index)."""
        row = await fetch_one(
            self.conn,
            "SELECT 1 FROM outbox WHERE key >= ? AND key < ? LIMIT 1",
            (prefix, prefix + "\U0010ffff"),
        )
        return row is not None

    async def add_ready_texts(self, notices: list[tuple[str, int, str]], now: datetime) -> None:
        """Notices (key, person id, ready text) due now, as rows were queued before texts were
        kept by key: the sender still sends such rows. Tests and benchmarks seed with it."""
        for key, person_id, text in notices:
            await self.add_ready_text(key, text, now, person_id=person_id)

    async def add_ready_text(
        self,
        key: str,
        text: str,
        now: datetime,
        *,
        person_id: int | None = None,
        chat_id: int | None = None,
        markup: str | None = None,
        subject: str | None = None,
        personal: bool = False,
        stale_at: datetime | None = None,
        file_id: str | None = None,
        file_kind: FileKind | None = None,
        reply_to_message_id: int | None = None,
    ) -> bool:
        """One row of ready text (and an inline keyboard as JSON), as rows were queued before
        texts were kept by key. Tests seed the sender with it."""
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO outbox (key, person_id, chat_id, subject, personal, text,"
            " markup, not_before, created_at, stale_at, file_id, file_kind,"
            " reply_to_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                person_id,
                chat_id,
                subject,
                int(personal),
                text,
                markup,
                to_db_time(now),
                to_db_time(now),
                _db_time(stale_at),
                file_id,
                file_kind.value if file_kind else None,
                reply_to_message_id,
            ),
        )
        return cur.rowcount == 1

    async def add_edit(
        self, key: str, edit_of: int, text_key: str, text_args: str, now: datetime
    ) -> bool:
        """Change the message that row `edit_of` sends (or sent); due once it has been sent.
        The edit of a photo or document changes its caption (the edit keeps its file kind).
        Rendered when sent, in the recipient's language; held, as what is queued for them, for
        a person who withdrew their consent. Only bot/domain/notify.py calls it."""
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO outbox (key, person_id, chat_id, kind, method, edit_of,"
            " subject, personal, text, not_before, created_at, file_id, file_kind,"
            " text_key, text_args, held)"
            " SELECT ?, person_id, chat_id, kind, 'edit', id, subject, 1, '', ?, ?, file_id,"
            " file_kind, ?, ?, COALESCE((SELECT consent_withdrawn_at IS NOT NULL FROM people"
            " WHERE people.id = outbox.person_id), 0) FROM outbox WHERE id = ?",
            (key, to_db_time(now), to_db_time(now), text_key, text_args, edit_of),
        )
        return cur.rowcount == 1

    async def release_held(
        self, person_id: int, *, dropped: list[str], older_than: datetime
    ) -> int:
        """The person opened the bot: what was held for them is due now (what no longer holds
        by then is skipped by the sender, by its stale_at), but for the kinds `dropped` and
        what was queued before `older_than`. An edit is never old news: it closes a message
        they have (a withdrawn consent held it), which must not keep its buttons."""
        await self.conn.execute(
            "UPDATE outbox SET status = 'cancelled', last_error = 'old news when opened'"
            " WHERE person_id = ? AND status = 'pending' AND held = 1 AND method = 'send'"
            " AND (kind IN (SELECT value FROM json_each(?)) OR created_at < ?)",
            (person_id, json.dumps(dropped), to_db_time(older_than)),
        )
        cur = await self.conn.execute(
            "UPDATE outbox SET held = 0 WHERE person_id = ? AND status = 'pending' AND held = 1",
            (person_id,),
        )
        return cur.rowcount

    async def hold_pending(self, person_id: int) -> int:
        """What waits for the person is held (not due) until release_held: they withdrew their
        consent. Returns how many rows were held."""
        cur = await self.conn.execute(
            "UPDATE outbox SET held = 1 WHERE person_id = ? AND status = 'pending' AND held = 0",
            (person_id,),
        )
        return cur.rowcount

    async def copies(self, subject: str) -> list[SentCopy]:
        """The messages sent (or still to send) about a subject, edits left out."""
        rows = await fetch_all(
            self.conn,
            "SELECT id, person_id, status FROM outbox"
            " WHERE subject = ? AND method = 'send' ORDER BY id",
            (subject,),
        )
        return [SentCopy(row[0], row[1], row[2]) for row in rows]

    async def sent_as(self, subject: str, chat_id: int, message_id: int) -> bool:
        """Whether that message of that chat is one the outbox sent about a subject."""
        row = await fetch_one(
            self.conn,
            "SELECT 1 FROM outbox WHERE subject = ? AND method = 'send'"
            " AND sent_chat_id = ? AND sent_message_id = ?",
            (subject, chat_id, message_id),
        )
        return row is not None

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

    async def cancel_kind(self, person_id: int, kind: str, reason: str) -> int:
        """What is not sent yet to a person of a kind (one they switched off) is no longer
        wanted."""
        cur = await self.conn.execute(
            "UPDATE outbox SET status = 'cancelled', last_error = ?"
            " WHERE person_id = ? AND status = 'pending' AND kind = ?",
            (reason, person_id, kind),
        )
        return cur.rowcount

    async def due(
        self,
        now: datetime,
        limit: int = 100,
        *,
        notices: bool = True,
        per_chat: int | None = None,
        skip_chats: Collection[int] = (),
    ) -> list[OutboxMessage]:
        """Pending rows due now: messages between people first (a bulk of notices never holds
        one up), then the others; each oldest first, so a retried row keeps its place in its
        chat. `notices=False` (quiet hours) keeps to the messages between people. An edit waits
        until the message it changes has gone; a held row until its person opens the bot.
        `per_chat`: at most so many rows of one chat (the first ones), so that one chat's pile
        never fills the batch; `skip_chats`: chats left out (waiting out a failed call)."""
        chat = (
            "CASE WHEN o.edit_of IS NULL THEN COALESCE(o.chat_id, p.telegram_id)"
            " ELSE c.sent_chat_id END"
        )
        rows = await fetch_all(
            self.conn,
            "SELECT * FROM (SELECT o.id, o.key, o.person_id, o.method, o.text, o.markup,"
            " o.personal, o.attempts, o.file_id, o.file_kind, o.reply_to_message_id,"
            " o.text_key, o.text_args, o.buttons, o.stale_at, o.kind, o.upload_id, p.language,"
            " COALESCE(o.chat_id, p.telegram_id) AS chat_id,"
            " (p.id IS NULL OR (p.blocked_at IS NULL AND p.active = 1)) AS reachable,"
            " c.status AS copy_status, c.sent_chat_id AS copy_chat,"
            " c.sent_message_id AS copy_message,"
            f" ROW_NUMBER() OVER (PARTITION BY COALESCE({chat}, -o.id)"
            " ORDER BY o.personal DESC, o.id) AS nth"
            " FROM outbox o LEFT JOIN people p ON p.id = o.person_id"
            " LEFT JOIN outbox c ON c.id = o.edit_of"
            " WHERE o.status = 'pending' AND o.held = 0 AND o.not_before <= ?"
            " AND (o.personal = 1 OR ?) AND (o.edit_of IS NULL OR c.status <> 'pending')"
            f" AND COALESCE({chat}, 0) NOT IN (SELECT value FROM json_each(?)))"
            " WHERE ? IS NULL OR nth <= ? ORDER BY personal DESC, id LIMIT ?",
            (
                to_db_time(now),
                int(notices),
                json.dumps(sorted(skip_chats)),
                per_chat,
                per_chat,
                limit,
            ),
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
                    kind=row["kind"],
                    upload_id=row["upload_id"],
                )
            )
        return due

    async def joining(
        self, message: OutboxMessage, kinds: Collection[str], now: datetime, limit: int
    ) -> list[Joining]:
        """The other notices of `kinds` due now for the message's person, oldest first, that
        can go in the same message: plain texts kept by key, no file, no reply, still true."""
        rows = await fetch_all(
            self.conn,
            "SELECT id, text_key, text_args, buttons FROM outbox"
            " WHERE person_id = ? AND status = 'pending' AND id <> ? AND held = 0"
            " AND not_before <= ? AND method = 'send' AND personal = 0"
            " AND file_id IS NULL AND reply_to_message_id IS NULL AND text_key IS NOT NULL"
            " AND (stale_at IS NULL OR stale_at > ?)"
            " AND kind IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?",
            (
                message.person_id,
                message.id,
                to_db_time(now),
                to_db_time(now),
                json.dumps(sorted(kinds)),
                limit,
            ),
        )
        return [Joining(row[0], row[1], row[2], row[3]) for row in rows]

    async def is_pending(self, message_id: int) -> bool:
        """Still to send: not sent, cancelled or skipped, nor held since it was read as due (its
        person withdrew their consent meanwhile)."""
        row = await fetch_one(
            self.conn, "SELECT status, held FROM outbox WHERE id = ?", (message_id,)
        )
        return row is not None and row[0] == "pending" and not row[1]

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

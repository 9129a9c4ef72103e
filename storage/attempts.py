"""Each call the sender made for an outbox row and its outcome (migration 010): a record of
what delivery went through, and the marker of a send under way when the bot stopped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import aiosqlite

from storage.models import from_db_time, to_db_time
from storage.sql import fetch_all

ERROR_LIMIT = 300  # characters of an error kept per attempt


class AttemptOutcome(StrEnum):
    IN_FLIGHT = "in_flight"  # the call is being made (left so only by a stopped bot)
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # Telegram's flood wait
    SERVER_ERROR = "server_error"  # a 5xx, or a proxy's page instead of Telegram's JSON
    NETWORK = "network"
    REFUSED = "refused"  # a request Telegram refuses for good
    BLOCKED = "blocked"  # the person blocked the bot, or their account is gone
    ERROR = "error"  # our own fault: the row could not even be sent
    INTERRUPTED = "interrupted"  # the bot stopped during the call: it may have arrived


@dataclass(frozen=True, slots=True)
class Attempt:
    outbox_id: int
    at: datetime
    outcome: AttemptOutcome
    retry_after: int | None
    error: str | None


@dataclass(frozen=True, slots=True)
class Interrupted:
    """A send under way when the bot stopped: its row is still pending."""

    outbox_id: int
    key: str


class AttemptsRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def begin(self, outbox_id: int, now: datetime) -> int:
        """Record, before the call, that it is being made; returns the attempt's id."""
        cur = await self.conn.execute(
            "INSERT INTO outbox_attempts (outbox_id, at, outcome) VALUES (?, ?, 'in_flight')",
            (outbox_id, to_db_time(now)),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def finish(
        self,
        attempt_id: int,
        outcome: AttemptOutcome,
        error: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """The call's outcome: written with the row's new status, in its transaction."""
        await self.conn.execute(
            "UPDATE outbox_attempts SET outcome = ?, error = ?, retry_after = ? WHERE id = ?",
            (outcome.value, _bounded(error), retry_after, attempt_id),
        )

    async def close_interrupted(self) -> list[Interrupted]:
        """Sends left under way by a stopped bot become 'interrupted'; returns them."""
        rows = await fetch_all(
            self.conn,
            "SELECT a.outbox_id, o.key FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id"
            " WHERE a.outcome = 'in_flight' ORDER BY a.id",
        )
        await self.conn.execute(
            "UPDATE outbox_attempts SET outcome = 'interrupted' WHERE outcome = 'in_flight'"
        )
        return [Interrupted(row[0], row[1]) for row in rows]

    async def of(self, outbox_id: int) -> list[Attempt]:
        """A row's attempts, oldest first."""
        rows = await fetch_all(
            self.conn,
            "SELECT outbox_id, at, outcome, retry_after, error FROM outbox_attempts"
            " WHERE outbox_id = ? ORDER BY id",
            (outbox_id,),
        )
        return [
            Attempt(row[0], from_db_time(row[1]), AttemptOutcome(row[2]), row[3], row[4])
            for row in rows
        ]

    async def keys_with(self, outcome: AttemptOutcome) -> list[str]:
        """The keys of the rows that had an attempt ending so, oldest first."""
        rows = await fetch_all(
            self.conn,
            "SELECT o.key FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id"
            " WHERE a.outcome = ? ORDER BY a.id",
            (outcome.value,),
        )
        return [row[0] for row in rows]

    async def outcomes(self) -> dict[str, int]:
        """How many attempts ended each way, over the whole outbox."""
        rows = await fetch_all(
            self.conn, "SELECT outcome, COUNT(*) FROM outbox_attempts GROUP BY outcome"
        )
        return {row[0]: row[1] for row in rows}


def _bounded(error: str | None) -> str | None:
    if error is None or len(error) <= ERROR_LIMIT:
        return error
    return error[: ERROR_LIMIT - 1] + "…"

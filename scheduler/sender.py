"""The outbox sender: drains due notifications under Telegram's limits, once each."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from scheduler.clock import Clock
from storage.db import Database
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
PER_CHAT_INTERVAL = 1.0  # seconds between two messages to one chat
GLOBAL_PER_SECOND = 25
RETRY_AFTER_CAP = 60.0  # a longer flood wait is not slept through; the row is retried later


class RateLimiter:
    """≤ 1 message a second per chat and ≤ 25 a second overall (Telegram's broadcast limits)."""

    def __init__(
        self,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        per_second: int = GLOBAL_PER_SECOND,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_chat_interval = per_chat_interval
        self.per_second = per_second
        self._monotonic = monotonic
        self._last_by_chat: dict[int, float] = {}
        self._recent: list[float] = []

    def delay_for(self, chat_id: int) -> float:
        """Seconds to wait before a message to this chat may go."""
        now = self._monotonic()
        self._recent = [t for t in self._recent if now - t < 1.0]
        wait = 0.0
        last = self._last_by_chat.get(chat_id)
        if last is not None:
            wait = max(wait, last + self.per_chat_interval - now)
        if len(self._recent) >= self.per_second:
            wait = max(wait, self._recent[0] + 1.0 - now)
        return max(wait, 0.0)

    def record(self, chat_id: int) -> None:
        now = self._monotonic()
        self._last_by_chat[chat_id] = now
        self._recent.append(now)


class OutboxSender:
    def __init__(self, db: Database, bot: Bot, clock: Clock) -> None:
        self.db = db
        self.bot = bot
        self.clock = clock
        self.limiter = RateLimiter()
        self._wakeup = asyncio.Event()
        self._drain_lock = asyncio.Lock()

    def wake(self) -> None:
        """Something was just enqueued: send it now rather than at the next tick."""
        self._wakeup.set()

    async def run(self, tick_seconds: float) -> None:
        """Drain on every wake-up and at least every tick (rows written by other processes)."""
        while True:
            try:
                await self.drain()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox drain failed")
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout=tick_seconds)
            except TimeoutError:
                pass
            self._wakeup.clear()

    async def drain(self) -> int:
        """Send every due message; returns how many were sent."""
        sent = 0
        async with self._drain_lock:
            while True:
                async with self.db.read() as tx:
                    batch = await tx.outbox.due(self.clock.now(), limit=50)
                if not batch:
                    return sent
                for message in batch:
                    sent += await self._deliver(message)

    async def _deliver(self, message: OutboxMessage) -> int:
        if message.chat_id is None:
            async with self.db.transaction() as tx:
                await tx.outbox.mark_skipped(message.id, "not linked to Telegram")
            return 0
        attempts = message.attempts
        while True:
            delay = self.limiter.delay_for(message.chat_id)
            if delay > 0:
                await asyncio.sleep(delay)
            self.limiter.record(message.chat_id)
            try:
                await self.bot.send_message(message.chat_id, message.text)
            except TelegramRetryAfter as exc:
                attempts += 1
                if exc.retry_after > RETRY_AFTER_CAP or attempts >= MAX_ATTEMPTS:
                    await self._later(message, f"retry after {exc.retry_after}", exc.retry_after)
                    return 0
                log.warning("flood wait %ss for chat %s", exc.retry_after, message.chat_id)
                await asyncio.sleep(exc.retry_after)
                continue
            except TelegramForbiddenError as exc:
                # The person blocked the bot: stop pushing to them until they /start again.
                async with self.db.transaction() as tx:
                    await tx.people.mark_blocked(message.person_id, self.clock.now())
                    await tx.outbox.mark_failed(message.id, f"forbidden: {exc.message}")
                log.info("person %s blocked the bot", message.person_id)
                return 0
            except TelegramBadRequest as exc:
                async with self.db.transaction() as tx:
                    await tx.outbox.mark_failed(message.id, f"bad request: {exc.message}")
                log.warning("notice %s refused: %s", message.key, exc.message)
                return 0
            except (TelegramNetworkError, TelegramServerError) as exc:
                attempts += 1
                if attempts >= MAX_ATTEMPTS:
                    async with self.db.transaction() as tx:
                        await tx.outbox.mark_failed(message.id, f"network: {exc}")
                    log.warning("notice %s failed after %s attempts", message.key, attempts)
                    return 0
                await asyncio.sleep(min(2.0**attempts * 0.1, 5.0))
                continue
            async with self.db.transaction() as tx:
                await tx.outbox.mark_sent(message.id, self.clock.now())
            return 1

    async def _later(self, message: OutboxMessage, error: str, seconds: float) -> None:
        async with self.db.transaction() as tx:
            await tx.outbox.retry_later(
                message.id, error, self.clock.now() + timedelta(seconds=seconds)
            )

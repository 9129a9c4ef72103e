"""The outbox sender: drains due notifications under Telegram's limits, once each."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import InlineKeyboardMarkup, ReplyParameters

from bot.domain.bounded import CAPTION_LIMIT, plain_clipped, text_length
from bot.i18n import I18n
from bot.notices import render_buttons, render_stored
from bot.telegram_errors import is_not_modified, is_transient
from scheduler.clock import Clock
from storage.db import Database
from storage.models import FileKind, OutboxMessage, OutboxMethod

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12  # with the back-off below, about a day of outage before a notice is dropped
RETRY_BASE_SECONDS = 5.0
RETRY_MAX_SECONDS = 4 * 3600.0
PER_CHAT_INTERVAL = 1.0  # seconds between two messages to one chat
GLOBAL_PER_SECOND = 25


class Outcome(Enum):
    SENT = "sent"
    DONE = "done"  # recorded as skipped or failed: nothing more to do with it
    BACK_OFF = "back-off"  # rescheduled; stop sending for now


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
    def __init__(
        self,
        db: Database,
        bot: Bot,
        clock: Clock,
        quiet_until: Callable[[datetime], datetime | None] = lambda _now: None,
        i18n: I18n | None = None,
    ) -> None:
        self.db = db
        self.i18n = i18n  # renders rows kept as a catalog key (bot/notices.py)
        self.bot = bot
        self.clock = clock
        self.quiet_until = quiet_until  # no pushes while this says when quiet hours end
        self.limiter = RateLimiter()
        self.retry_base = RETRY_BASE_SECONDS  # the first back-off after an outage
        self._wakeup = asyncio.Event()
        self._drain_lock = asyncio.Lock()
        self._stopping = False

    def wake(self) -> None:
        """Something was just enqueued: send it now rather than at the next tick."""
        self._wakeup.set()

    async def run(self, tick_seconds: float) -> None:
        """Drain on every wake-up and at least every tick (rows written by other processes),
        until stop()."""
        while not self._stopping:
            try:
                await self.drain()
            except Exception:
                log.exception("outbox drain failed")
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout=tick_seconds)
            except TimeoutError:
                pass
            self._wakeup.clear()

    async def stop(self) -> None:
        """Let the message being sent finish and be recorded, then stop: cancelling between
        a send and its record would send it again after a restart."""
        self._stopping = True
        self._wakeup.set()

    async def drain(self) -> int:
        """Send every due message; returns how many were sent. In quiet hours only messages
        between people go (silently); notices wait until the quiet hours end."""
        sent = 0
        async with self._drain_lock:
            while not self._stopping:
                quiet = self.quiet_until(self.clock.now()) is not None
                async with self.db.read() as tx:
                    batch = await tx.outbox.due(self.clock.now(), limit=50, notices=not quiet)
                if not batch:
                    break
                for message in batch:
                    if self._stopping:
                        return sent
                    quiet = self.quiet_until(self.clock.now()) is not None
                    if quiet and not message.personal:
                        break  # quiet hours began during the batch: notices wait
                    outcome = await self._deliver(message, silent=quiet)
                    if outcome is Outcome.BACK_OFF:
                        # Flood wait or an outage concerns the whole bot, not one chat: stop
                        # here; the rescheduled message wakes the sender when it is due.
                        return sent
                    sent += outcome is Outcome.SENT
        return sent

    async def _deliver(self, message: OutboxMessage, *, silent: bool) -> Outcome:
        async with self.db.read() as tx:
            if not await tx.outbox.is_pending(message.id):
                return Outcome.DONE  # cancelled since the batch was read (a request decided)
        if message.edit_target_lost:
            return await self._skip(message, "the message to edit was never sent")
        if message.chat_id is None or not message.reachable:
            reason = "not linked to Telegram" if message.chat_id is None else "blocked or left"
            return await self._skip(message, reason)
        delay = self.limiter.delay_for(message.chat_id)
        if delay > 0:
            await asyncio.sleep(delay)
        self.limiter.record(message.chat_id)
        sent_id: int | None = None
        try:
            sent_id = await self._call(message, message.chat_id, silent)
        except TelegramRetryAfter as exc:
            log.warning("flood wait %ss for chat %s", exc.retry_after, message.chat_id)
            await self._later(
                message, f"retry after {exc.retry_after}", exc.retry_after, counts=False
            )
            return Outcome.BACK_OFF
        except TelegramForbiddenError as exc:
            # The person blocked the bot: stop pushing to them until they /start again.
            async with self.db.transaction() as tx:
                if message.person_id is not None:
                    await tx.people.mark_blocked(message.person_id, self.clock.now())
                await tx.outbox.mark_failed(message.id, f"forbidden: {exc.message}")
            log.info("chat %s blocked the bot", message.chat_id)
            return Outcome.DONE
        except Exception as exc:
            if is_not_modified(exc):
                pass  # the edit shows what is there already: done
            elif is_transient(exc):
                # Telegram, the network or a proxy in between (a 502 page, not JSON) is down
                # for a while: back off, the row waits in the outbox.
                backoff = min(self.retry_base * 2**message.attempts, RETRY_MAX_SECONDS)
                await self._later(message, f"unavailable: {exc}", backoff)
                return Outcome.BACK_OFF
            elif isinstance(exc, TelegramAPIError):
                # Refused (a bad request, a chat not found …): retrying cannot change that.
                async with self.db.transaction() as tx:
                    await tx.outbox.mark_failed(message.id, f"refused: {exc.message}")
                log.warning("message %s refused: %s", message.key, exc.message)
                return Outcome.DONE
            else:
                # Our own fault (say, a keyboard that no longer parses): counted, so the row
                # gives up after its attempts instead of blocking every row behind it.
                log.exception("message %s could not be sent", message.key)
                backoff = min(self.retry_base * 2**message.attempts, RETRY_MAX_SECONDS)
                await self._later(message, f"error: {exc!r}", backoff)
                return Outcome.DONE
        async with self.db.transaction() as tx:
            await tx.outbox.mark_sent(message.id, self.clock.now(), message.chat_id, sent_id)
        return Outcome.SENT

    async def _call(self, message: OutboxMessage, chat_id: int, silent: bool) -> int | None:
        """One Bot API call for the row; the id of the message it sent or changed."""
        text, markup_json = self._content(message)
        markup = InlineKeyboardMarkup.model_validate_json(markup_json) if markup_json else None
        if message.method is OutboxMethod.EDIT and message.file_kind is not None:
            await self.bot.edit_message_caption(
                caption=text,
                chat_id=chat_id,
                message_id=message.message_id,
                reply_markup=markup,
            )
            return message.message_id
        if message.method is OutboxMethod.EDIT:
            await self.bot.edit_message_text(
                text=text,
                chat_id=chat_id,
                message_id=message.message_id,
                reply_markup=markup,
            )
            return message.message_id
        # A deleted original must not stop the message: it then goes without the quote.
        reply = (
            ReplyParameters(
                message_id=message.reply_to_message_id, allow_sending_without_reply=True
            )
            if message.reply_to_message_id is not None
            else None
        )
        if message.file_id is None or message.file_kind is None:
            sent = await self.bot.send_message(
                chat_id,
                text,
                reply_markup=markup,
                disable_notification=silent or None,
                reply_parameters=reply,
            )
            return sent.message_id
        extra: dict[str, Any] = {
            "caption": _caption(text) or None,
            "reply_markup": markup,
            "disable_notification": silent or None,
            "reply_parameters": reply,
        }
        if extra["caption"] and text_length(text) > CAPTION_LIMIT:
            extra["parse_mode"] = None  # cut to plain text: no HTML left to parse
        if message.file_kind is FileKind.PHOTO:
            sent = await self.bot.send_photo(chat_id, message.file_id, **extra)
        else:
            sent = await self.bot.send_document(chat_id, message.file_id, **extra)
        return sent.message_id

    def _content(self, message: OutboxMessage) -> tuple[str, str | None]:
        """The text and keyboard JSON: as queued, or rendered now in the recipient's language."""
        if message.text_key is None:
            return message.text, message.markup
        if self.i18n is None:
            raise RuntimeError("a row kept as a catalog key needs the sender's i18n")
        t = self.i18n.get(message.language)
        text = render_stored(t, message.text_key, message.text_args)
        return text, render_buttons(t, message.buttons) if message.buttons else None

    async def _skip(self, message: OutboxMessage, reason: str) -> Outcome:
        async with self.db.transaction() as tx:
            await tx.outbox.mark_skipped(message.id, reason)
        return Outcome.DONE

    async def _later(
        self, message: OutboxMessage, error: str, seconds: float, *, counts: bool = True
    ) -> None:
        """Try again in `seconds`; a flood wait (counts=False) is no fault of the message."""
        async with self.db.transaction() as tx:
            if counts and message.attempts + 1 >= MAX_ATTEMPTS:
                await tx.outbox.mark_failed(message.id, error)
                log.warning("notice %s given up after %s attempts", message.key, MAX_ATTEMPTS)
            else:
                not_before = self.clock.now() + timedelta(seconds=seconds)
                await tx.outbox.retry_later(message.id, error, not_before, counts=counts)
                # Come back then, rather than at the next tick, which may be a minute later.
                asyncio.get_running_loop().call_later(seconds, self.wake)


def _caption(text: str) -> str:
    """Callers bound captions; one that does not fit anyway goes as plain text, cut, rather
    than be refused by Telegram on every attempt."""
    if text_length(text) <= CAPTION_LIMIT:
        return text
    log.warning("a caption of %s characters was cut", text_length(text))
    return plain_clipped(text, CAPTION_LIMIT)

"""The outbox sender: drains due notifications under Telegram's limits, once each."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, ReplyParameters

from bot.domain.bounded import CAPTION_LIMIT, plain_clipped, text_length
from bot.domain.notify import JOINED_KINDS, NoticeKind
from bot.i18n import I18n
from bot.notices import stored, stored_buttons
from bot.rendering import BUNDLE_MARKS, render_bundle, render_buttons, render_stored
from bot.telegram_errors import is_not_modified, is_transient
from scheduler.clock import Clock
from scheduler.limits import Pauses, RateLimiter
from storage.attempts import AttemptOutcome
from storage.db import Database, RefusedWrites, WriteRefused
from storage.models import FileKind, OutboxMessage, OutboxMethod
from storage.outbox import Joining
from storage.repos import Repos

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12  # with the back-off below, about a day of outage before a notice is dropped
RETRY_BASE_SECONDS = 5.0
RETRY_MAX_SECONDS = 4 * 3600.0
BATCH_SIZE = 200  # due rows read at a time: enough chats to keep 25 a second going
# Failed calls in a row (an error or the network, in different chats) that mean Telegram or the
# network is down for everyone: then the whole sender backs off, not only those rows' chats.
OUTAGE_AFTER_FAILURES = 3
# A chat whose call failed waits at most this long for its retried row (which keeps its place
# ahead of the chat's later messages meanwhile); a longer back-off lets the later ones go.
CHAT_PAUSE_MAX = 30.0
PER_CHAT_IN_BATCH = 3  # a chat's rows in one batch: one person's pile never fills it


class Outcome(Enum):
    SENT = "sent"
    DONE = "done"  # recorded as skipped or failed: nothing more to do with it
    RETRY = "retry"  # rescheduled, its chat paused for as long; the others go on
    BACK_OFF = "back-off"  # rescheduled; stop sending for now (a flood wait, an outage)
    STALE = "stale"  # skipped: it no longer held when its turn came


class OutboxSender:
    def __init__(
        self,
        db: Database,
        bot: Bot,
        clock: Clock,
        quiet_until: Callable[[datetime], datetime | None] = lambda _now: None,
        i18n: I18n | None = None,
        *,
        limiter: RateLimiter | None = None,
        retry_base: float = RETRY_BASE_SECONDS,
        flood_wait_scale: float = 1.0,
    ) -> None:
        self.db = db
        self.i18n = i18n  # renders rows kept as a catalog key (bot/notices.py)
        self.bot = bot
        self.clock = clock
        self.quiet_until = quiet_until  # no pushes while this says when quiet hours end
        self.limiter = limiter or RateLimiter()
        self.retry_base = retry_base  # the first back-off after an outage
        # Tests shrink Telegram's flood waits (whole seconds) to keep fault runs short.
        self.flood_wait_scale = flood_wait_scale
        self._wakeup = asyncio.Event()
        self._drain_lock = asyncio.Lock()
        self._stopping = False
        self._failures_in_row = 0  # failed calls since the last that went through
        self.pauses = Pauses(clock)
        self._stop_requested = asyncio.Event()
        self.refusals = RefusedWrites(db, "outbox sender", "messages wait in the outbox", log)
        # What calls did that the database refused to record: written before anything else.
        self._unrecorded: list[Callable[[Repos], Awaitable[object]]] = []

    def wake(self) -> None:
        """Something was just enqueued: send it now rather than at the next tick."""
        self._wakeup.set()

    async def run(self, tick_seconds: float) -> None:
        """Drain on every wake-up and at least every tick (rows written by other processes),
        until stop(). While the database refuses writes (locked, full, read-only) it tries
        again after longer and longer pauses, wake-ups or not, and logs the spell once."""
        recovered = False
        while not self._stopping:
            try:
                if not recovered:
                    await self.recover()
                    recovered = True
                await self.drain()
            except WriteRefused as refused:
                with suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._stop_requested.wait(), self.refusals.refused(refused)
                    )
                continue
            except Exception:
                if recovered:
                    log.exception("outbox drain failed")
                else:
                    log.exception("could not look for sends interrupted by the last stop")
                    recovered = True
            else:
                self.refusals.settle()
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout=tick_seconds)
            except TimeoutError:
                pass
            self._wakeup.clear()
        if self._unrecorded:
            log.warning(
                "%s sends could not be recorded before the stop: they may go again after the "
                "next start",
                len(self._unrecorded),
            )

    async def recover(self) -> int:
        """Sends under way when the bot last stopped (killed, say) may or may not have reached
        Telegram: their rows are still pending and go again; at most one per stop, as the
        sender makes one call at a time. Returns how many there were."""
        async with self.db.transaction(bookkeeping=True) as tx:
            interrupted = await tx.attempts.close_interrupted()
        for send in interrupted:
            log.warning(
                "notice %s was being sent when the bot stopped: it is sent again and may "
                "arrive twice",
                send.key,
            )
        return len(interrupted)

    async def stop(self) -> None:
        """Let the message being sent finish and be recorded, then stop: cancelling between
        a send and its record would send it again after a restart."""
        self._stopping = True
        self._stop_requested.set()
        self._wakeup.set()

    async def drain(self) -> int:
        """Send every due message; returns how many were sent. In quiet hours only messages
        between people go (silently); notices wait until the quiet hours end, and one that no
        longer holds by then (its stale_at passed) is skipped, as after a stop."""
        sent, stale = await self._drain()
        if stale:
            log.info("outbox: %s skipped as stale (overtaken while held)", stale)
        return sent

    async def _drain(self) -> tuple[int, int]:
        """(sent, skipped as stale)."""
        sent = stale = 0
        reread = False
        async with self._drain_lock:
            await self._flush_unrecorded()
            while not self._stopping:
                if self.pauses.hold_everything():
                    break  # the rescheduled row wakes the sender when it is due
                quiet = self.quiet_until(self.clock.now()) is not None
                # Whatever was queued until now is in the batch read next: a wake-up during
                # this batch (a message between people, say) is a reason to read it again.
                self._wakeup.clear()
                async with self.db.read() as tx:
                    batch = await tx.outbox.due(
                        self.clock.now(),
                        limit=BATCH_SIZE,
                        notices=not quiet,
                        per_chat=PER_CHAT_IN_BATCH,
                        skip_chats=self.pauses.chats(),
                    )
                if not batch:
                    break
                more_due = len(batch) == BATCH_SIZE
                failed_chats: set[int] = set()  # their later rows wait for the retried one
                while batch:
                    if self._stopping:
                        return sent, stale
                    if self._wakeup.is_set():
                        reread = True  # something new: messages between people go first
                        break
                    may_wait = reread or not more_due
                    message = self._next(batch, failed_chats, may_wait=may_wait)
                    if message is None and may_wait:
                        # Each chat left waits out a failed call's back-off; the retried row
                        # wakes the sender when it is due.
                        return sent, stale
                    if message is None:
                        reread = True  # rows behind this batch may be for chats free now
                        break
                    reread = False
                    quiet = self.quiet_until(self.clock.now()) is not None
                    if quiet and not message.personal:
                        break  # quiet hours began during the batch: notices wait
                    outcome = await self._deliver(message, silent=quiet)
                    if outcome is Outcome.BACK_OFF:
                        # Flood wait or an outage concerns the whole bot, not one chat: stop
                        # here; the rescheduled message wakes the sender when it is due.
                        return sent, stale
                    if outcome is Outcome.RETRY and message.chat_id is not None:
                        failed_chats.add(message.chat_id)
                    sent += outcome is Outcome.SENT
                    stale += outcome is Outcome.STALE
        return sent, stale

    def _next(
        self, batch: list[OutboxMessage], failed_chats: set[int], *, may_wait: bool
    ) -> OutboxMessage | None:
        """Takes the oldest message that may go now. A notice to a chat that had one less than
        a second ago is passed by (a person with several notices in a row waits a second for
        each, the others do not wait for them); a message between people is not: it keeps its
        place, as a conversation does. A chat whose call failed waits out its back-off. One
        chat's messages always keep their order. None when nothing may go now and `may_wait`
        is false; else the oldest that may go at all, to be waited for."""
        passed: set[int] = set()
        for index, message in enumerate(batch):
            chat = message.chat_id
            if chat is None:
                return batch.pop(index)  # skipped at once: not linked
            if chat in passed:
                continue  # an earlier message to this chat goes first
            if chat in failed_chats or self.pauses.holds(chat):
                passed.add(chat)
                continue
            if message.personal or self.limiter.chat_ready(chat):
                return batch.pop(index)
            passed.add(chat)
        if not may_wait:
            return None
        for index, message in enumerate(batch):
            chat = message.chat_id
            if chat is not None and chat not in failed_chats and not self.pauses.holds(chat):
                return batch.pop(index)
        return None

    async def _deliver(self, message: OutboxMessage, *, silent: bool) -> Outcome:
        async with self.db.read() as tx:
            if not await tx.outbox.is_pending(message.id):
                return Outcome.DONE  # cancelled since the batch was read (a request decided)
        if message.edit_target_lost:
            return await self._skip(message, "the message to edit was never sent")
        if message.chat_id is None or not message.reachable:
            # Blocked: skipped for good rather than held. A notice kept for weeks would arrive
            # stale after an unblock; the tick derives what is due then anew.
            reason = "not linked to Telegram" if message.chat_id is None else "blocked or left"
            return await self._skip(message, reason)
        delay = self.limiter.delay_for(message.chat_id)
        if delay > 0:
            await asyncio.sleep(delay)
        async with self.db.transaction(bookkeeping=True) as tx:
            if not await tx.outbox.is_pending(message.id):
                return Outcome.DONE  # cancelled during the rate-limit wait
            if message.method is OutboxMethod.SEND and message.person_id is not None:
                person = await tx.people.get(message.person_id)
                if person is None or person.blocked or not person.active:
                    # Blocked since the batch was read (an earlier row of it found out).
                    await tx.outbox.mark_skipped(message.id, "blocked or left")
                    return Outcome.DONE
            if message.stale_at is not None and message.stale_at <= self.clock.now():
                # Held by quiet hours, a back-off or a stop past the moment it held for.
                await tx.outbox.mark_skipped(message.id, "stale")
                return Outcome.STALE
            joining = await self._joining(tx, message)
            # Marked before the call: a stop between the call and its record is then known.
            attempt = await tx.attempts.begin(message.id, self.clock.now())
        self.limiter.record(message.chat_id)
        sent_id: int | None = None
        try:
            sent_id, joining = await self._call(message, message.chat_id, silent, joining)
        except TelegramRetryAfter as exc:
            log.info("flood wait %ss for chat %s", exc.retry_after, message.chat_id)
            seconds = exc.retry_after * self.flood_wait_scale
            await self._later(
                message,
                attempt,
                AttemptOutcome.RETRY_AFTER,
                f"retry after {exc.retry_after}",
                seconds,
                retry_after=exc.retry_after,
            )
            self.pauses.everything(seconds)
            return Outcome.BACK_OFF
        except Exception as exc:
            if not is_transient(exc):
                self._failures_in_row = 0  # Telegram answered: it is up
            if is_not_modified(exc):
                pass  # the edit shows what is there already: done
            elif _is_blocked(exc, message):
                # The person blocked the bot or is gone: no pushes until they unblock it
                # (my_chat_member) or /start again.
                assert isinstance(exc, TelegramAPIError)
                said, now = exc.message, self.clock.now()

                async def blocked(tx: Repos) -> None:
                    if message.person_id is not None:
                        await tx.people.mark_blocked(message.person_id, now)
                    await tx.outbox.mark_failed(message.id, f"blocked: {said}")
                    await tx.attempts.finish(attempt, AttemptOutcome.BLOCKED, said)

                await self._record(blocked)
                log.info("chat %s blocked the bot: %s", message.chat_id, exc.message)
                return Outcome.DONE
            elif is_transient(exc):
                # Telegram, the network or a proxy in between (a 502 page, not JSON) failed this
                # call: the row waits in the outbox and its chat with it. Only failures in a row
                # (an outage, most likely) pause everyone.
                outcome = (
                    AttemptOutcome.NETWORK
                    if isinstance(exc, TelegramNetworkError)
                    else AttemptOutcome.SERVER_ERROR
                )
                seconds = self._backoff(message)
                error = f"unavailable: {exc}"
                if await self._later(message, attempt, outcome, error, seconds):
                    self.pauses.free(message.chat_id)  # given up: nothing to wait for
                else:
                    self.pauses.chat(message.chat_id, min(seconds, CHAT_PAUSE_MAX))
                self._failures_in_row += 1
                if self._failures_in_row >= OUTAGE_AFTER_FAILURES:
                    self._failures_in_row = 0
                    self.pauses.everything(seconds)
                    return Outcome.BACK_OFF
                return Outcome.RETRY
            elif isinstance(exc, TelegramAPIError):
                # Refused (a bad request, a chat not found …): retrying cannot change that.
                said = exc.message

                async def refused(tx: Repos) -> None:
                    await tx.outbox.mark_failed(message.id, f"refused: {said}")
                    await tx.attempts.finish(attempt, AttemptOutcome.REFUSED, said)

                await self._record(refused)
                log.warning("message %s refused: %s", message.key, exc.message)
                return Outcome.DONE
            else:
                # Our own fault (say, a keyboard that no longer parses): counted, so the row
                # gives up after its attempts instead of blocking every row behind it. The
                # traceback is logged the first time only.
                if message.attempts == 0:
                    log.exception("message %s could not be sent", message.key)
                await self._later(
                    message,
                    attempt,
                    AttemptOutcome.ERROR,
                    f"error: {exc!r}",
                    self._backoff(message),
                )
                return Outcome.DONE
        self._failures_in_row = 0
        now, chat = self.clock.now(), message.chat_id

        async def sent(tx: Repos) -> None:
            for row_id in (message.id, *(row.id for row in joining)):
                await tx.outbox.mark_sent(row_id, now, chat, sent_id)
            await tx.attempts.finish(attempt, AttemptOutcome.SENT)

        await self._record(sent)
        return Outcome.SENT

    async def _record(self, write: Callable[[Repos], Awaitable[object]]) -> None:
        """Write what a call did. A write the database refuses is kept and written before the
        next batch is read: a message sent but not recorded would otherwise go again."""
        try:
            async with self.db.transaction() as tx:
                await write(tx)
        except WriteRefused:
            self._unrecorded.append(write)
            raise

    async def _flush_unrecorded(self) -> None:
        if self._unrecorded:
            async with self.db.transaction() as tx:
                for write in self._unrecorded:
                    await write(tx)
            self._unrecorded.clear()

    async def _joining(self, tx: Repos, message: OutboxMessage) -> list[Joining]:
        """The other notices that go in this one's message: due for the same person at the
        same moment, of the kinds that join (bot/domain/notify.py JOINED_KINDS)."""
        kind = NoticeKind.named(message.kind) if message.kind else None
        if (
            kind is None
            or not kind.joins_others
            or message.method is not OutboxMethod.SEND
            or message.text_key is None
            or message.file_id is not None
            or message.upload_id is not None
            or message.reply_to_message_id is not None
        ):
            return []
        kinds = [joined.value for joined in JOINED_KINDS]
        return await tx.outbox.joining(message, kinds, self.clock.now(), len(BUNDLE_MARKS) - 1)

    def _backoff(self, message: OutboxMessage) -> float:
        return min(self.retry_base * 2.0**message.attempts, RETRY_MAX_SECONDS)

    async def _call(
        self, message: OutboxMessage, chat_id: int, silent: bool, joining: list[Joining]
    ) -> tuple[int | None, list[Joining]]:
        """One Bot API call for the row (and the notices joining it in one message); the id of
        the message it sent or changed, and the joining notices the message holds."""
        if joining:
            text, markup_json, joining = self._bundle(message, joining)
        else:
            text, markup_json = self._content(message)
        markup = InlineKeyboardMarkup.model_validate_json(markup_json) if markup_json else None
        if message.method is OutboxMethod.EDIT and message.file_kind is not None:
            await self.bot.edit_message_caption(
                caption=text,
                chat_id=chat_id,
                message_id=message.message_id,
                reply_markup=markup,
            )
            return message.message_id, []
        if message.method is OutboxMethod.EDIT:
            await self.bot.edit_message_text(
                text=text,
                chat_id=chat_id,
                message_id=message.message_id,
                reply_markup=markup,
            )
            return message.message_id, []
        # A deleted original must not stop the message: it then goes without the quote.
        reply = (
            ReplyParameters(
                message_id=message.reply_to_message_id, allow_sending_without_reply=True
            )
            if message.reply_to_message_id is not None
            else None
        )
        if message.upload_id is not None:
            return await self._send_upload(message, chat_id, text, markup, silent), []
        if message.file_id is None or message.file_kind is None:
            sent = await self.bot.send_message(
                chat_id,
                text,
                reply_markup=markup,
                disable_notification=silent or None,
                reply_parameters=reply,
            )
            return sent.message_id, joining
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
        return sent.message_id, []

    async def _send_upload(
        self,
        message: OutboxMessage,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None,
        silent: bool,
    ) -> int | None:
        """A photo the bot made: uploaded by the first row that sends it, then sent on by the
        file_id Telegram gave it."""
        assert message.upload_id is not None
        async with self.db.read() as tx:
            found = await tx.outbox.upload(message.upload_id)
        if found is None:
            raise LookupError(f"upload {message.upload_id} is gone")
        data, filename, file_id = found
        photo: str | BufferedInputFile = file_id or BufferedInputFile(data, filename=filename)
        sent = await self.bot.send_photo(
            chat_id,
            photo,
            caption=_caption(text) or None,
            reply_markup=markup,
            disable_notification=silent or None,
        )
        if file_id is None and sent.photo:
            # Only saves uploading it again: a refusal here is met by the record that follows.
            with suppress(WriteRefused):
                async with self.db.transaction(bookkeeping=True) as tx:
                    await tx.outbox.uploaded(message.upload_id, sent.photo[-1].file_id)
        return sent.message_id

    def _content(self, message: OutboxMessage) -> tuple[str, str | None]:
        """The text and keyboard JSON: as queued, or rendered now in the recipient's language."""
        if message.text_key is None:
            return message.text, message.markup
        if self.i18n is None:
            raise RuntimeError("a row kept as a catalog key needs the sender's i18n")
        t = self.i18n.get(message.language)
        text = render_stored(t, message.text_key, message.text_args, self.clock.now())
        return text, render_buttons(t, message.buttons) if message.buttons else None

    def _bundle(
        self, message: OutboxMessage, joining: list[Joining]
    ) -> tuple[str, str | None, list[Joining]]:
        """The notice and those joining it as one message, rendered in the recipient's language
        now; the joining notices that fit in it (the rest go in a message of their own)."""
        if self.i18n is None or message.text_key is None:
            raise RuntimeError("notices sent as one message are kept as catalog keys")
        t = self.i18n.get(message.language)
        rows = [(message.text_key, message.text_args, message.buttons)]
        rows += [(row.text_key, row.text_args, row.buttons) for row in joining]
        notices = [
            (stored(key, args), stored_buttons(buttons) if buttons else [])
            for key, args, buttons in rows
        ]
        bundled = render_bundle(t, notices, self.clock.now())
        return bundled.text, bundled.markup, joining[: bundled.count - 1]

    async def _skip(self, message: OutboxMessage, reason: str) -> Outcome:
        async with self.db.transaction() as tx:
            await tx.outbox.mark_skipped(message.id, reason)
        return Outcome.DONE

    async def _later(
        self,
        message: OutboxMessage,
        attempt: int,
        outcome: AttemptOutcome,
        error: str,
        seconds: float,
        *,
        retry_after: int | None = None,
    ) -> bool:
        """Try again in `seconds`; a flood wait is no fault of the message and does not count
        towards its MAX_ATTEMPTS. Giving up is logged once, with the row's key. True when it
        was given up."""
        counts = outcome is not AttemptOutcome.RETRY_AFTER
        given_up = counts and message.attempts + 1 >= MAX_ATTEMPTS
        not_before = self.clock.now() + timedelta(seconds=seconds)

        async def later(tx: Repos) -> None:
            await tx.attempts.finish(attempt, outcome, error, retry_after)
            if given_up:
                await tx.outbox.mark_failed(message.id, error)
            else:
                await tx.outbox.retry_later(message.id, error, not_before, counts=counts)

        await self._record(later)
        if given_up:
            log.warning(
                "notice %s given up after %s attempts: %s", message.key, MAX_ATTEMPTS, error
            )
        else:
            # Come back then, rather than at the next tick, which may be a minute later.
            asyncio.get_running_loop().call_later(seconds, self.wake)
        return given_up


def _is_blocked(exc: Exception, message: OutboxMessage) -> bool:
    """Telegram will not deliver to this person again until they act: they blocked the bot,
    their account is deactivated, or their chat is gone."""
    if isinstance(exc, TelegramForbiddenError):
        return True
    # "chat not found" for a row without a person is a wrong chat id, not a person's choice.
    return (
        message.person_id is not None
        and isinstance(exc, TelegramBadRequest)
        and "chat not found" in exc.message.lower()
    )


def _caption(text: str) -> str:
    """Callers bound captions; one that does not fit anyway goes as plain text, cut, rather
    than be refused by Telegram on every attempt."""
    if text_length(text) <= CAPTION_LIMIT:
        return text
    log.warning("a caption of %s characters was cut", text_length(text))
    return plain_clipped(text, CAPTION_LIMIT)

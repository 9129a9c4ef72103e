"""Outer middlewares: one concern each, run once per update before any handler; and the one
request middleware of the Bot API session."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from bot.config import Settings
from bot.context import Context
from bot.domain.onboarding import (
    TelegramAccount,
    display_name,
    ensure_bootstrap_admin,
    first_contact,
)
from bot.domain.rules import is_admin
from bot.i18n import I18n
from scheduler.clock import Clock
from scheduler.sender import OutboxSender
from storage.db import Database, start_counting_commits
from storage.fsm import SQLiteStorage

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdateLog(BaseMiddleware):
    """One INFO line per update: its id, its type and the Telegram id of the person, and how
    long it took — never what they wrote (nor the token: no URL is logged)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        started = asyncio.get_running_loop().time()
        try:
            return await handler(event, data)
        finally:
            if log.isEnabledFor(logging.INFO):
                user = data.get("event_from_user")
                log.info(
                    "update %s (%s) from %s: %.0f ms",
                    getattr(event, "update_id", "?"),
                    getattr(event, "event_type", "?"),
                    user.id if user is not None else "-",
                    (asyncio.get_running_loop().time() - started) * 1000,
                )


class PressThrottle(BaseMiddleware):
    """Button presses beyond a person's budget (a token bucket: a burst, then a rate) are
    answered «not so fast» and go no further: no database, no handler. A teacher taps a few
    times a second at most; fifty a second is a stuck mouse or a script. Only people who pressed
    within the last few seconds are remembered, so the table stays as small as the crowd
    pressing right now."""

    def __init__(
        self,
        i18n: I18n,
        burst: int,
        per_second: float,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.i18n = i18n
        self.burst = float(burst)
        self.per_second = per_second
        self._clock = clock
        self._buckets: OrderedDict[int, tuple[float, float]] = OrderedDict()  # tokens, when

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    def allow(self, user_id: int) -> bool:
        now = self._now()
        refilled = self.burst / self.per_second  # seconds an empty bucket takes to fill
        # Whoever has not pressed for that long has a full bucket again: forgotten.
        while self._buckets:
            oldest, (_, when) = next(iter(self._buckets.items()))
            if now - when < refilled:
                break
            del self._buckets[oldest]
        tokens, when = self._buckets.pop(user_id, (self.burst, now))
        tokens = min(self.burst, tokens + (now - when) * self.per_second)
        allowed = tokens >= 1.0
        self._buckets[user_id] = (tokens - 1.0 if allowed else tokens, now)
        return allowed

    def __len__(self) -> int:
        return len(self._buckets)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, CallbackQuery) or self.allow(event.from_user.id):
            return await handler(event, data)
        await event.answer(self.i18n.get(None)("press-too-fast"))
        return None


class PrivateChatsOnly(BaseMiddleware):
    """The bot works in private chats; in a group, what is addressed to it gets a polite
    refusal and nothing else."""

    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat = None
        if isinstance(event, Message):
            chat = event.chat
        elif isinstance(event, CallbackQuery) and event.message is not None:
            chat = event.message.chat
        if chat is None or chat.type == "private":
            return await handler(event, data)
        t = self.i18n.get(None)
        if isinstance(event, Message) and await _addressed_to_bot(event, data["bot"]):
            await event.answer(t("private-only"))
        elif isinstance(event, CallbackQuery):
            await event.answer(t("private-only"), show_alert=True)
        return None


async def _addressed_to_bot(message: Message, bot: Bot) -> bool:
    """A command, a mention of the bot or a reply to it; other group chatter is not ours."""
    text = message.text or message.caption or ""
    if text.startswith("/"):
        return True
    me = await bot.me()
    if me.username and f"@{me.username.lower()}" in text.lower():
        return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == me.id)


class InaccessibleButtons(BaseMiddleware):
    """A button on a message Telegram no longer shows the bot (too old, deleted) gets an answer,
    so that it stops spinning, and nothing else."""

    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, CallbackQuery) and not isinstance(event.message, Message):
            await event.answer(self.i18n.get(None)("stale-button"), show_alert=True)
            return None
        return await handler(event, data)


class CurrentPerson(BaseMiddleware):
    """Load the person behind the update once, with their language and rights."""

    def __init__(
        self, db: Database, i18n: I18n, settings: Settings, clock: Clock, sender: OutboxSender
    ) -> None:
        self.db = db
        self.i18n = i18n
        self.settings = settings
        self.clock = clock
        self.sender = sender

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        person = None
        if user is not None:
            async with self.db.read() as tx:
                person = await tx.people.by_telegram_id(user.id)
            if user.id in self.settings.admin_ids and (
                person is None or not person.admin_on_record
            ):
                account = TelegramAccount(
                    user.id, user.username, display_name(user.first_name, user.last_name)
                )
                person = await ensure_bootstrap_admin(self.db, account, self.clock.now())
                self.sender.wake()  # a request they had sent may be settled: copies to close
            if person is not None and not person.seen and not _is_start(event):
                # Someone the roster linked by id writes first with something else than /start.
                async with self.db.transaction() as tx:
                    await first_contact(tx, person, user.id, self.clock.now())
                person = replace(person, seen=True, blocked=False)
                self.sender.wake()
        rights = is_admin(person, user.id if user else None, self.settings.admin_ids)
        t = self.i18n.get(person.language if person else self.settings.default_language)
        data["person"], data["is_admin"], data["t"] = person, rights, t
        data["ctx"] = Context(
            person, rights, t, self.db, self.clock, self.settings, self.sender, self.i18n
        )
        return await handler(event, data)


def _is_start(event: TelegramObject) -> bool:
    """/start, whose handler records the first contact itself (with an invite, say)."""
    return isinstance(event, Message) and (event.text or "").startswith("/start")


class FormStateWrites(BaseMiddleware):
    """The form state an update changes is written once, when its handling ends (or before,
    by `FormStateBeforeReplies`)."""

    def __init__(self, storage: SQLiteStorage) -> None:
        self.storage = storage

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.storage.batch():
            return await handler(event, data)


class FormStateBeforeReplies(BaseRequestMiddleware):
    """A Bot API call made while an update is handled first writes the form state it changed:
    a reply that shows a form's next question must not reach the person before the step is
    saved, or a crash in between would leave them answering a form that is gone."""

    def __init__(self, storage: SQLiteStorage) -> None:
        self.storage = storage

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        await self.storage.write_before_reply()
        return await make_request(bot, method)


QUIET_SECONDS = 0.3  # background work (command menus) waits for a pause this long …
QUIET_WAIT_LIMIT = 5.0  # … but no longer than this


class InFlightUpdates(BaseMiddleware):
    """Counts updates being handled, so that a shutdown can let them finish before the
    database closes under them."""

    def __init__(self) -> None:
        self._count = 0
        self._started = 0  # updates ever begun: a quiet spell is one in which this stands still
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        self._count += 1
        self._started += 1
        self._idle.clear()
        start_counting_commits()
        try:
            return await handler(event, data)
        finally:
            self._count -= 1
            if self._count == 0:
                self._idle.set()

    async def until_quiet(
        self, quiet: float = QUIET_SECONDS, at_most: float = QUIET_WAIT_LIMIT
    ) -> None:
        """Return once no update has been handled for `quiet` seconds, or after `at_most`
        seconds whatever the traffic (a steady stream must not hold background work forever)."""
        deadline = asyncio.get_running_loop().time() + at_most
        while asyncio.get_running_loop().time() < deadline:
            try:
                await asyncio.wait_for(
                    self._idle.wait(), deadline - asyncio.get_running_loop().time()
                )
            except TimeoutError:
                return
            started = self._started
            await asyncio.sleep(quiet)
            if started == self._started and self._idle.is_set():
                return

    async def wait_idle(self, grace: float) -> bool:
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except TimeoutError:
            log.warning("%s updates still running at shutdown", self._count)
            return False
        return True

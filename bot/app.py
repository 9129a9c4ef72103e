"""Assembling the bot: factories for Bot, Dispatcher, storage and scheduler, and their lifetime."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from typing import cast

from aiogram import Bot, Dispatcher, methods
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.methods.base import Response

from bot.config import POLLING_TIMEOUT_SECONDS, Settings
from bot.domain.attention import Limits
from bot.domain.plans import plan_every_active_pair
from bot.domain.rules import quiet_hours_end
from bot.i18n import I18n
from bot.isolation import PerKeyIsolation
from bot.middlewares import (
    CurrentPerson,
    FormStateBeforeReplies,
    FormStateWrites,
    InaccessibleButtons,
    InFlightUpdates,
    PressThrottle,
    PrivateChatsOnly,
    UpdateLog,
)
from bot.polling import PollingWatch
from bot.startup import Retrying, Sleep, StopRequested
from bot.telegram_session import JsonBodySession
from bot.unchanged_edits import PressedMessage, UnchangedEdits
from bot.webhook import WebhookServer
from handlers import get_routers
from handlers.links import LINKS
from handlers.menu import ChatMenus, set_default_commands
from scheduler.backup import DailyBackup
from scheduler.clock import Clock, SystemClock
from scheduler.digest import WeeklyDigest
from scheduler.sender import OutboxSender
from scheduler.setup import Scheduler
from scheduler.tick import ReminderTick, digest_soon
from storage.db import Database, WriteRefused, open_database
from storage.fsm import SQLiteStorage

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 10.0  # updates still being handled at a stop get this long to finish


# pydantic keeps a parametrised generic model only while something else holds it, and aiogram
# builds Response[<returned type>] for every call it makes: after each garbage collection the
# next call rebuilt that model's schema (~4 ms, dozens of times a minute under load). Holding
# the types of the calls this bot makes keeps them built.
_RESPONSE_TYPES = [
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (
        methods.AnswerCallbackQuery,
        methods.DeleteWebhook,
        methods.EditMessageReplyMarkup,
        methods.EditMessageText,
        methods.GetMe,
        methods.GetUpdates,
        methods.SendDocument,
        methods.SendMessage,
        methods.SendPhoto,
        methods.SetMyCommands,
        methods.SetWebhook,
    )
]


def limits_of(settings: Settings) -> Limits:
    """The settings the reminders and the digest count with."""
    return Limits.of(
        settings.question_remind_hours, settings.question_escalate_hours, settings.inactivity_days
    )


def create_bot(settings: Settings) -> Bot:
    session = (
        JsonBodySession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
        if settings.telegram_api_url
        else JsonBodySession()
    )
    bot = Bot(
        token=settings.require_token(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )
    bot.session.middleware(UnchangedEdits())
    return bot


def create_dispatcher(
    settings: Settings,
    db: Database,
    i18n: I18n,
    clock: Clock,
    sender: OutboxSender,
    in_flight: InFlightUpdates,
    menus: ChatMenus,
) -> Dispatcher:
    storage = SQLiteStorage(db)
    dp = Dispatcher(
        storage=storage,
        # One person's updates are handled one after another (a double tap on ✅ must not form
        # the pair twice); different people's still run concurrently.
        events_isolation=PerKeyIsolation(),
        settings=settings,
        db=db,
        i18n=i18n,
        clock=clock,
        sender=sender,
        menus=menus,
    )
    dp.update.outer_middleware(UpdateLog())
    dp.update.outer_middleware(in_flight)
    dp.update.outer_middleware(FormStateWrites(storage))
    private_only = PrivateChatsOnly(i18n)
    current_person = CurrentPerson(db, i18n, settings, clock, sender)
    dp.callback_query.outer_middleware(
        PressThrottle(i18n, settings.press_burst, settings.presses_per_second)
    )
    dp.callback_query.outer_middleware(InaccessibleButtons(i18n))
    dp.callback_query.outer_middleware(PressedMessage())
    for observer in (dp.message, dp.callback_query):
        observer.outer_middleware(private_only)
        observer.outer_middleware(current_person)
    dp.include_routers(*get_routers())
    return dp


@dataclass
class App:
    settings: Settings
    db: Database
    bot: Bot
    dp: Dispatcher
    i18n: I18n
    clock: Clock
    sender: OutboxSender
    scheduler: Scheduler
    in_flight: InFlightUpdates
    menus: ChatMenus
    polling: PollingWatch
    webhook: WebhookServer | None = None  # None: long polling
    # How start-up waits between retries; tests make it instant and record the delays.
    startup_sleep: Sleep = asyncio.sleep
    _stop_requested: asyncio.Event = field(default_factory=asyncio.Event)
    _stopped: asyncio.Event = field(default_factory=asyncio.Event)
    _menu_task: asyncio.Task[None] | None = None

    async def run(self, handle_signals: bool = True) -> None:
        """Receive updates until stopped (Ctrl-C, SIGTERM or stop()): by long polling, or through
        the webhook when WEBHOOK_URL is set; always releases what it holds.

        A Bot API outage at start-up is waited out (see bot/startup.py); a refused token raises
        TelegramUnauthorizedError at once."""
        retrying = Retrying(
            self._stop_requested, self.startup_sleep, self.bot.token.split(":", 1)[-1]
        )
        try:
            if handle_signals:
                self._stop_on_signals()
            try:
                # The first call to Telegram; aiogram's polling reuses the answer (bot.me caches).
                me = await retrying.call("getMe", self.bot.me)
                if self.webhook is None:
                    # Telegram refuses getUpdates while a webhook is set: a bot that ran in
                    # webhook mode before polls only once it is gone (its updates are kept).
                    await retrying.call(
                        "deleteWebhook",
                        partial(self.bot.delete_webhook, drop_pending_updates=False),
                    )
            except StopRequested:
                return
            self.polling.polling_starts()  # before the scheduler's first tick writes it down
            self.scheduler.start()
            self.menus.start()
            # The bot-wide menu is cosmetic: people are answered while it is still being set.
            self._menu_task = asyncio.create_task(self._set_default_menu(retrying))
            # What start-up built (aiogram's ~200 000 type objects) lives as long as the process:
            # keep it out of every later full garbage collection.
            gc.freeze()
            if self.webhook is not None:
                await self._serve_webhook(self.webhook, retrying, me.username)
                return
            log.info("polling as @%s", me.username)
            if self._stop_requested.is_set():  # asked while starting; from here aiogram listens
                return
            await self.dp.start_polling(
                self.bot,
                handle_signals=handle_signals,
                close_bot_session=False,
                polling_timeout=POLLING_TIMEOUT_SECONDS,
                allowed_updates=self.dp.resolve_used_update_types(),
            )
        finally:
            await self.close()

    async def _serve_webhook(
        self, webhook: WebhookServer, retrying: Retrying, username: str | None
    ) -> None:
        """Listen, tell Telegram where to post (updates waiting there are kept), and serve until
        asked to stop; close() then stops the server."""
        workflow_data = {"dispatcher": self.dp, "bots": [self.bot], **self.dp.workflow_data}
        await self.dp.emit_startup(bot=self.bot, **workflow_data)  # as start_polling does
        try:
            # Listening before Telegram is told, so that its first post finds the bot.
            await webhook.start()
            try:
                await retrying.call(
                    "setWebhook",
                    partial(
                        self.bot.set_webhook,
                        url=self.settings.webhook_url,
                        secret_token=webhook.endpoint.secret_token,
                        allowed_updates=self.dp.resolve_used_update_types(),
                        drop_pending_updates=False,
                    ),
                )
            except StopRequested:
                return
            self.polling.update_received()  # Telegram has just answered: the start counts
            log.info(
                "receiving updates as @%s through the webhook (listening on %s)",
                username,
                self.settings.webhook_listen,
            )
            await self._stop_requested.wait()
        finally:
            await self.dp.emit_shutdown(bot=self.bot, **workflow_data)

    def _stop_on_signals(self) -> None:
        # Polling: until start_polling installs aiogram's handlers over these, a signal ends the
        # start-up. Webhook mode: they stay, and a signal stops the bot.
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with suppress(NotImplementedError):  # no signal handlers on Windows
                loop.add_signal_handler(sig, self._on_signal, sig)

    def _on_signal(self, sig: signal.Signals) -> None:
        # Polling: only while starting (aiogram's own handlers take over); webhook: till the end.
        log.info("%s received: stopping", sig.name)
        self._stop_requested.set()

    async def _set_default_menu(self, retrying: Retrying) -> None:
        try:
            await retrying.call(
                "setMyCommands", partial(set_default_commands, self.bot, self.i18n.get(None))
            )
        except StopRequested:
            pass
        except Exception:  # refused for good, not an outage: a bug in the menu, polling goes on
            log.exception("could not set the default command menu")

    async def stop(self) -> None:
        self._stop_requested.set()
        try:
            await self.dp.stop_polling()
        except RuntimeError:  # polling has not started yet: start-up sees the request and returns
            pass

    async def close(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        self._stop_requested.set()
        if self.webhook is not None:  # no more updates taken; those taken may finish
            await self.webhook.stop(SHUTDOWN_GRACE_SECONDS)
        if self._menu_task is not None:
            await asyncio.wait((self._menu_task,))  # it saw the request and returned
        await self.in_flight.wait_idle(SHUTDOWN_GRACE_SECONDS)
        await self.menus.stop()
        await self.scheduler.stop()
        await self.bot.session.close()
        await self.db.close()
        log.info("stopped")


async def create_app(
    settings: Settings, clock: Clock | None = None, i18n: I18n | None = None
) -> App:
    clock = clock or SystemClock()
    i18n = i18n or I18n(settings.default_language)
    db = await open_database(settings.database_path)
    try:
        try:
            async with db.transaction(heavy=True) as tx:
                made = await plan_every_active_pair(tx, settings.template, clock.now())
        except WriteRefused as refused:  # the bot still answers; writes are refused as they come
            log.warning("plans from the template not made at start: %s", refused)
            made = 0
        if made:
            log.info("made plans from the template for %s pairs that had none", made)
        bot = create_bot(settings)
        polling = PollingWatch(clock)
        bot.session.middleware(polling)
    except BaseException:  # Ctrl-C here must not leave the database thread running
        await db.close()
        raise
    sender = OutboxSender(
        db,
        bot,
        clock,
        quiet_until=partial(quiet_hours_end, window=settings.quiet_window, tz=settings.tz),
        i18n=i18n,
    )
    in_flight = InFlightUpdates()
    menus = ChatMenus(bot, db, i18n, in_flight.until_quiet)
    dp = create_dispatcher(settings, db, i18n, clock, sender, in_flight, menus)
    bot.session.middleware(FormStateBeforeReplies(cast(SQLiteStorage, dp.storage)))
    weekly_digest = WeeklyDigest(
        db,
        clock,
        settings.tz,
        sender,
        LINKS,
        limits_of(settings),
        settings.digest_cron,
        language=settings.default_language,
        timezone=settings.timezone,
    )
    return App(
        settings=settings,
        db=db,
        bot=bot,
        dp=dp,
        i18n=i18n,
        clock=clock,
        sender=sender,
        scheduler=Scheduler(
            settings,
            sender,
            ReminderTick(
                db,
                clock,
                settings.tz,
                sender,
                LINKS,
                limits_of(settings),
                digest_soon(settings.digest_cron, settings.tz),
                last_poll=lambda: polling.last_answer,
            ).run,
            weekly_digest.run,
            partial(weekly_digest.catch_up, settings.digest_cron),
            backup=(
                DailyBackup(
                    settings.database_path, settings.backup_dir, settings.backup_keep, clock
                ).run
                if settings.backup_dir is not None
                else None
            ),
        ),
        in_flight=in_flight,
        menus=menus,
        polling=polling,
        webhook=(
            WebhookServer(settings, dp, bot, on_update=polling.update_received)
            if settings.webhook_url
            else None
        ),
    )

"""The scheduler: the outbox sender's loop and the one job that queues reminders (the tick)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from scheduler.cron import crontab_trigger
from scheduler.sender import OutboxSender
from storage.db import RefusedWrites, WriteRefused

log = logging.getLogger(__name__)

SENDER_STOP_SECONDS = 15.0  # a send under way, with its rate-limit wait, finishes within this
DIGEST_RETRY_SECONDS = 60.0  # a digest the database refused is tried again after this


class Scheduler:
    def __init__(
        self,
        settings: Settings,
        sender: OutboxSender,
        tick: Callable[[], Awaitable[object]] | None = None,
        digest: Callable[[], Awaitable[object]] | None = None,
        digest_catch_up: Callable[[], Awaitable[object]] | None = None,
        backup: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.settings = settings
        self.sender = sender
        self.tick = tick  # queues what fell due (scheduler/tick.py)
        self.digest = digest  # queues the weekly digest (scheduler/digest.py)
        self.digest_catch_up = digest_catch_up  # … missed while the bot was down, at start
        self.backup = backup  # the daily backup (scheduler/backup.py), when BACKUP_DIR is set
        self.jobs = AsyncIOScheduler(timezone=settings.tz)
        self._sender_task: asyncio.Task[None] | None = None
        self._tick_lock = asyncio.Lock()  # held while a tick runs: stop() waits for it
        self._stopping = False
        # The tick's own interval is its back-off: it catches up from where it got to.
        self.tick_refusals = RefusedWrites(
            sender.db, "reminders' tick", "reminders wait (the next tick catches up)", log
        )
        self.digest_refusals = RefusedWrites(
            sender.db, "weekly digest", f"it is tried again every {DIGEST_RETRY_SECONDS:g} s", log
        )

    def start(self) -> None:
        self._sender_task = asyncio.create_task(
            self.sender.run(self.settings.scheduler_tick_seconds), name="outbox-sender"
        )
        if self.tick is not None:
            # At once (a restarted bot catches up), then every tick; a slow tick is not doubled.
            self.jobs.add_job(
                self._tick,
                "interval",
                seconds=self.settings.scheduler_tick_seconds,
                id="reminders",
                next_run_time=datetime.now(UTC),
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
            )
        if self.digest is not None:
            # DIGEST_CRON in standard crontab meaning, local time; a run delayed by a busy or
            # sleeping machine still goes within the hour (its outbox key stops a repeat).
            self.jobs.add_job(
                self._digest,
                crontab_trigger(self.settings.digest_cron, self.settings.tz),
                id="digest",
                max_instances=1,
                coalesce=True,
                misfire_grace_time=3600,
            )
        if self.digest_catch_up is not None:
            # The cron job lives in memory: a bot down at DIGEST_CRON learns of it here.
            self.jobs.add_job(
                self._digest_catch_up, "date", run_date=datetime.now(UTC), id="digest-catch-up"
            )
        if self.backup is not None:
            self.jobs.add_job(
                self._backup,
                crontab_trigger(self.settings.backup_cron, self.settings.tz),
                id="backup",
                max_instances=1,
                coalesce=True,
                misfire_grace_time=3600,
            )
        self.jobs.start()

    async def _backup(self) -> None:
        if self._stopping or self.backup is None:
            return
        try:
            await self.backup()
        except Exception:
            log.exception("the daily backup failed; it is tried again at the next BACKUP_CRON")

    async def _digest(self) -> None:
        if self._stopping or self.digest is None:
            return
        try:
            await self.digest()
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            # Stopped while the chart was drawn: nothing was queued; the next start catches up.
            log.info("the weekly digest was interrupted by the stop; it goes at the next start")
        except WriteRefused as refused:
            self._retry_digest(refused)
        except Exception:
            log.exception("the weekly digest failed")
        else:
            self.digest_refusals.settle()

    async def _digest_catch_up(self) -> None:
        if self._stopping or self.digest_catch_up is None:
            return
        try:
            await self.digest_catch_up()
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            log.info("the weekly digest's catch-up was interrupted by the stop")
        except WriteRefused as refused:
            self._retry_digest(refused)
        except Exception:
            log.exception("the weekly digest's catch-up failed")
        else:
            self.digest_refusals.settle()

    def _retry_digest(self, refused: WriteRefused) -> None:
        """The catch-up queues a firing whose digest was not recorded: run it again soon."""
        self.digest_refusals.refused(refused)
        if self._stopping or self.digest_catch_up is None:
            return
        self.jobs.add_job(
            self._digest_catch_up,
            "date",
            run_date=datetime.now(UTC) + timedelta(seconds=DIGEST_RETRY_SECONDS),
            id="digest-catch-up",
            replace_existing=True,
        )

    async def _tick(self) -> None:
        try:
            async with self._tick_lock:
                if not self._stopping and self.tick is not None:
                    await self.tick()
        except WriteRefused as refused:
            self.tick_refusals.refused(refused)
            return
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            # Cancelled by the shutdown while waiting for stop(): it had not begun.
            return
        self.tick_refusals.settle()

    async def stop(self) -> None:
        self._stopping = True
        if self.jobs.running:
            # Shutting down cancels a job under way; a tick is let finish (and commit) first,
            # with no new one started meanwhile.
            self.jobs.remove_all_jobs()
            async with self._tick_lock:
                self.jobs.shutdown(wait=False)
        if self._sender_task is not None:
            await self.sender.stop()
            try:
                await asyncio.wait_for(self._sender_task, SENDER_STOP_SECONDS)
            except TimeoutError:  # wait_for has cancelled it
                log.warning("the outbox sender did not stop in time")
            self._sender_task = None

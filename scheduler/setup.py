"""The scheduler: the outbox sender's loop now; reminder and digest jobs join it later."""

from __future__ import annotations

import asyncio
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from scheduler.sender import OutboxSender

log = logging.getLogger(__name__)

SENDER_STOP_SECONDS = 15.0  # a send under way, with its rate-limit wait, finishes within this


class Scheduler:
    def __init__(self, settings: Settings, sender: OutboxSender) -> None:
        self.settings = settings
        self.sender = sender
        self.jobs = AsyncIOScheduler(timezone=settings.tz)
        self._sender_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._sender_task = asyncio.create_task(
            self.sender.run(self.settings.scheduler_tick_seconds), name="outbox-sender"
        )
        self.jobs.start()

    async def stop(self) -> None:
        if self.jobs.running:
            self.jobs.shutdown(wait=False)
        if self._sender_task is not None:
            await self.sender.stop()
            try:
                await asyncio.wait_for(self._sender_task, SENDER_STOP_SECONDS)
            except TimeoutError:  # wait_for has cancelled it
                log.warning("the outbox sender did not stop in time")
            self._sender_task = None

"""The weekly digest as a job: at DIGEST_CRON (an APScheduler cron job, scheduler/setup.py) it
is queued through the outbox to every admin who has it on, under a key per admin and week, so
a restart or a second run in the same week does not repeat it; quiet hours defer it."""

from __future__ import annotations

import logging
from datetime import tzinfo

from bot.domain.digest import build_digest, digest_page, week_key
from bot.domain.pair_reminders import Limits
from bot.domain.reminder_settings import key_prefix
from bot.domain.reminders import ReminderKind
from bot.i18n import I18n
from scheduler.clock import Clock
from scheduler.sender import OutboxSender
from storage.db import Database

log = logging.getLogger(__name__)

PAGER = "dg:"  # handlers.digest: the attention list's pages


class WeeklyDigest:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        tz: tzinfo,
        i18n: I18n,
        sender: OutboxSender,
        limits: Limits | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.tz = tz
        self.i18n = i18n
        self.sender = sender
        self.limits = limits or Limits()

    async def run(self) -> int:
        """Queue this week's digest to every admin; returns how many are new."""
        now = self.clock.now()
        queued = 0
        async with self.db.transaction(heavy=True) as tx:
            wanted = {
                person_id for person_id, _ in await tx.reminders.admins(ReminderKind.DIGEST.value)
            }
            admins = [admin for admin in await tx.people.admins() if admin.id in wanted]
            if not admins:
                return 0
            digest = await build_digest(tx, now, self.tz, self.limits)
            week = week_key(now, self.tz)
            for admin in admins:
                text, markup = digest_page(self.i18n.get(admin.language), digest, self.tz, 0, PAGER)
                queued += await tx.outbox.enqueue(
                    # keyed as the reminders are: switching the digest off cancels a queued one
                    f"{key_prefix(ReminderKind.DIGEST)}{week}:{admin.id}",
                    admin.id,
                    text,
                    now,
                    markup=markup,
                    subject="digest",
                )
        if queued:
            log.info("digest: queued to %s admins", queued)
            self.sender.wake()
        return queued

"""The digest as a job: at DIGEST_CRON (an APScheduler cron job, scheduler/setup.py) it is
queued through the outbox to every admin who has it on, under a key per admin and firing, so a
restart or a second run for the same firing does not repeat it, and a DIGEST_CRON of every day
sends one every day; it covers the time since the firing before. Quiet hours defer it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, tzinfo

from bot.domain.attention import Limits
from bot.domain.digest import PERIOD, build_digest, digest_page, firing_key
from bot.domain.links import Links
from bot.domain.notify import Notice, NoticeKind, admins, tell_all
from bot.jobs import digest_chart
from bot.notices import Text
from bot.offload import in_child
from scheduler.clock import Clock
from scheduler.cron import crontab_trigger, last_fire_before, previous_fire
from scheduler.sender import OutboxSender
from storage.db import Database

log = logging.getLogger(__name__)

MARK = "digest"  # scheduler_marks: when the digest was last queued
CATCH_UP = timedelta(days=7)  # a digest missed longer ago than this is last week's news


class WeeklyDigest:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        tz: tzinfo,
        sender: OutboxSender,
        links: Links,
        limits: Limits | None = None,
        expression: str = "0 9 * * 1",
        *,
        language: str = "ru",
        timezone: str = "Asia/Bishkek",
        with_chart: bool = True,
    ) -> None:
        self.language, self.timezone = language, timezone  # the chart's words and days
        self.with_chart = with_chart
        self.trigger = crontab_trigger(expression, tz)  # DIGEST_CRON
        self.links = links  # what the digest's buttons lead to (handlers/links.py)
        self.db = db
        self.clock = clock
        self.tz = tz
        self.sender = sender
        self.limits = limits or Limits()

    async def _chart(self, now: datetime) -> bytes | None:
        """The chart that follows the digest (drawn in a child process); None when there is
        nothing to draw or drawing failed (the digest goes without it)."""
        try:
            return await in_child(digest_chart, self.db.path, self.language, self.timezone, now)
        except Exception:
            log.exception("digest: the chart could not be drawn; the digest goes without it")
            return None

    async def run(self) -> int:
        """Queue the digest of the latest firing to every admin, and its chart after it;
        returns how many are new."""
        now = self.clock.now()
        fired = previous_fire(self.trigger, now) or now
        before = previous_fire(self.trigger, fired - timedelta(microseconds=1))
        since = before if before is not None else fired - PERIOD
        async with self.db.read() as tx:
            # No chart to draw for nobody, nor for a firing already queued (a restart).
            wanted = self.with_chart and bool(await admins(tx))
            if wanted:
                wanted = not await tx.outbox.has_key_prefix(
                    NoticeKind.DIGEST.key(firing_key(fired, self.tz), "")
                )
        chart = await self._chart(now) if wanted else None
        async with self.db.transaction(heavy=True) as tx:
            await tx.reminders.set_done_until(MARK, now)
            to = await admins(tx)
            if not to:
                return 0
            digest = await build_digest(tx, now, self.tz, self.limits, since=since)
            firing = firing_key(fired, self.tz)
            # By key: rendered when sent, in the language each admin has then.
            text, buttons = digest_page(digest, self.tz, 0, self.links)
            notices = [
                Notice(NoticeKind.DIGEST, to=admin.id, text=text, of=(firing,), buttons=buttons)
                for admin in to
            ]
            if chart is not None:
                upload = await tx.outbox.add_upload(chart, "digest.png", now)
                notices += [
                    Notice(
                        NoticeKind.DIGEST, to=admin.id, text=Text("stats-chart-caption"),
                        of=(firing, "chart"), upload=upload,
                    )
                    for admin in to
                ]  # fmt: skip
            queued = await tell_all(tx, notices, now)
        if queued:
            log.info("digest: queued to %s admins", queued)
            self.sender.wake()
        return queued

    async def catch_up(self, expression: str) -> int:
        """At start-up: a DIGEST_CRON moment of the last week that passed while the bot was
        down is queued now (its key per firing keeps it single); a first start only records
        the moment, so a new installation does not open with a digest."""
        now = self.clock.now()
        async with self.db.read() as tx:
            done = await tx.reminders.done_until(MARK)
        if done is None:
            async with self.db.transaction(bookkeeping=True) as tx:
                await tx.reminders.set_done_until(MARK, now)
            return 0
        missed = last_fire_before(crontab_trigger(expression, self.tz), now, CATCH_UP)
        if missed is None or missed <= done:
            return 0
        log.info("digest: the bot was down at %s; queuing that digest now", missed.isoformat())
        return await self.run()

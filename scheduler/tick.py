"""The scheduler's tick: what fell due since the last one goes into the outbox, once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, tzinfo
from functools import partial

from bot.domain.attention import Limits
from bot.domain.feedback import find_feedback_due
from bot.domain.links import Links
from bot.domain.notify import tell_all
from bot.domain.pair_reminders import DIGEST_FOLDS, find_pair_due
from bot.domain.reminders import Window, find_due, window_since
from scheduler.clock import Clock
from scheduler.cron import crontab_trigger, fires_within
from scheduler.sender import OutboxSender
from storage.db import Database

log = logging.getLogger(__name__)

MARK = "reminders"  # the scheduler_marks row of this tick
# The row of when Telegram last answered the bot's getUpdates (bot/polling.py), written by the
# tick so that polling costs no write per update; `python -m bot health` reads both.
POLLING_MARK = "polling"


class ReminderTick:
    """One APScheduler job runs this every SCHEDULER_TICK_SECONDS. Nothing per reminder is held
    in APScheduler: the tables say what is due, so a restart or a changed deadline needs no
    bookkeeping; the unique outbox key makes a repeated window harmless."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        tz: tzinfo,
        sender: OutboxSender,
        links: Links,
        limits: Limits | None = None,
        digest_soon: Callable[[datetime], bool] = lambda _due: False,
        last_poll: Callable[[], datetime | None] = lambda: None,
    ) -> None:
        self.limits = limits or Limits()
        # Whether a weekly digest goes within DIGEST_FOLDS of a moment (from DIGEST_CRON).
        self.digest_soon = digest_soon
        self.last_poll = last_poll  # when getUpdates was last answered (None: not polling)
        self.links = links  # what the reminders' buttons lead to (handlers/links.py)
        self.db = db
        self.clock = clock
        self.tz = tz
        self.sender = sender

    async def run(self) -> int:
        """Queue what fell due since the last tick; returns how many notices are new."""
        now = self.clock.now()
        async with self.db.transaction(heavy=True) as tx:
            if (answered := self.last_poll()) is not None:
                await tx.reminders.set_done_until(POLLING_MARK, answered)
            done = await tx.reminders.done_until(MARK)
            if done is not None and done >= now:
                return 0  # the clock has not moved since (or went back): nothing new is due
            since = window_since(done, now)
            window = Window(since, now)
            found = await find_due(tx, window, self.tz, self.links)
            await find_pair_due(
                tx, window, self.tz, self.limits, found, self.links, self.digest_soon
            )
            await find_feedback_due(tx, window, self.tz, found, self.links)
            queued = await tell_all(tx, found.notices, now)
            await tx.reminders.set_done_until(MARK, now)
        if found.skipped:
            log.info(
                "reminders: %s skipped as stale (due while the bot was stopped, overtaken since)",
                found.skipped,
            )
        if queued:
            log.info("reminders: %s queued", queued)
            self.sender.wake()
        return queued


def digest_soon(digest_cron: str, tz: tzinfo) -> Callable[[datetime], bool]:
    """Whether DIGEST_CRON fires at a moment or within DIGEST_FOLDS after it: an admins'
    warning due then is left to the digest."""
    trigger = crontab_trigger(digest_cron, tz)
    return partial(fires_within, trigger, span=DIGEST_FOLDS)

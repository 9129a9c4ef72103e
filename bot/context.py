"""What a handler needs of the update's surroundings, in one small object loaded once per update
(bot/middlewares.py CurrentPerson): who is acting and in what rights, their texts, the database,
the clock and the settings, and the outbox's sender to wake. A handler takes `ctx: Context`
instead of eight or ten injected parameters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.config import Settings
from bot.domain.rules import local_today, quiet_hours_end
from bot.i18n import I18n, Translator
from scheduler.clock import Clock
from scheduler.sender import OutboxSender
from storage.db import Database
from storage.models import Person


@dataclass(frozen=True, slots=True)
class Context:
    person: Person | None  # None: nobody the programme knows (yet)
    is_admin: bool
    t: Translator  # the texts in the person's language
    db: Database
    clock: Clock
    settings: Settings
    sender: OutboxSender
    i18n: I18n

    @property
    def me(self) -> Person:
        """The person acting, where a router's filter (Member, AdminOnly) let only people in."""
        if self.person is None:
            raise LookupError("this handler's router lets only people of the programme in")
        return self.person

    @property
    def tz(self) -> tzinfo:
        return self.settings.tz

    def now(self) -> datetime:
        return self.clock.now()

    def quiet_until(self) -> datetime | None:
        """When the quiet hours now in force end (local), None outside them: a notice queued
        now waits until then."""
        until = quiet_hours_end(self.now(), self.settings.quiet_window, self.tz)
        return until.astimezone(self.tz) if until is not None else None

    def today(self) -> date:
        """The local date."""
        return local_today(self.clock.now(), self.settings.tz)

    def told(self) -> None:
        """Something was queued for other people: the sender goes now, not at its next tick."""
        self.sender.wake()

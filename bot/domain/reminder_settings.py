"""Which kinds of reminder each person may switch off, and the switch itself (/settings).

The kinds come from ReminderKind; AUDIENCE says whom each is for, so a new kind shows up in
/settings for the people it is meant for (tests/unit/test_reminder_settings.py checks that
every kind has an audience and a label)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.domain.reminders import ReminderKind
from storage.models import Person, Role
from storage.repos import Repos


class Audience(StrEnum):
    """Who a reminder is for: a side of a pair, or the programme's admins."""

    MENTOR = "mentor"
    MENTEE = "mentee"
    ADMIN = "admin"


_BOTH = frozenset({Audience.MENTOR, Audience.MENTEE})
AUDIENCE: dict[ReminderKind, frozenset[Audience]] = {
    ReminderKind.MEETING_DAY: _BOTH,
    ReminderKind.MEETING_HOUR: _BOTH,
    ReminderKind.MEETING_HELD: _BOTH,
    ReminderKind.MEETING_UNANSWERED: _BOTH,  # to whichever side proposed
    ReminderKind.MILESTONE_WEEK: frozenset({Audience.MENTEE}),
    ReminderKind.MILESTONE_DAY: frozenset({Audience.MENTEE}),
    ReminderKind.MILESTONE_OVERDUE: _BOTH,
    ReminderKind.MILESTONE_REVIEW: frozenset({Audience.MENTOR}),
    ReminderKind.QUESTION_REMIND: frozenset({Audience.MENTOR}),
    ReminderKind.QUESTION_ESCALATE: frozenset({Audience.ADMIN}),
    ReminderKind.PLAN_LATE: frozenset({Audience.MENTOR, Audience.ADMIN}),
    ReminderKind.PAIR_INACTIVE: _BOTH,
    ReminderKind.PAIR_INACTIVE_ADMINS: frozenset({Audience.ADMIN}),
    ReminderKind.FINAL_REPORT_MONTH: _BOTH,
    ReminderKind.FINAL_REPORT_WEEK: _BOTH,
    ReminderKind.DIGEST: frozenset({Audience.ADMIN}),
}


def audiences(person: Person | None, is_admin: bool) -> frozenset[Audience]:
    """What a person is in the programme: their role's side while active, and admin."""
    found: set[Audience] = set()
    if person is not None and person.active:
        if person.role is Role.MENTOR:
            found.add(Audience.MENTOR)
        elif person.role is Role.MENTEE:
            found.add(Audience.MENTEE)
    if is_admin:
        found.add(Audience.ADMIN)
    return frozenset(found)


def kinds_for(person: Person | None, is_admin: bool) -> list[ReminderKind]:
    """The kinds meant for this person, in ReminderKind's order."""
    mine = audiences(person, is_admin)
    return [kind for kind in ReminderKind if AUDIENCE.get(kind, frozenset()) & mine]


def kind_meant_for(value: str, person: Person | None, is_admin: bool) -> ReminderKind | None:
    """The kind named in a button, when it is one meant for this person (else forged or stale)."""
    try:
        kind = ReminderKind(value)
    except ValueError:
        return None
    return kind if kind in kinds_for(person, is_admin) else None


def key_prefix(kind: ReminderKind) -> str:
    """How every queued reminder of this kind is keyed (bot.domain.reminders.reminder_key)."""
    return f"remind:{kind.value}:"


async def switched_on(tx: Repos, person_id: int, kinds: list[ReminderKind]) -> dict[str, bool]:
    off = await tx.reminders.switched_off(person_id)
    return {kind.value: kind.value not in off for kind in kinds}


async def switch_reminder(
    tx: Repos, person_id: int, kind: ReminderKind, enabled: bool, now: datetime
) -> int:
    """Switch a kind on or off for what is queued from now on; switching off also cancels this
    person's reminders of that kind not sent yet (deferred by quiet hours, say). Returns how
    many were cancelled."""
    await tx.reminders.set_switch(person_id, kind.value, enabled)
    if enabled:
        return 0
    return await tx.outbox.cancel_pending_keyed(
        person_id, key_prefix(kind), f"switched off at {now.isoformat(timespec='seconds')}"
    )

"""Which kinds of notice each person may switch off, and the switch itself (/settings).

The kinds are bot/domain/notify.py's NoticeKind: each switchable one says whom it is for, so a
new kind shows up in /settings for the people it is meant for (tests/unit/test_reminder_settings.py
checks that every switchable kind has an audience and a label)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.notify import Audience, NoticeKind
from storage.models import Person, Role
from storage.repos import Repos


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


def kinds_for(person: Person | None, is_admin: bool) -> list[NoticeKind]:
    """The switchable kinds meant for this person, in NoticeKind's order."""
    mine = audiences(person, is_admin)
    return [kind for kind in NoticeKind if kind.switchable and kind.audience & mine]


def kind_meant_for(value: str, person: Person | None, is_admin: bool) -> NoticeKind | None:
    """The kind named in a button, when it is one meant for this person (else forged or stale)."""
    kind = NoticeKind.named(value)
    return kind if kind in kinds_for(person, is_admin) else None


async def switched_on(tx: Repos, person_id: int, kinds: list[NoticeKind]) -> dict[str, bool]:
    off = await tx.reminders.switched_off(person_id)
    return {kind.value: kind.value not in off for kind in kinds}


async def switch_reminder(
    tx: Repos, person_id: int, kind: NoticeKind, enabled: bool, now: datetime
) -> int:
    """Switch a kind on or off for what is queued from now on; switching off also cancels this
    person's notices of that kind not sent yet (deferred by quiet hours, say). Returns how many
    were cancelled."""
    if not kind.switchable:
        raise ValueError(f"{kind} cannot be switched off")
    await tx.reminders.set_switch(person_id, kind.value, enabled)
    if enabled:
        return 0
    return await tx.outbox.cancel_kind(
        person_id, kind.value, f"switched off at {now.isoformat(timespec='seconds')}"
    )

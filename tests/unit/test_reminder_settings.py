"""Which reminders a person may switch off, and what a switch does (reminder_settings.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.notify import Audience, Notice, NoticeKind, tell_all
from bot.domain.reminder_settings import (
    audiences,
    kind_meant_for,
    kinds_for,
    switch_reminder,
    switched_on,
)
from bot.i18n import I18n
from bot.notices import Text
from handlers.settings import ReminderSwitch
from storage.db import Database
from storage.models import Person, Role

NOW = datetime(2027, 1, 20, 4, 0, tzinfo=UTC)


def _person(role: Role, *, active: bool = True) -> Person:
    return Person(
        id=1,
        full_name="Иванова Анна",
        role=role,
        is_admin=False,
        department=None,
        username=None,
        telegram_id=1,
        language=None,
        active=active,
        blocked=False,
        seen=True,
    )


SWITCHABLE = [kind for kind in NoticeKind if kind.switchable]


def test_every_kind_is_meant_for_someone_and_a_switchable_one_has_a_label(i18n: I18n) -> None:
    t = i18n.get("ru")
    assert [kind for kind in NoticeKind if not kind.audience] == []
    assert [kind for kind in SWITCHABLE if not t.has(kind.label)] == []


def test_only_notices_nobody_asked_for_can_be_switched_off() -> None:
    assert [kind for kind in SWITCHABLE if kind.personal] == []


def test_each_role_sees_the_kinds_meant_for_it_in_the_kinds_order() -> None:
    mentee = kinds_for(_person(Role.MENTEE), is_admin=False)
    mentor = kinds_for(_person(Role.MENTOR), is_admin=False)
    assert NoticeKind.MILESTONE_WEEK in mentee and NoticeKind.MILESTONE_REVIEW not in mentee
    assert NoticeKind.MILESTONE_REVIEW in mentor and NoticeKind.MILESTONE_WEEK not in mentor
    assert mentee == [k for k in SWITCHABLE if Audience.MENTEE in k.audience]
    order = list(NoticeKind)
    assert mentor == sorted(mentor, key=order.index)


def test_an_admin_who_mentors_gets_both_and_someone_who_left_gets_none() -> None:
    assert audiences(_person(Role.MENTOR), is_admin=True) == {Audience.MENTOR, Audience.ADMIN}
    assert audiences(_person(Role.MENTEE, active=False), is_admin=False) == frozenset()
    assert kinds_for(None, is_admin=False) == []


def test_a_kind_from_a_button_is_taken_only_when_it_is_meant_for_the_person() -> None:
    mentee = _person(Role.MENTEE)
    assert kind_meant_for("milestone-week", mentee, False) is NoticeKind.MILESTONE_WEEK
    assert kind_meant_for("milestone-review", mentee, False) is None
    assert kind_meant_for("no-such-kind", mentee, False) is None


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_a_kinds_keys_are_its_own(kind: NoticeKind) -> None:
    others = [k for k in NoticeKind if k is not kind]
    assert not any(o.key(12, 3).startswith(kind.key() + ":") for o in others)


@pytest.mark.parametrize("kind", SWITCHABLE)
def test_every_switch_button_fits_telegrams_64_bytes(kind: NoticeKind) -> None:
    assert len(ReminderSwitch(kind=kind.value, on=1).pack().encode()) <= 64


def _notice(kind: NoticeKind, person_id: int) -> Notice:
    return Notice(kind, to=person_id, text=Text("remind-milestone-day"), of=(1,), about=1)


async def test_switching_off_cancels_only_that_persons_pending_rows_of_that_kind(
    db: Database,
) -> None:
    day, week = NoticeKind.MILESTONE_DAY, NoticeKind.MILESTONE_WEEK
    async with db.transaction() as tx:
        me = await tx.people.add(full_name="Сидорова Мария", role=Role.MENTEE, now=NOW)
        other = await tx.people.add(full_name="Орлов Илья", role=Role.MENTEE, now=NOW)
        notices = [_notice(day, me.id), _notice(week, me.id), _notice(day, other.id)]
        await tell_all(tx, notices, NOW)
        cancelled = await switch_reminder(tx, me.id, day, False, NOW)
        states = await switched_on(tx, me.id, [day, week])
        rows = await tx.conn.execute_fetchall("SELECT key, status FROM outbox ORDER BY id")
    assert cancelled == 1
    assert states == {day.value: False, week.value: True}
    assert [status for _, status in rows] == ["cancelled", "pending", "pending"]

    async with db.transaction() as tx:
        assert await switch_reminder(tx, me.id, day, True, NOW) == 0
        assert await switched_on(tx, me.id, [day]) == {day.value: True}
        assert await switched_on(tx, other.id, [day]) == {day.value: True}

"""Changes an admin makes to a person's record, with the programme's guards."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.domain.rules import may_change_role_or_leave
from bot.notices import Text
from storage.db import Database
from storage.models import Person, Role
from storage.names import Gender


def role_text(person: Person, is_admin: bool) -> Text:
    """The role title by catalog key, for a message rendered when it is sent."""
    title = Text(f"role-of-{person.role.value}", {"name": person.full_name})
    if is_admin and person.role is not Role.ADMIN:
        return Text("role-with-admin", {"role": title})
    return title


class StaffRefusal(StrEnum):
    NO_SUCH_PERSON = "stale-button"
    STILL_ACTIVE = "person-anonymise-active"
    HAS_ACTIVE_PAIRS = "person-has-active-pairs"
    NOT_YOURSELF = "person-not-yourself"
    ADMIN_BY_ROLE = "person-admin-by-role"


async def change_role(
    db: Database, person_id: int, role: Role, by: Person, now: datetime
) -> StaffRefusal | None:
    if person_id == by.id:
        return StaffRefusal.NOT_YOURSELF  # an admin's own role carries the rights to undo it
    async with db.transaction() as tx:
        person = await tx.people.get(person_id)
        if person is None:
            return StaffRefusal.NO_SUCH_PERSON
        if person.role is role:
            return None
        if not may_change_role_or_leave(await tx.pairs.active_for_person(person.id)):
            return StaffRefusal.HAS_ACTIVE_PAIRS
        # A role of admin carries the rights by itself; leaving it takes them away unless they
        # were granted separately (is_admin).
        await tx.people.update(person.id, now, role=role)
    return None


async def set_department(
    db: Database, person_id: int, department: str | None, now: datetime
) -> StaffRefusal | None:
    async with db.transaction() as tx:
        if await tx.people.get(person_id) is None:
            return StaffRefusal.NO_SUCH_PERSON
        await tx.people.update(person_id, now, department=department)
    return None


async def rename(
    db: Database, person_id: int, full_name: str, now: datetime
) -> StaffRefusal | None:
    """An admin corrects a name (it is the roster's from now on, not Telegram's)."""
    async with db.transaction() as tx:
        if await tx.people.get(person_id) is None:
            return StaffRefusal.NO_SUCH_PERSON
        await tx.people.update(person_id, now, full_name=full_name, name_from_telegram=False)
    return None


async def set_gender(
    db: Database, person_id: int, gender: Gender, now: datetime
) -> StaffRefusal | None:
    """The gender texts agree with, for a name whose patronymic does not tell it."""
    async with db.transaction() as tx:
        if await tx.people.get(person_id) is None:
            return StaffRefusal.NO_SUCH_PERSON
        await tx.people.update(person_id, now, gender=gender)
    return None


async def set_admin_rights(
    db: Database, person_id: int, granted: bool, by: Person, now: datetime
) -> StaffRefusal | None:
    if person_id == by.id and not granted:
        return StaffRefusal.NOT_YOURSELF  # nobody locks themselves out by a slip of the finger
    async with db.transaction() as tx:
        person = await tx.people.get(person_id)
        if person is None:
            return StaffRefusal.NO_SUCH_PERSON
        if person.role is Role.ADMIN and not granted:
            return StaffRefusal.ADMIN_BY_ROLE
        await tx.people.update(person_id, now, is_admin=granted)
    return None


async def set_active(
    db: Database, person_id: int, active: bool, by: Person, now: datetime
) -> StaffRefusal | None:
    """Deactivate someone who left (their history stays) or bring them back."""
    if person_id == by.id and not active:
        return StaffRefusal.NOT_YOURSELF
    async with db.transaction() as tx:
        person = await tx.people.get(person_id)
        if person is None:
            return StaffRefusal.NO_SUCH_PERSON
        if not active and not may_change_role_or_leave(await tx.pairs.active_for_person(person.id)):
            return StaffRefusal.HAS_ACTIVE_PAIRS
        await tx.people.update(person_id, now, active=active)
    return None


def anonymous_name(person_id: int) -> str:
    """The name of a person who left and was anonymised: a label, the same in every report."""
    return f"Участник №{person_id}"


def is_anonymised(person: Person) -> bool:
    return person.full_name == anonymous_name(person.id) and person.telegram_id is None


async def anonymise(db: Database, person_id: int, by: Person, now: datetime) -> StaffRefusal | None:
    """Erase who a person who left was (storage.personal_data.erase): for good, so only once
    they are marked as having left, and never one's own record."""
    if person_id == by.id:
        return StaffRefusal.NOT_YOURSELF
    async with db.transaction() as tx:
        person = await tx.people.get(person_id)
        if person is None:
            return StaffRefusal.NO_SUCH_PERSON
        if person.active:
            return StaffRefusal.STILL_ACTIVE
        await tx.personal_data.erase(person_id, anonymous_name(person_id), now)
    return None

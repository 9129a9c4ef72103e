from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain import onboarding
from bot.domain.onboarding import (
    DecisionError,
    StartOutcome,
    TelegramAccount,
    approve,
    create_invite,
    decline,
    decline_all,
    ensure_bootstrap_admin,
    recognise,
)
from bot.i18n import I18n
from storage.db import Database, open_database
from storage.models import RequestStatus, Role

NOW = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)
ANNA = TelegramAccount(501, "anna_k", "Ким Анна")
STRANGER = TelegramAccount(777, "stranger", "Незнакомец")
I18N = I18n("ru")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "onboarding.db")
    yield database
    await database.close()


async def add_person(db: Database, name: str, role: Role = Role.MENTEE, **fields: object) -> int:
    async with db.transaction() as tx:
        person = await tx.people.add(full_name=name, role=role, now=NOW, **fields)  # type: ignore[arg-type]
    return person.id


async def test_roster_username_links_an_unlinked_person(db: Database) -> None:
    person_id = await add_person(db, "Ким Анна", username="Anna_K")
    result = await recognise(db, ANNA, payload=None, now=NOW)
    assert result.outcome is StartOutcome.LINKED_BY_USERNAME
    assert result.person is not None and result.person.id == person_id
    assert result.person.telegram_id == ANNA.id


async def test_username_cannot_take_over_a_linked_person(db: Database) -> None:
    await add_person(db, "Ким Анна", username="anna_k", telegram_id=999)
    result = await recognise(db, ANNA, payload=None, now=NOW)
    assert result.outcome is StartOutcome.REQUEST_NEW


async def test_invite_links_once_and_only_before_it_expires(db: Database) -> None:
    person_id = await add_person(db, "Ким Анна")
    created = await create_invite(db, person_id, None, NOW, ttl_days=14)
    assert created is not None
    token, expires = created
    assert expires == NOW + timedelta(days=14)
    result = await recognise(db, TelegramAccount(501, None, "Анна"), payload=token, now=NOW)
    assert result.outcome is StartOutcome.LINKED_BY_INVITE
    again = await recognise(db, STRANGER, payload=token, now=NOW)
    assert again.outcome is StartOutcome.INVITE_USED


async def test_expired_invite_is_refused(db: Database) -> None:
    person_id = await add_person(db, "Ким Анна")
    created = await create_invite(db, person_id, None, NOW, ttl_days=1)
    assert created is not None
    later = NOW + timedelta(days=2)
    result = await recognise(db, ANNA, payload=created[0], now=later)
    assert result.outcome is StartOutcome.INVITE_EXPIRED


async def test_unknown_invite_token_is_refused(db: Database) -> None:
    result = await recognise(db, STRANGER, payload="nope", now=NOW)
    assert result.outcome is StartOutcome.INVITE_UNKNOWN


async def test_no_invite_for_someone_who_uses_the_bot(db: Database) -> None:
    person_id = await add_person(db, "Ким Анна", telegram_id=501)
    async with db.transaction() as tx:
        await tx.people.mark_seen(person_id, NOW)
    assert await create_invite(db, person_id, None, NOW, ttl_days=14) is None


async def test_an_invite_corrects_a_wrong_id_from_the_roster(db: Database) -> None:
    person_id = await add_person(db, "Ким Анна", telegram_id=999)  # a typo in the file
    created = await create_invite(db, person_id, None, NOW, ttl_days=14)
    assert created is not None
    result = await recognise(db, ANNA, payload=created[0], now=NOW)
    assert result.outcome is StartOutcome.LINKED_BY_INVITE
    assert result.person is not None and result.person.telegram_id == ANNA.id


async def test_stranger_requests_once_then_waits(db: Database) -> None:
    first = await recognise(db, STRANGER, payload=None, now=NOW)
    second = await recognise(db, STRANGER, payload=None, now=NOW)
    assert first.outcome is StartOutcome.REQUEST_NEW
    assert second.outcome is StartOutcome.REQUEST_PENDING


async def test_first_decision_wins(db: Database) -> None:
    admin_one = await ensure_bootstrap_admin(db, TelegramAccount(1, None, "Админ Один"), NOW)
    admin_two = await ensure_bootstrap_admin(db, TelegramAccount(2, None, "Админ Два"), NOW)
    request = (await recognise(db, STRANGER, payload=None, now=NOW)).request
    assert request is not None
    approved = await approve(db, request.id, admin_one, NOW, role=Role.MENTOR)
    late = await decline(db, request.id, admin_two, NOW)
    assert approved is not None and approved.person is not None
    assert approved.person.role is Role.MENTOR and approved.person.telegram_id == STRANGER.id
    assert late is not None and late.error is DecisionError.ALREADY_DECIDED
    assert (await recognise(db, STRANGER, payload=None, now=NOW)).outcome is StartOutcome.KNOWN


async def test_declined_stranger_sends_no_new_request(db: Database) -> None:
    admin = await ensure_bootstrap_admin(db, TelegramAccount(1, None, "Админ"), NOW)
    request = (await recognise(db, STRANGER, payload=None, now=NOW)).request
    assert request is not None
    await decline(db, request.id, admin, NOW)
    assert (await recognise(db, STRANGER, payload=None, now=NOW)).outcome is (
        StartOutcome.REQUEST_DECLINED
    )


async def test_declining_all_goes_in_chunks_up_to_the_newest_request_the_list_showed(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(onboarding, "DECLINE_CHUNK", 4)
    admin = await ensure_bootstrap_admin(db, TelegramAccount(1, None, "Админ"), NOW)
    for n in range(10):
        await recognise(db, TelegramAccount(900 + n, None, f"Гость {n}"), payload=None, now=NOW)
    async with db.read() as tx:
        shown, newest = await tx.requests.pending_and_newest()
    await recognise(db, TelegramAccount(999, None, "Опоздавший"), payload=None, now=NOW)
    commits = db.writes_committed

    outcome = await decline_all(db, admin, NOW, up_to=newest)

    assert (shown, outcome.declined, outcome.newer) == (10, 10, 1)
    assert db.writes_committed - commits == 3  # 4 + 4 + 2 requests, a transaction each
    async with db.read() as tx:
        late = await tx.requests.by_telegram_id(999)
    assert late is not None and late.status is RequestStatus.PENDING
    assert (await decline_all(db, admin, NOW, up_to=newest)).declined == 0


async def test_approval_can_link_to_a_roster_person(db: Database) -> None:
    admin = await ensure_bootstrap_admin(db, TelegramAccount(1, None, "Админ"), NOW)
    person_id = await add_person(db, "Незнакомцев Иван", Role.MENTOR, department="ПЦК ИТ")
    request = (await recognise(db, STRANGER, payload=None, now=NOW)).request
    assert request is not None
    decision = await approve(db, request.id, admin, NOW, link_to=person_id)
    assert decision is not None and decision.person is not None
    assert decision.person.id == person_id and decision.person.department == "ПЦК ИТ"
    async with db.read() as tx:
        assert await tx.people.count() == 2


async def test_deactivated_person_is_told_so(db: Database) -> None:
    person_id = await add_person(db, "Ким Анна", telegram_id=501)
    async with db.transaction() as tx:
        await tx.people.update(person_id, NOW, active=False)
    assert (await recognise(db, ANNA, payload=None, now=NOW)).outcome is StartOutcome.DEACTIVATED


async def test_a_pending_request_is_settled_when_an_invite_links_the_account(
    db: Database,
) -> None:
    person_id = await add_person(db, "Ким Анна")
    request = (await recognise(db, ANNA, payload=None, now=NOW)).request
    assert request is not None
    created = await create_invite(db, person_id, None, NOW, ttl_days=14)
    assert created is not None
    await recognise(db, ANNA, payload=created[0], now=NOW)
    async with db.read() as tx:
        settled = await tx.requests.get(request.id)
        assert await tx.requests.pending_without_copy(1) == []
        assert await tx.outbox.copies(f"access-request:{request.id}") == []
    assert settled is not None and settled.person_id == person_id


async def test_an_admin_cannot_change_their_own_role(db: Database) -> None:
    from bot.domain.staff import StaffRefusal, change_role

    admin = await ensure_bootstrap_admin(db, TelegramAccount(1, None, "Админ"), NOW)
    assert await change_role(db, admin.id, Role.MENTEE, admin, NOW) is StaffRefusal.NOT_YOURSELF


async def test_deactivated_person_is_told_so_whatever_invite_they_open(db: Database) -> None:
    person_id = await add_person(db, "Ким Анна", telegram_id=501)
    other_id = await add_person(db, "Петрова Елена")
    async with db.transaction() as tx:
        await tx.people.update(person_id, NOW, active=False)
    created = await create_invite(db, other_id, None, NOW, ttl_days=14)
    assert created is not None
    for payload in (created[0], "no-such-token"):
        result = await recognise(db, ANNA, payload=payload, now=NOW)
        assert result.outcome is StartOutcome.DEACTIVATED
    async with db.read() as tx:
        other = await tx.people.get(other_id)
    assert other is not None and not other.seen


@pytest.mark.parametrize("fields", [{"role": Role.ADMIN}, {"is_admin": True}])
async def test_admin_row_is_not_linked_by_username_but_becomes_a_request(
    db: Database, fields: dict[str, object]
) -> None:
    role = fields.get("role", Role.MENTOR)
    person_id = await add_person(
        db, "Ким Анна", role, username="anna_k", is_admin=bool(fields.get("is_admin"))
    )
    result = await recognise(db, ANNA, payload=None, now=NOW)
    assert result.outcome is StartOutcome.REQUEST_NEW
    async with db.read() as tx:
        listed = await tx.people.get(person_id)
    assert listed is not None and listed.telegram_id is None and not listed.seen


async def test_an_admin_approves_linking_an_admin_row_and_the_rights_come_with_it(
    db: Database,
) -> None:
    admin = await ensure_bootstrap_admin(db, TelegramAccount(1, None, "Админ"), NOW)
    person_id = await add_person(db, "Ким Анна", Role.ADMIN, username="anna_k")
    request = (await recognise(db, ANNA, payload=None, now=NOW)).request
    assert request is not None
    decision = await approve(db, request.id, admin, NOW, link_to=person_id)
    assert decision is not None and decision.person is not None
    assert decision.person.id == person_id and decision.person.has_admin_rights
    assert decision.person.telegram_id == ANNA.id

"""How a Telegram account becomes a person of the programme: invites, roster @usernames,
ADMIN_IDS, and access requests decided by admins."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.access import decline_request, queue_settled, settle_for_account
from bot.domain.notify import opened_the_bot
from storage.db import Database
from storage.models import AccessRequest, Person, RequestStatus, Role
from storage.names import clean_name
from storage.repos import Repos

# Queues a request for the admins within the transaction that records it; returns how many.
ShareRequest = Callable[[Repos, AccessRequest], Awaitable[int]]


class StartOutcome(StrEnum):
    KNOWN = "known"
    LINKED_BY_INVITE = "linked-by-invite"
    LINKED_BY_USERNAME = "linked-by-username"
    DEACTIVATED = "deactivated"
    INVITE_UNKNOWN = "invite-unknown"
    INVITE_USED = "invite-used"
    INVITE_EXPIRED = "invite-expired"
    INVITE_FOR_SOMEONE_ELSE = "invite-for-someone-else"
    REQUEST_NEW = "request-new"
    REQUEST_PENDING = "request-pending"
    REQUEST_DECLINED = "request-declined"


@dataclass(frozen=True, slots=True)
class StartResult:
    outcome: StartOutcome
    person: Person | None = None
    request: AccessRequest | None = None


@dataclass(frozen=True, slots=True)
class TelegramAccount:
    id: int
    username: str | None
    display_name: str


async def first_contact(tx: Repos, person: Person, telegram_id: int, now: datetime) -> None:
    """A roster person linked by their Telegram id writes to the bot for the first time with
    something other than /start: they have opened it, as at a /start (a request they had
    sent is settled, what was held for them goes)."""
    await opened_the_bot(tx, person.id, now)
    await settle_for_account(tx, telegram_id, person, now)


async def _link(
    tx: Repos,
    person: Person,
    account: TelegramAccount,
    now: datetime,
    *,
    by_username: bool = False,
    greeted: bool = False,
) -> Person:
    await tx.people.update(
        person.id,
        now,
        telegram_id=account.id,
        username=account.username or person.username,
        linked_by_username=by_username,
    )
    await opened_the_bot(tx, person.id, now, greeted=greeted)
    await tx.invites.revoke_for_person(person.id, now)
    linked = await tx.people.get(person.id)
    assert linked is not None
    # Got in by a link, a roster id or @username: a request they had sent is settled too.
    await settle_for_account(tx, account.id, linked, now)
    return linked


async def _by_invite(
    tx: Repos,
    token: str,
    person: Person | None,
    account: TelegramAccount,
    now: datetime,
) -> StartResult | None:
    invite = await tx.invites.get(token)
    if invite is None:
        return None if person else StartResult(StartOutcome.INVITE_UNKNOWN)
    if person is not None and person.id == invite.person_id:
        return None  # a known person tapping their own link again is simply greeted
    if person is not None:
        return StartResult(StartOutcome.INVITE_FOR_SOMEONE_ELSE, person)
    if invite.used:
        return StartResult(StartOutcome.INVITE_USED)
    if invite.expires_at <= now:
        return StartResult(StartOutcome.INVITE_EXPIRED)
    target = await tx.people.get(invite.person_id)
    if target is None or not target.active:
        return StartResult(StartOutcome.INVITE_UNKNOWN)
    if target.seen:
        return StartResult(StartOutcome.INVITE_USED)
    # A roster id nobody has started the bot from yet may be a typo: the link decides.
    await tx.invites.use(token, now)
    linked = await _link(tx, target, account, now, greeted=True)
    return StartResult(StartOutcome.LINKED_BY_INVITE, linked)


async def _add_admin(tx: Repos, account: TelegramAccount, now: datetime) -> Person:
    admin = await tx.people.add(
        full_name=account.display_name,
        role=Role.ADMIN,
        now=now,
        username=account.username,
        telegram_id=account.id,
        name_from_telegram=True,
    )
    await opened_the_bot(tx, admin.id, now)
    return admin


async def ensure_bootstrap_admin(db: Database, account: TelegramAccount, now: datetime) -> Person:
    """An ADMIN_IDS account is an admin from its first update, /start or not: their roster row
    (by id or @username) with admin rights granted, or a new admin person."""
    async with db.transaction() as tx:
        person = await tx.people.by_telegram_id(account.id)
        if person is None and account.username:
            listed = await tx.people.unlinked_by_username(account.username)
            person = await _link(tx, listed, account, now) if listed else None
        if person is None:
            admin = await _add_admin(tx, account, now)
            await settle_for_account(tx, account.id, admin, now)  # added to ADMIN_IDS
            return admin
        if not person.admin_on_record:
            # Granted in the database too, so that everything that asks "who are the admins"
            # (access requests, the admins filter of /people) finds them.
            await tx.people.update(person.id, now, is_admin=True)
            person = await tx.people.get(person.id)
            assert person is not None
        return person


async def recognise(
    db: Database,
    account: TelegramAccount,
    *,
    payload: str | None,
    now: datetime,
    known: Person | None = None,
    share_request: ShareRequest | None = None,
) -> StartResult:
    """Decide who is behind a /start, linking them where the rules allow. (ADMIN_IDS accounts
    are already people by now: see ensure_bootstrap_admin.) A new or still pending request is
    passed to `share_request` in the same transaction, which queues it for the admins."""
    username = account.username.lower() if account.username else None
    if (
        known is not None
        and not payload
        and known.active
        and known.seen
        and not known.blocked
        and username in (None, known.username)
    ):
        return StartResult(StartOutcome.KNOWN, known)  # nothing to record: no write at all
    async with db.transaction() as tx:
        person = await tx.people.by_telegram_id(account.id)
        if person is not None and not person.active:
            return StartResult(StartOutcome.DEACTIVATED, person)  # whatever link they opened
        if payload:
            result = await _by_invite(tx, payload, person, account, now)
            if result is not None:
                return result
        if person is not None:
            # No longer blocked, if they were; greeted now.
            await opened_the_bot(tx, person.id, now, username, greeted=True)
            seen = replace(person, seen=True, blocked=False, username=username or person.username)
            if not person.seen:  # linked by a roster id: a request they had sent is settled
                await settle_for_account(tx, account.id, seen, now)
            return StartResult(StartOutcome.KNOWN, seen)
        if account.username:
            listed = await tx.people.unlinked_by_username(account.username)
            # Anyone can register a username a methodist has not taken yet: admin rights never
            # follow one. Such a row is linked by an id, an invite, or an admin's approval.
            if listed is not None and not listed.admin_on_record:
                linked = await _link(tx, listed, account, now, by_username=True, greeted=True)
                return StartResult(StartOutcome.LINKED_BY_USERNAME, linked)
        request = await tx.requests.by_telegram_id(account.id)
        if request is None:
            created = await tx.requests.add(account.id, account.username, account.display_name, now)
            if created is not None and share_request is not None:
                await share_request(tx, created)
            return StartResult(StartOutcome.REQUEST_NEW, request=created)
        if request.status is RequestStatus.PENDING:
            if share_request is not None:  # a copy that could not be queued before is now
                await share_request(tx, request)
            return StartResult(StartOutcome.REQUEST_PENDING, request=request)
        # Declined, or approved for a person who was later unlinked: no new request either way.
        return StartResult(StartOutcome.REQUEST_DECLINED, request=request)


class DecisionError(StrEnum):
    ALREADY_DECIDED = "access-already-decided"
    ACCOUNT_TAKEN = "access-account-taken"
    PERSON_LINKED = "access-person-linked"
    NO_SUCH_PERSON = "access-no-such-person"


@dataclass(frozen=True, slots=True)
class Decision:
    request: AccessRequest
    person: Person | None = None
    error: DecisionError | None = None


async def approve(
    db: Database,
    request_id: int,
    admin: Person,
    now: datetime,
    *,
    role: Role | None = None,
    link_to: int | None = None,
) -> Decision | None:
    """Approve as a new person in `role`, or by linking to a roster person `link_to`.
    None when there is no such request. The first admin's decision wins."""
    async with db.transaction() as tx:
        request = await tx.requests.get(request_id)
        if request is None:
            return None
        if request.status is not RequestStatus.PENDING:
            return Decision(request, error=DecisionError.ALREADY_DECIDED)
        holder = await tx.people.by_telegram_id(request.telegram_id)
        if holder is not None:
            # The roster linked the account meanwhile: the request is settled, copies closed.
            await settle_for_account(tx, request.telegram_id, holder, now)
            return Decision(request, error=DecisionError.ACCOUNT_TAKEN)
        account = TelegramAccount(request.telegram_id, request.username, request.display_name)
        if link_to is not None:
            target = await tx.people.get(link_to)
            if target is None or not target.active:
                return Decision(request, error=DecisionError.NO_SUCH_PERSON)
            if target.seen:
                return Decision(request, error=DecisionError.PERSON_LINKED)
            # Decided first, so that linking finds no pending request to settle on its own.
            await tx.requests.decide(request.id, RequestStatus.APPROVED, admin.id, now, target.id)
            person = await _link(tx, target, account, now)
        else:
            person = await tx.people.add(
                full_name=account.display_name,
                role=role or Role.MENTEE,
                now=now,
                username=account.username,
                telegram_id=account.id,
                name_from_telegram=True,
            )
            await opened_the_bot(tx, person.id, now)  # they wrote to the bot to ask
            await tx.requests.decide(request.id, RequestStatus.APPROVED, admin.id, now, person.id)
        decided = await tx.requests.get(request.id)
        assert decided is not None
        await queue_settled(tx, decided, now, person=person, decider=admin)
        return Decision(decided, person)


async def decline(db: Database, request_id: int, admin: Person, now: datetime) -> Decision | None:
    async with db.transaction() as tx:
        request = await tx.requests.get(request_id)
        if request is None:
            return None
        declined = await decline_request(tx, request, admin, now)
        if declined is None:
            return Decision(request, error=DecisionError.ALREADY_DECIDED)
        return Decision(declined)


# Requests declined in one transaction by «❌ Отклонить все»: the write lock is held for one
# chunk at a time, so other people's updates are answered between chunks of a long run.
DECLINE_CHUNK = 200


@dataclass(frozen=True, slots=True)
class DeclinedAll:
    declined: int  # by this admin's press (another admin may have decided some meanwhile)
    newer: int  # pending requests that came after the list was shown: left to review


async def decline_all(db: Database, admin: Person, now: datetime, *, up_to: int) -> DeclinedAll:
    """Decline every pending request up to the id `up_to` (the newest the admin's list showed),
    each as one by one (`decline_request`), in chunks of DECLINE_CHUNK, a transaction each. A
    request that came later is not declined unseen; one another admin decides meanwhile is
    left to their decision."""
    declined, after = 0, 0
    while True:
        async with db.transaction(heavy=True) as tx:
            chunk = await tx.requests.pending_between(after, up_to, DECLINE_CHUNK)
            for request in chunk:
                declined += await decline_request(tx, request, admin, now) is not None
        if len(chunk) < DECLINE_CHUNK:
            break
        after = chunk[-1].id
    async with db.read() as tx:
        newer = await tx.requests.count_pending(after=up_to)
    return DeclinedAll(declined, newer)


def display_name(first_name: str, last_name: str | None) -> str:
    return clean_name(f"{last_name or ''} {first_name}") or first_name


async def create_invite(
    db: Database, person_id: int, created_by: int | None, now: datetime, ttl_days: float
) -> tuple[str, datetime] | None:
    """A new single-use token for a roster person who has not opened the bot yet; None if
    there is no such one."""
    token = secrets.token_urlsafe(18)
    expires = now + timedelta(days=ttl_days)
    async with db.transaction() as tx:
        person = await tx.people.get(person_id)
        if person is None or not person.active or person.seen:
            return None
        await tx.invites.add(token, person_id, created_by, now, expires)
    return token, expires

"""Access requests reach people through the outbox: every admin's copy of a request, the
requester's answer, and the edits that close every copy once the request is settled. Queued in
the transaction that causes them, so a failed Bot API call is retried and a restart loses none.

These are messages between people (a stranger asks, an admin answers): they go at once, and
silently in quiet hours (see the sender)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from bot.domain.links import Links
from bot.domain.notify import (
    About,
    Chat,
    Notice,
    NoticeKind,
    admins,
    anything_about,
    close_copies,
    copies_to,
    opened_the_bot,
    tell,
    tell_all,
)
from bot.domain.staff import role_text
from bot.notices import Button, Text, joined
from storage.models import AccessRequest, Person, RequestStatus
from storage.repos import Repos

log = logging.getLogger(__name__)


async def request_notice(tx: Repos, request: AccessRequest) -> Text:
    """The request as admins see it; when its @username is an admin row of the roster that
    was not linked by it (admin rights never follow a bare username), it says which."""
    username: str | Text = f"@{request.username}" if request.username else Text("no-username")
    text = Text(
        "access-request",
        {
            "name": request.display_name,
            "username": username,
            "telegram_id": str(request.telegram_id),
        },
    )
    listed = await tx.people.unlinked_by_username(request.username) if request.username else None
    if listed is None or not listed.admin_on_record:
        return text
    row = Text("access-request-admin-row", {"username": username, "name": listed.full_name})
    return joined(text, row)


# ✅ / ❌ on an admin's copy of a request: the handlers' callback data.
DecisionButtons = Callable[[AccessRequest], Sequence[Sequence[Button]]]

# A few pending requests reach each admin one by one. Beyond that (a link to the bot posted
# somewhere, a thousand strangers) a copy each would bury the admins' chats: each admin gets
# one message with the list to review instead, at most one an hour.
REQUESTS_ONE_BY_ONE = 3


def one_by_one(pending: int) -> bool:
    """Whether requests, `pending` of them waiting, still reach admins each as its own copy."""
    return pending <= REQUESTS_ONE_BY_ONE


def _summary(admin: Person, now: datetime, links: Links) -> Notice:
    # Its text names no count, which would be stale by the time it is read: the list counts.
    return Notice(
        NoticeKind.ACCESS_SUMMARY,
        to=admin.id,
        text=Text("access-requests-many"),
        of=(now.strftime("%Y%m%d%H"),),  # the hour: a second one within it is the same notice
        buttons=[[Button(Text("button-access-requests"), data=links.access_requests(0))]],
    )


def _reachable(admin: Person) -> bool:
    return admin.telegram_id is not None and admin.seen and not admin.blocked


async def share_request(
    tx: Repos, request: AccessRequest, now: datetime, buttons: DecisionButtons, links: Links
) -> int:
    """Every admin who uses the bot gets the request with the buttons to decide it; the first
    decision closes every copy. Idempotent: a copy sent or on its way is not queued again.
    Beyond a few pending requests, the hour's summary instead (`one_by_one`). Returns how many
    messages were queued; with none anywhere, it waits for an admin's /start."""
    reachable = [admin for admin in await admins(tx) if _reachable(admin)]
    if not one_by_one(await tx.requests.count_pending()):
        return await tell_all(tx, [_summary(admin, now, links) for admin in reachable], now)
    shown = 0
    for admin in reachable:
        shown += await queue_copy(tx, request, admin, buttons(request), now)
    if not shown and not await anything_about(tx, About.ACCESS_REQUEST, request.id):
        log.warning("access request %s reached no admin yet", request.id)
    return shown


async def share_waiting_with(
    tx: Repos, admin: Person, now: datetime, buttons: DecisionButtons, links: Links
) -> int:
    """The requests that came while this admin had not opened the bot, or could not reach them:
    theirs now (beyond a few, the summary with the list). Returns how many were queued."""
    waiting = await tx.requests.pending_without_copy(admin.id)
    if not one_by_one(len(waiting)):
        return await tell(tx, _summary(admin, now, links), now)
    return sum([await queue_copy(tx, request, admin, buttons(request), now) for request in waiting])


async def queue_copy(
    tx: Repos,
    request: AccessRequest,
    admin: Person,
    buttons: Sequence[Sequence[Button]],
    now: datetime,
) -> bool:
    """The request in an admin's chat, unless it is there or on its way; False then."""
    if admin.telegram_id is None:
        return False
    copies = await copies_to(tx, About.ACCESS_REQUEST, request.id, admin.id)
    if any(status in ("pending", "sent") for status in copies):
        return False
    # A copy that could not be delivered (say, they had blocked the bot) is tried anew.
    notice = Notice(
        NoticeKind.ACCESS_REQUEST,
        to=admin.id,
        text=await request_notice(tx, request),
        of=(request.id, len(copies)),
        about=request.id,
        buttons=buttons,
    )
    return await tell(tx, notice, now)


async def queue_settled(
    tx: Repos,
    request: AccessRequest,
    now: datetime,
    *,
    person: Person | None,
    decider: Person | None,
) -> None:
    """Tell the requester (unless they are being greeted right now) and close every admin's
    copy: what is not sent yet is cancelled, what was sent is edited to say how it ended."""
    closed = _closed_text(request, person, decider)
    await close_copies(tx, About.ACCESS_REQUEST, request.id, closed, "settled", now)
    if decider is None and (person is None or person.seen):
        return  # they got in by an invite, a username or ADMIN_IDS: greeted at that moment
    if person is not None:
        args = {"name": person.full_name, "role": role_text(person, person.has_admin_rights)}
        answer = Notice(
            NoticeKind.ACCESS_ANSWER,
            to=person.id,
            text=Text("access-granted", args),
            of=(request.id,),
        )
    else:
        answer = Notice(
            NoticeKind.ACCESS_ANSWER,
            to=Chat(request.telegram_id),
            text=Text("access-denied"),
            of=(request.id,),
        )
    await tell(tx, answer, now)


async def decline_request(
    tx: Repos, request: AccessRequest, admin: Person, now: datetime
) -> AccessRequest | None:
    """Decline a request on the admin's word, whether one by one or all at once: the decision
    is recorded, and the requester's answer and the closing of every admin's copy are queued
    with it. None when it was decided already (the first decision wins)."""
    if not await tx.requests.decide(request.id, RequestStatus.DECLINED, admin.id, now):
        return None
    declined = replace(request, status=RequestStatus.DECLINED, decided_by=admin.id)
    await queue_settled(tx, declined, now, person=None, decider=admin)
    return declined


async def closing_text(tx: Repos, request: AccessRequest) -> Text:
    """What every copy of a settled request says: who decided, and how."""
    person = await tx.people.get(request.person_id) if request.person_id else None
    decider = await tx.people.get(request.decided_by) if request.decided_by else None
    return _closed_text(request, person, decider)


def _closed_text(request: AccessRequest, person: Person | None, decider: Person | None) -> Text:
    if request.status is RequestStatus.APPROVED and person is not None:
        if decider is None:
            return Text(
                "access-settled-linked", {"name": request.display_name, "person": person.full_name}
            )
        return Text(
            "access-approved-by",
            {
                "name": request.display_name,
                "person": person.full_name,
                "role": role_text(person, person.has_admin_rights),
                "admin": decider.full_name,
            },
        )
    return Text(
        "access-declined-by",
        {"name": request.display_name, "admin": decider.full_name if decider else "—"},
    )


async def settle_for_account(tx: Repos, telegram_id: int, person: Person, now: datetime) -> None:
    """The account got in without an admin's decision (an invite, a roster id or @username):
    its pending request is settled and every admin's copy says so."""
    request = await tx.requests.by_telegram_id(telegram_id)
    if request is None or request.status is not RequestStatus.PENDING:
        return
    await tx.requests.settle_for_account(telegram_id, person.id, now)
    settled = await tx.requests.get(request.id)
    assert settled is not None
    await queue_settled(tx, settled, now, person=person, decider=None)
    if not person.seen:  # they wrote to the bot to ask: what is held for them may go
        await opened_the_bot(tx, person.id, now)

"""Access requests reach people through the outbox: every admin's copy of a request, the
requester's answer, and the edits that close every copy once the request is settled. Queued in
the transaction that causes them, so a failed Bot API call is retried and a restart loses none.

These are messages between people (a stranger asks, an admin answers): they go at once, and
silently in quiet hours (see the sender)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.staff import role_title
from bot.i18n import I18n, Translator
from storage.models import AccessRequest, Person, RequestStatus
from storage.repos import Repos


def request_subject(request_id: int) -> str:
    return f"access-request:{request_id}"


async def queue_copy(
    tx: Repos,
    request: AccessRequest,
    admin: Person,
    text: str,
    markup: str | None,
    now: datetime,
) -> bool:
    """The request in an admin's chat, unless it is there or on its way; False then."""
    if admin.telegram_id is None:
        return False
    subject = request_subject(request.id)
    copies = [c for c in await tx.outbox.copies(subject) if c.person_id == admin.id]
    if any(c.status in ("pending", "sent") for c in copies):
        return False
    # A copy that could not be delivered (say, they had blocked the bot) is tried anew.
    key = f"{subject}:{admin.telegram_id}" + (f":{len(copies)}" if copies else "")
    return await tx.outbox.enqueue(
        key, admin.id, text, now, personal=True, markup=markup, subject=subject
    )


async def queue_settled(
    tx: Repos,
    i18n: I18n,
    request: AccessRequest,
    now: datetime,
    *,
    person: Person | None,
    decider: Person | None,
) -> None:
    """Tell the requester (unless they are being greeted right now) and close every admin's
    copy: what is not sent yet is cancelled, what was sent is edited to say how it ended."""
    subject = request_subject(request.id)
    await tx.outbox.cancel_pending(subject, "settled")
    copies = await tx.outbox.copies(subject)
    for copy in copies:
        if copy.status not in ("sent", "cancelled"):
            continue  # never delivered: nothing in that chat to close
        # A copy cancelled while the sender had it in hand may still go out: its edit follows.
        admin = await tx.people.get(copy.person_id) if copy.person_id else None
        t = i18n.get(admin.language if admin else None)
        await tx.outbox.enqueue_edit(
            f"{subject}:closed:{copy.id}", copy.id, _closed_text(t, request, person, decider), now
        )
    if decider is None and (person is None or person.seen):
        return  # they got in by an invite, a username or ADMIN_IDS: greeted at that moment
    if person is not None:
        t = i18n.get(person.language)
        text = t(
            "access-granted",
            name=person.full_name,
            role=role_title(t, person, person.has_admin_rights),
        )
        await tx.outbox.enqueue(f"{subject}:answer", person.id, text, now, personal=True)
    else:
        text = i18n.get(None)("access-denied")
        await tx.outbox.enqueue(
            f"{subject}:answer", None, text, now, chat_id=request.telegram_id, personal=True
        )


async def closing_text(tx: Repos, t: Translator, request: AccessRequest) -> str:
    """What every copy of a settled request says: who decided, and how."""
    person = await tx.people.get(request.person_id) if request.person_id else None
    decider = await tx.people.get(request.decided_by) if request.decided_by else None
    return _closed_text(t, request, person, decider)


def _closed_text(
    t: Translator, request: AccessRequest, person: Person | None, decider: Person | None
) -> str:
    if request.status is RequestStatus.APPROVED and person is not None:
        if decider is None:
            return t("access-settled-linked", name=request.display_name, person=person.full_name)
        return t(
            "access-approved-by",
            name=request.display_name,
            person=person.full_name,
            role=role_title(t, person, person.has_admin_rights),
            admin=decider.full_name,
        )
    return t(
        "access-declined-by",
        name=request.display_name,
        admin=decider.full_name if decider else "—",
    )


async def settle_for_account(
    tx: Repos, i18n: I18n, telegram_id: int, person: Person, now: datetime
) -> None:
    """The account got in without an admin's decision (an invite, a roster id or @username):
    its pending request is settled and every admin's copy says so."""
    request = await tx.requests.by_telegram_id(telegram_id)
    if request is None or request.status is not RequestStatus.PENDING:
        return
    await tx.requests.settle_for_account(telegram_id, person.id, now)
    settled = await tx.requests.get(request.id)
    assert settled is not None
    await queue_settled(tx, i18n, settled, now, person=person, decider=None)

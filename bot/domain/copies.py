"""Messages that went out through the outbox with buttons which no longer apply (a meeting
called off, a question answered): an edit, queued in the same transaction, takes the buttons
away and says why, in the recipient's language."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import I18n
from storage.repos import Repos


async def take_buttons_away(
    tx: Repos,
    i18n: I18n,
    subject: str,
    note_key: str,
    now: datetime,
    *,
    except_person: int | None = None,
    **args: object,
) -> int:
    """Each sent message about `subject` that still has its buttons (but the one of
    `except_person`, whose own message the handler of their press edits) gets the note below
    its text and no buttons; once per message. Call it after `cancel_pending(subject)`: the
    edits are pending rows of the same subject. Returns how many edits were queued."""
    queued = 0
    for copy_id, person_id, text in await tx.outbox.sent_with_buttons(
        subject, except_person=except_person
    ):
        person = await tx.people.get(person_id) if person_id is not None else None
        t = i18n.get(person.language if person else None)
        queued += await tx.outbox.enqueue_edit(
            f"{subject}:retire:{copy_id}", copy_id, text + "\n\n" + t(note_key, **args), now
        )
    return queued

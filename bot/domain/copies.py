"""Messages that went out through the outbox with buttons which no longer apply (a meeting
called off, a question answered): an edit, queued in the same transaction, takes the buttons
away and says why, rendered in the recipient's language when it is sent."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import Html
from bot.notices import Text, args_json, joined, stored
from storage.repos import Repos


async def take_buttons_away(
    tx: Repos,
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
    note = Text(note_key, args)
    for copy in await tx.outbox.sent_with_buttons(subject, except_person=except_person):
        # A message queued as ready text (before texts were kept by key) keeps that text.
        text = stored(copy.text_key, copy.text_args) if copy.text_key else Html(copy.text)
        edit = joined(text, note, sep="\n\n")
        queued += await tx.outbox.enqueue_edit(
            f"{subject}:retire:{copy.id}",
            copy.id,
            "",
            now,
            text_key=edit.key,
            text_args=args_json(edit.args),
        )
    return queued

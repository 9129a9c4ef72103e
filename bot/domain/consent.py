"""A person's consent to what the bot stores about them (the catalog's `consent-text`, version
rules.CONSENT_VERSION): accepted once per version, recorded with its time. Until then their
account is linked to show them the text and nothing else is theirs: no notice goes to them
(they have not opened the bot, notify.opened_the_bot) and only /start, /mydata and /cancel
answer (handlers/consent.py; /help shows the text)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.notify import opened_the_bot
from bot.domain.rules import CONSENT_VERSION
from storage.db import Database
from storage.models import Person


async def accept(
    db: Database, person_id: int, username: str | None, now: datetime
) -> Person | None:
    """Record the consent and open the bot to them (what was held for them goes now); None when
    they had accepted this version already (a second tap)."""
    async with db.transaction() as tx:
        if not await tx.people.record_consent(person_id, CONSENT_VERSION, now):
            return None
        await opened_the_bot(tx, person_id, now, username, greeted=True)
        return await tx.people.get(person_id)

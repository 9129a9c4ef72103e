"""A person's consent to what the bot stores about them (the catalog's `consent-text`, version
rules.CONSENT_VERSION): accepted once per version, recorded with its time. Until then their
account is linked to show them the text and nothing else is theirs: no notice goes to them
(they have not opened the bot, notify.opened_the_bot) and only /start, /mydata and /cancel
answer (handlers/consent.py; /help shows the text).

They may withdraw it themselves (/mydata): they are then as someone who has not accepted it,
but for what they did in the programme, which stays (the regulation keeps the journal); what
is queued for them waits until they accept again, and the admins are told."""

from __future__ import annotations

from datetime import datetime

from bot.domain.links import Links
from bot.domain.notify import Notice, NoticeKind, admins, opened_the_bot, tell_all, withdrew_consent
from bot.domain.rules import CONSENT_VERSION
from bot.notices import Button, Text
from storage.db import Database
from storage.models import Person
from storage.repos import Repos


async def accept(
    db: Database, person_id: int, username: str | None, now: datetime
) -> Person | None:
    """Record the consent and open the bot to them (what was held for them goes now, a
    withdrawal's too); None when they had accepted this version already (a second tap)."""
    async with db.transaction() as tx:
        if not await tx.people.record_consent(person_id, CONSENT_VERSION, now):
            return None
        await opened_the_bot(tx, person_id, now, username, greeted=True)
        return await tx.people.get(person_id)


async def withdraw(db: Database, person_id: int, now: datetime, links: Links) -> Person | None:
    """Withdraw the person's consent: nothing is sent to them from now on (what waits is held)
    and the admins are told, with how many active pairs they are in. None when they had no
    consent to withdraw (a second tap)."""
    async with db.transaction() as tx:
        if not await tx.people.withdraw_consent(person_id, now):
            return None
        await withdrew_consent(tx, person_id)
        person = await tx.people.get(person_id)
        assert person is not None
        await _tell_admins(tx, person, now, links)
        return person


async def _tell_admins(tx: Repos, person: Person, now: datetime, links: Links) -> int:
    pairs = await tx.pairs.active_for_person(person.id)
    text = Text("consent-withdrawn-notice", {"name": person.full_name, "pairs": len(pairs)})
    card = Button(Text("button-person-card"), data=links.person_card(person.id))
    moment = now.strftime("%Y%m%dT%H%M%S")  # withdrawn again after accepting: a new notice
    notices = [
        Notice(
            NoticeKind.CONSENT_WITHDRAWN,
            to=admin.id,
            text=text,
            of=(person.id, moment),
            buttons=[[card]],
        )
        for admin in await admins(tx)
        if admin.id != person.id and admin.telegram_id is not None
    ]
    return await tell_all(tx, notices, now)

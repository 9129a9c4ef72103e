"""A person's consent to what the bot stores about them (the catalog's `consent-text`, version
rules.CONSENT_VERSION): accepted once per version, recorded with its time. Until then their
account is linked to show them the text and nothing else is theirs: no notice goes to them
(they have not opened the bot, notify.opened_the_bot) and only /start, /mydata and /cancel
answer (handlers/consent.py; /help shows the text).

They may withdraw it themselves (/mydata): they are then as someone who has not accepted it,
but for what they did in the programme, which stays (the regulation keeps the journal); what
is queued for them waits until they accept again, and the admins and the other side of each of
their pairs are told. Accepting again tells whoever got that notice; one still pending by then
is dropped, as it no longer holds."""

from __future__ import annotations

from datetime import datetime

from bot.domain.links import Links
from bot.domain.notify import (
    About,
    Notice,
    NoticeKind,
    admins,
    cancel_about,
    opened_the_bot,
    tell_all,
    withdrew_consent,
)
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
        person = await tx.people.get(person_id)
        assert person is not None
        await _tell_restored(tx, person, now)
        return person


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
        told = await _tell_admins(tx, person, now, links)
        await _tell_partners(tx, person, now, told)
        return person


async def _tell_admins(tx: Repos, person: Person, now: datetime, links: Links) -> set[int]:
    """Every admin but themselves, with their active pairs and their card; returns who."""
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
            about=person.id,
            buttons=[[card]],
        )
        for admin in await admins(tx)
        if admin.id != person.id and admin.telegram_id is not None
    ]
    await tell_all(tx, notices, now)
    return {int(notice.to) for notice in notices if isinstance(notice.to, int)}


async def _tell_partners(tx: Repos, person: Person, now: datetime, told: set[int]) -> int:
    """The other side of each active pair learns why what they send goes unanswered (an admin
    among them has been told already, as an admin)."""
    moment = now.strftime("%Y%m%dT%H%M%S")
    partners = {
        pair.mentee_id if pair.mentor_id == person.id else pair.mentor_id
        for pair in await tx.pairs.active_for_person(person.id)
    }
    notices = [
        Notice(
            NoticeKind.PARTNER_WITHDREW,
            to=partner,
            text=Text("consent-partner-withdrew", {"name": person.full_name}),
            of=(person.id, moment),
            about=person.id,
        )
        for partner in sorted(partners - told)
    ]
    return await tell_all(tx, notices, now)


async def _tell_restored(tx: Repos, person: Person, now: datetime) -> int:
    """They accepted again: a notice of their withdrawal not sent yet no longer holds; whoever
    got one is told that messages reach them again."""
    subject = About.CONSENT.of(person.id)
    told = {
        copy.person_id
        for copy in await tx.outbox.copies(subject)
        if copy.status == "sent" and copy.person_id not in (None, person.id)
    }
    await cancel_about(tx, About.CONSENT, person.id, "consent given again")
    moment = now.strftime("%Y%m%dT%H%M%S")
    notices = [
        Notice(
            NoticeKind.CONSENT_RESTORED,
            to=someone,
            text=Text("consent-restored-notice", {"name": person.full_name}),
            of=(person.id, moment),
        )
        for someone in sorted(filter(None, told))
    ]
    return await tell_all(tx, notices, now)

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

from datetime import UTC, datetime

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
from storage.models import Pair, Person
from storage.repos import Repos


def _withdrawal(person: Person, when: datetime) -> str:
    """The object a withdrawal's notices are about: the person and its moment (to the second,
    UTC), so that each withdrawal is told, and taken back, on its own."""
    return f"{person.id}:{when.astimezone(UTC).strftime('%Y%m%dT%H%M%S')}"


def _return(person: Person) -> str:
    """The object of the notices that they are back: a new withdrawal cancels one not sent."""
    return f"{person.id}:back"


async def accept(
    db: Database, person_id: int, username: str | None, now: datetime
) -> Person | None:
    """Record the consent and open the bot to them (what was held for them goes now, a
    withdrawal's too); None when they had accepted this version already (a second tap)."""
    async with db.transaction() as tx:
        before = await tx.people.get(person_id)
        if before is None or not await tx.people.record_consent(person_id, CONSENT_VERSION, now):
            return None
        await opened_the_bot(tx, person_id, now, username, greeted=True)
        if before.consent_withdrawn_at is not None:
            await _tell_returned(tx, before, now)
        return await tx.people.get(person_id)


async def withdraw(db: Database, person_id: int, now: datetime, links: Links) -> Person | None:
    """Withdraw the person's consent: nothing is sent to them from now on (what waits is held);
    the admins are told, with how many active pairs they are in, and so is the other side of
    each pair. None when they had no consent to withdraw (a second tap)."""
    async with db.transaction() as tx:
        if not await tx.people.withdraw_consent(person_id, now):
            return None
        await withdrew_consent(tx, person_id)
        person = await tx.people.get(person_id)
        assert person is not None
        # That they were back (a notice still waiting for the morning) no longer holds.
        await cancel_about(tx, About.CONSENT, _return(person), "consent withdrawn again")
        pairs = await tx.pairs.active_for_person(person.id)
        told = await _tell_admins(tx, person, pairs, now, links)
        await _tell_partners(tx, person, pairs, now, told)
        return person


async def _tell_admins(
    tx: Repos, person: Person, pairs: list[Pair], now: datetime, links: Links
) -> set[int]:
    """Every admin but themselves, with their active pairs and their card; returns who."""
    text = Text("consent-withdrawn-notice", {"name": person.full_name, "pairs": len(pairs)})
    card = Button(Text("button-person-card"), data=links.person_card(person.id))
    withdrawal = _withdrawal(person, now)
    notices = [
        Notice(
            NoticeKind.CONSENT_WITHDRAWN,
            to=admin.id,
            text=text,
            of=(withdrawal,),
            about=withdrawal,
            buttons=[[card]],
        )
        for admin in await admins(tx)
        if admin.id != person.id and admin.telegram_id is not None
    ]
    await tell_all(tx, notices, now)
    return {admin for notice in notices if isinstance(admin := notice.to, int)}


async def _tell_partners(
    tx: Repos, person: Person, pairs: list[Pair], now: datetime, told: set[int]
) -> int:
    """The other side of each active pair learns why what they send goes unanswered (an admin
    among them has been told already, as an admin)."""
    partners = {pair.other_id(person.id) for pair in pairs}
    withdrawal = _withdrawal(person, now)
    notices = [
        Notice(
            NoticeKind.PARTNER_WITHDREW,
            to=partner,
            text=Text("consent-partner-withdrew", {"name": person.full_name}),
            of=(withdrawal,),
            about=withdrawal,
        )
        for partner in sorted(partners - told)
    ]
    return await tell_all(tx, notices, now)


async def _tell_returned(tx: Repos, withdrawn: Person, now: datetime) -> int:
    """They accepted again after withdrawing: a notice of that withdrawal not sent yet no
    longer holds; whoever got one is told that messages reach them again."""
    assert withdrawn.consent_withdrawn_at is not None
    withdrawal = _withdrawal(withdrawn, withdrawn.consent_withdrawn_at)
    told = sorted(
        {
            copy.person_id
            for copy in await tx.outbox.copies(About.CONSENT.of(withdrawal))
            if copy.status == "sent" and copy.person_id is not None
        }
    )
    await cancel_about(tx, About.CONSENT, withdrawal, "consent given again")
    notices = [
        Notice(
            NoticeKind.CONSENT_RESTORED,
            to=someone,
            text=Text("consent-restored-notice", {"name": withdrawn.full_name}),
            of=(withdrawal,),
            about=_return(withdrawn),
        )
        for someone in told
    ]
    return await tell_all(tx, notices, now)

"""Withdrawing consent (bot/domain/consent.py): in one transaction the consent is gone, what
waits for the person is held with what is queued for them later, and the admins are told;
accepting again releases what was held (but old news) through the path of a first /start."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from bot.domain.consent import accept, withdraw
from bot.domain.notify import HELD_AT_MOST, Notice, NoticeKind, edit, opened_the_bot, tell
from bot.domain.rules import CONSENT_VERSION, has_consent, needs_consent
from bot.notices import Text
from handlers.keyboards import PersonCard
from handlers.links import LINKS
from storage.db import Database
from storage.models import PairKind, PairStatus, Role
from storage.repos import Repos

NOW = datetime(2027, 1, 20, 4, 0, tzinfo=UTC)


async def _person(tx: Repos, name: str, telegram_id: int, role: Role) -> int:
    person = await tx.people.add(full_name=name, role=role, now=NOW, telegram_id=telegram_id)
    await tx.people.record_consent(person.id, CONSENT_VERSION, NOW)
    await tx.people.mark_seen(person.id, NOW)
    return person.id


async def _pair(tx: Repos, mentor: int, mentee: int) -> None:
    await tx.pairs.add(
        mentor_id=mentor,
        mentee_id=mentee,
        kind=PairKind.PEDAGOGICAL,
        start=date(2026, 9, 1),
        end=date(2027, 6, 30),
        order_ref=None,
        now=NOW,
    )


async def _programme(db: Database) -> tuple[int, int, int]:
    """An admin, and a mentee in a pair with a mentor: (admin, mentor, mentee)."""
    async with db.transaction() as tx:
        admin = await _person(tx, "Асанова Гульнара Бакытовна", 1, Role.ADMIN)
        mentor = await _person(tx, "Иванова Анна Петровна", 2, Role.MENTOR)
        mentee = await _person(tx, "Сидорова Мария Ивановна", 3, Role.MENTEE)
        await _pair(tx, mentor, mentee)
    return admin, mentor, mentee


def _answer(to: int, question_id: int) -> Notice:
    text = Text("question-answer-to-mentee")
    return Notice(NoticeKind.ANSWER, to=to, text=text, of=(question_id,))


async def _outbox(db: Database, person_id: int) -> list[tuple[str, int]]:
    """(status, held) of each message to the person, oldest first."""
    async with db.read() as tx:
        rows = await tx.conn.execute_fetchall(
            "SELECT status, held FROM outbox WHERE person_id = ? ORDER BY id", (person_id,)
        )
    return [(row[0], row[1]) for row in rows]


async def test_withdrawing_holds_what_waits_and_what_comes_and_tells_the_admins(
    db: Database,
) -> None:
    admin, mentor, mentee = await _programme(db)
    async with db.transaction() as tx:
        await tell(tx, _answer(mentee, 1), NOW)
    withdrawn = await withdraw(db, mentee, NOW, LINKS)
    assert withdrawn is not None and needs_consent(withdrawn) and not has_consent(withdrawn)
    assert withdrawn.consent_withdrawn_at == NOW and withdrawn.seen  # the account stays theirs
    async with db.transaction() as tx:
        await tell(tx, _answer(mentee, 2), NOW)
        assert await opened_the_bot(tx, mentee, NOW) == 0  # writing to the bot releases nothing
        due = await tx.outbox.due(NOW)
    assert await _outbox(db, mentee) == [("pending", 1), ("pending", 1)]
    # The mentor's comes first: between people, it goes at once; the admin's is a notice.
    assert [message.person_id for message in due] == [mentor, admin]
    partner, notice = due
    assert partner.text_key == "consent-partner-withdrew"
    assert notice.text_key == "consent-withdrawn-notice"
    assert json.loads(notice.text_args or "{}")["pairs"] == 1
    (button,) = json.loads(notice.buttons or "[]")[0]
    assert PersonCard.unpack(button["data"]) == PersonCard(person_id=mentee, action="open")


async def test_a_message_the_sender_had_in_hand_is_not_sent_after_the_withdrawal(
    db: Database,
) -> None:
    _, _, mentee = await _programme(db)
    async with db.transaction() as tx:
        await tell(tx, _answer(mentee, 1), NOW)
        (in_hand,) = await tx.outbox.due(NOW)
    await withdraw(db, mentee, NOW, LINKS)
    async with db.read() as tx:
        assert not await tx.outbox.is_pending(in_hand.id)  # the sender checks it before sending


async def test_an_edit_of_a_message_they_have_waits_too(db: Database) -> None:
    _, _, mentee = await _programme(db)
    async with db.transaction() as tx:
        await tell(tx, _answer(mentee, 1), NOW)
        (sent,) = await tx.outbox.due(NOW)
        await tx.outbox.mark_sent(sent.id, NOW, 3, 100)
    await withdraw(db, mentee, NOW, LINKS)
    async with db.transaction() as tx:
        assert await edit(tx, sent.id, Text("question-answer-to-mentee"), "retire", NOW)
    assert await _outbox(db, mentee) == [("sent", 0), ("pending", 1)]


async def test_a_second_withdrawal_changes_nothing(db: Database) -> None:
    _, _, mentee = await _programme(db)
    assert await withdraw(db, mentee, NOW, LINKS) is not None
    assert await withdraw(db, mentee, NOW + timedelta(minutes=1), LINKS) is None
    async with db.read() as tx:
        notices = await tx.outbox.due(NOW + timedelta(minutes=1))
        person = await tx.people.get(mentee)
    assert len(notices) == 2 and person is not None and person.consent_withdrawn_at == NOW


async def test_accepting_again_releases_what_was_held_but_old_news(db: Database) -> None:
    _, _, mentee = await _programme(db)
    async with db.transaction() as tx:
        await tell(tx, _answer(mentee, 1), NOW - HELD_AT_MOST - timedelta(hours=1))
    await withdraw(db, mentee, NOW, LINKS)
    async with db.transaction() as tx:
        await tell(tx, _answer(mentee, 2), NOW)
    accepted = await accept(db, mentee, None, NOW + timedelta(hours=1))
    assert accepted is not None and has_consent(accepted)
    assert accepted.consent_withdrawn_at is None
    statuses = await _outbox(db, mentee)
    assert [status for status, _ in statuses] == ["cancelled", "pending"]  # a week: old news
    assert statuses[1] == ("pending", 0)
    async with db.transaction() as tx:
        await tell(tx, _answer(mentee, 3), NOW + timedelta(hours=1))
    assert (await _outbox(db, mentee))[-1] == ("pending", 0)  # nothing held any more


async def test_a_withdrawing_admin_is_not_told_of_themselves(db: Database) -> None:
    admin, _, _ = await _programme(db)
    async with db.transaction() as tx:
        other = await _person(tx, "Бекова Айгуль Маратовна", 4, Role.ADMIN)
    await withdraw(db, admin, NOW, LINKS)
    async with db.read() as tx:
        due = await tx.outbox.due(NOW)
    assert [message.person_id for message in due] == [other]


async def test_accepting_again_drops_the_withdrawal_notices_not_sent_and_tells_who_got_one(
    db: Database,
) -> None:
    admin, mentor, mentee = await _programme(db)
    await withdraw(db, mentee, NOW, LINKS)
    async with db.transaction() as tx:
        (to_admin,) = [row for row in await tx.outbox.due(NOW) if row.person_id == admin]
        await tx.outbox.mark_sent(to_admin.id, NOW, 1, 100)  # the mentor's not sent yet
    await accept(db, mentee, None, NOW + timedelta(minutes=30))
    assert await _outbox(db, mentor) == [("cancelled", 0)]  # it no longer holds: not sent
    async with db.read() as tx:
        due = await tx.outbox.due(NOW + timedelta(minutes=30))
    restored = [message for message in due if message.text_key == "consent-restored-notice"]
    assert [message.person_id for message in restored] == [admin]


async def test_an_admin_in_a_pair_is_told_once_as_an_admin(db: Database) -> None:
    admin, _, _ = await _programme(db)
    async with db.transaction() as tx:
        mentee = await _person(tx, "Алиева Динара Руслановна", 5, Role.MENTEE)
        await _pair(tx, admin, mentee)
    await withdraw(db, mentee, NOW, LINKS)
    async with db.read() as tx:
        due = await tx.outbox.due(NOW)
    assert [(message.person_id, message.text_key) for message in due] == [
        (admin, "consent-withdrawn-notice")
    ]


async def _send_everything(db: Database, now: datetime) -> None:
    async with db.transaction() as tx:
        for row in await tx.outbox.due(now):
            await tx.outbox.mark_sent(row.id, now, row.person_id, 100 + row.id)


async def _kinds_due(db: Database, now: datetime) -> list[tuple[int | None, str]]:
    async with db.read() as tx:
        return [(row.person_id, row.kind) for row in await tx.outbox.due(now)]


async def test_that_they_are_back_is_not_told_once_they_have_withdrawn_again(
    db: Database,
) -> None:
    admin, mentor, mentee = await _programme(db)
    await withdraw(db, mentee, NOW, LINKS)
    await _send_everything(db, NOW)
    await accept(db, mentee, None, NOW + timedelta(minutes=10))  # told in the morning, say
    assert await _kinds_due(db, NOW + timedelta(minutes=10)) == [
        (admin, "consent-restored"),
        (mentor, "consent-restored"),
    ]
    await withdraw(db, mentee, NOW + timedelta(minutes=20), LINKS)
    assert await _kinds_due(db, NOW + timedelta(minutes=20)) == [
        (mentor, "partner-withdrew"),
        (admin, "consent-withdrawn"),
    ]


async def test_that_they_are_back_goes_to_whoever_was_told_of_that_withdrawal_alone(
    db: Database,
) -> None:
    admin, _, mentee = await _programme(db)
    await withdraw(db, mentee, NOW, LINKS)
    await _send_everything(db, NOW)
    await accept(db, mentee, None, NOW + timedelta(hours=1))
    await _send_everything(db, NOW + timedelta(hours=1))
    async with db.transaction() as tx:  # the pair ends: the mentor is not told of the next one
        (pair,) = await tx.pairs.active_for_person(mentee)
        await tx.pairs.close(pair.id, PairStatus.ENDED, "приказ", NOW + timedelta(hours=2))
    await withdraw(db, mentee, NOW + timedelta(hours=3), LINKS)
    await _send_everything(db, NOW + timedelta(hours=3))
    await accept(db, mentee, None, NOW + timedelta(hours=4))
    assert await _kinds_due(db, NOW + timedelta(hours=4)) == [(admin, "consent-restored")]


async def test_an_edit_held_over_a_week_still_closes_its_message(db: Database) -> None:
    _, _, mentee = await _programme(db)
    async with db.transaction() as tx:
        await tell(tx, _answer(mentee, 1), NOW)
        (sent,) = await tx.outbox.due(NOW)
        await tx.outbox.mark_sent(sent.id, NOW, 3, 100)
    await withdraw(db, mentee, NOW, LINKS)
    async with db.transaction() as tx:
        assert await edit(tx, sent.id, Text("question-answer-to-mentee"), "retire", NOW)
    await accept(db, mentee, None, NOW + HELD_AT_MOST + timedelta(days=1))
    assert await _outbox(db, mentee) == [("sent", 0), ("pending", 0)]  # the edit goes

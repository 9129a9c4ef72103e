"""One way to tell someone (bot/domain/notify.py): a notice's kind decides its key, subject and
delivery; someone who never opened the bot gets theirs when they first do; messages between
people go ahead of the notices nobody asked for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.notify import (
    HELD_AT_MOST,
    Chat,
    Notice,
    NoticeKind,
    opened_the_bot,
    tell,
    tell_all,
)
from bot.domain.rules import CONSENT_VERSION
from bot.notices import Text
from storage.db import Database
from storage.models import Role
from storage.repos import Repos

NOW = datetime(2027, 1, 20, 4, 0, tzinfo=UTC)


async def _person(tx: Repos, name: str, telegram_id: int, *, seen: bool) -> int:
    person = await tx.people.add(full_name=name, role=Role.MENTEE, now=NOW, telegram_id=telegram_id)
    # They accepted the consent text at their first /start (which opens the bot to them).
    await tx.people.record_consent(person.id, CONSENT_VERSION, NOW)
    if seen:
        await tx.people.mark_seen(person.id, NOW)
    return person.id


def _pair_notice(to: int, pair_id: int = 1) -> Notice:
    return Notice(NoticeKind.PAIR, to=to, text=Text("notice-pair-started-mentee"), of=(pair_id,))


async def _due_keys(db: Database) -> list[str]:
    async with db.read() as tx:
        return [message.key for message in await tx.outbox.due(NOW)]


async def test_the_kind_makes_the_key_subject_and_delivery(db: Database) -> None:
    async with db.transaction() as tx:
        mentor = await _person(tx, "Иванова Анна", 1, seen=True)
        question = Notice(
            NoticeKind.QUESTION, to=mentor, text=Text("question-to-mentor"), of=(7,), about=7
        )
        reminder = Notice(
            NoticeKind.QUESTION_REMIND,
            to=mentor,
            text=Text("remind-question"),
            of=(7, "20270120T0400"),
            about=7,
        )
        assert await tell_all(tx, [question, reminder], NOW) == 2
        rows = await tx.conn.execute_fetchall(
            "SELECT key, kind, subject, personal FROM outbox ORDER BY id"
        )
    assert [tuple(row) for row in rows] == [
        (f"question:7:{mentor}", "question", "question:7", 1),
        (f"remind:question-remind:7:20270120T0400:{mentor}", "question-remind",
         "remind:question:7", 0),
    ]  # fmt: skip


def _reminder(to: int, milestone_id: int = 1) -> Notice:
    return Notice(
        NoticeKind.MILESTONE_DAY,
        to=to,
        text=Text("remind-milestone-day"),
        of=(milestone_id, "20270121T0300"),
        about=milestone_id,
    )


async def test_a_notice_for_someone_who_never_opened_the_bot_waits_for_their_first_start(
    db: Database,
) -> None:
    async with db.transaction() as tx:
        newcomer = await _person(tx, "Орлов Илья", 2, seen=False)
        regular = await _person(tx, "Сидорова Мария", 3, seen=True)
        await tell_all(tx, [_reminder(newcomer), _reminder(regular)], NOW)
    day = "remind:milestone-day:1:20270121T0300"
    assert await _due_keys(db) == [f"{day}:{regular}"]

    async with db.transaction() as tx:
        assert await opened_the_bot(tx, newcomer, NOW) == 1
    assert sorted(await _due_keys(db)) == sorted([f"{day}:{regular}", f"{day}:{newcomer}"])


async def test_what_the_first_greeting_says_anew_is_dropped_not_sent_after_it(
    db: Database,
) -> None:
    async with db.transaction() as tx:
        newcomer = await _person(tx, "Орлов Илья", 2, seen=False)
        await tell_all(tx, [_pair_notice(newcomer), _reminder(newcomer)], NOW)
        assert await opened_the_bot(tx, newcomer, NOW, greeted=True) == 1
        rows = await tx.conn.execute_fetchall("SELECT kind, status FROM outbox ORDER BY id")
    assert [tuple(row) for row in rows] == [("pair", "cancelled"), ("milestone-day", "pending")]
    assert await _due_keys(db) == [f"remind:milestone-day:1:20270121T0300:{newcomer}"]


async def test_without_a_greeting_the_pair_notice_goes_and_old_news_is_dropped(
    db: Database,
) -> None:
    """Someone who first writes something else than /start is not greeted: their pair's notice
    goes; what waited over a week is old news either way."""
    async with db.transaction() as tx:
        newcomer = await _person(tx, "Орлов Илья", 2, seen=False)
        await tell(tx, _reminder(newcomer, milestone_id=1), NOW - HELD_AT_MOST - timedelta(hours=1))
        await tell_all(tx, [_pair_notice(newcomer), _reminder(newcomer, milestone_id=2)], NOW)
        assert await opened_the_bot(tx, newcomer, NOW) == 2
        rows = await tx.conn.execute_fetchall("SELECT key, status FROM outbox ORDER BY id")
    assert [status for _, status in rows] == ["cancelled", "pending", "pending"]


async def test_one_chats_pile_does_not_fill_a_batch(db: Database) -> None:
    async with db.transaction() as tx:
        admin = await _person(tx, "Асанова Гульнара", 1, seen=True)
        other = await _person(tx, "Сидорова Мария", 3, seen=True)
        await tell_all(tx, [_reminder(admin, n) for n in range(1, 251)], NOW)
        await tell(tx, _reminder(other, 999), NOW)
    async with db.read() as tx:
        batch = await tx.outbox.due(NOW, limit=200, per_chat=3)
        without = await tx.outbox.due(NOW, limit=200, per_chat=3, skip_chats=[1])
    assert [m.chat_id for m in batch] == [1, 1, 1, 3]
    assert [m.chat_id for m in without] == [3]


async def test_an_answer_to_someone_who_asked_for_access_is_never_held(db: Database) -> None:
    async with db.transaction() as tx:
        linked = await _person(tx, "Бекович Тимур", 4, seen=False)  # linked by the roster
        granted = Notice(NoticeKind.ACCESS_ANSWER, to=linked, text=Text("access-granted"), of=(1,))
        denied = Notice(
            NoticeKind.ACCESS_ANSWER, to=Chat(7001), text=Text("access-denied"), of=(2,)
        )
        assert await tell_all(tx, [granted, denied], NOW) == 2
    assert sorted(await _due_keys(db)) == sorted(
        [f"access-answer:1:{linked}", "access-answer:2:chat7001"]
    )


async def test_messages_between_people_go_ahead_of_a_bulk_of_notices(db: Database) -> None:
    async with db.transaction() as tx:
        mentor = await _person(tx, "Иванова Анна", 1, seen=True)
        for pair_id in range(1, 6):
            await tell(tx, _pair_notice(mentor, pair_id), NOW)
        question = Notice(
            NoticeKind.QUESTION, to=mentor, text=Text("question-to-mentor"), of=(9,), about=9
        )
        await tell(tx, question, NOW)
    keys = await _due_keys(db)
    assert keys[0] == f"question:9:{mentor}"
    assert keys[1:] == [f"pair:{n}:{mentor}" for n in range(1, 6)]  # then oldest first


async def test_a_switched_off_kind_is_not_queued_and_a_fixed_kind_always_is(
    db: Database,
) -> None:
    async with db.transaction() as tx:
        mentor = await _person(tx, "Иванова Анна", 1, seen=True)
        await tx.reminders.set_switch(mentor, NoticeKind.QUESTION_REMIND.value, False)
        reminder = Notice(
            NoticeKind.QUESTION_REMIND, to=mentor, text=Text("remind-question"), of=(7, "x")
        )
        assert not await tell(tx, reminder, NOW)
        question = Notice(NoticeKind.QUESTION, to=mentor, text=Text("question-to-mentor"), of=(7,))
        assert await tell(tx, question, NOW)

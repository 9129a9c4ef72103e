"""Reminders through the real app, with the clock moved by days: each kind fires once, at the
right local time, to the right people and nobody else; a bot stopped over a meeting sends on
restart only what is still useful."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import MENTEE_ORLOV, MENTEE_SIDOROVA, MENTOR_IVANOVA, MENTOR_SMIRNOV, seed

from bot.app import App
from bot.domain.pairing import create_pair, reassign_mentor
from bot.domain.plans import edit_milestone, submit_milestone
from scheduler.clock import ManualClock
from scheduler.tick import MARK
from storage.models import PairKind

BISHKEK = ZoneInfo("Asia/Bishkek")
NOW = datetime(2027, 1, 20, 10, 0, tzinfo=BISHKEK)
TIMEOUT = 5.0


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(NOW)


def _app(runner: BotRunner) -> App:
    assert runner.app is not None
    return runner.app


async def _pair(app: App, mentor_tg: int, mentee_tg: int) -> int:
    async with app.db.transaction() as tx:
        mentor = await tx.people.by_telegram_id(mentor_tg)
        mentee = await tx.people.by_telegram_id(mentee_tg)
        assert mentor and mentee
        pair = await create_pair(
            tx,
            mentor_id=mentor.id,
            mentee_id=mentee.id,
            kind=PairKind.PEDAGOGICAL,
            start=date(2026, 9, 1),
            end=date(2027, 6, 30),
            order_ref=None,
            now=app.clock.now(),
            max_mentees_per_mentor=2,
        )
        # Every deadline at the pair's end, far beyond the days the tests move through.
        await tx.conn.execute(
            "UPDATE milestones SET due_date = '2027-06-30'"
            " WHERE plan_id = (SELECT id FROM plans WHERE pair_id = ?)",
            (pair.id,),
        )
    app.sender.wake()
    return pair.id


@pytest.fixture
async def people(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> dict[str, TelegramUser]:
    """Two pairs: Иванова with Сидорова (the tests' pair) and Смирнов with Орлов (bystanders)."""
    app = _app(bot_runner)
    await seed(app)
    found = {
        "mentor": TelegramUser(fake_api, MENTOR_IVANOVA, "Анна", "Иванова"),
        "mentee": TelegramUser(fake_api, MENTEE_SIDOROVA, "Мария", "Сидорова"),
        "other_mentor": TelegramUser(fake_api, MENTOR_SMIRNOV, "Алексей", "Смирнов"),
        "other_mentee": TelegramUser(fake_api, MENTEE_ORLOV, "Илья", "Орлов"),
        "admin": admin,
    }
    await start_everyone(*found.values())
    await _pair(app, MENTOR_IVANOVA, MENTEE_SIDOROVA)
    await _pair(app, MENTOR_SMIRNOV, MENTEE_ORLOV)
    await found["mentee"].wait_message("Вам назначен наставник", since=0)
    await found["other_mentee"].wait_message("Вам назначен наставник", since=0)
    return found


async def _at(runner: BotRunner, clock: ManualClock, *moment: int) -> None:
    """Move the clock to a local moment and wait until a tick has covered it and the sender
    has sent everything due (a condition, not a sleep)."""
    clock.set(datetime(*moment, tzinfo=BISHKEK))  # type: ignore[misc]
    app = _app(runner)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while True:
        async with app.db.read() as tx:
            done = await tx.reminders.done_until(MARK)
            rows = await tx.conn.execute_fetchall(
                "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND not_before <= ?",
                (clock.now().isoformat(timespec="seconds"),),
            )
        if done is not None and done >= clock.now() and next(iter(rows))[0] == 0:
            return
        if loop.time() > deadline:
            raise AssertionError(f"no tick covered {clock.now()} within {TIMEOUT} s")
        app.sender.wake()
        await asyncio.sleep(0.02)


CONSENT_TITLE = "🔒 Что бот «Наставник» хранит о вас"


def _notices(who: TelegramUser) -> list[dict[str, Any]]:
    """The bot's messages to them but the consent text they accepted at their first /start."""
    return [m for m in who.messages() if not (m.get("text") or "").startswith(CONSENT_TITLE)]


def _count(who: TelegramUser, text: str) -> int:
    return sum(text in (m.get("text") or "") for m in _notices(who))


def _with(who: TelegramUser, text: str) -> dict[str, Any]:
    (found,) = [m for m in _notices(who) if text in (m.get("text") or "")]
    return found


def _nobody_else(people: dict[str, TelegramUser], text: str, *meant_for: str) -> None:
    for name, who in people.items():
        expected = 1 if name in meant_for else 0
        assert _count(who, text) == expected, f"{name}: {text!r}"


async def _confirmed_meeting(people: dict[str, TelegramUser], args: str) -> None:
    mentor, mentee = people["mentor"], people["mentee"]
    mentee.send(f"/meet {args}")
    await mentee.wait_message("Форма работы")
    mentee.press("консультация")
    await mentee.wait_message("Приглашение отправлено")
    await mentor.wait_message("приглашает на встречу")
    mentor.press("✅ Подтвердить")
    await mentee.wait_message("подтвердила встречу")


async def test_a_confirmed_meeting_is_reminded_a_day_and_an_hour_before_and_asked_after(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    await _confirmed_meeting(people, "25.01.2027 15:00 Разбор КТП")
    both = ("mentor", "mentee")

    await _at(bot_runner, bot_clock, 2027, 1, 24, 14, 59)
    _nobody_else(people, "Завтра встреча", *())
    await _at(bot_runner, bot_clock, 2027, 1, 24, 15, 0, 30)
    _nobody_else(people, "Завтра встреча", *both)
    day = _with(people["mentee"], "Завтра встреча")
    assert "Ивановой Анной Петровной: 25.01.2027 в 15:00, консультация: «Разбор КТП»" in day["text"]
    assert people["mentee"].inline_buttons(day) == ["🔁 Перенести встречу", "🚫 Отменить встречу"]

    await _at(bot_runner, bot_clock, 2027, 1, 25, 13, 59)
    _nobody_else(people, "Через час встреча", *())
    await _at(bot_runner, bot_clock, 2027, 1, 25, 14, 0, 30)
    _nobody_else(people, "Через час встреча", *both)

    await _at(bot_runner, bot_clock, 2027, 1, 25, 15, 59)
    _nobody_else(people, "Состоялась ли встреча", *())
    await _at(bot_runner, bot_clock, 2027, 1, 25, 16, 0, 30)
    _nobody_else(people, "Состоялась ли встреча", *both)
    asked = _with(people["mentor"], "Состоялась ли встреча")
    assert people["mentor"].inline_buttons(asked) == [
        "✅ Состоялась",
        "❌ Не состоялась",
        "🔁 Перенесли",
    ]

    await _at(bot_runner, bot_clock, 2027, 1, 27, 16, 0)  # days later: nothing is repeated
    for text in ("Завтра встреча", "Через час встреча", "Состоялась ли встреча"):
        _nobody_else(people, text, *both)
    people["mentee"].press("❌ Не состоялась")
    await people["mentor"].wait_message("не состоялась")
    # The mentor's own copy, pressed after: it says what happened, not that it is stale.
    held = next(b for b in asked["reply_markup"]["inline_keyboard"][0] if "Состоялась" in b["text"])
    people["mentor"].press_data(held["callback_data"], asked["message_id"])
    alert = await people["mentor"].wait_answer_callback()
    assert alert["text"].startswith("Встреча уже отмечена: не состоялась"), alert


async def test_a_proposal_nobody_answered_for_a_day_is_told_to_the_proposer_only(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    mentor = people["mentor"]
    mentor.send("/meet 28.01.2027 10:00 Посещение урока")
    await mentor.wait_message("Форма работы")
    mentor.press("консультация")
    await mentor.wait_message("Приглашение отправлено")
    await people["mentee"].wait_message("приглашает на встречу")

    await _at(bot_runner, bot_clock, 2027, 1, 21, 9, 59)
    _nobody_else(people, "пока не ответила", *())
    await _at(bot_runner, bot_clock, 2027, 1, 21, 10, 0, 30)
    _nobody_else(people, "пока не ответила", "mentor")
    told = _with(mentor, "пока не ответила")
    assert "Сидорова Мария Ивановна пока не ответила" in told["text"]
    await _at(bot_runner, bot_clock, 2027, 1, 23, 10, 0)
    _nobody_else(people, "пока не ответила", "mentor")
    mentor.press("🚫 Отменить встречу")
    await people["mentee"].wait_message("отменила встречу")


async def _one_deadline(app: App, due: date) -> int:
    """Give the tests' pair one milestone due on `due`; returns its id."""
    async with app.db.transaction() as tx:
        mentee = await tx.people.by_telegram_id(MENTEE_SIDOROVA)
        assert mentee is not None
        (pair,) = await tx.pairs.active_for_person(mentee.id)
        plan = await tx.plans.for_pair(pair.id)
        assert plan is not None
        milestone = (await tx.plans.milestones(plan.id))[0]
        await edit_milestone(
            tx, plan, pair, milestone, author_id=pair.mentor_id, now=app.clock.now(), due=due
        )
        return milestone.id


async def test_a_deadline_is_reminded_a_week_and_a_day_before_then_weekly_once_overdue(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    app = _app(bot_runner)
    milestone_id = await _one_deadline(app, date(2027, 2, 1))

    await _at(bot_runner, bot_clock, 2027, 1, 25, 8, 59)
    _nobody_else(people, "Через неделю", *())
    await _at(bot_runner, bot_clock, 2027, 1, 25, 9, 0, 30)
    _nobody_else(people, "Через неделю, 01.02.2027", "mentee")
    week = _with(people["mentee"], "Через неделю")
    assert people["mentee"].inline_buttons(week) == ["📋 Открыть этап"]

    await _at(bot_runner, bot_clock, 2027, 1, 31, 9, 0, 30)
    _nobody_else(people, "Завтра, 01.02.2027", "mentee")

    await _at(bot_runner, bot_clock, 2027, 2, 1, 20, 0)  # the deadline's own day: not overdue
    _nobody_else(people, "просрочен", *())
    await _at(bot_runner, bot_clock, 2027, 2, 2, 9, 0, 30)
    _nobody_else(people, "прошло 1 день", "mentee", "mentor")
    assert "У Сидоровой Марии Ивановны" in _with(people["mentor"], "прошло 1 день")["text"]
    await _at(bot_runner, bot_clock, 2027, 2, 8, 9, 0, 30)
    _nobody_else(people, "просрочен", "mentee", "mentor")
    await _at(bot_runner, bot_clock, 2027, 2, 9, 9, 0, 30)
    _nobody_else(people, "прошло 8 дней", "mentee", "mentor")

    # The button opens the milestone, where the mentee reports it.
    people["mentee"].press("📋 Открыть этап", _with(people["mentee"], "прошло 8 дней"))
    card = await people["mentee"].wait_message("Состояние: просрочен")
    assert "✅ Отметить выполнение" in people["mentee"].inline_buttons(card)

    async with app.db.transaction() as tx:
        milestone = await tx.plans.milestone(milestone_id)
        assert milestone is not None
        await submit_milestone(tx, milestone, "Сделано", None, None, bot_clock.now())
    await _at(bot_runner, bot_clock, 2027, 2, 12, 9, 0)
    _nobody_else(people, "ждёт вашего решения", *())
    await _at(bot_runner, bot_clock, 2027, 2, 12, 9, 1)
    _nobody_else(people, "сдала этап", "mentor")
    assert "3 дня назад" in _with(people["mentor"], "сдала этап")["text"]
    await _at(bot_runner, bot_clock, 2027, 2, 16, 9, 1)  # reported: no more overdue warnings
    _nobody_else(people, "прошло 15 дней", *())
    _nobody_else(people, "сдала этап", "mentor")


@pytest.mark.bot_settings(quiet_hours="21:00-10:00")
async def test_a_reassignment_keeps_the_mentees_waiting_reminders_and_drops_the_old_mentors(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    app = _app(bot_runner)
    await _one_deadline(app, date(2027, 2, 1))
    await _at(bot_runner, bot_clock, 2027, 2, 1, 20, 0)
    bot_clock.set(datetime(2027, 2, 2, 9, 0, 30, tzinfo=BISHKEK))
    await _pending(app, "remind:milestone-overdue", 2)  # to both, waiting for 10:00
    _nobody_else(people, "прошло 1 день", *())

    async with app.db.transaction() as tx:
        mentee = await tx.people.by_telegram_id(MENTEE_SIDOROVA)
        smirnov = await tx.people.by_telegram_id(MENTOR_SMIRNOV)
        assert mentee is not None and smirnov is not None
        (pair,) = await tx.pairs.active_for_person(mentee.id)
        await reassign_mentor(
            tx,
            pair_id=pair.id,
            new_mentor_id=smirnov.id,
            reason="Длительная командировка",
            today=date(2027, 2, 2),
            now=bot_clock.now(),
            max_mentees_per_mentor=3,
            tz=BISHKEK,
        )
    await _at(bot_runner, bot_clock, 2027, 2, 2, 10, 0, 30)
    _nobody_else(people, "прошло 1 день", "mentee")  # the plan goes on with her


async def _pending(app: App, key_prefix: str, expected: int) -> None:
    """Wait until the tick has queued `expected` rows under `key_prefix` that are not sent."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while True:
        async with app.db.read() as tx:
            rows = await tx.conn.execute_fetchall(
                "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND key LIKE ?",
                (key_prefix + "%",),
            )
        if next(iter(rows))[0] == expected:
            return
        assert loop.time() < deadline, f"no {expected} pending {key_prefix} rows"
        await asyncio.sleep(0.02)


async def test_a_changed_deadline_replans_its_reminders(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    app = _app(bot_runner)
    await _one_deadline(app, date(2027, 2, 1))
    await _at(bot_runner, bot_clock, 2027, 1, 25, 9, 0, 30)
    _nobody_else(people, "Через неделю, 01.02.2027", "mentee")
    await _one_deadline(app, date(2027, 2, 10))
    await _at(bot_runner, bot_clock, 2027, 1, 31, 9, 0, 30)
    _nobody_else(people, "Завтра, 01.02.2027", *())
    await _at(bot_runner, bot_clock, 2027, 2, 3, 9, 0, 30)
    _nobody_else(people, "Через неделю, 10.02.2027", "mentee")
    _nobody_else(people, "просрочен", *())


async def test_a_bot_stopped_over_a_meeting_asks_after_it_and_skips_the_stale_reminders(
    bot_runner: BotRunner,
    people: dict[str, TelegramUser],
    bot_clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _confirmed_meeting(people, "25.01.2027 15:00 Разбор КТП")
    await bot_runner.settle()
    await bot_runner.stop()
    bot_clock.set(datetime(2027, 1, 26, 12, 0, tzinfo=BISHKEK))
    with caplog.at_level(logging.INFO, logger="scheduler.tick"):
        await bot_runner.start()
        await _at(bot_runner, bot_clock, 2027, 1, 26, 12, 0)
    _nobody_else(people, "Состоялась ли встреча", "mentor", "mentee")
    for text in ("Завтра встреча", "Через час встреча"):
        _nobody_else(people, text, *())
    assert "reminders: 2 skipped as stale" in caplog.text

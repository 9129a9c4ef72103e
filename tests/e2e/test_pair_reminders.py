"""Reminders about a pair as a whole through the real app, the clock moved by days: an
unanswered question (the mentor, then the admins), a plan not approved two weeks in, a pair
with no held meeting, the final report; each fires once, at the right local time, to the right
people and nobody else; an ended pair's pending reminders are not sent."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import MENTEE_ORLOV, MENTEE_SIDOROVA, MENTOR_IVANOVA, MENTOR_SMIRNOV, seed
from test_reminders import (
    BISHKEK,
    NOW,
    _app,
    _at,
    _confirmed_meeting,
    _nobody_else,
    _pending,
    _with,
)

from bot.app import App
from bot.domain.notify import NoticeKind
from bot.domain.pairing import close_pair, create_pair, reassign_mentor
from bot.domain.reminder_settings import switch_reminder
from scheduler.clock import ManualClock
from storage.models import PairKind, PairStatus


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(NOW)


async def _pair(app: App, mentor_tg: int, mentee_tg: int, start: date, end: date) -> int:
    async with app.db.transaction() as tx:
        mentor = await tx.people.by_telegram_id(mentor_tg)
        mentee = await tx.people.by_telegram_id(mentee_tg)
        assert mentor and mentee
        pair = await create_pair(
            tx,
            mentor_id=mentor.id,
            mentee_id=mentee.id,
            kind=PairKind.PEDAGOGICAL,
            start=start,
            end=end,
            order_ref=None,
            now=app.clock.now(),
            max_mentees_per_mentor=2,
        )
        # Every milestone done: no milestone reminder on the days the tests visit.
        await tx.conn.execute(
            "UPDATE milestones SET due_date = ?, status = 'accepted' WHERE plan_id ="
            " (SELECT id FROM plans WHERE pair_id = ?)",
            (end.isoformat(), pair.id),
        )
    app.sender.wake()
    return pair.id


@pytest.fixture
async def people(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> dict[str, TelegramUser]:
    """Иванова with Сидорова, started today (the tests' pair); Смирнов with Орлов, started and
    entered in the bot in September (bystanders)."""
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
    await _pair(app, MENTOR_IVANOVA, MENTEE_SIDOROVA, date(2027, 1, 20), date(2027, 6, 30))
    bystanders = await _pair(app, MENTOR_SMIRNOV, MENTEE_ORLOV, date(2026, 9, 1), date(2027, 8, 31))
    async with app.db.transaction() as tx:  # in the bot since September: long told of all
        await tx.conn.execute(
            "UPDATE pairs SET created_at = '2026-09-01T03:00:00+00:00' WHERE id = ?",
            (bystanders,),
        )
    await found["mentee"].wait_message("Вам назначен наставник", since=0)
    await found["other_mentee"].wait_message("Вам назначен наставник", since=0)
    return found


async def test_an_unanswered_question_reminds_the_mentor_then_tells_the_admins(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    mentor, mentee, admin = people["mentor"], people["mentee"], people["admin"]
    mentee.send("/ask Как оформить КТП по новому стандарту?")
    await mentor.wait_message("Вопрос от")

    await _at(bot_runner, bot_clock, 2027, 1, 21, 9, 59)
    _nobody_else(people, "ждёт ответа", *())
    await _at(bot_runner, bot_clock, 2027, 1, 21, 10, 0, 30)
    _nobody_else(people, "ждёт ответа 24 часа", "mentor")
    reminded = _with(mentor, "ждёт ответа")
    assert "«Как оформить КТП по новому стандарту?»" in reminded["text"]
    assert mentor.inline_buttons(reminded) == ["💬 Ответить"]

    await _at(bot_runner, bot_clock, 2027, 1, 23, 9, 59)
    _nobody_else(people, "без ответа", *())
    await _at(bot_runner, bot_clock, 2027, 1, 23, 10, 0, 30)
    _nobody_else(people, "без ответа 3 дня", "admin")
    escalated = _with(admin, "без ответа")
    assert "Сидоровой Марии Ивановны наставнику Ивановой Анне Петровне" in escalated["text"]
    admin.press("👥 Карточка пары", escalated)
    await admin.wait_message("Пара")
    await _at(bot_runner, bot_clock, 2027, 1, 27, 10, 0)  # days later: nothing is repeated
    _nobody_else(people, "ждёт ответа", "mentor")
    _nobody_else(people, "без ответа 3 дня", "admin")

    mentor.press("💬 Ответить", _with(mentor, "ждёт ответа"))
    await mentor.wait_message("Вопрос от Сидоровой")


async def test_a_plan_not_approved_and_a_pair_without_meetings_are_told_two_weeks_in(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    mentor, admin = people["mentor"], people["admin"]
    await _at(bot_runner, bot_clock, 2027, 2, 3, 8, 59)
    _nobody_else(people, "план", *())
    _nobody_else(people, "не было встреч", *())
    await _at(bot_runner, bot_clock, 2027, 2, 3, 9, 0, 30)
    _nobody_else(people, "ещё не отправлен на утверждение", "mentor", "admin")
    # Due for the mentor at the same moment: one message, each part marked, buttons too.
    morning = _with(mentor, "ещё не отправлен")
    assert morning == _with(mentor, "не было встреч")
    assert morning["text"].startswith("1️⃣ ") and "\n\n2️⃣ " in morning["text"]
    assert mentor.inline_buttons(morning) == ["1️⃣ 📒 Журнал встреч", "2️⃣ 📋 Открыть план"]
    assert admin.inline_buttons(_with(admin, "ещё не отправлен")) == ["👥 Карточка пары"]
    _nobody_else(people, "не было встреч 14 дней — с начала наставничества", "mentor", "mentee")
    assert "С Сидоровой Марией Ивановной" in _with(mentor, "не было встреч")["text"]
    assert (
        "наставником Ивановой Анной Петровной" in _with(people["mentee"], "не было встреч")["text"]
    )
    _nobody_else(people, "нет проведённых встреч", *())

    mentor.press("2️⃣ 📋 Открыть план", morning)
    await mentor.wait_message("Индивидуальный план")
    people["mentee"].press("📒 Журнал встреч", _with(people["mentee"], "не было встреч"))
    await people["mentee"].wait_message("Журнал")

    await _at(bot_runner, bot_clock, 2027, 2, 10, 8, 59)
    _nobody_else(people, "В паре Иванова Анна Петровна — Сидорова", *())
    await _at(bot_runner, bot_clock, 2027, 2, 10, 9, 0, 30)
    _nobody_else(people, "нет проведённых встреч 21 день", "admin")
    await _at(bot_runner, bot_clock, 2027, 2, 17, 9, 0, 30)  # nothing is repeated
    # The plan and the journal opened as new messages: the reminders stay as they were.
    _nobody_else(people, "ещё не отправлен на утверждение", "mentor", "admin")
    _nobody_else(people, "не было встреч 14", "mentor", "mentee")
    _nobody_else(people, "нет проведённых встреч 21", "admin")


async def test_the_final_report_is_reminded_a_month_and_a_week_before_the_end(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    await _at(bot_runner, bot_clock, 2027, 5, 30, 8, 59)
    _nobody_else(people, "заканчивается период", *())
    await _at(bot_runner, bot_clock, 2027, 5, 30, 9, 0, 30)
    _nobody_else(people, "Через месяц, 30.06.2027", "mentor", "mentee")
    month = _with(people["mentee"], "Через месяц")
    assert people["mentee"].inline_buttons(month) == ["📋 Открыть план"]
    await _at(bot_runner, bot_clock, 2027, 6, 23, 8, 59)
    _nobody_else(people, "Через неделю, 30.06.2027, заканчивается", *())
    await _at(bot_runner, bot_clock, 2027, 6, 23, 9, 0, 30)
    _nobody_else(people, "Через неделю, 30.06.2027, заканчивается", "mentor", "mentee")
    await _at(bot_runner, bot_clock, 2027, 6, 29, 9, 0, 30)  # nothing is repeated
    _nobody_else(people, "Через месяц, 30.06.2027", "mentor", "mentee")
    _nobody_else(people, "Через неделю, 30.06.2027, заканчивается", "mentor", "mentee")


async def _ask_late(runner: BotRunner, people: dict[str, TelegramUser], clock: ManualClock) -> None:
    """The mentee asks at 21:30 on the pair's first day, in quiet hours."""
    await _at(runner, clock, 2027, 1, 20, 21, 30)
    people["mentee"].send("/ask Вопрос поздно вечером")
    await people["mentor"].wait_message("Вопрос поздно вечером")  # between people: at once


@pytest.mark.bot_settings(quiet_hours="21:00-08:00")
async def test_an_ended_pair_cancels_its_reminders_still_waiting_for_the_morning(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    app = _app(bot_runner)
    await _ask_late(bot_runner, people, bot_clock)
    bot_clock.set(datetime(2027, 1, 21, 21, 45, tzinfo=BISHKEK))  # due 21:30: waits for 08:00
    await _pending(app, "remind:question-remind", 1)
    async with app.db.transaction() as tx:
        (pair,) = await tx.pairs.active_for_person(await _person(app, MENTEE_SIDOROVA))
        await close_pair(
            tx,
            pair_id=pair.id,
            status=PairStatus.ENDED,
            reason="Увольнение",
            now=bot_clock.now(),
            tz=BISHKEK,
        )
    await _at(bot_runner, bot_clock, 2027, 1, 22, 9, 0)
    _nobody_else(people, "ждёт ответа", *())


@pytest.mark.bot_settings(quiet_hours="21:00-08:00")
async def test_a_reassigned_pair_drops_its_question_reminders_naming_the_old_mentor(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    app = _app(bot_runner)
    await _ask_late(bot_runner, people, bot_clock)
    await _at(bot_runner, bot_clock, 2027, 1, 22, 9, 0)
    _nobody_else(people, "ждёт ответа", "mentor")
    bot_clock.set(datetime(2027, 1, 23, 21, 45, tzinfo=BISHKEK))  # due 21:30: waits for 08:00
    await _pending(app, "remind:question-escalate", 1)
    async with app.db.transaction() as tx:
        (pair,) = await tx.pairs.active_for_person(await _person(app, MENTEE_SIDOROVA))
        await reassign_mentor(
            tx,
            pair_id=pair.id,
            new_mentor_id=await _person(app, MENTOR_SMIRNOV),
            reason="Длительная командировка",
            today=date(2027, 1, 23),
            now=bot_clock.now(),
            max_mentees_per_mentor=3,
            tz=BISHKEK,
        )
    await _at(bot_runner, bot_clock, 2027, 1, 24, 9, 0)
    _nobody_else(people, "без ответа", *())  # it would blame the mentor who was replaced


async def _person(app: App, telegram_id: int) -> int:
    async with app.db.read() as tx:
        person = await tx.people.by_telegram_id(telegram_id)
    assert person is not None
    return person.id


async def test_a_quiet_pair_with_a_meeting_nobody_marked_is_asked_about_it_instead(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    await _confirmed_meeting(people, "27.01.2027 10:00 Разбор КТП")
    await _at(bot_runner, bot_clock, 2027, 2, 3, 9, 0, 30)  # 14 days in, the meeting unmarked
    _nobody_else(people, "не было встреч", *())
    _nobody_else(people, "Пока её не отметили", "mentor", "mentee")
    asked = _with(people["mentee"], "Пока её не отметили")
    assert "Состоялась ли встреча с наставником Ивановой Анной Петровной?" in asked["text"]
    assert "27.01.2027 в 10:00" in asked["text"] and "14 дней" in asked["text"]
    assert people["mentee"].inline_buttons(asked) == [
        "✅ Состоялась",
        "❌ Не состоялась",
        "🔁 Перенесли",
    ]
    people["mentee"].press("✅ Состоялась", asked)
    await people["mentee"].wait_message("Сколько минут она длилась")  # the journal's details


async def test_a_pair_entered_after_it_began_tells_its_people_first_and_its_admins_in_the_digest(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    """Смирнов and Орлов started in September but were entered in the bot on Monday 18.01 (the
    roster imported at deployment): they are counted from then. Two weeks later, a Monday, the
    people are told; the admins' warning, due at the digest's moment, is left to the digest."""
    app = _app(bot_runner)
    admin, other_mentor = people["admin"], people["other_mentor"]
    async with app.db.transaction() as tx:
        await tx.conn.execute(
            "UPDATE pairs SET created_at = '2027-01-18T04:00:00+00:00' WHERE mentor_id ="
            " (SELECT id FROM people WHERE telegram_id = ?)",
            (MENTOR_SMIRNOV,),
        )
    await _at(bot_runner, bot_clock, 2027, 1, 31, 9, 0, 30)
    _nobody_else(people, "не было встреч", *())  # its start was months ago: nothing till now

    await _at(bot_runner, bot_clock, 2027, 2, 1, 9, 0, 30)  # a Monday, DIGEST_CRON's moment
    entered = "не было встреч 14 дней — с тех пор как пара появилась в боте"
    _nobody_else(people, entered, "other_mentor", "other_mentee")
    assert _with(other_mentor, entered) == _with(other_mentor, "ещё не отправлен")
    assert app.scheduler.digest is not None
    await app.scheduler.digest()
    digest = await admin.wait_message("Сводка по наставничеству")
    assert "Смирнов" in digest["text"] and "план не утверждён" in digest["text"]
    await bot_runner.settle()
    _nobody_else(people, "ещё не отправлен на утверждение", "other_mentor")  # no admin's own

    # A week on, still no meeting: the admins' warning is due at the digest's moment again;
    # an admin who switched the digest off gets it as a message of its own.
    async with app.db.transaction() as tx:
        me = await tx.people.by_telegram_id(admin.id)
        assert me is not None
        await switch_reminder(tx, me.id, NoticeKind.DIGEST, False, bot_clock.now())
    await _at(bot_runner, bot_clock, 2027, 2, 8, 9, 0, 30)
    warning = _with(admin, "нет проведённых встреч 21 день")
    assert "Смирнов" in warning["text"]

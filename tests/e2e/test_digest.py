"""The weekly digest through the real app: a seeded programme (two departments, an overdue
milestone, inactive pairs, an unanswered question) shows the right numbers on /digest; the
scheduled one fires at DIGEST_CRON on Monday 09:00 local, once per admin and week; /digest is
refused to anyone but an admin."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import (
    MENTEE_ORLOV,
    MENTEE_SIDOROVA,
    MENTEE_ZAITSEVA,
    MENTOR_BELOV,
    MENTOR_IVANOVA,
    MENTOR_SMIRNOV,
    seed,
)
from test_reminders import BISHKEK, _app
from test_reminders import _pair as _reminders_pair

from bot.app import App
from bot.domain.notify import NoticeKind
from bot.domain.reminder_settings import switch_reminder
from scheduler.clock import ManualClock
from scheduler.cron import crontab_trigger
from storage.models import to_db_time

MONDAY = datetime(2027, 1, 25, 9, 0, tzinfo=BISHKEK)


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(MONDAY - timedelta(hours=1))


async def _pair(app: App, mentor_tg: int, mentee_tg: int) -> int:
    """test_reminders' pair (deadlines at its end), its plan approved: no "plan late" here;
    in the bot since it started in September (a pair entered later is counted from then)."""
    pair_id = await _reminders_pair(app, mentor_tg, mentee_tg)
    async with app.db.transaction() as tx:
        await tx.conn.execute("UPDATE plans SET status = 'approved' WHERE pair_id = ?", (pair_id,))
        await tx.conn.execute(
            "UPDATE pairs SET created_at = '2026-09-01T03:00:00+00:00' WHERE id = ?", (pair_id,)
        )
    return pair_id


async def _programme(app: App) -> None:
    """ПЦК ИТ: Иванова–Сидорова (a meeting of 90 minutes 3 days ago, a milestone overdue),
    Смирнов–Орлов (no meeting ever, a question unanswered for 2 days and one asked an hour
    ago); ПЦК электротехники: Белов–Зайцева (its last meeting 20 days ago, a milestone accepted
    2 days ago)."""
    now = app.clock.now()
    first = await _pair(app, MENTOR_IVANOVA, MENTEE_SIDOROVA)
    second = await _pair(app, MENTOR_SMIRNOV, MENTEE_ORLOV)
    third = await _pair(app, MENTOR_BELOV, MENTEE_ZAITSEVA)
    async with app.db.transaction() as tx:
        for pair_id, ago in ((first, 3), (third, 20)):
            mentor = (await tx.pairs.get(pair_id)).mentor_id  # type: ignore[union-attr]
            await tx.conn.execute(
                "INSERT INTO meetings (pair_id, proposed_by, starts_at, duration_min, format,"
                " topic, status, created_at, updated_at)"
                " VALUES (?, ?, ?, 90, 'consultation', 'Разбор', 'held', ?, ?)",
                (
                    pair_id,
                    mentor,
                    to_db_time(now - timedelta(days=ago)),
                    to_db_time(now),
                    to_db_time(now),
                ),
            )
        await tx.conn.execute(
            "UPDATE milestones SET due_date = '2027-01-10' WHERE id = (SELECT MIN(ms.id) FROM"
            " milestones ms JOIN plans pl ON pl.id = ms.plan_id WHERE pl.pair_id = ?)",
            (first,),
        )
        await tx.conn.execute(
            "UPDATE milestones SET status = 'accepted', decided_at = ? WHERE id = (SELECT"
            " MIN(ms.id) FROM milestones ms JOIN plans pl ON pl.id = ms.plan_id"
            " WHERE pl.pair_id = ?)",
            (to_db_time(now - timedelta(days=2)), third),
        )
        for hours in (48, 1):
            await tx.conn.execute(
                "INSERT INTO questions (pair_id, text, asked_at) VALUES (?, 'Вопрос', ?)",
                (second, to_db_time(now - timedelta(hours=hours))),
            )
    app.sender.wake()


@pytest.fixture
async def people(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> dict[str, TelegramUser]:
    app = _app(bot_runner)
    await seed(app)
    found = {
        "mentor": TelegramUser(fake_api, MENTOR_IVANOVA, "Анна", "Иванова"),
        "mentee": TelegramUser(fake_api, MENTEE_SIDOROVA, "Мария", "Сидорова"),
        "admin": admin,
    }
    await start_everyone(*found.values())
    await _programme(app)
    return found


async def test_digest_shows_the_seeded_programme_per_department(
    people: dict[str, TelegramUser],
) -> None:
    admin = people["admin"]
    admin.send("/digest")
    digest = await admin.wait_message("Сводка по наставничеству")
    text = digest["text"]
    # One line a figure, and none of those that are zero.
    assert (
        "Всего: 3 активные пары\n• проведено встреч: 1 (1 час 30 минут)\n• принято этапов: 1"
        "\n• просрочено этапов: 1\n• задано вопросов: 2\n• вопросов без ответа: 1"
        "\n• пар без встреч: 2\n" in text
    )
    assert (
        "ПЦК ИТ: 2 активные пары\n• проведено встреч: 1 (1 час 30 минут)"
        "\n• просрочено этапов: 1\n• задано вопросов: 2\n• вопросов без ответа: 1"
        "\n• пар без встреч: 1\n" in text
    )
    assert "ПЦК электротехники: 1 активная пара\n• принято этапов: 1\n• пар без встреч: 1" in text
    assert "0 встреч" not in text and "(0 минут)" not in text
    assert "Требуют внимания: 3 пары" in text
    assert (
        "1. Смирнов Алексей Николаевич — Орлов Илья Сергеевич: вопросов без ответа: 1"
        " · без встреч 145 дней" in text
    )
    buttons = admin.inline_buttons(digest)
    assert buttons == [
        "1. Орлов Илья Сергеевич",
        "2. Сидорова Мария Ивановна",
        "3. Зайцева Ксения Андреевна",
    ]
    admin.press("2. Сидорова Мария Ивановна", digest)
    await admin.wait_message("Сидорова Мария Ивановна")


async def test_digest_is_refused_to_anyone_but_an_admin(people: dict[str, TelegramUser]) -> None:
    for who in (people["mentor"], people["mentee"]):
        who.send("/digest")
        await who.wait_message("только администраторам")
        assert not any("Сводка" in (m.get("text") or "") for m in who.messages())


async def test_digest_cron_fires_on_monday_at_nine_local_once_per_admin_and_week(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    app = _app(bot_runner)
    assert app.settings.digest_cron == "0 9 * * 1"
    job = app.scheduler.jobs.get_job("digest")
    assert job is not None
    sunday = datetime(2027, 1, 24, 12, 0, tzinfo=BISHKEK)
    assert job.trigger.get_next_fire_time(None, sunday) == MONDAY
    assert crontab_trigger("0 9 * * 1", BISHKEK).get_next_fire_time(None, MONDAY) == MONDAY
    assert app.scheduler.digest is not None
    bot_clock.set(MONDAY)
    await app.scheduler.digest()  # what the job runs when its trigger fires
    await people["admin"].wait_message("Сводка по наставничеству")
    await app.scheduler.digest()  # a second run in the same week (a restart): not repeated
    bot_clock.set(MONDAY + timedelta(days=7))
    await app.scheduler.digest()
    await people["admin"].wait_message("за 25.01.2027 — 01.02.2027")
    await bot_runner.settle()
    titles = [m for m in people["admin"].messages() if "Сводка" in (m.get("text") or "")]
    assert len(titles) == 2
    for who in ("mentor", "mentee"):
        assert not any("Сводка" in (m.get("text") or "") for m in people[who].messages())


async def test_switching_the_digest_off_cancels_one_already_queued(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    app = _app(bot_runner)
    bot_clock.set(MONDAY.replace(hour=22))  # quiet hours: the digest waits for the morning
    assert app.scheduler.digest is not None
    assert await app.scheduler.digest() == 2  # the digest and its chart
    async with app.db.transaction() as tx:
        admin = await tx.people.by_telegram_id(people["admin"].id)
        assert admin is not None
        assert await switch_reminder(tx, admin.id, NoticeKind.DIGEST, False, bot_clock.now())
        rows = await tx.conn.execute_fetchall(
            "SELECT key, status FROM outbox WHERE subject = ?", ("digest",)
        )
    assert [(row[1]) for row in rows] == ["cancelled", "cancelled"]  # the digest and its chart


async def test_a_forged_digest_page_is_answered_as_a_stale_button(
    people: dict[str, TelegramUser],
) -> None:
    admin = people["admin"]
    admin.send("/digest")
    shown = await admin.wait_message("Сводка по наставничеству")
    for page in ("²", "-1", "x"):
        admin.press_data(f"dg:{page}", shown["message_id"])
        answer = await admin.wait_answer_callback()
        assert answer.get("show_alert") is True, page


async def test_a_digest_missed_while_the_bot_was_down_is_sent_when_it_starts(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    app = _app(bot_runner)
    assert app.scheduler.digest is not None and app.scheduler.digest_catch_up is not None
    bot_clock.set(MONDAY - timedelta(days=7))
    await app.scheduler.digest()  # last week's, on time
    await people["admin"].wait_message("Сводка по наставничеству")
    bot_clock.set(MONDAY + timedelta(minutes=5))  # down 08:58–09:05: this week's job never ran
    assert await app.scheduler.digest_catch_up() == 2  # the digest and its chart
    assert await app.scheduler.digest_catch_up() == 0  # a second start: nothing more
    await people["admin"].wait_message("за 18.01.2027 — 25.01.2027")
    await bot_runner.settle()
    titles = [m for m in people["admin"].messages() if "Сводка" in (m.get("text") or "")]
    assert len(titles) == 2


async def test_a_daily_digest_cron_sends_a_digest_every_day_covering_the_day_before(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    app = await bot_runner.restart(digest_cron="0 9 * * *")
    assert app.scheduler.digest is not None
    admin = people["admin"]
    bot_clock.set(MONDAY)
    await app.scheduler.digest()
    await admin.wait_message("за 24.01.2027 — 25.01.2027")
    bot_clock.set(MONDAY + timedelta(hours=3))
    await app.scheduler.digest()  # the same firing again (a restart): not repeated
    bot_clock.set(MONDAY + timedelta(days=1))
    await app.scheduler.digest()
    await admin.wait_message("за 25.01.2027 — 26.01.2027")
    await bot_runner.settle()
    titles = [m for m in admin.messages() if "Сводка" in (m.get("text") or "")]
    assert len(titles) == 2


async def test_the_scheduled_digest_brings_its_chart_uploaded_once_for_every_admin(
    bot_runner: BotRunner,
    fake_api: FakeBotAPI,
    people: dict[str, TelegramUser],
    bot_clock: ManualClock,
) -> None:
    app = _app(bot_runner)
    async with app.db.transaction() as tx:  # a second admin: the mentor is granted the rights
        await tx.conn.execute("UPDATE people SET is_admin = 1 WHERE telegram_id = ?", (2001,))
    bot_clock.set(MONDAY)
    assert app.scheduler.digest is not None
    assert await app.scheduler.digest() == 4  # the digest and the chart, to each admin
    for who in (people["admin"], people["mentor"]):
        await who.wait_message("Сводка по наставничеству")
        chart = await who.wait_message("Встречи по неделям и выполнение плана")
        assert chart["photo"] and chart["message_id"] > who.messages()[0]["message_id"]
    sent = [call.params["photo"] for call in fake_api.calls("sendPhoto") if call.ok]
    assert len(sent) == 2
    uploads = [photo for photo in sent if not isinstance(photo, str)]
    assert len(uploads) == 1 and uploads[0].data.startswith(b"\x89PNG")  # uploaded once,
    assert any(isinstance(photo, str) for photo in sent)  # then sent on by its file_id
    assert await app.scheduler.digest() == 0  # the same firing again: nothing, no chart drawn

"""Access requests travel through the outbox: a failed Bot API call after a decision is retried,
every admin's copy is closed, quiet hours mute them, and a request is settled when its account
gets in some other way."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import ADMIN_ID, TelegramUser, start_everyone
from test_onboarding import (
    INVITE_LINK,
    ROSTER,
    callback_data,
    import_roster,
    request_copies,
    roster_csv,
)
from waiting import eventually

from scheduler.clock import ManualClock

BISHKEK = ZoneInfo("Asia/Bishkek")
SECOND_ADMIN_ID = 1002


@pytest.fixture(autouse=True)
def quick_retries(request: pytest.FixtureRequest) -> None:
    """The sender backs off 5 s after an outage; a test need not wait that long."""
    if "bot_runner" in request.fixturenames:
        runner: BotRunner = request.getfixturevalue("bot_runner")
        runner.app.sender.retry_base = 0.2


async def outbox_rows(runner: BotRunner) -> list[dict[str, Any]]:
    async with runner.app.db.read() as tx:
        rows = await tx.conn.execute_fetchall("SELECT * FROM outbox ORDER BY id")
    return [dict(row) for row in rows]


def sends_to(api: FakeBotAPI, chat_id: int) -> list[dict[str, Any]]:
    return [r.params for r in api.calls("sendMessage") if r.ok and r.params["chat_id"] == chat_id]


async def a_request_reaches(
    fake_api: FakeBotAPI, *admins: TelegramUser, telegram_id: int = 7001
) -> TelegramUser:
    stranger = TelegramUser(fake_api, telegram_id, "Тимур", "Бекович")
    stranger.send("/start")
    for admin in admins:
        await admin.wait_message("Запрос доступа")
    return stranger


@pytest.mark.usefixtures("bot_runner")
@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, SECOND_ADMIN_ID])
async def test_an_approval_whose_own_answer_fails_still_reaches_the_requester_and_every_admin(
    fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    second = TelegramUser(fake_api, SECOND_ADMIN_ID, "Бакыт", "Осмонов")
    await start_everyone(admin, second)
    stranger = await a_request_reaches(fake_api, admin, second)
    admin.press("✅ Одобрить")
    await admin.wait_message("Кем будет")
    fake_api.fail_next("answerCallbackQuery", None, 500, "Internal Server Error")
    # The requester's own answer fails once too: the outbox tries again.
    fake_api.fail_next("sendMessage", 7001, 502, "Bad Gateway", page=True)

    admin.press("наставник")

    granted = await stranger.wait_message("Доступ открыт")
    assert "наставник" in granted["text"]
    closed = await second.wait_message("Запрос одобрен")
    assert "Решение: Асанова Гульнара" in closed["text"]
    assert "reply_markup" not in closed
    (own,) = request_copies(admin)
    assert "Запрос одобрен" in own["text"]


@pytest.mark.usefixtures("bot_runner")
async def test_a_decline_reaches_a_stranger_who_is_no_person(
    fake_api: FakeBotAPI, admin: TelegramUser, bot_runner: BotRunner
) -> None:
    await start_everyone(admin)
    stranger = await a_request_reaches(fake_api, admin)

    admin.press("❌ Отклонить")

    await stranger.wait_message("отклонил")

    async def answer_recorded_as_sent() -> bool:  # the sender records it after the call
        rows = await outbox_rows(bot_runner)
        answer = next(r for r in rows if r["kind"] == "access-answer")
        return (answer["person_id"], answer["chat_id"], answer["status"]) == (None, 7001, "sent")

    await eventually(answer_recorded_as_sent, what="the answer to the stranger recorded as sent")


@pytest.mark.usefixtures("bot_runner")
async def test_a_request_is_closed_for_the_admins_when_an_invite_lets_the_person_in(
    fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await start_everyone(admin)
    await import_roster(admin, roster_csv(*ROSTER))
    stranger = await a_request_reaches(fake_api, admin)
    admin.send("/invite")
    await admin.wait_message("")
    admin.press("Петрова Елена Ивановна")
    link = INVITE_LINK.search((await admin.wait_message("t.me/"))["text"])
    assert link is not None

    stranger.send(f"/start {link.group(1)}")
    await stranger.wait_message("Елена Ивановна")

    closed = await admin.wait_message("Запрос закрыт")
    assert "Петрова Елена Ивановна" in closed["text"]
    assert "reply_markup" not in closed


@pytest.mark.usefixtures("bot_runner")
async def test_a_roster_that_names_the_requesters_id_settles_the_request(
    fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await start_everyone(admin)
    stranger = await a_request_reaches(fake_api, admin)
    (copy,) = request_copies(admin)

    await import_roster(admin, roster_csv("Бекович Тимур Ильич;наставник;7001;ПЦК ИТ;;;;;"))

    closed = await admin.wait_message("Запрос закрыт")
    assert closed["message_id"] == copy["message_id"]
    assert "Бекович Тимур Ильич" in closed["text"] and "reply_markup" not in closed
    admin.press_data(callback_data(copy, "✅ Одобрить"), copy["message_id"])  # a stale copy
    assert "уже рассмотрен" in (await admin.wait_answer_callback()).get("text", "")
    granted = await stranger.wait_message("Доступ открыт")
    assert "Тимур Ильич" in granted["text"] and "наставник" in granted["text"]
    stranger.send("/start")
    assert "Тимур Ильич" in (await stranger.wait_message("Здравствуйте"))["text"]


@pytest.fixture
def night_clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 27, 23, 40, tzinfo=BISHKEK))


@pytest.mark.bot_settings(quiet_hours="21:00-08:00")
async def test_at_night_a_request_and_its_answer_arrive_at_once_without_sound(
    fake_api: FakeBotAPI,
    admin: TelegramUser,
    settings_factory: Any,
    night_clock: ManualClock,
    e2e_mode: str,
) -> None:
    runner = BotRunner(fake_api, settings_factory, night_clock, mode=e2e_mode)
    await runner.start(quiet_hours="21:00-08:00")
    try:
        await start_everyone(admin)
        stranger = await a_request_reaches(fake_api, admin)
        admin.press("❌ Отклонить")
        await stranger.wait_message("отклонил")
    finally:
        await runner.stop()

    (copy,) = [p for p in sends_to(fake_api, admin.id) if "Запрос доступа" in p["text"]]
    (answer,) = sends_to(fake_api, 7001)[1:]
    assert copy.get("disable_notification") is True
    assert answer.get("disable_notification") is True


@pytest.mark.usefixtures("bot_runner")
async def test_a_proxys_html_error_page_counts_as_an_attempt_and_is_retried(
    fake_api: FakeBotAPI, admin: TelegramUser, bot_runner: BotRunner
) -> None:
    await start_everyone(admin)
    fake_api.fail_next("sendMessage", admin.id, 502, "Bad Gateway", page=True)

    await a_request_reaches(fake_api, admin)

    async def copy_recorded() -> bool:  # the sender records the send after the call returns
        rows = await outbox_rows(bot_runner)
        (copy,) = [r for r in rows if r["subject"] and r["method"] == "send"]
        return (copy["status"], copy["attempts"]) == ("sent", 2)

    await eventually(copy_recorded, what="the copy recorded as sent on its second attempt")
    refused = [r for r in fake_api.calls("sendMessage") if not r.ok]
    assert len(refused) == 1


@pytest.mark.usefixtures("bot_runner")
async def test_a_request_whose_reply_to_the_stranger_fails_still_reaches_the_admins(
    fake_api: FakeBotAPI, admin: TelegramUser, bot_runner: BotRunner
) -> None:
    await start_everyone(admin)
    fake_api.fail_next("sendMessage", 7001, 500, "Internal Server Error")
    stranger = TelegramUser(fake_api, 7001, "Тимур", "Бекович")

    stranger.send("/start")

    await admin.wait_message("Запрос доступа")
    stranger.send("/start")
    await stranger.wait_message("уже у администраторов")
    await bot_runner.settle()
    assert len(request_copies(admin)) == 1

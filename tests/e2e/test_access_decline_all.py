"""«❌ Отклонить все» on the admins' list of access requests (a flood): it asks first, declines
exactly what the list showed — in chunks, each request as if declined one by one — answers
every sender once through the outbox, and leaves a request that came later to be reviewed.
A card opened from the list says how its request ended once someone decided it."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import ADMIN_ID, TelegramUser, start_everyone
from roster_seed import MENTOR_IVANOVA, MENTOR_SMIRNOV, seed

import bot.domain.onboarding
from bot.domain.access import REQUESTS_ONE_BY_ONE
from bot.domain.staff import set_admin_rights
from handlers.keyboards import DeclineAll

SECOND_ADMIN_ID = 1002
DENIED = "Администратор отклонил ваш запрос"
STRANGERS = 30
CHUNK = 7  # 30 requests: four full chunks and a short one


def strangers(api: FakeBotAPI, count: int, first_id: int = 50_000) -> list[TelegramUser]:
    return [TelegramUser(api, first_id + n, f"Гость{n}", "Спамов") for n in range(count)]


async def flood(runner: BotRunner, admin: TelegramUser, people: list[TelegramUser]) -> None:
    """Each stranger asks for access; the admin gets the summary (beyond the first copies)."""
    for stranger in people:
        stranger.send("/start")
    await runner.settle(30)
    assert runner.app is not None
    runner.app.sender.wake()
    await admin.wait_message("один за другим", 10, since=0)


async def open_list(admin: TelegramUser) -> dict[str, Any]:
    admin.press("📋 Запросы доступа")
    return await admin.wait_message("запрос")


async def statuses(runner: BotRunner) -> dict[str, int]:
    assert runner.app is not None
    async with runner.app.db.read() as tx:
        rows = await tx.conn.execute_fetchall(
            "SELECT status, COUNT(*) FROM access_requests GROUP BY status"
        )
    return {row[0]: row[1] for row in rows}


async def answers_queued(runner: BotRunner) -> dict[int, int]:
    """How many answers the outbox holds for each stranger's chat."""
    assert runner.app is not None
    async with runner.app.db.read() as tx:
        rows = await tx.conn.execute_fetchall(
            "SELECT chat_id, COUNT(*) FROM outbox"
            " WHERE kind = 'access-answer' AND method = 'send' GROUP BY chat_id"
        )
    return {row[0]: row[1] for row in rows}


def closed_copies(admin: TelegramUser) -> list[dict[str, Any]] | None:
    """The copies of requests this admin was sent before the summary, once all are closed."""
    closed = [m for m in admin.messages() if "Запрос отклонён" in str(m.get("text"))]
    return closed if len(closed) == REQUESTS_ONE_BY_ONE else None


def denials(stranger: TelegramUser) -> list[dict[str, Any]]:
    return [m for m in stranger.messages() if DENIED in str(m.get("text"))]


@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, SECOND_ADMIN_ID])
async def test_declining_all_declines_what_the_list_showed_and_leaves_a_later_request(
    admin: TelegramUser,
    fake_api: FakeBotAPI,
    bot_runner: BotRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bot.domain.onboarding, "DECLINE_CHUNK", CHUNK)
    second = TelegramUser(fake_api, SECOND_ADMIN_ID, "Бакыт", "Осмонов")
    await start_everyone(admin, second)
    flooding = strangers(fake_api, STRANGERS)
    await flood(bot_runner, admin, flooding)
    listed = await open_list(admin)
    assert "❌ Отклонить все (30)" in admin.inline_buttons(listed)
    # Someone asks after the list was shown: the list's button does not cover them.
    (late,) = strangers(fake_api, 1, first_id=60_000)
    late.send("/start")
    await late.wait_message("отправил запрос на доступ")

    admin.press("❌ Отклонить все (30)", listed)
    question = await admin.wait_message("Отклонить все 30 запросов доступа?")
    assert "бот ответит, что доступ не выдан" in question["text"]
    assert f"«{DENIED} на доступ." in question["text"]
    assert admin.inline_buttons(question) == ["❌ Да, отклонить все", "↩️ Назад к списку"]
    admin.press("❌ Да, отклонить все", question)
    report = await admin.wait_message("Отклонено 30 запросов доступа")

    assert question["message_id"] == listed["message_id"] == report["message_id"]
    assert (
        "Ещё 1 запрос пришёл после того, как вы открыли список, и ждёт решения" in (report["text"])
    )
    assert admin.inline_buttons(report) == ["📋 Запросы доступа"]
    assert await statuses(bot_runner) == {"declined": STRANGERS, "pending": 1}
    assert await answers_queued(bot_runner) == {s.id: 1 for s in flooding}
    for stranger in flooding:
        await stranger.wait_message(DENIED, 10, since=0)
    await bot_runner.settle()
    assert all(len(denials(stranger)) == 1 for stranger in flooding)
    assert denials(late) == []
    # The copies sent before the flood's summary are closed for every admin, as one by one.
    for each in (admin, second):
        closed = await fake_api.wait_for(lambda each=each: closed_copies(each), 10, "copies closed")
        assert all(each.inline_buttons(copy) == [] for copy in closed)
        assert all("Решение: Асанова Гульнара" in copy["text"] for copy in closed)

    # The list now holds the one that came later, with its own «❌ Отклонить все (1)».
    admin.press("📋 Запросы доступа", report)
    relisted = await admin.wait_message("Ждёт решения 1 запрос доступа")
    assert admin.inline_buttons(relisted) == ["Спамов Гость0", "❌ Отклонить все (1)"]


async def test_back_returns_to_the_list_unchanged(
    admin: TelegramUser, fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    await start_everyone(admin)
    await flood(bot_runner, admin, strangers(fake_api, 10))
    listed = await open_list(admin)
    before = (listed["text"], admin.inline_buttons(listed))

    admin.press("❌ Отклонить все (10)", listed)
    await admin.wait_message("Отклонить все 10 запросов доступа?")
    admin.press("↩️ Назад к списку")
    back = await admin.wait_message("Ждут решения 10 запросов доступа")

    assert (back["text"], admin.inline_buttons(back)) == before
    assert await statuses(bot_runner) == {"pending": 10}
    assert await answers_queued(bot_runner) == {}


@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, SECOND_ADMIN_ID])
async def test_two_admins_declining_all_at_once_decline_each_request_once(
    admin: TelegramUser,
    fake_api: FakeBotAPI,
    bot_runner: BotRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bot.domain.onboarding, "DECLINE_CHUNK", 3)
    second = TelegramUser(fake_api, SECOND_ADMIN_ID, "Бакыт", "Осмонов")
    await start_everyone(admin, second)
    flooding = strangers(fake_api, 20)
    await flood(bot_runner, admin, flooding)
    await second.wait_message("один за другим", 10, since=0)
    questions = []
    for each in (admin, second):
        await open_list(each)
        each.press("❌ Отклонить все (20)")
        questions.append(await each.wait_message("Отклонить все 20 запросов доступа?"))

    admin.press("❌ Да, отклонить все", questions[0])
    second.press("❌ Да, отклонить все", questions[1])
    await bot_runner.settle(30)

    reports = [each.messages()[-1]["text"] for each in (admin, second)]
    declined = [_declined_in(report) for report in reports]
    assert sum(declined) == 20, reports
    assert await statuses(bot_runner) == {"declined": 20}
    assert await answers_queued(bot_runner) == {s.id: 1 for s in flooding}


def _declined_in(report: str) -> int:
    """The number a report of «❌ Отклонить все» says was declined (0: nothing to decline)."""
    if report.startswith("Отклонять нечего"):
        return 0
    words = report.split()
    assert words[0] == "❌" and words[1] in ("Отклонён", "Отклонено"), report
    return int(words[2])


async def test_a_demoted_admin_and_a_mentor_pressing_decline_all_change_nothing(
    admin: TelegramUser, fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    assert bot_runner.app is not None
    app = bot_runner.app
    await seed(app)
    demoted = TelegramUser(fake_api, MENTOR_IVANOVA, "Анна", "Иванова")
    mentor = TelegramUser(fake_api, MENTOR_SMIRNOV, "Алексей", "Смирнов")
    await start_everyone(admin, demoted, mentor)
    async with app.db.read() as tx:
        me = await tx.people.by_telegram_id(ADMIN_ID)
        ivanova = await tx.people.by_telegram_id(MENTOR_IVANOVA)
    assert me is not None and ivanova is not None
    for granted in (True, False):
        assert await set_admin_rights(app.db, ivanova.id, granted, me, app.clock.now()) is None
    await flood(bot_runner, admin, strangers(fake_api, 5))
    forged = DeclineAll(up_to=10**6, act="yes").pack()

    for someone in (demoted, mentor):
        someone.press_data(forged, someone.last_message()["message_id"])
        answer = await someone.wait_answer_callback()
        assert "Эта кнопка устарела или недоступна вам" in answer.get("text", "")
    await bot_runner.settle()

    assert await statuses(bot_runner) == {"pending": 5}
    assert await answers_queued(bot_runner) == {}


@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, SECOND_ADMIN_ID])
async def test_a_card_from_the_list_says_how_its_request_ended_when_pressed_after(
    admin: TelegramUser, fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    second = TelegramUser(fake_api, SECOND_ADMIN_ID, "Бакыт", "Осмонов")
    await start_everyone(admin, second)
    flooding = strangers(fake_api, REQUESTS_ONE_BY_ONE + 2)
    await flood(bot_runner, admin, flooding)
    await second.wait_message("один за другим", 10, since=0)
    # Both open the newest request (beyond the copies): a card each, from the list.
    cards = []
    for each in (admin, second):
        await open_list(each)
        each.press(f"Спамов Гость{len(flooding) - 1}")
        cards.append(await each.wait_message("Запрос доступа"))

    second.press("❌ Отклонить", cards[1])
    await flooding[-1].wait_message(DENIED)
    # The decider's own card says so at once; the other admin's card, when they press it.
    decided = await second.wait_message("Запрос отклонён")
    admin.press("✅ Одобрить", cards[0])
    answer = await admin.wait_answer_callback()
    stale = await admin.wait_message("Запрос отклонён")

    assert "уже рассмотрен" in answer.get("text", "")
    for card, closed in ((cards[0], stale), (cards[1], decided)):
        assert closed["message_id"] == card["message_id"]
        assert "Решение: Осмонов Бакыт" in closed["text"]
        assert "reply_markup" not in closed

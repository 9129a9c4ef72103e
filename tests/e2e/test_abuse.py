"""Abuse: a flood of strangers (a link to the bot posted somewhere) — beyond a few pending
requests the admins get one message with the list to review, not a copy of each; and a person
pressing a button fifty times a second is slowed, not served fifty times."""

from __future__ import annotations

import asyncio

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone

from bot.domain.access import REQUESTS_ONE_BY_ONE
from handlers.keyboards import Nav

STRANGERS = 1000
PRESS_BURST, PRESSES_PER_SECOND = 8, 4.0  # the defaults (config.example.env)
SECOND_ADMIN = 1002


def _copies(admin: TelegramUser) -> list[str]:
    return [str(m.get("text")) for m in admin.messages() if "Запрос доступа" in str(m.get("text"))]


def _summaries(admin: TelegramUser) -> list[str]:
    return [str(m.get("text")) for m in admin.messages() if "один за другим" in str(m.get("text"))]


@pytest.mark.bot_settings(admin_ids=[1001, SECOND_ADMIN])
async def test_a_thousand_strangers_make_a_few_copies_and_one_list_for_each_admin(
    admin: TelegramUser, fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    await start_everyone(admin)
    strangers = [
        TelegramUser(fake_api, 50_000 + n, f"Гость{n}", "Спамов") for n in range(STRANGERS)
    ]
    for stranger in strangers:
        stranger.send("/start")
    await bot_runner.settle(120)
    for stranger in strangers[:: STRANGERS // 10]:
        await stranger.wait_message("отправил запрос на доступ", since=0)
    assert bot_runner.app is not None
    bot_runner.app.sender.wake()
    await fake_api.wait_for(lambda: _summaries(admin), 10, "the summary")
    await bot_runner.settle()

    # A few requests one by one, then one summary (within the hour) instead of 997 copies.
    assert len(_copies(admin)) == REQUESTS_ONE_BY_ONE
    assert len(_summaries(admin)) == 1
    # The consent text and the greeting, the copies, the summary.
    assert len(admin.messages()) == 2 + REQUESTS_ONE_BY_ONE + 1

    admin.press("📋 Запросы доступа")
    listed = await admin.wait_message("Ждут решения 1\xa0000 запросов доступа")
    buttons = admin.inline_buttons(listed)
    assert buttons[:2] == ["Спамов Гость0", "Спамов Гость1"]
    assert "1 / 125" in buttons
    admin.press("▶️")
    await admin.wait_answer_callback()
    assert admin.inline_buttons(listed_again := admin.messages()[-1])[0] == "Спамов Гость8"
    assert listed_again["message_id"] == listed["message_id"]

    # A request from the list opens as its own message; deciding it works as on a copy.
    admin.press(admin.inline_buttons()[0])
    card = await admin.wait_message("Запрос доступа")
    admin.press("❌ Отклонить", card)
    await admin.wait_answer_callback()
    await strangers[8].wait_message("отклонил", since=0)

    # An admin who opens the bot later gets the summary, not the thousand that wait.
    second = TelegramUser(fake_api, SECOND_ADMIN, "Айбек", "Токтогулов")
    second.send("/start")
    await second.wait_message("Здравствуйте")
    bot_runner.app.sender.wake()
    await fake_api.wait_for(lambda: _summaries(second), 10, "the second admin's summary")
    await bot_runner.settle()
    assert _copies(second) == []
    assert len(second.messages()) == 3  # the consent text, the greeting, the summary


@pytest.mark.bot_settings(press_burst=PRESS_BURST, presses_per_second=PRESSES_PER_SECOND)
async def test_fifty_presses_a_second_are_slowed_not_served_fifty_times(
    admin: TelegramUser, fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    await start_everyone(admin)
    admin.send("/people")
    listed = await admin.wait_message("В списке")
    started = asyncio.get_running_loop().time()
    for _ in range(50):
        # The page counter of a list: served, it answers with nothing to say.
        admin.press_data(Nav(action="noop").pack(), listed["message_id"])
        await asyncio.sleep(0.02)
    await bot_runner.settle()
    seconds = asyncio.get_running_loop().time() - started
    answers = [
        r.params.get("text")
        for r in fake_api.calls("answerCallbackQuery")
        if not str(r.params.get("callback_query_id")).startswith("consent")  # at their /start
    ]
    slowed = answers.count("⏳ Не так быстро: нажмите ещё раз через секунду.")
    served = answers.count(None)
    assert len(answers) == 50  # every press answered: no button keeps spinning
    assert served + slowed == 50
    assert PRESS_BURST <= served <= PRESS_BURST + PRESSES_PER_SECOND * seconds + 1

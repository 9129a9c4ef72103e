"""Start-up waits out a Bot API outage (5xx, 429) with back-off and answers people afterwards;
the bot-wide command menu is set in the background, so people are answered while it waits."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from conftest import SettingsFactory
from fake_bot_api import FakeBotAPI
from people import TelegramUser

from bot.app import App, create_app

# The start-up's retries, seen around getMe, setMyCommands and polling; setWebhook's are in
# test_webhook.py.
pytestmark = pytest.mark.polling_only("start-up retries, with the bot polling")

START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0


class Waits:
    """The app's start-up sleep: records each delay and returns at once (or when released)."""

    def __init__(self, *, hold: bool = False) -> None:
        self.delays: list[float] = []
        self.released = asyncio.Event()
        if not hold:
            self.released.set()

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await self.released.wait()


@asynccontextmanager
async def running_app(settings_factory: SettingsFactory, waits: Waits) -> AsyncIterator[App]:
    """The real app running in a task, its start-up sleeping through `waits`; stopped after."""
    app = await create_app(settings_factory())
    app.startup_sleep = waits
    task = asyncio.create_task(app.run(handle_signals=False), name="bot")
    try:
        yield app
        assert not task.done(), "the bot stopped by itself"
    finally:
        await app.stop()
        await asyncio.wait_for(task, STOP_TIMEOUT)


async def polling(api: FakeBotAPI) -> None:
    await api.wait_for(lambda: api.calls("getUpdates"), START_TIMEOUT, "the bot's first getUpdates")


def default_menu_calls(api: FakeBotAPI) -> list[bool]:
    """Whether each setMyCommands for all private chats succeeded, oldest first."""
    return [
        r.ok
        for r in api.calls("setMyCommands")
        if (r.params.get("scope") or {}).get("type") == "all_private_chats"
    ]


def retry_warnings(caplog: pytest.LogCaptureFixture, method: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.getMessage().startswith(f"{method} failed")
    ]


async def test_a_500_on_get_me_is_retried_and_the_bot_answers(
    fake_api: FakeBotAPI,
    settings_factory: SettingsFactory,
    admin: TelegramUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_api.fail_next("getMe", None, 500, "Internal Server Error")
    waits = Waits()

    async with running_app(settings_factory, waits):
        await polling(fake_api)
        admin.send("/start")
        await admin.wait_message("")

    assert [r.ok for r in fake_api.calls("getMe")] == [False, True]
    assert waits.delays == [1.0]
    assert retry_warnings(caplog, "getMe") == [
        "getMe failed (TelegramServerError: Internal Server Error); trying again in 1 s"
    ]


async def test_a_flood_wait_on_get_me_waits_retry_after(
    fake_api: FakeBotAPI, settings_factory: SettingsFactory, admin: TelegramUser
) -> None:
    fake_api.fail_next("getMe", None, 429, "Too Many Requests: retry after 7", retry_after=7)
    waits = Waits()

    async with running_app(settings_factory, waits):
        await polling(fake_api)
        admin.send("/start")
        await admin.wait_message("")

    assert waits.delays == [7.0]


async def test_back_off_doubles_while_the_server_keeps_failing(
    fake_api: FakeBotAPI, settings_factory: SettingsFactory
) -> None:
    fake_api.fail_next("getMe", None, 502, "Bad Gateway", times=4)
    waits = Waits()

    async with running_app(settings_factory, waits):
        await polling(fake_api)

    assert waits.delays == [1.0, 2.0, 4.0, 8.0]


async def test_a_500_on_set_my_commands_is_retried(
    fake_api: FakeBotAPI, settings_factory: SettingsFactory, admin: TelegramUser
) -> None:
    fake_api.fail_next("setMyCommands", None, 500, "Internal Server Error")
    waits = Waits()

    async with running_app(settings_factory, waits):
        await polling(fake_api)
        await fake_api.wait_for(
            lambda: default_menu_calls(fake_api) == [False, True], what="the menu set again"
        )
        admin.send("/start")
        await admin.wait_message("")

    assert waits.delays == [1.0]


async def test_people_are_answered_while_the_command_menu_waits(
    fake_api: FakeBotAPI, settings_factory: SettingsFactory, admin: TelegramUser
) -> None:
    fake_api.fail_next("setMyCommands", None, 429, "Too Many Requests", retry_after=30)
    waits = Waits(hold=True)

    async with running_app(settings_factory, waits):
        await polling(fake_api)
        await fake_api.wait_for(lambda: waits.delays == [30.0], what="the menu's flood wait")
        admin.send("/start")
        await admin.wait_message("")
        assert default_menu_calls(fake_api) == [False]
        waits.released.set()
        await fake_api.wait_for(
            lambda: default_menu_calls(fake_api) == [False, True], what="the menu set after it"
        )


@pytest.mark.allow_errors
async def test_a_refused_command_menu_does_not_stop_the_bot(
    fake_api: FakeBotAPI,
    settings_factory: SettingsFactory,
    admin: TelegramUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_api.fail_next("setMyCommands", None, 400, "Bad Request: command description is empty")
    waits = Waits()

    async with running_app(settings_factory, waits):
        await polling(fake_api)
        admin.send("/start")
        await admin.wait_message("")

    assert default_menu_calls(fake_api) == [False]  # a refusal is not retried
    assert waits.delays == []
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == ["could not set the default command menu"]


async def test_stop_during_the_back_off_ends_start_up_without_polling(
    fake_api: FakeBotAPI, settings_factory: SettingsFactory
) -> None:
    fake_api.fail_next("getMe", None, 500, "Internal Server Error")
    waits = Waits(hold=True)
    app = await create_app(settings_factory())
    app.startup_sleep = waits
    task = asyncio.create_task(app.run(handle_signals=False), name="bot")
    await fake_api.wait_for(lambda: waits.delays, START_TIMEOUT, "the first back-off")

    await app.stop()
    await asyncio.wait_for(task, STOP_TIMEOUT)

    assert fake_api.calls("getUpdates") == []
    assert len(fake_api.calls("getMe")) == 1

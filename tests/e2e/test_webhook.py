"""Webhook mode (bot/webhook.py): Telegram posts each update to the bot's own HTTP server with
the secret. These tests run the bot in webhook mode whatever E2E_MODE says. Their updates are
/cancel, which answers in one message whether or not the person has accepted the consent text."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import closing
from typing import Any

import pytest
from aiohttp import ClientConnectionError, ClientSession
from conftest import BotRunner, SettingsFactory, webhook_settings
from fake_bot_api import SECRET_HEADER, FakeBotAPI
from people import TelegramUser

from bot.app import create_app
from bot.webhook import WebhookListenError

STOP_TIMEOUT = 10.0


@pytest.fixture
async def webhook_bot(
    fake_api: FakeBotAPI, settings_factory: SettingsFactory
) -> AsyncIterator[BotRunner]:
    runner = BotRunner(fake_api, settings_factory)
    try:
        await runner.start(**webhook_settings())
        yield runner
    finally:
        await runner.stop()


def help_update(api: FakeBotAPI, person: TelegramUser) -> dict[str, Any]:
    """An update carrying `/help` from `person`, as Telegram would post it."""
    message = {
        "message_id": api.next_message_id(),
        "from": person.user,
        "chat": person.chat,
        "date": api.now(),
        "text": "/cancel",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    }
    return {"update_id": 1, "message": message}


async def test_start_up_sets_the_webhook_with_its_secret_and_keeps_waiting_updates(
    webhook_bot: BotRunner, fake_api: FakeBotAPI
) -> None:
    settings = webhook_bot.settings
    assert settings.webhook_secret is not None

    (call,) = fake_api.calls("setWebhook")

    assert call.params["url"] == settings.webhook_url
    assert call.params["secret_token"] == settings.webhook_secret.get_secret_value()
    assert call.params["drop_pending_updates"] is False
    assert {"message", "callback_query", "my_chat_member"} <= set(call.params["allowed_updates"])
    assert fake_api.calls("getUpdates") == []


async def test_updates_are_posted_answered_and_counted_as_received(
    webhook_bot: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    app = webhook_bot.app
    assert app is not None
    started = app.polling.last_answer

    admin.send("/cancel")
    await admin.wait_message("")
    await webhook_bot.settle()

    assert [post.status for post in fake_api.webhook_posts] == [200]
    assert started is not None and app.polling.last_answer is not None
    assert app.polling.last_answer > started  # health's mark: an update came through


@pytest.mark.parametrize("secret", [None, "not-the-secret"], ids=["missing", "wrong"])
async def test_a_post_without_the_secret_is_refused_401_and_nothing_is_handled(
    webhook_bot: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser, secret: str | None
) -> None:
    app = webhook_bot.app
    assert app is not None
    received = app.polling.last_answer
    headers = {} if secret is None else {SECRET_HEADER: secret}

    async with (
        ClientSession() as client,
        client.post(
            webhook_bot.settings.webhook_url, json=help_update(fake_api, admin), headers=headers
        ) as answer,
    ):
        status = answer.status
    await webhook_bot.settle()
    refused_messages = fake_api.messages_to(admin.id)
    admin.send("/cancel")  # the same, posted by Telegram with the secret: answered
    await admin.wait_message("")
    await webhook_bot.settle()

    assert status == 401
    assert refused_messages == []
    assert len(fake_api.messages_to(admin.id)) == 1
    assert app.polling.last_answer is not None and received is not None
    assert app.polling.last_answer > received  # only the real update moved health's mark


async def test_a_refused_post_is_posted_again_until_the_bot_takes_it(
    webhook_bot: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    app, secret = webhook_bot.app, webhook_bot.settings.webhook_secret
    assert app is not None and app.webhook is not None and secret is not None
    app.webhook.endpoint.secret_token = "rotated"  # the bot now refuses Telegram's posts

    admin.send("/cancel")
    await fake_api.wait_for(
        lambda: len(fake_api.webhook_posts) >= 3, what="Telegram posting the update again"
    )
    app.webhook.endpoint.secret_token = secret.get_secret_value()
    await admin.wait_message("")
    await webhook_bot.settle()

    statuses = [post.status for post in fake_api.webhook_posts]
    assert set(statuses[:-1]) == {401} and statuses[-1] == 200
    assert len(fake_api.messages_to(admin.id)) == 1


async def test_a_stop_takes_no_more_updates_and_lets_the_one_being_handled_finish(
    webhook_bot: BotRunner,
    fake_api: FakeBotAPI,
    admin: TelegramUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    held = fake_api.hold_answer("sendMessage", 1)
    url = webhook_bot.settings.webhook_url
    admin.send("/cancel")
    await fake_api.wait_for(held.is_set, what="the reply to /help, held")

    stopping = asyncio.create_task(webhook_bot.stop())
    await asyncio.sleep(0.3)
    still_stopping = not stopping.done()
    try:
        async with ClientSession() as client, client.post(url, json={}) as answer:
            taken: int | str = answer.status
    except ClientConnectionError:
        taken = "refused"
    fake_api.release_answer()
    await asyncio.wait_for(stopping, STOP_TIMEOUT)

    assert still_stopping  # it waited for the update in flight
    assert taken == "refused"
    logged = [record.getMessage() for record in caplog.records]
    assert any(line.startswith("update 100 (message) from") for line in logged), logged
    assert not any("still running at shutdown" in line for line in logged), logged


async def test_a_500_on_set_webhook_is_retried_and_the_bot_answers(
    fake_api: FakeBotAPI, settings_factory: SettingsFactory, admin: TelegramUser
) -> None:
    fake_api.fail_next("setWebhook", None, 500, "Internal Server Error", times=2)
    app = await create_app(settings_factory(**webhook_settings()))
    delays: list[float] = []

    async def no_wait(seconds: float) -> None:
        delays.append(seconds)

    app.startup_sleep = no_wait
    task = asyncio.create_task(app.run(handle_signals=False), name="bot")
    try:
        admin.send("/cancel")
        await admin.wait_message("", timeout=10)
    finally:
        await app.stop()
        await asyncio.wait_for(task, STOP_TIMEOUT)

    assert [call.ok for call in fake_api.calls("setWebhook")] == [False, False, True]
    assert delays == [1.0, 2.0]


async def test_a_taken_port_stops_start_up(
    fake_api: FakeBotAPI, settings_factory: SettingsFactory
) -> None:
    settings = webhook_settings()
    host, port = settings["webhook_listen"].split(":")
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as taken:
        taken.bind((host, int(port)))
        taken.listen()
        app = await create_app(settings_factory(**settings))

        with pytest.raises(WebhookListenError, match=f"cannot listen on {host}:{port}"):
            await asyncio.wait_for(app.run(handle_signals=False), STOP_TIMEOUT)

    assert fake_api.calls("setWebhook") == []


async def test_a_bot_switched_back_to_polling_deletes_the_webhook_and_gets_what_waited(
    webhook_bot: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await webhook_bot.stop()
    admin.send("/cancel")  # while the bot is down: Telegram keeps it

    await webhook_bot.start(webhook_url="")
    await admin.wait_message("")

    (delete,) = fake_api.calls("deleteWebhook")
    assert not delete.params.get("drop_pending_updates")
    assert fake_api.webhook is None
    assert delete.at < fake_api.calls("getUpdates")[0].at  # else Telegram answers 409


async def test_a_polling_bot_switched_to_webhook_gets_what_waited(
    fake_api: FakeBotAPI, settings_factory: SettingsFactory, admin: TelegramUser
) -> None:
    runner = BotRunner(fake_api, settings_factory)
    try:
        await runner.start(webhook_url="")
        await runner.stop()
        admin.send("/cancel")  # while the bot is down

        await runner.start(**webhook_settings())
        await admin.wait_message("")
    finally:
        await runner.stop()

    assert fake_api.webhook is not None
    assert [post.status for post in fake_api.webhook_posts] == [200]

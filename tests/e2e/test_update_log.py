"""At INFO the bot logs one line per update, naming the update and the person's Telegram id,
never what they wrote; the token appears in no log line, at any level."""

from __future__ import annotations

import logging
import re

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser

SECRET = "Мой пароль от журнала: кукушка-42"


async def test_a_line_per_update_with_its_id_and_person_and_nothing_they_wrote(
    bot_runner: BotRunner,
    fake_api: FakeBotAPI,
    admin: TelegramUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG):
        admin.send("/start")
        await admin.wait_message("Здравствуйте")
        admin.send(SECRET)
        await admin.wait_message("")
        admin.send("/people")
        listed = await admin.wait_message("")
        await bot_runner.settle()
    lines = [r for r in caplog.records if r.name == "bot.middlewares" and r.levelno == logging.INFO]
    texts = [r.getMessage() for r in lines]
    assert (
        len(
            [
                t
                for t in texts
                if re.fullmatch(rf"update \d+ \(message\) from {admin.id}: \d+ ms", t)
            ]
        )
        >= 3
    )
    for record in caplog.records:
        message = record.getMessage()
        assert SECRET not in message and "кукушка" not in message, message
        assert fake_api.token not in message, message
        assert fake_api.token.split(":")[1] not in message, message
    assert listed  # the bot answered throughout

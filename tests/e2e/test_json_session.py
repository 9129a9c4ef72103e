"""bot/telegram_session.py: a call without files goes as a JSON body and reaches the Bot API
with the same parameters as aiogram's form; a call with a file still goes as multipart."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)
from fake_bot_api import FakeBotAPI
from people import TelegramUser

from bot.telegram_session import JsonBodySession


def make_bot(api: FakeBotAPI, session: BaseSession) -> Bot:
    return Bot(api.token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


@pytest.fixture
async def bots(fake_api: FakeBotAPI) -> AsyncIterator[tuple[Bot, Bot]]:
    server = TelegramAPIServer.from_base(fake_api.base_url)
    json_bot = make_bot(fake_api, JsonBodySession(api=server))
    form_bot = make_bot(fake_api, AiohttpSession(api=server))
    yield json_bot, form_bot
    await json_bot.session.close()
    await form_bot.session.close()


async def test_a_message_goes_as_json_with_the_same_parameters_as_a_form(
    fake_api: FakeBotAPI, bots: tuple[Bot, Bot]
) -> None:
    json_bot, form_bot = bots
    aigul = TelegramUser(fake_api, 2001, "Айгуль", "Токтогулова")
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="✅ Принять «план» & ещё", callback_data="ml:acc:7")]
        ]
    )
    text = "<b>Индивидуальный план</b>\nНормативные документы — до 15.09.2026 &amp; «срок»"

    by_json = await json_bot.send_message(aigul.id, text, reply_markup=markup)
    by_form = await form_bot.send_message(aigul.id, text, reply_markup=markup)

    json_call, form_call = fake_api.calls("sendMessage")[-2:]
    assert json_call.content_type == "application/json"
    assert form_call.content_type == "application/x-www-form-urlencoded"
    assert json_call.params == form_call.params
    assert by_json.text == by_form.text  # the answer is parsed as aiogram parses it
    assert by_json.reply_markup == by_form.reply_markup


async def test_a_reply_and_flags_go_as_json_as_the_form_sends_them(
    fake_api: FakeBotAPI, bots: tuple[Bot, Bot]
) -> None:
    """A nested object, a boolean and the bot's default parse mode, as a question's answer
    goes to the mentee (a reply to their message, silently)."""
    json_bot, form_bot = bots
    aigul = TelegramUser(fake_api, 2001, "Айгуль", "Токтогулова")
    question = aigul.send("Как оформить КТП?")
    reply = ReplyParameters(message_id=question["message_id"], allow_sending_without_reply=True)

    for bot in (json_bot, form_bot):
        await bot.send_message(
            aigul.id, "💬 <b>Ответ</b>", reply_parameters=reply, disable_notification=True
        )

    json_call, form_call = fake_api.calls("sendMessage")[-2:]
    assert json_call.content_type == "application/json"
    assert json_call.params == form_call.params
    assert json_call.params["parse_mode"] == "HTML"
    assert json_call.params["disable_notification"] is True
    assert json_call.params["reply_parameters"]["message_id"] == question["message_id"]


async def test_a_file_still_goes_as_multipart(fake_api: FakeBotAPI, bots: tuple[Bot, Bot]) -> None:
    json_bot, _ = bots
    aigul = TelegramUser(fake_api, 2001, "Айгуль", "Токтогулова")

    await json_bot.send_document(
        aigul.id, BufferedInputFile("отчёт".encode(), "отчёт.txt"), caption="<i>Отчёт</i>"
    )

    call = fake_api.calls("sendDocument")[-1]
    assert call.content_type == "multipart/form-data"
    assert call.params["document"].data == "отчёт".encode()
    assert call.params["caption"] == "<i>Отчёт</i>"

"""The harness itself: a tiny aiogram bot driven through the fake Bot API server."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from io import BytesIO
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.filters import Command
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from fake_bot_api import BOT_TOKEN, FakeBotAPI
from people import TelegramUser


def echo_router() -> Router:
    """Echo text with a button; the button edits the message; a document is read back."""
    router = Router(name="echo")

    @router.message(Command("keyboard"))
    async def keyboard(message: Message) -> None:
        rows = [[KeyboardButton(text="📋 План"), KeyboardButton(text="❓ Вопрос")]]
        await message.answer("Меню", reply_markup=ReplyKeyboardMarkup(keyboard=rows))

    @router.message(F.document)
    async def document(message: Message, bot: Bot) -> None:
        assert message.document is not None
        data = await bot.download(message.document)
        assert isinstance(data, BytesIO)
        await message.answer(f"Получено {len(data.getvalue())} байт: {data.getvalue().decode()}")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        button = InlineKeyboardButton(text="✅ Готово", callback_data="echo:done")
        await message.answer(
            f"Эхо: <b>{message.text}</b>",
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]),
        )

    @router.callback_query(F.data == "echo:done")
    async def done(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text("Отмечено ✅")
        await query.answer("Принято")

    return router


def make_bot(api: FakeBotAPI) -> Bot:
    """An aiogram Bot aimed at the fake server, as bot/app.py builds it."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    return Bot(api.token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


@pytest.fixture
async def bot(fake_api: FakeBotAPI) -> AsyncIterator[Bot]:
    """A Bot on the fake server, not polling."""
    bot = make_bot(fake_api)
    yield bot
    await bot.session.close()


@pytest.fixture
async def echo_bot(fake_api: FakeBotAPI, bot: Bot) -> AsyncIterator[Bot]:
    """The echo router polling the fake server."""
    dp = Dispatcher()
    dp.include_router(echo_router())
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, close_bot_session=False))
    await fake_api.wait_for(lambda: fake_api.calls("getUpdates"), what="the first getUpdates")
    yield bot
    await dp.stop_polling()
    await task


@pytest.fixture
def aigul(fake_api: FakeBotAPI) -> TelegramUser:
    return TelegramUser(fake_api, 2001, "Айгуль", "Токтогулова", username="aigul_t")


async def test_message_round_trip(echo_bot: Bot, aigul: TelegramUser) -> None:
    aigul.send("привет")

    reply = await aigul.wait_message("Эхо: привет")

    assert reply["chat"] == {
        "id": aigul.id,
        "type": "private",
        "first_name": "Айгуль",
        "last_name": "Токтогулова",
        "username": "aigul_t",
    }
    assert reply["from"]["username"] == "nastavnik_test_bot"
    assert aigul.inline_buttons() == ["✅ Готово"]
    sent = aigul.api.calls("sendMessage")[-1].params
    assert sent["chat_id"] == aigul.id
    assert sent["text"] == "Эхо: <b>привет</b>"
    assert sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "echo:done"


async def test_button_press_round_trip_answers_the_callback(
    echo_bot: Bot, aigul: TelegramUser
) -> None:
    aigul.send("план")
    await aigul.wait_message("Эхо: план")

    aigul.press("✅ Готово")

    answer = await aigul.wait_answer_callback()
    assert answer["text"] == "Принято"


async def test_edit_updates_the_stored_message(echo_bot: Bot, aigul: TelegramUser) -> None:
    aigul.send("встреча")
    original = await aigul.wait_message("Эхо: встреча")

    aigul.press("Готово", contains=True)
    edited = await aigul.wait_message("Отмечено")

    assert edited["message_id"] == original["message_id"]
    assert "reply_markup" not in edited  # an edit without a keyboard removes it
    assert [m["text"] for m in aigul.messages()] == ["Отмечено ✅"]


async def test_press_names_the_available_buttons_when_one_is_missing(
    echo_bot: Bot, aigul: TelegramUser
) -> None:
    aigul.send("вопрос")
    await aigul.wait_message("Эхо")

    with pytest.raises(AssertionError, match=r"(?s)no inline button 'Отмена'.*'✅ Готово'"):
        aigul.press("Отмена")


async def test_reply_keyboard_texts_are_readable(echo_bot: Bot, aigul: TelegramUser) -> None:
    aigul.send("/keyboard")
    await aigul.wait_message("Меню")

    assert aigul.reply_keyboard() == ["📋 План", "❓ Вопрос"]


async def test_fail_next_429_then_success(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.fail_next("sendMessage", 2001, 429, "Too Many Requests: retry after 3", 3)

    with pytest.raises(TelegramRetryAfter) as raised:
        await bot.send_message(2001, "первая попытка")
    message = await bot.send_message(2001, "вторая попытка")

    assert raised.value.retry_after == 3
    assert message.text == "вторая попытка"
    assert [r.ok for r in fake_api.calls("sendMessage")] == [False, True]
    assert [m["text"] for m in fake_api.messages_to(2001)] == ["вторая попытка"]


async def test_blocked_person_gets_403(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.block(2001)

    with pytest.raises(Exception, match="bot was blocked by the user"):
        await bot.send_message(2001, "напоминание")


async def test_document_download_via_bot_download(echo_bot: Bot, aigul: TelegramUser) -> None:
    roster = "ФИО;Роль\n".encode()
    aigul.send_document(roster, "roster.csv", "text/csv")

    reply = await aigul.wait_message("Получено")

    assert reply["text"] == f"Получено {len(roster)} байт: ФИО;Роль\n"


async def test_uploaded_document_is_recorded(fake_api: FakeBotAPI, bot: Bot) -> None:
    file = BufferedInputFile("отчёт".encode(), filename="report.xlsx")
    await bot.send_document(2001, file, caption="Отчёт по паре")

    uploaded = fake_api.documents_to(2001)
    assert [(u.file_name, u.data) for u in uploaded] == [("report.xlsx", "отчёт".encode())]
    assert fake_api.messages_to(2001)[0]["caption"] == "Отчёт по паре"


def _buttons(count: int, data: str = "d") -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(text=f"{n}", callback_data=data)] for n in range(count)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


# What Telegram refuses, sent as a bot would send it: (what, call, Telegram's description).
REFUSED: list[tuple[str, Any, str]] = [
    ("unknown tag", lambda b: b.send_message(2001, "Вопрос: <script>"), "Unsupported start tag"),
    ("unclosed tag", lambda b: b.send_message(2001, "<b>жирный"), "Can't find end tag"),
    ("bare ampersand", lambda b: b.send_message(2001, "ПЦК «Экономика & право»"), "name token"),
    ("bare less-than", lambda b: b.send_message(2001, "a < b"), "Empty tag name"),
    ("text over 4096", lambda b: b.send_message(2001, "я" * 4097), "message text is too long"),
    ("empty text", lambda b: b.send_message(2001, "<b> </b>"), "message text is empty"),
    (
        "caption over 1024",
        lambda b: b.send_document(
            2001, BufferedInputFile(b"x", filename="a.txt"), caption="я" * 1025
        ),
        "message caption is too long",
    ),
    (
        "101 buttons",
        lambda b: b.send_message(2001, "Список", reply_markup=_buttons(101)),
        "reply markup is too long",
    ),
    (
        "callback data over 64 bytes",
        lambda b: b.send_message(2001, "Кнопка", reply_markup=_buttons(1, "д" * 33)),
        "BUTTON_DATA_INVALID",
    ),
    (
        "empty callback data",
        lambda b: b.send_message(2001, "Кнопка", reply_markup=_buttons(1, "")),
        "BUTTON_DATA_INVALID",
    ),
]


@pytest.mark.allow_refusals
@pytest.mark.parametrize(
    ("call", "description"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
async def test_what_telegram_refuses_is_refused(
    fake_api: FakeBotAPI, bot: Bot, call: Any, description: str
) -> None:
    with pytest.raises(TelegramBadRequest, match=re.escape(description)):
        await call(bot)

    assert len(fake_api.refusals) == 1
    assert fake_api.messages_to(2001) == []


async def test_what_telegram_accepts_is_accepted(fake_api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(2001, "Вопрос: &lt;script&gt; &amp; <i>ответ</i> &#169;")
    await bot.send_message(2001, "я" * 4096, reply_markup=_buttons(100, "д" * 32))

    assert fake_api.messages_to(2001)[0]["text"] == "Вопрос: <script> & ответ ©"
    assert fake_api.refusals == []


@pytest.mark.allow_refusals
async def test_editing_without_a_change_is_refused_like_telegram(
    fake_api: FakeBotAPI, bot: Bot
) -> None:
    sent = await bot.send_message(2001, "Текст")

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("Текст", chat_id=2001, message_id=sent.message_id)


@pytest.mark.allow_refusals
async def test_a_long_callback_answer_is_refused_like_telegram(
    echo_bot: Bot, fake_api: FakeBotAPI, aigul: TelegramUser
) -> None:
    query = fake_api.push_update(
        {
            "callback_query": {
                "id": "q1",
                "from": {"id": 2001, "is_bot": False, "first_name": "Айгуль"},
                "chat_instance": "1",
                "data": "none",
            }
        }
    )
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await echo_bot.answer_callback_query(query["callback_query"]["id"], text="я" * 201)
    await echo_bot.answer_callback_query(query["callback_query"]["id"], text="я" * 200)


async def test_a_refusal_ends_a_wait_with_what_was_refused(fake_api: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(2001, "<b>")
    with pytest.raises(AssertionError, match=r"Telegram would refuse: sendMessage.*<b>"):
        await fake_api.wait_for(lambda: False, timeout=1, what="anything")
    fake_api.refusals.clear()  # seen and checked: the fixture's own check has nothing left


@pytest.mark.polling_only("getUpdates itself")
async def test_get_updates_drops_confirmed_updates(fake_api: FakeBotAPI, bot: Bot) -> None:
    aigul = TelegramUser(fake_api, 2001, "Айгуль")
    aigul.send("раз")
    aigul.send("два")
    first, second = fake_api.pending_updates

    async with aiohttp.ClientSession() as session:
        url = f"{fake_api.base_url}/bot{fake_api.token}/getUpdates"
        async with session.post(url, data={"offset": str(second["update_id"])}) as response:
            body = await response.json()

    assert [u["update_id"] for u in body["result"]] == [second["update_id"]]
    assert first["update_id"] not in [u["update_id"] for u in fake_api.pending_updates]


@pytest.mark.polling_only("getUpdates itself")
async def test_long_poll_returns_when_an_update_arrives(fake_api: FakeBotAPI, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await fake_api.wait_for(lambda: fake_api.calls("getUpdates"), what="the long poll")

    TelegramUser(fake_api, 2001, "Айгуль").send("сейчас")
    updates = await asyncio.wait_for(poll, 5)

    assert [u.message.text for u in updates if u.message] == ["сейчас"]


async def test_wrong_token_is_unauthorized(fake_api: FakeBotAPI) -> None:
    async with aiohttp.ClientSession() as session:
        url = f"{fake_api.base_url}/bot{BOT_TOKEN}x/getMe"
        async with session.post(url) as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }


async def test_wait_for_names_what_it_waited_for(fake_api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(2001, "что-то другое")

    with pytest.raises(AssertionError, match=r"(?s)the moon.*sendMessage chat=2001"):
        await fake_api.wait_for(lambda: False, timeout=0.05, what="the moon")

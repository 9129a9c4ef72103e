"""The baseline for bench_updates.py: a bare aiogram bot that echoes every message's text and
answers every button press.

Set up and polled the way bot/app.py sets up and polls the real bot, minus everything the real
bot does per update, so that the ratio between the two is the cost of the bot's own code.
Settings from the environment: BOT_TOKEN and TELEGRAM_API_URL (the fake server's base URL).
"""

from __future__ import annotations

import asyncio
import html
import os

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import CallbackQuery, Message

router = Router(name=__name__)


@router.message()
async def echo(message: Message) -> None:
    # The default parse mode is HTML, so the text goes back escaped.
    await message.answer(html.escape(message.text or message.caption or "…"))


@router.callback_query()
async def acknowledge(callback: CallbackQuery) -> None:
    # A button press gets the bare answer Telegram requires, as the real bot gives most presses.
    await callback.answer()


def create_bot(token: str, api_url: str) -> Bot:
    return Bot(
        token=token,
        session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


async def main() -> None:
    bot = create_bot(os.environ["BOT_TOKEN"], os.environ["TELEGRAM_API_URL"])
    dp = Dispatcher()
    dp.include_router(router)
    try:
        await dp.start_polling(
            bot,
            handle_signals=True,
            close_bot_session=False,
            allowed_updates=dp.resolve_used_update_types(),
        )
    finally:
        await bot.session.close()


if __name__ == "__main__":
    asyncio.run(main())

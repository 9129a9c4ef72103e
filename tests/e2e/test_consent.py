"""Consent: at the first /start a person sees what is stored about them and why, and accepts;
until then nothing reaches them and only /start, /mydata and /cancel answer. Recorded with its
time and the text's version; a new version is asked for again."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import seed
from test_delivery_priority import MENTEE, MENTOR, _pair_roster

from bot.domain.rules import CONSENT_VERSION
from handlers.keyboards import PlanCb

TITLE = "Что бот «Наставник» хранит о вас и зачем"


def _consent_row(runner: BotRunner, telegram_id: int) -> tuple[int, str | None]:
    with closing(sqlite3.connect(runner.settings.database_path)) as conn:
        row = conn.execute(
            "SELECT consent_version, consent_at FROM people WHERE telegram_id = ?", (telegram_id,)
        ).fetchone()
    return int(row[0]), row[1]


def _forget_consent(database: Path, telegram_id: int) -> None:
    with closing(sqlite3.connect(database, timeout=30)) as conn, conn:
        conn.execute("UPDATE people SET consent_version = 0 WHERE telegram_id = ?", (telegram_id,))


async def test_nothing_but_the_consent_text_until_they_accept(
    fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    assert bot_runner.app is not None
    await seed(bot_runner.app, _pair_roster())
    mentee = TelegramUser(fake_api, MENTEE, "Мария", "Сидорова")
    mentor = TelegramUser(fake_api, MENTOR, "Анна", "Иванова", consents=False)
    await start_everyone(mentee)
    mentee.send("/ask Как оформить КТП?")
    await mentee.wait_message("Вопрос отправлен")

    mentor.send("/start")
    shown = await mentor.wait_message(TITLE)
    assert "/mydata" in shown["text"] and f"Версия {CONSENT_VERSION}" in shown["text"]
    assert mentor.inline_buttons(shown) == ["✅ Принимаю", "❌ Не принимаю"]
    assert _consent_row(bot_runner, MENTOR) == (0, None)

    # Until then: every command but /mydata and /cancel brings the text back, a button is
    # refused, and the question that waits for her is not sent.
    for command in ("/plan", "/help", "/questions", "Привет"):
        mentor.send(command)
        again = await mentor.wait_message(TITLE)
        assert mentor.inline_buttons(again) == ["✅ Принимаю", "❌ Не принимаю"]
    mentor.send("/mydata")
    await mentor.wait_message("Что бот хранит о вас")
    mentor.press_data(PlanCb(action="show", pair_id=1).pack(), shown["message_id"])
    assert "Сначала примите" in (await mentor.wait_answer_callback())["text"]
    await bot_runner.settle()
    assert not [m for m in mentor.messages() if "Вопрос от" in m.get("text", "")]

    mentor.press("❌ Не принимаю", shown)
    await mentor.wait_message("Без вашего согласия бот не присылает вам сообщений")
    assert _consent_row(bot_runner, MENTOR) == (0, None)

    mentor.press("✅ Принимаю", shown)
    await mentor.wait_message("Здравствуйте, Анна Петровна")
    accepted = await mentor.wait_message("✅ Принято", since=0)
    assert accepted["message_id"] == shown["message_id"] and not mentor.inline_buttons(accepted)
    version, at = _consent_row(bot_runner, MENTOR)
    assert version == CONSENT_VERSION and at is not None
    # What waited for her goes now.
    await mentor.wait_message("Вопрос от Сидоровой Марии Ивановны", since=0)
    # ✅ on another copy of the text (it came back at each command): accepted once is enough.
    mentor.press("✅ Принимаю", again)
    assert "уже приняли" in (await mentor.wait_answer_callback())["text"]

    # A new version of the text is asked for anew (here: the record set back as an upgrade would).
    # Off the event loop: the bot shares it, and its transaction under way must get to COMMIT.
    await asyncio.to_thread(_forget_consent, bot_runner.settings.database_path, MENTOR)
    mentor.send("/questions")
    await mentor.wait_message(TITLE)

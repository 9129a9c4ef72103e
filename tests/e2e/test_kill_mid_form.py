"""The real bot killed with SIGKILL just after a form's question reached the person: started
again, it takes their answer as the form's next step. The form's state is written before the
question goes out, so no crash can leave a question on the screen and no form behind it."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot_process import bot_env
from fake_bot_api import FakeBotAPI
from people import TelegramUser
from test_delivery_restart import START_TIMEOUT, start_bot

from bot.domain.roster import parse_roster
from bot.domain.roster_import import import_roster
from storage.db import open_database

MENTOR, MENTEE = 2001, 3001


async def seed_pair(database: Path) -> None:
    start, end = date.today(), date.today() + timedelta(days=200)
    roster = (
        "ФИО;Роль;Telegram;ПЦК;Наставник;Вид;Начало;Окончание;Приказ\n"
        f"Иванова Анна Петровна;наставник;{MENTOR};ПЦК ИТ;;;;;\n"
        f"Сидорова Мария Ивановна;наставляемая;{MENTEE};ПЦК ИТ;Иванова Анна Петровна;"
        f"педагогический;{start:%d.%m.%Y};{end:%d.%m.%Y};№ 1\n"
    )
    db = await open_database(database)
    try:
        summary = await import_roster(
            db,
            parse_roster(roster.encode("utf-8")),
            now=datetime.now(UTC),
            today=date.today(),
            max_mentees_per_mentor=5,
        )
        assert not summary.errors, summary.errors
    finally:
        await db.close()


async def quiet(api: FakeBotAPI, seconds: float = 1.0) -> None:
    """Until the bot has sent nothing for a while (its start-up's notices and menus)."""

    def made() -> int:
        return sum(1 for r in api.requests if r.method.lower() != "getupdates")

    count, since = made(), asyncio.get_running_loop().time()
    while asyncio.get_running_loop().time() - since < seconds:
        await asyncio.sleep(0.1)
        if made() != count:
            count, since = made(), asyncio.get_running_loop().time()


async def test_a_form_whose_question_was_shown_goes_on_after_a_kill(
    tmp_path: Path, fake_api: FakeBotAPI
) -> None:
    database = tmp_path / "bot.db"
    await seed_pair(database)
    env = bot_env(
        BOT_TOKEN=fake_api.token,
        TELEGRAM_API_URL=fake_api.base_url,
        DATABASE_PATH=str(database),
        QUIET_HOURS="",
        LOG_LEVEL="INFO",
    )
    mentor = TelegramUser(fake_api, MENTOR, "Анна", "Иванова")
    mentee = TelegramUser(fake_api, MENTEE, "Мария", "Сидорова")
    first = await start_bot(env, tmp_path, tmp_path / "first.log")
    try:
        for person in (mentor, mentee):
            person.send("/start")
            await person.wait_message("Здравствуйте", timeout=START_TIMEOUT)
        await quiet(fake_api)
        # The question reaches the chat, and the bot dies before it hears back.
        held = fake_api.hold_answer("sendMessage", 1)
        mentee.send("/ask")
        await fake_api.wait_for(held.is_set, 10, "the form's question held")
        await mentee.wait_message("Напишите вопрос")
        first.send_signal(signal.SIGKILL)
        await first.wait()
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()

    second = await start_bot(env, tmp_path, tmp_path / "second.log")
    try:
        mentee.send("Как оформить отчёт по первому этапу?")
        await mentee.wait_message("Вопрос отправлен", timeout=START_TIMEOUT)
        copy = await mentor.wait_message("Вопрос от", timeout=10)
        assert "Как оформить отчёт по первому этапу?" in copy["text"]
    finally:
        second.send_signal(signal.SIGTERM)
        await second.wait()

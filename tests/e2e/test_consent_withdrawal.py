"""Withdrawing consent: from /mydata, after a confirmation that says what follows, a person
withdraws it themselves. The admins are told with a button to their card; what the other side
sends them waits; every command but /start, /mydata and /cancel brings the consent text back;
accepting it again delivers what waited."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import date, timedelta
from typing import Any

from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import seed
from test_consent import TITLE
from test_delivery_priority import MENTEE, MENTOR, _pair_roster
from test_meetings import _propose
from test_onboarding import menu_in_chat

from bot.domain.rules import CONSENT_VERSION
from handlers.keyboards import ConsentWithdrawal

QUESTION = "Отозвать согласие на хранение данных?"


def _consent(runner: BotRunner, telegram_id: int) -> tuple[int, str | None]:
    """(consent_version, consent_withdrawn_at) of the person."""
    with closing(sqlite3.connect(runner.settings.database_path)) as conn:
        row = conn.execute(
            "SELECT consent_version, consent_withdrawn_at FROM people WHERE telegram_id = ?",
            (telegram_id,),
        ).fetchone()
    return int(row[0]), row[1]


def _waiting_for(runner: BotRunner, telegram_id: int) -> list[tuple[str, int]]:
    """(kind, held) of what is still to send to the person."""
    with closing(sqlite3.connect(runner.settings.database_path)) as conn:
        rows = conn.execute(
            "SELECT o.kind, o.held FROM outbox o JOIN people p ON p.id = o.person_id"
            " WHERE p.telegram_id = ? AND o.status = 'pending' ORDER BY o.id",
            (telegram_id,),
        ).fetchall()
    return [(row[0], row[1]) for row in rows]


async def _pair_with_a_question(
    fake_api: FakeBotAPI, bot_runner: BotRunner, admin: TelegramUser
) -> tuple[TelegramUser, TelegramUser, dict[str, Any]]:
    """The mentee (who chooses about consent herself) asked her mentor a question: (mentee,
    mentor, the mentor's copy of the question)."""
    assert bot_runner.app is not None
    await seed(bot_runner.app, _pair_roster())
    mentee = TelegramUser(fake_api, MENTEE, "Мария", "Сидорова", consents=False)
    mentor = TelegramUser(fake_api, MENTOR, "Анна", "Иванова")
    await start_everyone(admin, mentor)
    mentee.send("/start")
    mentee.press("✅ Принимаю", await mentee.wait_message(TITLE))
    await mentee.wait_message("Здравствуйте")
    mentee.send("/ask Как оформить КТП?")
    await mentee.wait_message("Вопрос отправлен")
    return mentee, mentor, await mentor.wait_message("Вопрос от Сидоровой Марии Ивановны")


async def _ask_to_withdraw(mentee: TelegramUser) -> dict[str, Any]:
    mentee.send("/mydata")
    summary = await mentee.wait_message("Что бот хранит о вас")
    mentee.press("🚫 Отозвать согласие", summary)
    return await mentee.wait_message(QUESTION)


async def test_a_mentee_withdraws_consent_and_what_comes_waits_until_she_accepts_again(
    fake_api: FakeBotAPI, bot_runner: BotRunner, admin: TelegramUser
) -> None:
    mentee, mentor, copy = await _pair_with_a_question(fake_api, bot_runner, admin)
    mentee.send("/mydata")
    summary = await mentee.wait_message("Что бот хранит о вас")
    assert "Согласие на хранение данных: принято" in summary["text"]
    assert mentee.inline_buttons(summary) == ["🚫 Отозвать согласие"]

    question = await _ask_to_withdraw(mentee)
    for said in (
        "кроме /start, /mydata и /cancel",
        "пары, встречи, план, вопросы — останутся в методическом кабинете",
        "Методический кабинет узнает",
        "отправьте /start",
        "ваш наставник или наставляемый",
        "администратор может обезличить запись",
    ):
        assert said in question["text"], said
    assert mentee.inline_buttons(question) == ["🚫 Отозвать", "↩️ Не отзывать"]
    mentee.press("🚫 Отозвать", question)
    done = await mentee.wait_message("Согласие отозвано")
    # Her menu is the bot-wide one: her role's commands would only bring the consent text.
    await fake_api.wait_for(
        lambda: menu_in_chat(fake_api, MENTEE) == ["start", "help", "cancel"], 5.0, "her menu"
    )
    # The question stays without its buttons; the answer takes the keyboard away too.
    assert not mentee.inline_buttons(fake_api.message(MENTEE, question["message_id"]))
    assert done["reply_markup"] == {"remove_keyboard": True}
    version, withdrawn_at = _consent(bot_runner, MENTEE)
    assert version == 0 and withdrawn_at is not None
    # The same press once more (its button is gone, its data replayed) is answered plainly.
    mentee.press_data(ConsentWithdrawal(act="yes").pack(), question["message_id"])
    assert "Вы уже отозвали согласие" in (await mentee.wait_answer_callback())["text"]

    # The admins are told, with how many active pairs she is in and a button to her card.
    notice = await admin.wait_message("Сидорова Мария Ивановна отозвала согласие")
    assert "Активных пар: 1" in notice["text"]
    admin.press("👤 Карточка", notice)
    card = await admin.wait_message("Согласие на хранение данных отозвано")
    assert "Сидорова Мария Ивановна" in card["text"]
    assert card["message_id"] != notice["message_id"]  # the notice stays as it was
    # Her mentor learns why nothing reaches her.
    told = await mentor.wait_message("Сидорова Мария Ивановна отозвала согласие")
    assert "не доходят" in told["text"]

    # Her mentor's answer and invitation wait, held: nothing reaches her.
    mentor.press("💬 Ответить", copy)
    await mentor.wait_message("Напишите ответ")
    mentor.send("По образцу методкабинета, приложение 3.")
    await mentor.wait_message("Ответ отправлен")
    day = (date.today() + timedelta(days=10)).strftime("%d.%m.%Y")
    await _propose(mentor, f"{day} 15:00 Разбор урока")
    assert _waiting_for(bot_runner, MENTEE) == [("answer", 1), ("meeting", 1)]
    await bot_runner.settle()
    assert not [m for m in mentee.messages() if "Ответ от" in m.get("text", "")]

    # Her next command brings the consent text back; /mydata says it was withdrawn.
    mentee.send("/plan")
    again = await mentee.wait_message(TITLE)
    mentee.send("/mydata")
    withdrawn = await mentee.wait_message("Что бот хранит о вас")
    assert "Согласие на хранение данных: отозвано" in withdrawn["text"]
    assert not mentee.inline_buttons(withdrawn)
    (row,) = json.loads((await mentee.wait_document()).data)["person"]
    assert row["consent_withdrawn_at"] == withdrawn_at and row["consent_version"] == 0

    # She accepts again: greeted, and what waited for her arrives.
    mentee.press("✅ Принимаю", again)
    await mentee.wait_message("Здравствуйте")
    answer = await mentee.wait_message("Ответ от Ивановой Анны Петровны", timeout=10)
    assert "По образцу методкабинета, приложение 3." in answer["text"]
    await mentee.wait_message("приглашает на встречу", since=0)
    assert _consent(bot_runner, MENTEE) == (CONSENT_VERSION, None)
    # Whoever was told of the withdrawal is told that messages reach her again.
    await admin.wait_message("Сидорова Мария Ивановна снова приняла условия")
    await mentor.wait_message("Сидорова Мария Ивановна снова приняла условия")
    await fake_api.wait_for(
        lambda: "plan" in (menu_in_chat(fake_api, MENTEE) or []), 5.0, "her role's menu again"
    )


async def test_not_withdrawing_changes_nothing_and_a_forged_press_is_refused(
    fake_api: FakeBotAPI, bot_runner: BotRunner, admin: TelegramUser
) -> None:
    mentee, _, _ = await _pair_with_a_question(fake_api, bot_runner, admin)
    question = await _ask_to_withdraw(mentee)
    mentee.press("↩️ Не отзывать", question)
    kept = await mentee.wait_message("Согласие остаётся в силе")
    assert kept["message_id"] == question["message_id"] and not mentee.inline_buttons(kept)
    mentee.press_data(ConsentWithdrawal(act="all").pack(), question["message_id"])
    assert "кнопка устарела" in (await mentee.wait_answer_callback())["text"]
    await bot_runner.settle()
    assert _consent(bot_runner, MENTEE) == (CONSENT_VERSION, None)
    assert not [m for m in admin.messages() if "отозвала согласие" in m.get("text", "")]
    mentee.send("/plan")
    await mentee.wait_message("Индивидуальный план")  # her commands answer as before

"""Each role's menu: the reply keyboard and the command menu list the week's work, and every
button opens its journey."""

from __future__ import annotations

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser
from roster_seed import seed
from test_onboarding import chat_commands
from test_pairs import open_pair_card

from handlers.guide import GUIDES, Guide

ROSTER = (
    "ФИО;Роль;Telegram;ПЦК;Наставник;Вид;Начало;Окончание\n"
    "Иванова Анна Петровна;наставник;2001;ПЦК ИТ;;;;\n"
    "Сидорова Мария Ивановна;наставляемая;3001;ПЦК ИТ;Иванова Анна Петровна;;01.09.2026;"
    "30.06.2027\n"
)


@pytest.mark.parametrize(
    ("telegram_id", "buttons", "commands"),
    [
        (
            3001,
            {
                "📝 План": "Индивидуальный план",
                "📅 Встреча": "Выберите день",
                "📒 Журнал": "Журнал наставничества",
                "❓ Вопрос наставнику": "Напишите вопрос наставнику",
            },
            ["start", "help", "plan", "meet", "journal", "ask", "settings", "cancel"],
        ),
        (
            2001,
            {
                "📝 План": "Индивидуальный план",
                "📅 Встреча": "Выберите день",
                "📒 Журнал": "Журнал наставничества",
                "💬 Вопросы": "Открытых вопросов нет",
            },
            [
                "start",
                "help",
                "mentees",
                "plan",
                "meet",
                "journal",
                "questions",
                "settings",
                "cancel",
            ],
        ),
    ],
    ids=["mentee", "mentor"],
)
async def test_a_members_menu_lists_the_weeks_work_and_every_button_opens_it(
    bot_runner: BotRunner,
    fake_api: FakeBotAPI,
    telegram_id: int,
    buttons: dict[str, str],
    commands: list[str],
) -> None:
    await seed(bot_runner.app, ROSTER)
    member = TelegramUser(fake_api, telegram_id, "Имя", "Фамилия")
    member.send("/start")
    await member.wait_message("Здравствуйте")

    assert set(buttons) <= set(member.reply_keyboard())
    assert await fake_api.wait_for(lambda: chat_commands(fake_api, telegram_id)) == commands
    member.send("/help")
    help_text = (await member.wait_message("Что я умею"))["text"]
    assert all(f"/{name} — " in help_text for name in commands)
    for button, answer in buttons.items():
        member.send(button)
        await member.wait_message(answer)
        member.send("/cancel")
        await member.wait_message("")


async def test_a_mentors_overview_shows_each_mentees_plan_meetings_and_questions(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    await seed(bot_runner.app, ROSTER)
    mentor = TelegramUser(fake_api, 2001, "Анна", "Иванова")
    mentee = TelegramUser(fake_api, 3001, "Мария", "Сидорова")
    mentor.send("/start")  # Telegram delivers nothing to someone who never opened the bot
    await mentor.wait_message("Здравствуйте")
    mentee.send("/ask Как оформить КТП?")
    await mentor.wait_message("Как оформить КТП?")

    mentor.send("/mentees")
    overview = (await mentor.wait_message("Мои наставляемые"))["text"]

    assert "Сидорова Мария Ивановна · педагогическое наставничество" in overview
    assert "План: принято 0 из 8" in overview
    assert "Следующая встреча: —" in overview
    assert "Вопросов без ответа: 1" in overview
    mentee.send("/mentees")
    assert "для наставников" in (await mentee.wait_message(""))["text"]


async def test_an_admins_pair_card_shows_how_the_pair_is_doing(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app, ROSTER)
    mentee = TelegramUser(fake_api, 3001, "Мария", "Сидорова")
    mentee.send("/ask Где взять шаблон КТП?")
    await mentee.wait_message("Вопрос отправлен")

    card = await open_pair_card(admin, "Сидорова Мария Ивановна ← Иванова Анна Петровна")

    assert "План: принято 0 из 8" in card["text"]
    assert "Вопросов без ответа: 1" in card["text"]


async def test_help_offers_the_readers_own_guide_and_sends_it_whole(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app, ROSTER)
    mentee = TelegramUser(fake_api, 3001, "Мария", "Сидорова")
    mentee.send("/start")
    await mentee.wait_message("Здравствуйте")
    mentee.send("/help")
    shown = await mentee.wait_message("Что я умею")
    assert mentee.inline_buttons(shown) == ["📖 Памятка наставляемого"]
    mentee.press("📖 Памятка наставляемого", shown)
    title = (GUIDES / "mentee.md").read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
    first = await mentee.wait_message(title)
    assert first["text"].startswith(title)

    mentee.press_data(Guide(name="admin").pack(), shown["message_id"])  # not hers
    assert (await mentee.wait_answer_callback()).get("show_alert") is True

    admin.send("/start")
    await admin.wait_message("Здравствуйте")
    admin.send("/help")
    assert admin.inline_buttons(await admin.wait_message("Что я умею")) == ["📖 Памятка методиста"]

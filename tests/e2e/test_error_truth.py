"""When showing the result fails after the change was saved, the person is told it was saved;
when nothing was saved, they are told that instead."""

from __future__ import annotations

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import ADMIN_ID, TelegramUser, start_everyone
from roster_seed import MENTOR_IVANOVA, seed
from test_onboarding import SECOND_ADMIN_ID, callback_data, request_copies
from test_pairs import fill_pair_form


async def test_a_pair_saved_before_its_screen_failed_is_reported_as_saved(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    mentor = TelegramUser(fake_api, MENTOR_IVANOVA, "Анна", "Иванова")
    await start_everyone(mentor)
    await fill_pair_form(admin, "Иванова Анна", "Сидорова Мария Ивановна", order=None)
    fake_api.fail_next("editMessageText", admin.id, 500, "Internal Server Error")

    admin.press("✅ Сформировать пару")

    answer = await admin.wait_answer_callback()
    assert answer.get("show_alert") is True
    assert "Сохранено" in answer["text"] and "не удалось" in answer["text"]
    assert "не изменились" not in answer["text"]
    await mentor.wait_message("Вы назначены наставником")
    async with bot_runner.app.db.read() as tx:
        pairs, _ = await tx.pairs.list_active()
    assert [(p.mentor_name, p.mentee_name) for p in pairs] == [
        ("Иванова Анна Петровна", "Сидорова Мария Ивановна")
    ]


async def test_a_failure_before_anything_was_saved_says_nothing_changed(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    await start_everyone(admin)
    fake_api.fail_next("sendMessage", admin.id, 500, "Internal Server Error")

    admin.send("/people")

    answer = await admin.wait_message("Что-то пошло не так")
    assert "не изменились" in answer["text"]


@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, SECOND_ADMIN_ID])
async def test_a_refused_tap_whose_answer_fails_says_nothing_changed(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    second = TelegramUser(fake_api, SECOND_ADMIN_ID, "Бакыт", "Осмонов")
    await start_everyone(admin, second)
    stranger = TelegramUser(fake_api, 7001, "Тимур", "Бекович")
    stranger.send("/start")
    await second.wait_message("Запрос доступа")
    stale = request_copies(second)[0]
    admin.press("❌ Отклонить")
    await second.wait_message("Запрос отклонён")
    fake_api.fail_next("answerCallbackQuery", None, 500, "Internal Server Error")

    second.press_data(callback_data(stale, "✅ Одобрить"), stale["message_id"])

    answer = await second.wait_answer_callback()
    assert "не изменились" in answer["text"]

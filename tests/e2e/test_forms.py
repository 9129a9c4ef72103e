"""What becomes of a form in progress when its grounds change under it: an admin whose rights
are taken is told so and the form closes; a form whose stored draft no longer reads (begun
before an upgrade changed it) closes, asking to begin again, and nothing breaks."""

from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import MENTEE_SIDOROVA, MENTOR_IVANOVA, seed

METHODIST = 4001
ROSTER_WITH_A_METHODIST = (
    "ФИО;Роль;Telegram;ПЦК;Наставник;Вид;Начало;Окончание;Приказ\n"
    "Кузнецова Ольга Викторовна;методист;4001;;;;;;\n"
    "Иванова Анна Петровна;наставник;2001;ПЦК ИТ;;;;;\n"
    "Сидорова Мария Ивановна;наставляемая;3001;ПЦК ИТ;;;;;\n"
)


async def test_an_admin_whose_rights_are_taken_mid_form_is_told_and_the_form_closes(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    assert bot_runner.app is not None
    await seed(bot_runner.app, ROSTER_WITH_A_METHODIST)
    methodist = TelegramUser(fake_api, METHODIST, "Ольга", "Кузнецова")
    await start_everyone(methodist)
    methodist.send("/pair")
    await methodist.wait_message("Выберите наставника")
    async with bot_runner.app.db.transaction() as tx:
        await tx.conn.execute(
            "UPDATE people SET role = 'mentor', is_admin = 0 WHERE telegram_id = ?", (METHODIST,)
        )

    methodist.send("Иванова")  # a search in the form's step
    gone = await methodist.wait_message("больше нет прав администратора")
    assert "закрыта" in gone["text"]
    methodist.send("Иванова")  # the form is closed: an ordinary message now
    await methodist.wait_message("Я не понял")


async def test_a_form_whose_draft_no_longer_reads_closes_and_asks_to_begin_again(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    app = bot_runner.app
    assert app is not None
    await seed(app)
    mentee = TelegramUser(fake_api, MENTEE_SIDOROVA, "Мария", "Сидорова")
    mentor = TelegramUser(fake_api, MENTOR_IVANOVA, "Анна", "Иванова")
    await start_everyone(mentee, mentor)
    mentee.send("/plan")
    await mentee.wait_message("")
    # A meeting form at its topic step, whose stored values an older version wrote otherwise.
    storage = app.dp.storage
    key = StorageKey(bot_id=app.bot.id, chat_id=MENTEE_SIDOROVA, user_id=MENTEE_SIDOROVA)
    await storage.set_state(key, "MeetForm:topic")
    await storage.set_data(key, {"form": "not a number", "day": "someday"})

    mentee.send("Разбор КТП")
    await mentee.wait_message("форма устарела")
    assert await storage.get_state(key) is None

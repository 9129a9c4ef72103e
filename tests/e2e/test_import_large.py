"""A roster at the size limit through /import: applied as a whole, the bot answering others
meanwhile, and the same file again changes nothing. (Its speed is measured in bench/.)"""

from __future__ import annotations

from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser

from bot.domain.rules import ROSTER_MAX_ROWS

HEADER = "ФИО;Роль;Telegram;ПЦК;Наставник;Вид;Начало;Окончание;Приказ"
FIRST_ID = 910_000_000
LARGE_TIMEOUT = 120.0  # thousands of rows on a busy machine


def large_roster() -> bytes:
    """Mentors and their mentees in turn; a mentee names their mentor by Telegram id."""
    lines = [HEADER]
    for index in range(ROSTER_MAX_ROWS):
        telegram_id = FIRST_ID + index
        if index % 2 == 0:
            lines.append(f"Наставник Номер {index};наставник;{telegram_id};ПЦК {index % 7};;;;;")
        else:
            lines.append(
                f"Наставляемый Номер {index};наставляемый;{telegram_id};ПЦК {index % 7};"
                f"{telegram_id - 1};педагогический;01.09.2026;30.06.2027;№ 1"
            )
    return ("\n".join(lines) + "\n").encode("utf-8")


async def upload_large(admin: TelegramUser, data: bytes) -> str:
    admin.send("/import")
    await admin.wait_message("Пришлите файл")
    admin.send_document(data, "roster.csv", "text/csv")
    return str((await admin.wait_message("Список загружен", LARGE_TIMEOUT))["text"])


async def test_a_roster_at_the_row_limit_is_applied_whole_and_others_are_answered_meanwhile(
    admin: TelegramUser, fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    mentor = TelegramUser(fake_api, FIRST_ID, "Наставник", "Номер")
    data = large_roster()
    admin.send("/start")
    await admin.wait_message("Здравствуйте")

    admin.send("/import")
    await admin.wait_message("Пришлите файл")
    admin.send_document(data, "roster.csv", "text/csv")
    mentor.send("/help")
    helped = await mentor.wait_message("", LARGE_TIMEOUT)
    first = await admin.wait_message("Список загружен", LARGE_TIMEOUT)
    second = await upload_large(admin, data)

    assert helped["text"]  # a stranger or a mentor: either way answered, whatever the timing
    # The summary groups thousands as Russian does, with a no-break space.
    assert "Добавлено 5\xa0000 человек" in first["text"]
    assert "Сформировано 2\xa0500 пар" in first["text"]
    assert "Ошибок нет." in first["text"]
    assert "Без изменений: 5\xa0000 человек" in second
    assert "Сформировано 0 пар" in second
    assert bot_runner.app is not None
    async with bot_runner.app.db.read() as tx:
        assert await tx.people.count() == ROSTER_MAX_ROWS + 1  # and the admin

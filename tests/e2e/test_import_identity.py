"""Who a roster row is, end to end: an id never renames or demotes someone who uses the bot,
namesakes with different ids are two people, admin rights never follow a bare @username, and a
person who left stays out whatever link they open."""

from __future__ import annotations

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser
from test_import import upload
from test_onboarding import create_invite, request_copies
from test_people import open_card

HEADER = "ФИО;Роль;Telegram;ПЦК;Наставник;Вид;Начало;Окончание;Приказ"


def roster(*rows: str) -> bytes:
    return ("\n".join((HEADER, *rows)) + "\n").encode("utf-8")


@pytest.mark.usefixtures("bot_runner")
async def test_a_wrong_id_in_a_roster_does_not_rename_or_demote_an_admin_using_the_bot(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    await upload(admin, roster("Второй Админ;методист;9002;;;;;;"), "admins.csv")
    second = TelegramUser(fake_api, 9002, "Админ", "Второй")
    second.send("/start")
    await second.wait_message("Здравствуйте, Второй Админ!")

    summary = await upload(admin, roster("Новенькая Анна;наставляемый;9002;;;;;;"), "r.csv")
    second.send("/start")
    greeting = await second.wait_message("Здравствуйте")

    assert "Обновлено 0 человек" in summary["text"]
    assert "строка 2: Telegram 9002 — это «Второй Админ»" in summary["text"]
    assert "«Новенькая Анна»" in summary["text"]
    assert "Здравствуйте, Второй Админ! Вы — администратор программы." in greeting["text"]


@pytest.mark.usefixtures("bot_runner")
async def test_an_import_never_takes_the_importing_admins_own_rights(
    admin: TelegramUser,
) -> None:
    admin.send("/start")
    await admin.wait_message("Здравствуйте")
    own_row = f"Асанова Гульнара;наставник;{admin.id};;;;;;"

    summary = await upload(admin, roster(own_row), "r.csv")
    card = await open_card(admin, "Асанова Гульнара")

    assert "строка 2: «Асанова Гульнара» пользуется ботом как администратор" in summary["text"]
    assert "Роль: администратор программы" in str(card["text"])


async def test_namesakes_with_different_ids_are_two_people_and_a_second_import_changes_nothing(
    admin: TelegramUser, fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    data = roster(
        "Иванов Иван Иванович;наставник;1111;ПЦК ИТ;;;;;",
        "Иванов Иван Иванович;наставляемый;2222;ПЦК ИТ;;;;;",
    )

    first = await upload(admin, data, "r.csv")
    second = await upload(admin, data, "r.csv")
    mentee = TelegramUser(fake_api, 2222, "Иван", "Иванов")
    mentee.send("/start")
    greeting = await mentee.wait_message("Здравствуйте")

    assert "Добавлено 2 человека" in first["text"] and "Ошибок нет." in first["text"]
    assert "Без изменений: 2 человека" in second["text"] and "Ошибок нет." in second["text"]
    assert "Вы — наставляемый." in greeting["text"]


@pytest.mark.usefixtures("bot_runner")
async def test_an_admin_row_is_not_linked_by_username_but_waits_for_an_admins_approval(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    await upload(
        admin,
        roster(
            "Новый Методист;методист;@new_metodist;;;;;;",
            "Белов Дмитрий;наставник;@belov_di;;;;;;",
        ),
        "r.csv",
    )
    mentor = TelegramUser(fake_api, 7101, "Дмитрий", "Белов", username="belov_di")
    mentor.send("/start")
    linked = await mentor.wait_message("Здравствуйте")
    claimant = TelegramUser(fake_api, 7102, "Методист", "Новый", username="new_metodist")
    claimant.send("/start")
    told = await claimant.wait_message("")
    request = await admin.wait_message("Запрос доступа")
    assert (
        "@new_metodist — это Telegram администратора из списка: Новый Методист" in (request["text"])
    )

    assert "Здравствуйте, Белов Дмитрий! Вы — наставник." in linked["text"]
    assert "Я пока не знаю вас" in told["text"]
    assert claimant.reply_keyboard() == []

    admin.press("✅ Одобрить")
    await admin.wait_message("Кем будет")
    admin.press("🔗 Это человек из списка")
    await admin.wait_message("Кто из списка")
    admin.press("Новый Методист")
    granted = await claimant.wait_message("Доступ открыт")

    assert "Новый Методист! Вы — администратор программы." in granted["text"]
    (copy,) = request_copies(admin)
    assert "В программе: Новый Методист, администратор программы" in copy["text"]


@pytest.mark.usefixtures("bot_runner")
async def test_a_person_who_left_is_told_so_even_with_someone_elses_invite(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    await upload(
        admin,
        roster("Ушедшая Ольга;наставник;7201;;;;;;", "Петрова Елена;наставляемая;;;;;;;"),
        "r.csv",
    )
    leaver = TelegramUser(fake_api, 7201, "Ольга", "Ушедшая")
    leaver.send("/start")
    await leaver.wait_message("Здравствуйте")
    await open_card(admin, "Ушедшая Ольга")
    admin.press("🚫 Выбыл из программы")
    await admin.wait_message("из программы (история сохранена)")
    _, token = await create_invite(admin, "Петрова Елена")

    leaver.send(f"/start {token}")
    reply = await leaver.wait_message("")

    assert "учётная запись в программе наставничества закрыта" in reply["text"]
    assert "Здравствуйте" not in reply["text"]


@pytest.mark.usefixtures("bot_runner")
async def test_a_file_never_makes_someone_linked_by_username_an_admin_without_their_id(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    await upload(admin, roster("Орлов Илья;наставник;@orlov_is;;;;;;"), "r.csv")
    claimant = TelegramUser(fake_api, 9009, "Илья", "Орлов", username="orlov_is")
    claimant.send("/start")
    await claimant.wait_message("Здравствуйте, Орлов Илья! Вы — наставник.")

    refused = await upload(admin, roster("Орлов Илья;методист;@orlov_is;;;;;;"), "r.csv")
    claimant.send("/people")
    answer = await claimant.wait_message("")
    by_id = await upload(admin, roster("Орлов Илья;методист;9009;;;;;;"), "r.csv")
    claimant.send("/start")
    greeting = await claimant.wait_message("Здравствуйте")

    assert "строка 2: «Орлов Илья» вошёл в бот только по имени пользователя" in refused["text"]
    assert "В списке" not in answer["text"]
    assert "Обновлён 1 человек" in by_id["text"]
    assert "Вы — администратор программы." in greeting["text"]


@pytest.mark.usefixtures("bot_runner")
async def test_the_first_admins_name_from_telegram_gives_way_to_the_rosters_full_name(
    admin: TelegramUser,
) -> None:
    admin.send("/start")
    await admin.wait_message("Здравствуйте, Асанова Гульнара!")  # Telegram's name, no patronymic

    summary = await upload(
        admin, roster(f"Асанова Гульнара Маратовна;методист;{admin.id};ПЦК ИТ;;;;;"), "me.csv"
    )
    admin.send("/start")
    greeting = await admin.wait_message("Здравствуйте")

    assert "Обновлён 1 человек" in summary["text"], summary["text"]
    assert "Здравствуйте, Гульнара Маратовна! Вы — администратор программы." in greeting["text"]

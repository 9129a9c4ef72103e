"""Onboarding end to end: /start for each role, access requests, invite links, menus, refusals."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import ADMIN_ID, TelegramUser, start_everyone

from scheduler.clock import ManualClock

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CSV = ROOT / "examples" / "roster.csv"
SECOND_ADMIN_ID = 1002
GROUP_ID = -100777

HEADER = "ФИО;Роль;Telegram;ПЦК;Наставник;Вид;Начало;Окончание;Приказ"
# A mentor linked by numeric id, a mentee by @username, and a mentee nobody has linked yet.
ROSTER = (
    "Иванова Анна Петровна;наставник;5001;ПЦК информационных технологий;;;;;",
    "Орлов Илья Сергеевич;наставляемый;@orlov_is;ПЦК информационных технологий;"
    "Иванова Анна Петровна;педагогический;01.09.2026;30.06.2027;№ 112-к от 28.08.2026",
    "Петрова Елена Ивановна;наставляемая;;ПЦК информационных технологий;;;;;",
)
INVITE_LINK = re.compile(r"https://t\.me/nastavnik_test_bot\?start=([A-Za-z0-9_-]+)")

ADMIN_BUTTON = "👥 Люди"
MEMBER_BUTTON = "🤝 Мои пары"
ADMIN_COMMANDS = {"people", "invite", "pair", "pairs", "digest", "import"}


@pytest.fixture
def bot_clock() -> ManualClock:
    """The bot's time stands still until a test moves it (invite expiry)."""
    return ManualClock(datetime.now(UTC))


def roster_csv(*rows: str) -> bytes:
    return ("\n".join((HEADER, *rows)) + "\n").encode("utf-8")


async def import_roster(admin: TelegramUser, data: bytes) -> dict[str, Any]:
    """The admin uploads a roster after /import; returns the summary message."""
    admin.send("/import")
    await admin.wait_message("Пришлите файл")
    admin.send_document(data, "roster.csv", "text/csv")
    return await admin.wait_message("Список загружен")


def chat_commands(api: FakeBotAPI, chat_id: int) -> list[str] | None:
    """The command menu set for one private chat (BotCommandScopeChat), by name."""
    for request in reversed(api.calls("setMyCommands")):
        scope = request.params.get("scope") or {}
        if request.ok and scope.get("type") == "chat" and scope.get("chat_id") == chat_id:
            return [command["command"] for command in request.params.get("commands", [])]
    return None


def menu_in_chat(api: FakeBotAPI, chat_id: int) -> list[str] | None:
    """The menu a person sees, as Telegram resolves it: their chat's own, or else the one for
    all private chats."""
    own = chat_commands(api, chat_id)
    if own is not None:
        return own
    for request in reversed(api.calls("setMyCommands")):
        scope = request.params.get("scope") or {}
        if request.ok and scope.get("type") == "all_private_chats":
            return [command["command"] for command in request.params.get("commands", [])]
    return None


async def wait_chat_commands(api: FakeBotAPI, chat_id: int) -> list[str]:
    commands: list[str] = await api.wait_for(
        lambda: chat_commands(api, chat_id), 5.0, f"setMyCommands for chat {chat_id}"
    )
    return commands


def request_copies(admin: TelegramUser) -> list[dict[str, Any]]:
    """The access requests this admin was sent (as they stand now)."""
    return [m for m in admin.messages() if "Запрос" in (m.get("text") or "")]


def callback_data(message: dict[str, Any], button_text: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for button in row:
            if button["text"] == button_text:
                return str(button["callback_data"])
    raise AssertionError(f"no button {button_text!r} on message {message['message_id']}")


async def people_count(runner: BotRunner) -> int:
    assert runner.app is not None
    async with runner.app.db.read() as tx:
        return await tx.people.count()


async def create_invite(admin: TelegramUser, full_name: str) -> tuple[str, str]:
    """/invite → pick the person; returns (the link message text, the token)."""
    admin.send("/invite")
    await admin.wait_message("Для кого ссылка-приглашение")
    admin.press(full_name)
    message = await admin.wait_message("Личная ссылка")
    match = INVITE_LINK.search(message["text"])
    assert match is not None, message["text"]
    return message["text"], match.group(1)


# --- /start for each role ---------------------------------------------------------------------


@pytest.mark.usefixtures("bot_runner")
async def test_admin_from_admin_ids_is_greeted_with_the_admin_menu(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    admin.send("/start")

    greeting = await admin.wait_message("Здравствуйте")
    commands = await wait_chat_commands(fake_api, admin.id)

    assert "Асанова Гульнара" in greeting["text"]
    assert "администратор программы" in greeting["text"]
    assert ADMIN_BUTTON in admin.reply_keyboard()
    assert MEMBER_BUTTON not in admin.reply_keyboard()
    assert ADMIN_COMMANDS <= set(commands)
    assert {"start", "help", "cancel"} <= set(commands)


@pytest.mark.usefixtures("bot_runner")
async def test_mentor_listed_by_numeric_id_is_greeted_by_roster_name_with_member_menu(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    await import_roster(admin, roster_csv(*ROSTER))
    mentor = TelegramUser(fake_api, 5001, "Аня", username="anya_it")

    mentor.send("/start")
    greeting = await mentor.wait_message("Здравствуйте")
    commands = menu_in_chat(fake_api, mentor.id)

    assert commands is not None
    assert "Здравствуйте, Анна Петровна! Вы — наставник." in greeting["text"]
    assert "Ваши наставляемые:" in greeting["text"]
    assert "Орлов Илья Сергеевич" in greeting["text"]
    assert MEMBER_BUTTON in mentor.reply_keyboard()
    assert ADMIN_BUTTON not in mentor.reply_keyboard()
    assert "start" in commands
    assert not ADMIN_COMMANDS & set(commands)


@pytest.mark.usefixtures("bot_runner")
async def test_mentee_listed_by_username_is_linked_and_sees_their_mentor(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    await import_roster(admin, roster_csv(*ROSTER))
    # The roster wrote @orlov_is; Telegram reports the username with its own capitals.
    mentee = TelegramUser(fake_api, 5002, "Илья", "Орлов", username="Orlov_IS")

    mentee.send("/start")
    greeting = await mentee.wait_message("Здравствуйте")
    commands = menu_in_chat(fake_api, mentee.id)

    assert commands is not None
    assert "Здравствуйте, Илья Сергеевич! Вы — наставляемый." in greeting["text"]
    assert "Ваши наставники:" in greeting["text"]
    assert (
        "Иванова Анна Петровна (педагогическое наставничество, до 30.06.2027)" in greeting["text"]
    )
    assert MEMBER_BUTTON in mentee.reply_keyboard()
    assert ADMIN_BUTTON not in mentee.reply_keyboard()
    assert not ADMIN_COMMANDS & set(commands)


@pytest.mark.usefixtures("bot_runner")
async def test_mentor_of_the_example_roster_sees_their_mentees_at_start_and_in_my_pairs(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    await import_roster(admin, EXAMPLE_CSV.read_bytes())
    mentor = TelegramUser(fake_api, 6001, "Анна", "Иванова", username="ivanova_ap")

    mentor.send("/start")
    greeting = await mentor.wait_message("Здравствуйте")
    mentor.send(MEMBER_BUTTON)
    my_pairs = await mentor.wait_message("Ваши наставляемые")

    assert "Анна Петровна" in greeting["text"]
    for message in (greeting, my_pairs):
        assert (
            "Сидорова Мария Ивановна (педагогическое наставничество, до 30.06.2027)"
            in message["text"]
        )
        assert (
            "Орлов Илья Сергеевич (педагогическое наставничество, до 30.06.2027)" in message["text"]
        )
        assert "Зайцева" not in message["text"]


@pytest.mark.usefixtures("bot_runner")
async def test_username_of_a_linked_person_does_not_take_over_their_account(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    await import_roster(admin, roster_csv(*ROSTER))
    mentee = TelegramUser(fake_api, 5002, "Илья", username="orlov_is")
    mentee.send("/start")
    await mentee.wait_message("Здравствуйте, Илья Сергеевич")
    # Someone later holds the same username (a re-used or changed @name).
    impostor = TelegramUser(fake_api, 5099, "Некто", username="orlov_is")

    impostor.send("/start")
    reply = await impostor.wait_message("")

    assert "Я пока не знаю вас" in reply["text"]
    assert "Орлов" not in reply["text"]
    await admin.wait_message("Запрос доступа")


@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, SECOND_ADMIN_ID])
async def test_admin_from_admin_ids_listed_by_username_is_linked_to_their_roster_row(
    admin: TelegramUser, fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    await import_roster(admin, EXAMPLE_CSV.read_bytes())
    people_before = await people_count(bot_runner)
    methodist = TelegramUser(fake_api, SECOND_ADMIN_ID, "Ольга", "К.", username="kuznetsova_ov")

    methodist.send("/start")
    greeting = await methodist.wait_message("Здравствуйте")

    assert "Здравствуйте, Ольга Викторовна!" in greeting["text"]
    assert await people_count(bot_runner) == people_before


# --- access requests --------------------------------------------------------------------------


@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, SECOND_ADMIN_ID])
@pytest.mark.usefixtures("bot_runner")
async def test_unknown_person_is_told_how_to_get_access_and_every_admin_gets_the_request(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    second = TelegramUser(fake_api, SECOND_ADMIN_ID, "Бакыт", "Осмонов")
    await start_everyone(admin, second)
    stranger = TelegramUser(fake_api, 7001, "Тимур", "Бекович", username="timur_b")

    stranger.send("/start")
    reply = await stranger.wait_message("")
    copies = [await each.wait_message("Запрос доступа") for each in (admin, second)]

    assert "Я пока не знаю вас" in reply["text"]
    assert "ссылку-приглашение" in reply["text"]
    assert stranger.reply_keyboard() == []
    for copy in copies:
        assert "Бекович Тимур, @timur_b, Telegram id 7001" in copy["text"]
        assert admin.inline_buttons(copy) == ["✅ Одобрить", "❌ Отклонить"]


@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, SECOND_ADMIN_ID])
@pytest.mark.usefixtures("bot_runner")
async def test_approval_with_a_role_grants_access_and_updates_every_admin_copy(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    second = TelegramUser(fake_api, SECOND_ADMIN_ID, "Бакыт", "Осмонов")
    await start_everyone(admin, second)
    stranger = TelegramUser(fake_api, 7001, "Тимур", "Бекович", username="timur_b")
    stranger.send("/start")
    await admin.wait_message("Запрос доступа")

    admin.press("✅ Одобрить")
    await admin.wait_message("Кем будет Бекович Тимур")
    admin.press("наставник")
    granted = await stranger.wait_message("Доступ открыт")
    await second.wait_message("одобрен")

    assert "Здравствуйте, Бекович Тимур! Вы — наставник." in granted["text"]
    for each in (admin, second):
        (copy,) = request_copies(each)
        assert (
            "✅ Запрос одобрен. От кого: Бекович Тимур. В программе: Бекович Тимур, наставник."
            in copy["text"]
        )
        assert "Решение: Асанова Гульнара" in copy["text"]
        assert each.inline_buttons(copy) == []
    assert "start" in (menu_in_chat(fake_api, stranger.id) or [])

    stranger.send("/start")
    greeting = await stranger.wait_message("Здравствуйте")

    assert "Вы — наставник" in greeting["text"]
    assert MEMBER_BUTTON in stranger.reply_keyboard()


@pytest.mark.usefixtures("bot_runner")
async def test_approval_by_linking_to_a_roster_person_gives_the_account_their_record(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    await import_roster(admin, roster_csv(*ROSTER))
    stranger = TelegramUser(fake_api, 7002, "Лена", "П.", username="lena_p")
    stranger.send("/start")
    await admin.wait_message("Запрос доступа")

    admin.press("✅ Одобрить")
    await admin.wait_message("Кем будет")
    admin.press("🔗 Это человек из списка")
    await admin.wait_message("Кто из списка")
    admin.press("Петрова Елена Ивановна")
    granted = await stranger.wait_message("Доступ открыт")
    await admin.wait_message("одобрен")

    assert "Здравствуйте, Елена Ивановна! Вы — наставляемая." in granted["text"]
    (copy,) = request_copies(admin)
    assert "В программе: Петрова Елена Ивановна, наставляемая" in copy["text"]

    stranger.send("/start")
    greeting = await stranger.wait_message("Здравствуйте")

    assert "Елена Ивановна" in greeting["text"]


@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, SECOND_ADMIN_ID])
@pytest.mark.usefixtures("bot_runner")
async def test_first_admins_decline_wins_over_a_later_approval(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    second = TelegramUser(fake_api, SECOND_ADMIN_ID, "Бакыт", "Осмонов")
    await start_everyone(admin, second)
    stranger = TelegramUser(fake_api, 7001, "Тимур", "Бекович")
    stranger.send("/start")
    await second.wait_message("Запрос доступа")
    # The first admin starts approving: their copy now offers the roles.
    admin.press("✅ Одобрить")
    role_menu = await admin.wait_message("Кем будет")
    mentor_role = callback_data(role_menu, "наставник")

    second.press("❌ Отклонить")
    denied = await stranger.wait_message("отклонил")
    await admin.wait_message("отклонён")
    admin.press_data(mentor_role, role_menu["message_id"])  # the role menu they still had open
    answer = await admin.wait_answer_callback()

    assert "Администратор отклонил ваш запрос" in denied["text"]
    assert "уже рассмотрен" in answer.get("text", "")
    for each in (admin, second):
        (copy,) = request_copies(each)
        assert "❌ Запрос отклонён. От кого: Бекович Тимур. Решение: Осмонов Бакыт." in copy["text"]
    assert not [m for m in stranger.messages() if "Доступ открыт" in m["text"]]
    stranger.send("/start")
    assert "не открыт" in (await stranger.wait_message(""))["text"]


@pytest.mark.usefixtures("bot_runner")
async def test_command_sent_while_choosing_the_roster_person_is_not_taken_as_a_search(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    await import_roster(admin, roster_csv(*ROSTER))
    stranger = TelegramUser(fake_api, 7002, "Лена", "П.")
    stranger.send("/start")
    await admin.wait_message("Запрос доступа")
    admin.press("✅ Одобрить")
    await admin.wait_message("Кем будет")
    admin.press("🔗 Это человек из списка")
    await admin.wait_message("Кто из списка")

    admin.send("/invite")
    reply = await admin.wait_message("")

    assert "Для кого ссылка-приглашение" in reply["text"]


async def test_repeated_start_while_the_request_is_pending_sends_no_new_request(
    admin: TelegramUser, fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    await start_everyone(admin)
    stranger = TelegramUser(fake_api, 7001, "Тимур", "Бекович")
    stranger.send("/start")
    await admin.wait_message("Запрос доступа")

    stranger.send("/start")
    reply = await stranger.wait_message("")
    await bot_runner.settle()

    assert "уже у администраторов" in reply["text"]
    assert len(request_copies(admin)) == 1


async def test_repeated_start_after_a_decline_sends_no_new_request(
    admin: TelegramUser, fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    await start_everyone(admin)
    stranger = TelegramUser(fake_api, 7001, "Тимур", "Бекович")
    stranger.send("/start")
    await admin.wait_message("Запрос доступа")
    admin.press("❌ Отклонить")
    await stranger.wait_message("отклонил")

    stranger.send("/start")
    reply = await stranger.wait_message("")
    await bot_runner.settle()

    assert "Доступ к боту вам не открыт" in reply["text"]
    assert len(request_copies(admin)) == 1
    assert "Запрос" in request_copies(admin)[0]["text"]
    assert "отклонён" in request_copies(admin)[0]["text"]


# --- invite links ---------------------------------------------------------------------------------


async def test_invite_link_links_the_person_who_opens_it(
    admin: TelegramUser, fake_api: FakeBotAPI, bot_clock: ManualClock, bot_runner: BotRunner
) -> None:
    await import_roster(admin, roster_csv(*ROSTER))

    text, token = await create_invite(admin, "Петрова Елена Ивановна")
    newcomer = TelegramUser(fake_api, 7003, "Елена", "Петрова")
    newcomer.send(f"/start {token}")
    greeting = await newcomer.wait_message("Здравствуйте")
    await bot_runner.settle()

    expires = (bot_clock.now() + timedelta(days=14)).astimezone(ZoneInfo("Asia/Bishkek"))
    assert "Кому: Петрова Елена Ивановна" in text
    assert f"действует до {expires:%d.%m.%Y}" in text
    assert "Здравствуйте, Елена Ивановна! Вы — наставляемая." in greeting["text"]
    assert MEMBER_BUTTON in newcomer.reply_keyboard()
    assert request_copies(admin) == []


@pytest.mark.usefixtures("bot_runner")
async def test_invite_link_is_refused_to_a_second_account(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    await import_roster(admin, roster_csv(*ROSTER))
    _, token = await create_invite(admin, "Петрова Елена Ивановна")
    first = TelegramUser(fake_api, 7003, "Елена", "Петрова")
    first.send(f"/start {token}")
    await first.wait_message("Здравствуйте, Елена Ивановна")

    second = TelegramUser(fake_api, 7004, "Кто-то", "Другой")
    second.send(f"/start {token}")
    reply = await second.wait_message("")

    assert "уже использована" in reply["text"]
    assert "Петрова" not in reply["text"]
    assert second.reply_keyboard() == []


@pytest.mark.usefixtures("bot_runner")
async def test_invite_link_expires_after_invite_ttl_days(
    admin: TelegramUser, fake_api: FakeBotAPI, bot_clock: ManualClock
) -> None:
    await import_roster(admin, roster_csv(*ROSTER))
    _, token = await create_invite(admin, "Петрова Елена Ивановна")

    bot_clock.advance(timedelta(days=14, minutes=1))
    newcomer = TelegramUser(fake_api, 7003, "Елена", "Петрова")
    newcomer.send(f"/start {token}")
    reply = await newcomer.wait_message("")

    assert "Срок действия ссылки-приглашения истёк" in reply["text"]
    assert newcomer.reply_keyboard() == []


# --- where and by whom ------------------------------------------------------------------------


async def test_command_in_a_group_gets_a_polite_refusal_and_no_access_request(
    admin: TelegramUser, fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    await start_everyone(admin)
    stranger = TelegramUser(fake_api, 7001, "Тимур", "Бекович")

    stranger.send_in_group("/start@nastavnik_test_bot", GROUP_ID)
    refusal = await fake_api.wait_for(
        lambda: [m for m in fake_api.messages_to(GROUP_ID) if "личных сообщениях" in m["text"]],
        5.0,
        "the refusal in the group",
    )
    await bot_runner.settle()

    assert len(refusal) == 1
    assert "Я работаю только в личных сообщениях" in refusal[0]["text"]
    assert request_copies(admin) == []
    assert stranger.messages() == []


@pytest.mark.usefixtures("bot_runner")
async def test_message_to_the_bot_in_a_group_gets_a_polite_refusal(
    fake_api: FakeBotAPI,
) -> None:
    teacher = TelegramUser(fake_api, 7001, "Тимур", "Бекович")

    # Privacy mode still delivers a message that mentions the bot.
    teacher.send_in_group("@nastavnik_test_bot здравствуйте, как получить доступ?", GROUP_ID)
    refusal = await fake_api.wait_for(
        lambda: [m for m in fake_api.messages_to(GROUP_ID) if "личных сообщениях" in m["text"]],
        3.0,
        "the refusal in the group",
    )

    assert len(refusal) == 1


async def test_non_admin_gets_only_for_admins_for_people_and_import_and_nothing_changes(
    admin: TelegramUser, fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    await import_roster(admin, roster_csv(*ROSTER))
    mentor = TelegramUser(fake_api, 5001, "Аня")
    mentor.send("/start")
    await mentor.wait_message("Здравствуйте")
    people_before = await people_count(bot_runner)

    for command in ("/people", "/import"):
        mentor.send(command)
        await mentor.wait_message("только администраторам")
    mentor.send_document(roster_csv("Новиков Новик;наставник;;;;;;;"), "roster.csv")
    after_file = await mentor.wait_message("")

    assert "Список загружен" not in after_file["text"]
    assert await people_count(bot_runner) == people_before


async def test_unknown_person_sending_import_is_told_how_to_get_access_and_no_request(
    admin: TelegramUser, fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    await start_everyone(admin)
    stranger = TelegramUser(fake_api, 7001, "Тимур", "Бекович")

    stranger.send("/import")
    reply = await stranger.wait_message("")
    await bot_runner.settle()

    # A stranger's command is answered by who they are: not in the programme yet.
    assert "Чтобы получить доступ, отправьте /start" in reply["text"]
    assert request_copies(admin) == []


@pytest.mark.usefixtures("bot_runner")
async def test_approving_as_an_admin_asks_for_a_confirmation_first(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    await start_everyone(admin)
    stranger = TelegramUser(fake_api, 7002, "Айгуль", "Садыкова")
    stranger.send("/start")
    await admin.wait_message("Запрос доступа")

    admin.press("✅ Одобрить")
    await admin.wait_message("Кем будет Садыкова Айгуль")
    admin.press("администратор программы")
    await admin.wait_message("Сделать администратором программы: Садыкова Айгуль?")
    assert not any("Доступ открыт" in m["text"] for m in stranger.messages())
    admin.press("⭐ Да, сделать администратором")

    await stranger.wait_message("Доступ открыт")
    # Her menu is the admin's once she has accepted the consent text (at her /start).
    stranger.send("/start")
    await stranger.wait_message("Здравствуйте")
    assert ADMIN_COMMANDS <= set(await wait_chat_commands(fake_api, 7002))

"""/people: the roster with filters, a person's card, and the guards on its actions."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser
from roster_seed import MENTEE_SIDOROVA, MENTOR_IVANOVA, seed
from test_pairs import form_pair, long_name

from handlers.keyboards import PeopleList
from storage.models import Role
from storage.names import clean_name


async def open_card(admin: TelegramUser, name: str) -> dict[str, object]:
    admin.send("/people")
    await admin.wait_message("В списке")
    admin.press(name, contains=True)
    return await admin.wait_message("Роль:")


async def test_people_are_listed_and_filtered_by_role_and_department(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    admin.send("/people")
    listing = await admin.wait_message("В списке 7 человек")  # six from the roster and the admin
    assert "Иванова Анна Петровна · наставник ⏳" in admin.inline_buttons(listing)

    admin.press("Наставники")
    await admin.wait_message("В списке 3 человека")
    admin.press("ПЦК: все ▾")
    await admin.wait_message("Выберите ПЦК")
    admin.press("ПЦК ИТ")
    await admin.wait_message("В списке 1 человек")
    assert "• Наставники" in admin.inline_buttons()


async def test_admin_changes_department_and_grants_admin_rights(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    await open_card(admin, "Белов Дмитрий")
    admin.press("🏢 Изменить ПЦК")
    await admin.wait_message("пришлите название новой")
    admin.send("ПЦК   энергетики")
    card = await admin.wait_message("ПЦК: ПЦК энергетики")
    admin.press("⭐ Дать права администратора", card)
    await admin.wait_message("наставник и администратор программы")

    belov = TelegramUser(fake_api, 2003, "Дмитрий", "Белов")
    belov.send("/start")
    await belov.wait_message("Здравствуйте")
    assert "👥 Люди" in belov.reply_keyboard() and "🤝 Мои пары" in belov.reply_keyboard()


async def test_a_mentor_with_an_active_pair_cannot_be_deactivated_or_change_role(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    await form_pair(admin, "Иванова Анна", "Сидорова Мария Ивановна", order=None)
    await open_card(admin, "Иванова Анна")
    admin.press("🚫 Выбыл из программы")
    refusal = await admin.wait_answer_callback()
    assert "активные пары" in refusal["text"]
    admin.press("🎭 Изменить роль")
    await admin.wait_message("Выберите новую роль")
    admin.press("наставляемый")
    refusal = await admin.wait_answer_callback()
    assert "активные пары" in refusal["text"]
    async with bot_runner.app.db.read() as tx:
        mentor = await tx.people.by_telegram_id(MENTOR_IVANOVA)
    assert mentor is not None and mentor.active and mentor.role is Role.MENTOR


async def test_a_person_who_left_keeps_history_and_loses_access(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    await open_card(admin, "Сидорова Мария")
    admin.press("🚫 Выбыл из программы")
    await admin.wait_message("из программы (история сохранена)")

    mentee = TelegramUser(fake_api, MENTEE_SIDOROVA, "Мария", "Сидорова")
    mentee.send("/start")
    await mentee.wait_message("учётная запись в программе наставничества закрыта")
    async with bot_runner.app.db.read() as tx:
        person = await tx.people.by_telegram_id(MENTEE_SIDOROVA)
    assert person is not None and not person.active


async def test_an_admin_cannot_take_away_their_own_rights(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    admin.send("/start")
    await admin.wait_message("Здравствуйте")
    card = await open_card(admin, "Асанова")
    assert "🚫 Выбыл из программы" not in admin.inline_buttons(card)  # type: ignore[arg-type]


async def test_a_new_role_changes_the_persons_command_menu_at_once(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    belov = TelegramUser(fake_api, 2003, "Дмитрий", "Белов")
    belov.send("/start")
    await belov.wait_message("Здравствуйте")
    await open_card(admin, "Белов Дмитрий")
    admin.press("🎭 Изменить роль")
    await admin.wait_message("Выберите новую роль")
    admin.press("администратор программы")
    await admin.wait_message("Роль: администратор программы")

    def belov_menu() -> list[str] | None:
        calls = [
            r for r in fake_api.calls("setMyCommands") if r.params["scope"].get("chat_id") == 2003
        ]
        return [c["command"] for c in calls[-1].params["commands"]] if calls else None

    menu = await fake_api.wait_for(belov_menu, what="Belov's new command menu")
    assert "people" in menu and "pair" in menu


# --- long lists: 130 departments (business mentors bring their companies) ---------------------

COMPANIES = [
    clean_name(f"Компания {i:03d} " + "«Энергетические системы и технологии» " * 5)[:200].strip()
    for i in range(1, 131)
]
MENTORS = [f"Бизнес-наставник {i:03d}" for i in range(1, 131)]
LAST_COMPANY = max(COMPANIES)


async def seed_companies(runner: BotRunner) -> None:
    rows = [
        f"{name};наставник;;{company}" for name, company in zip(MENTORS, COMPANIES, strict=True)
    ]
    assert runner.app is not None
    await seed(runner.app, "ФИО;Роль;Telegram;ПЦК\n" + "\n".join(rows) + "\n")


async def page_to_the_end(
    admin: TelegramUser, message: dict[str, Any], text: str
) -> dict[str, Any]:
    """Press ▶️ until the list shows its last page; returns the message as it stands then."""
    while "▶️" in admin.inline_buttons(message):
        admin.press("▶️", message)
        message = await admin.wait_message(text)
    return message


async def test_the_department_filter_pages_and_reaches_the_last_department(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed_companies(bot_runner)
    admin.send("/people")
    await admin.wait_message("В списке 131 человек")
    admin.press("ПЦК: все ▾")
    first = await admin.wait_message("Выберите ПЦК")
    assert "1 / 17" in admin.inline_buttons(first)

    last = await page_to_the_end(admin, first, "Выберите ПЦК")

    assert "17 / 17" in admin.inline_buttons(last)
    admin.press(LAST_COMPANY, last)
    listing = await admin.wait_message("В списке 1 человек")
    assert "Бизнес-наставник 130 · наставник ⏳" in admin.inline_buttons(listing)


async def test_a_forged_page_past_the_end_shows_the_last_page(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed_companies(bot_runner)
    admin.send("/people")
    listing = await admin.wait_message("В списке 131 человек")

    admin.press_data(PeopleList(page=10**15).pack(), listing["message_id"])
    shown = await admin.wait_message("В списке 131 человек")

    assert "17 / 17" in admin.inline_buttons(shown)
    assert "Бизнес-наставник 130 · наставник ⏳" in admin.inline_buttons(shown)


async def test_the_department_choice_on_a_card_pages_and_sets_the_last_department(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed_companies(bot_runner)
    await open_card(admin, "Бизнес-наставник 001")
    admin.press("🏢 Изменить ПЦК")
    first = await admin.wait_message("Выберите ПЦК из списка")
    assert "1 / 17" in admin.inline_buttons(first)

    last = await page_to_the_end(admin, first, "Выберите ПЦК из списка")
    admin.press(LAST_COMPANY, last)

    card = await admin.wait_message("Роль:")
    assert f"ПЦК: {LAST_COMPANY}" in card["text"]
    async with bot_runner.app.db.read() as tx:  # type: ignore[union-attr]
        (person,), _ = await tx.people.page(name_part="Бизнес-наставник 001")
    assert person.department == LAST_COMPANY


async def test_a_department_button_of_a_closed_choice_changes_nothing(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed_companies(bot_runner)
    await open_card(admin, "Бизнес-наставник 001")
    admin.press("🏢 Изменить ПЦК")
    old_choice = await admin.wait_message("Выберите ПЦК из списка")
    admin.send("/people")
    await admin.wait_message("В списке")

    admin.press(COMPANIES[3], old_choice)
    answer = await admin.wait_answer_callback()

    assert "устарела" in answer["text"]
    async with bot_runner.app.db.read() as tx:  # type: ignore[union-attr]
        (person,), _ = await tx.people.page(name_part="Бизнес-наставник 001")
    assert person.department == COMPANIES[0]


@pytest.mark.bot_settings(max_mentees_per_mentor=40)
async def test_a_card_with_many_long_pairs_fits_and_counts_the_rest(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    mentor = long_name("Абрамова")
    rows = [f"{mentor};наставник;;"]
    rows += [f"{long_name(f'Ученица{i:02d}')};наставляемая;{mentor};01.09.2026" for i in range(30)]
    assert bot_runner.app is not None
    summary = await seed(bot_runner.app, "ФИО;Роль;Наставник;Начало\n" + "\n".join(rows) + "\n")
    assert summary.pairs_formed == 30

    card = await open_card(admin, "Абрамова")

    visible = card["text"]
    assert len(visible.encode("utf-16-le")) // 2 <= 4096
    shown = visible.count("• ")
    assert 3 <= shown < 30
    assert visible.endswith(
        "\n" + bot_runner.app.i18n.get("ru")("list-more-pairs", count=30 - shown)
    )


@pytest.mark.bot_settings(max_mentees_per_mentor=40)
async def test_a_mentor_with_many_long_pairs_is_greeted_within_one_message(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    mentor_name = long_name("Абрамова")
    rows = [f"{mentor_name};наставник;5555;"]
    rows += [
        f"{long_name(f'Ученица{i:02d}')};наставляемая;;{mentor_name};01.09.2026" for i in range(30)
    ]
    assert bot_runner.app is not None
    text = "ФИО;Роль;Telegram;Наставник;Начало\n" + "\n".join(rows) + "\n"
    assert (await seed(bot_runner.app, text)).pairs_formed == 30
    mentor = TelegramUser(fake_api, 5555, "Мария", "Абрамова")
    t = bot_runner.app.i18n.get("ru")

    mentor.send("/start")
    greeting = (await mentor.wait_message("Здравствуйте"))["text"]
    mentor.send("🤝 Мои пары")
    pairs = (await mentor.wait_message("Ваши наставляемые"))["text"]

    for visible in (greeting, pairs):
        assert len(visible.encode("utf-16-le")) // 2 <= 4096
        shown = visible.count("• ")
        assert 3 <= shown < 30
        assert t.plain("list-more-pairs", count=30 - shown) in visible
    assert greeting.endswith(t.plain("start-help-hint"))


async def test_an_admin_sets_the_gender_a_name_does_not_tell_and_corrects_the_name(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    admin.send("/start")
    await admin.wait_message("Здравствуйте")
    card = await open_card(admin, "Асанова Гульнара")  # Telegram's name: no patronymic
    assert "Род в сообщениях бота: не указан" in card["text"]
    assert {"👩 Женский род", "👨 Мужской род", "✏️ Исправить ФИО"} <= set(
        admin.inline_buttons(card)
    )

    admin.press("👩 Женский род", card)
    card = await admin.wait_message("Род в сообщениях бота: женский")
    assert "👩 Женский род" not in admin.inline_buttons(card)

    admin.press("✏️ Исправить ФИО", card)
    await admin.wait_message("Пришлите ФИО полностью")
    admin.send("\u200b ")  # nothing that can be seen
    await admin.wait_message("нет ни одной буквы")
    admin.send("Асанова  Гульнара Маратовна")
    card = await admin.wait_message("Роль:")
    assert card["text"].startswith("Асанова Гульнара Маратовна")
    assert "Род в сообщениях" not in card["text"]  # the patronymic tells it now

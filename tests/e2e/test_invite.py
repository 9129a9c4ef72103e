"""/invite: the picker's buttons act only on the /invite form open now."""

from __future__ import annotations

from conftest import BotRunner
from people import TelegramUser
from roster_seed import seed
from test_people import seed_companies

from handlers.keyboards import PersonPick

ROSTER = """ФИО;Роль
Петрова Елена Ивановна;наставница
Кузнецов Олег Петрович;наставляемый
"""


def invite_links(admin: TelegramUser) -> list[str]:
    return [m["text"] for m in admin.messages() if "Личная ссылка" in m.get("text", "")]


async def test_a_picker_left_from_an_earlier_invite_makes_no_link(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed(bot_runner.app, ROSTER)  # type: ignore[arg-type]
    admin.send("/invite")
    old_picker = await admin.wait_message("Для кого ссылка-приглашение")
    admin.send("/invite")
    await admin.wait_message("Для кого ссылка-приглашение")

    admin.press("Петрова Елена Ивановна", old_picker)
    answer = await admin.wait_answer_callback()
    await bot_runner.settle()

    assert "устарела" in answer["text"]
    assert invite_links(admin) == []
    admin.press("Петрова Елена Ивановна")  # the picker of the form open now still works
    await admin.wait_message("Личная ссылка-приглашение. Кому: Петрова Елена Ивановна")


async def test_a_forged_invite_button_makes_no_link(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed(bot_runner.app, ROSTER)  # type: ignore[arg-type]
    admin.send("/invite")
    picker = await admin.wait_message("Для кого ссылка-приглашение")
    async with bot_runner.app.db.read() as tx:  # type: ignore[union-attr]
        (person,), _ = await tx.people.page(name_part="Кузнецов")

    forged = PersonPick(purpose="invite", person_id=person.id, form=12345).pack()
    admin.press_data(forged, picker["message_id"])
    answer = await admin.wait_answer_callback()
    await bot_runner.settle()

    assert "устарела" in answer["text"]
    assert invite_links(admin) == []


async def test_the_next_page_of_a_search_stays_searched(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed_companies(bot_runner)  # 130 business mentors, none has opened the bot
    admin.send("/invite")
    await admin.wait_message("Для кого ссылка-приглашение")
    admin.send("наставник 1")  # 100 … 130
    results = await admin.wait_message("Выберите из списка")
    assert "1 / 4" in admin.inline_buttons(results)

    admin.press("▶️", results)
    second = await admin.wait_message("Выберите из списка")

    buttons = admin.inline_buttons(second)
    assert "2 / 4" in buttons
    assert buttons[0] == "Бизнес-наставник 108"

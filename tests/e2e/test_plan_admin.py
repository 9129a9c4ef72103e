"""Admins and plans: an admin opens any pair's plan from the pair's card, read only; every
admin's copy of a submitted plan is closed once the first admin decides, and a press on an old
copy says who decided and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import ADMIN_ID, TelegramUser, start_everyone
from roster_seed import MENTEE_ORLOV, MENTEE_SIDOROVA, MENTOR_IVANOVA, MENTOR_SMIRNOV
from test_pairs import open_pair_card, person, reassign
from test_plan import PLAN_PAGE, TEMPLATE_SIZE, _people, _plan_of, _report_first_milestone
from test_plan import bot_clock as bot_clock  # the same moment as the plan's tests

from handlers.keyboards import MilestoneCb, PairCard, PlanCb
from handlers.plan import PlanDecision
from storage.models import PlanStatus

SECOND_ADMIN_ID = 1002
SIDOROVA_PAIR = "Сидорова Мария Ивановна ← Иванова Анна Петровна"
ORLOV_PAIR = "Орлов Илья Сергеевич ← Иванова Анна Петровна"
AWAITING = "⏳ "  # a pair in /pairs whose plan awaits approval
DECISION = ["✅ Утвердить", "↩️ Вернуть на доработку"]
MENTOR_ONLY = ("➕ Добавить этап", "📤 Отправить на утверждение")
CHANGING = (
    "✅ Отметить выполнение",
    "✏️ Изменить название",
    "📅 Изменить срок",
    "🗑 Удалить этап",
    "✅ Принять",
    "↩️ Вернуть",
)


def _data(message: dict[str, Any], text: str) -> str:
    """The callback data of the button `text` on a message."""
    return next(
        str(button["callback_data"])
        for row in message["reply_markup"]["inline_keyboard"]
        for button in row
        if button["text"] == text
    )


async def _admin_opens_plan(admin: TelegramUser) -> dict[str, Any]:
    await open_pair_card(admin, SIDOROVA_PAIR)
    admin.press("📋 План")
    return await admin.wait_message("Индивидуальный план")


async def test_an_admin_opens_the_plan_from_the_card_read_only_pages_and_goes_back(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await start_everyone(admin)
    _, sidorova, _ = await _people(bot_runner, fake_api)
    await _report_first_milestone(sidorova, "Изучила устав", file=True)

    shown = await _admin_opens_plan(admin)
    assert "Наставляемый: Сидорова Мария Ивановна" in shown["text"]
    assert f"Принято 0 из {TEMPLATE_SIZE}" in shown["text"]
    buttons = admin.inline_buttons(shown)
    assert not set(MENTOR_ONLY) & set(buttons)
    assert "⬅️ К карточке пары" in buttons
    if TEMPLATE_SIZE > PLAN_PAGE:
        admin.press("▶️", shown, contains=True)
        second = await admin.wait_message(f"{TEMPLATE_SIZE}. ")
        assert "Изучение нормативных документов" not in second["text"]  # the first one
        admin.press("◀️", second, contains=True)
        await admin.wait_message("1. ")

    admin.press("1. ", contains=True)
    card = await admin.wait_message("Изучила устав")
    assert "Срок:" in card["text"]
    assert not set(CHANGING) & set(admin.inline_buttons(card))
    admin.press("📎 Открыть файл", card)
    file = await fake_api.wait_for(
        lambda: next((m for m in admin.messages() if "document" in m), None), 5.0, "the file"
    )
    assert file["document"]["file_name"] == "конспект.pdf"
    assert file["caption"].startswith("📎 Отчёт Сидоровой Марии Ивановны по этапу «")

    admin.press("⬅️ К плану", card)
    again = await admin.wait_message("Индивидуальный план")
    admin.press("⬅️ К карточке пары", again)
    await admin.wait_message("Состояние: активна")
    _, plan_id = await _plan_of(bot_runner, MENTEE_SIDOROVA)
    async with bot_runner.app.db.read() as tx:
        plan = await tx.plans.get(plan_id)
    assert plan is not None and plan.status is PlanStatus.DRAFT


async def test_the_plan_of_an_ended_pair_opens_from_its_card(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await start_everyone(admin)
    await _people(bot_runner, fake_api)
    pair_id, _ = await _plan_of(bot_runner, MENTEE_ORLOV)
    card = await open_pair_card(admin, "Орлов Илья Сергеевич ← Иванова Анна Петровна")
    admin.press("⏹ Прекратить досрочно", card)
    await admin.wait_message("Напишите причину")
    admin.send("Перевёлся в другой колледж")
    await admin.wait_message("Пара прекращена")

    admin.press_data(PairCard(pair_id=pair_id).pack(), card["message_id"])  # an old card
    ended = await admin.wait_message("прекращена досрочно")
    assert "📋 План" in admin.inline_buttons(ended)
    admin.press("📋 План", ended)
    shown = await admin.wait_message("Наставляемый: Орлов Илья Сергеевич")
    assert not set(MENTOR_ONLY) & set(admin.inline_buttons(shown))


async def test_forged_presses_on_the_admin_view_are_refused_and_change_nothing(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await start_everyone(admin)
    mentor, sidorova, _ = await _people(bot_runner, fake_api)
    pair_id, plan_id = await _plan_of(bot_runner, MENTEE_SIDOROVA)
    async with bot_runner.app.db.read() as tx:
        first = (await tx.plans.milestones(plan_id))[0]
    mentor.send("/plan")
    own = await mentor.wait_message("Чей план открыть?")

    # The mentor of the pair and its mentee are no admins: the admin's view is not theirs.
    for someone, message in ((mentor, own), (sidorova, None)):
        if message is None:
            someone.send("/plan")
            message = await someone.wait_message("Индивидуальный план")
        for data in (
            PlanCb(action="adm", pair_id=pair_id).pack(),
            MilestoneCb(action="adm", milestone_id=first.id).pack(),
            MilestoneCb(action="admf", milestone_id=first.id).pack(),
        ):
            before = someone.messages()
            someone.press_data(data, message["message_id"])
            answer = await someone.wait_answer_callback()
            assert "устарела" in answer["text"]
            assert someone.messages() == before
    # An admin with a forged pair or milestone id.
    shown = await _admin_opens_plan(admin)
    for data in (
        PlanCb(action="adm", pair_id=pair_id + 1000).pack(),
        MilestoneCb(action="adm", milestone_id=first.id + 1000).pack(),
    ):
        admin.press_data(data, shown["message_id"])
        assert "устарела" in (await admin.wait_answer_callback())["text"]
    assert fake_api.message(ADMIN_ID, shown["message_id"]) == shown


@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, MENTOR_IVANOVA])
async def test_an_admin_who_mentors_the_pair_keeps_the_mentor_view_in_plan(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    mentor, _, _ = await _people(bot_runner, fake_api)

    mentor.send("/plan")
    await mentor.wait_message("Чей план открыть?")
    mentor.press("Сидорова Мария Ивановна", contains=True)
    own = await mentor.wait_message("Наставляемый: Сидорова")
    assert "➕ Добавить этап" in mentor.inline_buttons(own)

    from_card = await _admin_opens_plan(mentor)
    assert not set(MENTOR_ONLY) & set(mentor.inline_buttons(from_card))
    mentor.press("1. ", from_card, contains=True)
    card = await mentor.wait_message("Срок:")
    assert not set(CHANGING) & set(mentor.inline_buttons(card))


async def test_the_admin_views_callback_data_fits() -> None:
    big = 2**31 - 1
    assert len(PlanCb(action="adm", pair_id=big, page=big, sub=big, form=big).pack()) <= 64
    assert len(MilestoneCb(action="admf", milestone_id=big, sub=big, form=big).pack()) <= 64


async def _submit(mentor: TelegramUser, mentee: str = "Сидорова Мария Ивановна") -> None:
    mentor.send("/plan")
    await mentor.wait_message("Чей план открыть?")
    mentor.press(mentee, contains=True)
    await mentor.wait_message("Наставляемый:")
    mentor.press("📤 Отправить на утверждение")
    assert "отправлен" in (await mentor.wait_answer_callback())["text"]


async def _two_admins(fake_api: FakeBotAPI, admin: TelegramUser) -> TelegramUser:
    second = TelegramUser(fake_api, SECOND_ADMIN_ID, "Бакыт", "Осмонов")
    await start_everyone(admin, second)
    return second


@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, SECOND_ADMIN_ID])
async def test_the_first_decision_closes_every_admins_copy_and_a_late_press_says_who(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    second = await _two_admins(fake_api, admin)
    mentor, sidorova, _ = await _people(bot_runner, fake_api)
    pair_id, plan_id = await _plan_of(bot_runner, MENTEE_SIDOROVA)
    await _submit(mentor)
    mine = await admin.wait_message("План на утверждение")
    theirs = await second.wait_message("План на утверждение")

    second.press("✅ Утвердить", theirs)
    await second.wait_message("Вы утвердили план")
    closed = await admin.wait_message("Осмонов Бакыт утвердил план")
    assert closed["message_id"] == mine["message_id"]
    assert admin.inline_buttons(closed) == []
    assert "Изучение нормативных документов" in closed["text"]  # the plan is still there
    own = await second.wait_message("Осмонов Бакыт утвердил план")
    assert own["message_id"] == theirs["message_id"] and second.inline_buttons(own) == []

    for button in ("✅ Утвердить", "↩️ Вернуть на доработку"):  # as before the edit reached it
        admin.press_data(_data(mine, button), mine["message_id"])
        answer = await admin.wait_answer_callback()
        assert "уже принято" in answer["text"] and "Осмонов Бакыт" in answer["text"]
    await sidorova.wait_message("утверждён", since=0)
    async with bot_runner.app.db.read() as tx:
        plan = await tx.plans.get(plan_id)
        bakyt = await tx.people.by_telegram_id(SECOND_ADMIN_ID)
    assert plan is not None and bakyt is not None
    assert plan.status is PlanStatus.APPROVED and plan.decided_by == bakyt.id
    told = [m for m in mentor.messages() if "утверждён" in m.get("text", "")]
    assert len(told) == 1
    assert pair_id


async def _new_copy(api: FakeBotAPI, admin: TelegramUser, old: dict[str, Any]) -> dict[str, Any]:
    """The copy of a plan sent again: a new message, after the old copy."""

    def found() -> dict[str, Any] | None:
        return next(
            (
                m
                for m in admin.messages()
                if m["message_id"] > old["message_id"] and "План на утверждение" in m["text"]
            ),
            None,
        )

    result: dict[str, Any] = await api.wait_for(found, 5.0, f"a new copy to {admin!r}")
    return result


@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, SECOND_ADMIN_ID])
async def test_a_returned_plan_sent_again_gets_new_copies_and_the_old_ones_stay_closed(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    second = await _two_admins(fake_api, admin)
    mentor, _, _ = await _people(bot_runner, fake_api)
    pair_id, plan_id = await _plan_of(bot_runner, MENTEE_SIDOROVA)
    await _submit(mentor)
    first_mine = await admin.wait_message("План на утверждение")
    first_theirs = await second.wait_message("План на утверждение")

    admin.press("↩️ Вернуть на доработку", first_mine)
    await admin.wait_message("замечание к плану")
    admin.send("Добавьте открытый урок во втором семестре")
    await admin.wait_message("Вы вернули план на доработку")
    closed = await second.wait_message("Асанова Гульнара вернула план на доработку")
    assert "Добавьте открытый урок" in closed["text"] and second.inline_buttons(closed) == []
    await mentor.wait_message("возвращён на доработку", since=0)

    await _submit(mentor)
    again_mine = await _new_copy(fake_api, admin, first_mine)
    again_theirs = await _new_copy(fake_api, second, first_theirs)
    # The first copy, pressed as it was before it was closed: an older submission.
    second.press_data(PlanCb(action="ok", pair_id=pair_id, sub=1).pack(),
                      first_theirs["message_id"])  # fmt: skip
    assert "отправлен заново" in (await second.wait_answer_callback())["text"]

    second.press("✅ Утвердить", again_theirs)
    await admin.wait_message("Осмонов Бакыт утвердил план")
    assert admin.inline_buttons(fake_api.message(ADMIN_ID, again_mine["message_id"])) == []
    # The first submission's copies still tell how that one ended.
    old = fake_api.message(SECOND_ADMIN_ID, first_theirs["message_id"])
    assert old is not None and "Асанова Гульнара вернула план на доработку" in old["text"]
    async with bot_runner.app.db.read() as tx:
        plan = await tx.plans.get(plan_id)
    assert plan is not None and plan.status is PlanStatus.APPROVED and plan.submission == 2


@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, SECOND_ADMIN_ID])
async def test_a_double_press_and_a_return_typed_too_late_change_nothing(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    second = await _two_admins(fake_api, admin)
    mentor, _, _ = await _people(bot_runner, fake_api)
    _, plan_id = await _plan_of(bot_runner, MENTEE_SIDOROVA)
    await _submit(mentor)
    mine = await admin.wait_message("План на утверждение")
    theirs = await second.wait_message("План на утверждение")

    # The second admin starts returning it; meanwhile the first approves with a double tap.
    second.press("↩️ Вернуть на доработку", theirs)
    await second.wait_message("замечание к плану")
    admin.press("✅ Утвердить", mine)
    first_press = admin.last_callback_id
    admin.press("✅ Утвердить", mine)
    late = await admin.wait_answer_callback()
    admin.last_callback_id = first_press
    early = await admin.wait_answer_callback()
    answers = sorted([early["text"], late["text"]])
    assert answers[0] == "Готово", answers
    assert "уже принято" in answers[1] and "Асанова Гульнара" in answers[1], answers
    await second.wait_message("Асанова Гульнара утвердила план")

    second.send("Слишком поздно")
    refusal = await second.wait_message("Не получилось")
    assert "Асанова Гульнара утвердила план" in refusal["text"]
    async with bot_runner.app.db.read() as tx:
        plan = await tx.plans.get(plan_id)
    assert plan is not None and plan.status is PlanStatus.APPROVED and plan.comment is None
    told = [m for m in mentor.messages() if "утверждён" in m.get("text", "")]
    assert len(told) == 1


async def _reassign_sidorova(admin: TelegramUser, api: FakeBotAPI) -> TelegramUser:
    """Sidorova, whose plan awaits approval, goes to Smirnov, who has opened the bot."""
    smirnov = person(api, MENTOR_SMIRNOV, "Смирнов Алексей Николаевич")
    await start_everyone(smirnov)
    await reassign(admin, AWAITING + SIDOROVA_PAIR, "Смирнов", "Иванова ушла в декрет")
    await admin.wait_message("Наставник сменён")
    return smirnov


@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, SECOND_ADMIN_ID])
async def test_a_plan_submitted_before_a_reassignment_is_decided_where_it_went(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    second = await _two_admins(fake_api, admin)
    mentor, sidorova, _ = await _people(bot_runner, fake_api)
    old_pair_id, plan_id = await _plan_of(bot_runner, MENTEE_SIDOROVA)
    await _submit(mentor)
    mine = await admin.wait_message("План на утверждение")
    theirs = await second.wait_message("План на утверждение")
    smirnov = await _reassign_sidorova(admin, fake_api)
    new_pair_id, moved = await _plan_of(bot_runner, MENTEE_SIDOROVA)
    assert moved == plan_id and new_pair_id != old_pair_id

    second.press("✅ Утвердить", theirs)
    await second.wait_message("Вы утвердили план")
    closed = await admin.wait_message("Осмонов Бакыт утвердил план")
    assert closed["message_id"] == mine["message_id"] and admin.inline_buttons(closed) == []
    told = await smirnov.wait_message("утверждён")  # the plan's mentor now
    assert "Смирнов Алексей Николаевич" in told["text"]
    await sidorova.wait_message("утверждён", since=0)
    # A copy in the format sent before decisions named the plan: its pair is the old one.
    for data in (
        PlanCb(action="ok", pair_id=old_pair_id, sub=1).pack(),
        PlanDecision(action="ret", plan_id=plan_id, sub=1).pack(),
    ):
        admin.press_data(data, mine["message_id"])
        answer = await admin.wait_answer_callback()
        assert "уже принято" in answer["text"] and "Осмонов Бакыт" in answer["text"]
    async with bot_runner.app.db.read() as tx:
        plan = await tx.plans.get(plan_id)
    assert plan is not None and plan.status is PlanStatus.APPROVED
    assert plan.pair_id == new_pair_id


async def test_an_old_copy_naming_the_pair_still_returns_the_plan_after_a_reassignment(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await start_everyone(admin)
    mentor, sidorova, _ = await _people(bot_runner, fake_api)
    old_pair_id, plan_id = await _plan_of(bot_runner, MENTEE_SIDOROVA)
    await _submit(mentor)
    copy = await admin.wait_message("План на утверждение")
    smirnov = await _reassign_sidorova(admin, fake_api)

    # Forged ones first: a pair that never was, a plan that is not, a submission not yet made,
    # and the plan's own people, who are no admins.
    for data in (
        PlanCb(action="ok", pair_id=old_pair_id + 1000, sub=1).pack(),
        PlanDecision(action="ok", plan_id=plan_id + 1000, sub=1).pack(),
        PlanDecision(action="ok", plan_id=plan_id, sub=2).pack(),
    ):
        admin.press_data(data, copy["message_id"])
        assert "устарела" in (await admin.wait_answer_callback())["text"]
    for someone in (smirnov, sidorova):
        own = someone.last_message()["message_id"]
        someone.press_data(PlanDecision(action="ok", plan_id=plan_id, sub=1).pack(), own)
        assert "устарела" in (await someone.wait_answer_callback())["text"]

    admin.press_data(PlanCb(action="ret", pair_id=old_pair_id, sub=1).pack(), copy["message_id"])
    await admin.wait_message("замечание к плану")
    await bot_runner.restart()
    admin.send("Добавьте открытый урок у нового наставника")
    await admin.wait_message("Вы вернули план на доработку")
    closed = await admin.wait_message("Асанова Гульнара вернула план на доработку")
    assert closed["message_id"] == copy["message_id"] and admin.inline_buttons(closed) == []
    told = await smirnov.wait_message("возвращён на доработку")
    assert "Добавьте открытый урок у нового наставника" in told["text"]
    told_mentee = await sidorova.wait_message("вернул индивидуальный план", since=0)
    assert "Замечание" not in told_mentee["text"]  # the comment is the mentor's to act on
    assert sidorova.inline_buttons(told_mentee) == ["📋 Открыть план"]
    assert not [m for m in mentor.messages() if "возвращён" in m.get("text", "")]
    async with bot_runner.app.db.read() as tx:
        plan = await tx.plans.get(plan_id)
    assert plan is not None and plan.status is PlanStatus.RETURNED


async def test_a_decision_callback_data_fits() -> None:
    big = 2**31 - 1
    assert len(PlanDecision(action="ret", plan_id=big, sub=big, view=1).pack()) <= 64


async def _pairs_list(admin: TelegramUser) -> dict[str, Any]:
    admin.send("/pairs")
    return await admin.wait_message("Выберите пару")


@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, SECOND_ADMIN_ID])
async def test_an_admin_who_opens_the_bot_later_finds_the_plan_in_pairs_and_approves_it(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await start_everyone(admin)  # the second admin has not opened the bot yet: no copy
    mentor, sidorova, _ = await _people(bot_runner, fake_api)
    _, plan_id = await _plan_of(bot_runner, MENTEE_SIDOROVA)
    await _submit(mentor)
    copy = await admin.wait_message("План на утверждение")
    later = TelegramUser(fake_api, SECOND_ADMIN_ID, "Бакыт", "Осмонов")
    await start_everyone(later)
    assert not [m for m in later.messages() if "План на утверждение" in m.get("text", "")]

    listed = await _pairs_list(later)
    assert "1 план ждёт утверждения" in listed["text"]
    # Orlov comes before Sidorova by name; the pair whose plan waits comes first.
    assert later.inline_buttons(listed)[8:10] == [AWAITING + SIDOROVA_PAIR, ORLOV_PAIR]
    later.press(AWAITING + SIDOROVA_PAIR, listed)
    card = await later.wait_message("Состояние: активна")
    assert "План ждёт утверждения" in card["text"]
    later.press("📋 План", card)
    view = await later.wait_message("План: на утверждении")
    assert view["message_id"] == card["message_id"]
    assert set(DECISION) <= set(later.inline_buttons(view))
    assert not set(MENTOR_ONLY) & set(later.inline_buttons(view))

    later.press("✅ Утвердить", view)
    await later.wait_message("Вы утвердили план")
    shown = fake_api.message(SECOND_ADMIN_ID, view["message_id"])
    assert shown is not None and "План: утверждён" in shown["text"]
    assert not set(DECISION) & set(later.inline_buttons(shown))
    assert "⬅️ К карточке пары" in later.inline_buttons(shown)
    closed = await admin.wait_message("Осмонов Бакыт утвердил план")
    assert closed["message_id"] == copy["message_id"] and admin.inline_buttons(closed) == []
    await sidorova.wait_message("утверждён", since=0)

    # The view's button pressed again, as it was: decided, and by whom.
    later.press_data(_data(view, "✅ Утвердить"), view["message_id"])
    answer = await later.wait_answer_callback()
    assert "уже принято" in answer["text"] and "Осмонов Бакыт" in answer["text"]
    relisted = await _pairs_list(later)
    assert "ждёт утверждения" not in relisted["text"]
    assert later.inline_buttons(relisted)[8:10] == [ORLOV_PAIR, SIDOROVA_PAIR]
    told = [m for m in mentor.messages() if "утверждён" in m.get("text", "")]
    assert len(told) == 1
    async with bot_runner.app.db.read() as tx:
        plan = await tx.plans.get(plan_id)
    assert plan is not None and plan.status is PlanStatus.APPROVED


@pytest.mark.bot_settings(admin_ids=[ADMIN_ID, SECOND_ADMIN_ID])
async def test_a_plan_returned_from_the_admins_view_closes_every_copy(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    second = await _two_admins(fake_api, admin)
    mentor, _, _ = await _people(bot_runner, fake_api)
    _, plan_id = await _plan_of(bot_runner, MENTEE_SIDOROVA)
    await _submit(mentor)
    mine = await admin.wait_message("План на утверждение")
    theirs = await second.wait_message("План на утверждение")

    await open_pair_card(second, AWAITING + SIDOROVA_PAIR)
    second.press("📋 План")
    view = await second.wait_message("План: на утверждении")
    second.press("↩️ Вернуть на доработку", view)
    await second.wait_message("замечание к плану")
    second.send("Нет посещения уроков наставника")
    await second.wait_message("Вы вернули план на доработку")
    for someone, copy in ((admin, mine), (second, theirs)):
        closed = await someone.wait_message("Осмонов Бакыт вернул план на доработку", since=0)
        assert closed["message_id"] == copy["message_id"] and someone.inline_buttons(closed) == []
    told = await mentor.wait_message("Нет посещения уроков наставника", since=0)
    assert "возвращён на доработку" in told["text"]

    await open_pair_card(admin, SIDOROVA_PAIR)  # no longer marked
    admin.press("📋 План")
    returned = await admin.wait_message("План: возвращён на доработку")
    assert "Нет посещения уроков наставника" in returned["text"]
    assert not set(DECISION) & set(admin.inline_buttons(returned))
    async with bot_runner.app.db.read() as tx:
        plan = await tx.plans.get(plan_id)
    assert plan is not None and plan.status is PlanStatus.RETURNED

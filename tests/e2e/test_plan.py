"""The individual development plan: made from the template with every pair, seen by both
people, edited and submitted by the mentor, approved by an admin; milestones reported by the
mentee (with a file) and accepted or returned by the mentor; stale and forged presses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import MENTEE_ORLOV, MENTEE_SIDOROVA, MENTOR_IVANOVA, seed
from test_pairs import form_pair, person

from bot.domain.plans import shipped_template
from handlers.keyboards import MilestoneCb, PlanCb
from handlers.plan.view import PLAN_PAGE
from scheduler.clock import Clock, ManualClock
from storage.models import MilestoneStatus, PlanStatus

NOW = datetime(2026, 10, 5, 4, 0, tzinfo=UTC)
_PERIOD = "педагогическое;01.09.2026;30.06.2027;№ 1"
PAIRED = f"""ФИО;Роль;Telegram;ПЦК;Наставник;Вид;Начало;Окончание;Приказ
Иванова Анна Петровна;наставник;2001;ПЦК ИТ;;;;;
Смирнов Алексей Николаевич;наставник;2002;ПЦК электротехники;;;;;
Сидорова Мария Ивановна;наставляемая;3001;ПЦК ИТ;Иванова Анна Петровна;{_PERIOD}
Орлов Илья Сергеевич;наставляемый;3002;ПЦК ИТ;Иванова Анна Петровна;{_PERIOD}
"""
TEMPLATE_SIZE = len(shipped_template().milestones)


@pytest.fixture
def bot_clock() -> Clock:
    # 5 October 2026, 10:00 in Bishkek: the September milestones are overdue.
    return ManualClock(NOW)


async def _plan_of(runner: BotRunner, mentee_id: int) -> tuple[int, int]:
    """(pair id, plan id) of the mentee's active pair."""
    async with runner.app.db.read() as tx:
        mentee = await tx.people.by_telegram_id(mentee_id)
        assert mentee is not None
        (pair,) = await tx.pairs.active_for_person(mentee.id)
        plan = await tx.plans.for_pair(pair.id)
    assert plan is not None
    return pair.id, plan.id


async def _people(
    runner: BotRunner, api: FakeBotAPI
) -> tuple[TelegramUser, TelegramUser, TelegramUser]:
    await seed(runner.app, PAIRED)
    mentor = person(api, MENTOR_IVANOVA, "Иванова Анна Петровна")
    sidorova = person(api, MENTEE_SIDOROVA, "Сидорова Мария Ивановна")
    orlov = person(api, MENTEE_ORLOV, "Орлов Илья Сергеевич")
    await start_everyone(mentor, sidorova, orlov)
    return mentor, sidorova, orlov


async def test_the_import_gives_every_new_pair_its_plan_from_the_template(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    await seed(bot_runner.app, PAIRED)

    for mentee in (MENTEE_SIDOROVA, MENTEE_ORLOV):
        _, plan_id = await _plan_of(bot_runner, mentee)
        async with bot_runner.app.db.read() as tx:
            milestones = await tx.plans.milestones(plan_id)
        assert len(milestones) == TEMPLATE_SIZE
        assert all(m.status is MilestoneStatus.PLANNED for m in milestones)
        assert max(m.due for m in milestones).isoformat() == "2027-06-30"


async def test_pair_form_gives_the_new_pair_its_plan_and_the_mentee_sees_it(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    mentee = person(fake_api, MENTEE_SIDOROVA, "Сидорова Мария Ивановна")
    await start_everyone(mentee)
    await form_pair(admin, "Иванова Анна", "Сидорова Мария Ивановна", order=None)

    mentee.send("/plan")
    shown = await mentee.wait_message("Индивидуальный план")

    assert f"Принято 0 из {TEMPLATE_SIZE}" in shown["text"]
    assert "Изучение нормативных документов" in shown["text"]
    assert "План: черновик" in shown["text"]
    assert "➕ Добавить этап" not in mentee.inline_buttons()  # only the mentor edits


async def test_a_mentor_with_two_mentees_chooses_and_sees_overdue_milestones(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    mentor, _, _ = await _people(bot_runner, fake_api)

    mentor.send("/plan")
    await mentor.wait_message("Чей план открыть?")
    mentor.press("Орлов Илья Сергеевич", contains=True)
    shown = await mentor.wait_message("Наставляемый: Орлов Илья Сергеевич")

    assert "🔴 1. " in shown["text"] and "просрочен" in shown["text"]  # due 01.10.2026
    assert "⚪" in shown["text"] and "запланирован" in shown["text"]
    assert "➕ Добавить этап" in mentor.inline_buttons()
    if TEMPLATE_SIZE > PLAN_PAGE:
        assert "▶️" in " ".join(mentor.inline_buttons())


async def test_mentor_adds_a_milestone_submits_and_the_first_admin_approves(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await start_everyone(admin)
    mentor, sidorova, _ = await _people(bot_runner, fake_api)
    pair_id, plan_id = await _plan_of(bot_runner, MENTEE_SIDOROVA)

    mentor.send("/plan")
    await mentor.wait_message("Чей план открыть?")
    mentor.press("Сидорова Мария Ивановна", contains=True)
    await mentor.wait_message("Наставляемый: Сидорова")
    mentor.press("➕ Добавить этап")
    await mentor.wait_message("Название этапа")
    mentor.send("   ")  # three spaces: no title, not a title too long
    await mentor.wait_message("Название не может быть пустым")
    mentor.send("\u200b\u2066\u2069")  # nothing that can be seen either
    await mentor.wait_message("Название не может быть пустым")
    mentor.send("Участие\u200b в неделе ПЦК")
    await mentor.wait_message("Срок этапа")
    mentor.send("01.07.2027")  # after the pair's end
    await mentor.wait_message("в пределах пары")
    mentor.send("15.03.2027")
    await mentor.wait_message("Этап добавлен: Участие в неделе ПЦК, до 15.03.2027")

    mentor.send("/plan")
    await mentor.wait_message("Чей план открыть?")
    mentor.press("Сидорова Мария Ивановна", contains=True)
    whole = await mentor.wait_message("Наставляемый: Сидорова")
    last = TEMPLATE_SIZE + 1  # a plan of about ten steps shows them all on one page
    assert f"{last}. " in whole["text"] and f"{last}. " in " ".join(mentor.inline_buttons(whole))
    assert "▶️" not in " ".join(mentor.inline_buttons(whole))
    mentor.press("📤 Отправить на утверждение")
    answer = await mentor.wait_answer_callback()
    assert "отправлен" in answer["text"]

    copy = await admin.wait_message("План на утверждение")
    assert "Участие в неделе ПЦК" in copy["text"]
    admin.press("✅ Утвердить")
    await admin.wait_message("Вы утвердили план")
    await mentor.wait_message("утверждён", since=0)
    await sidorova.wait_message("утверждён")

    admin.press_data(PlanCb(action="ok", pair_id=pair_id, sub=1).pack(), copy["message_id"])
    second = await admin.wait_answer_callback()
    assert "уже принято" in second["text"]
    async with bot_runner.app.db.read() as tx:
        plan = await tx.plans.get(plan_id)
    assert plan is not None and plan.status is PlanStatus.APPROVED
    assert len(await _milestones(bot_runner, plan_id)) == TEMPLATE_SIZE + 1


async def _milestones(runner: BotRunner, plan_id: int) -> list[MilestoneStatus]:
    async with runner.app.db.read() as tx:
        return [m.status for m in await tx.plans.milestones(plan_id)]


async def _report_first_milestone(mentee: TelegramUser, comment: str, *, file: bool) -> None:
    mentee.send("/plan")
    await mentee.wait_message("Индивидуальный план")
    mentee.press("1. ", contains=True)
    await mentee.wait_message("Срок:")
    mentee.press("✅ Отметить выполнение")
    await mentee.wait_message("что сделано")
    mentee.send(comment)
    await mentee.wait_message("Приложите файл")
    if file:
        mentee.send_document(b"MZ", "setup.exe", "application/octet-stream")
        await mentee.wait_message("Такой файл не подходит")
        mentee.send_document(b"%PDF", "big.pdf", "application/pdf", file_size=21 * 1024 * 1024)
        await mentee.wait_message("Такой файл не подходит")
        mentee.send_document(b"%PDF-1.4 notes", "конспект.pdf", "application/pdf")
    else:
        mentee.press("Без файла")
    await mentee.wait_message("Отчёт отправлен наставнику")


async def test_a_report_with_a_file_is_accepted_and_a_second_press_changes_nothing(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    mentor, sidorova, _ = await _people(bot_runner, fake_api)
    _, plan_id = await _plan_of(bot_runner, MENTEE_SIDOROVA)

    await _report_first_milestone(sidorova, "Изучила устав и положение", file=True)

    report = await mentor.wait_message("отметила этап выполненным")
    assert "Изучила устав и положение" in report["text"]
    mentor.press("📎 Открыть файл", report)
    sent = await fake_api.wait_for(
        lambda: next((m for m in mentor.messages() if "document" in m), None), 5.0, "the file"
    )
    assert sent["document"]["file_name"] == "конспект.pdf"
    assert sent["caption"].startswith("📎 Отчёт Сидоровой Марии Ивановны по этапу «")
    mentor.press("✅ Принять", report)
    card = await mentor.wait_message("✅ Принят ")  # the report itself says the decision
    assert card["message_id"] == report["message_id"] and "reply_markup" not in card
    accepted = await sidorova.wait_message("Иванова Анна Петровна приняла этап")
    assert sidorova.inline_buttons(accepted) == ["📋 Открыть план"]

    mentor.press_data(MilestoneCb(action="acc", milestone_id=1, sub=1).pack(), report["message_id"])
    answer = await mentor.wait_answer_callback()
    assert "уже принято" in answer["text"]
    assert (await _milestones(bot_runner, plan_id)).count(MilestoneStatus.ACCEPTED) == 1
    sidorova.send("/plan")
    shown = await sidorova.wait_message("Индивидуальный план")
    assert f"Принято 1 из {TEMPLATE_SIZE}" in shown["text"]


async def test_a_report_returned_with_a_comment_survives_a_restart_mid_form(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    mentor, sidorova, _ = await _people(bot_runner, fake_api)
    _, plan_id = await _plan_of(bot_runner, MENTEE_SIDOROVA)
    await _report_first_milestone(sidorova, "Прочитала", file=False)
    report = await mentor.wait_message("отметила этап выполненным")

    mentor.press("↩️ Вернуть", report)
    await mentor.wait_message("что доработать")
    await bot_runner.restart()
    mentor.send("Добавьте конспект положения об аттестации")
    await mentor.wait_message("Возвращено с замечанием")
    (card,) = [m for m in mentor.messages() if m["message_id"] == report["message_id"]]
    assert "↩️ Возвращён " in card["text"] and "reply_markup" not in card  # the report says it

    told = await sidorova.wait_message("Иванова Анна Петровна вернула этап")
    assert "Добавьте конспект положения об аттестации" in told["text"]
    assert sidorova.inline_buttons(told) == ["📋 Открыть этап"]  # to report it again
    sidorova.press("📋 Открыть этап", told)
    await sidorova.wait_message("Срок:")
    assert MilestoneStatus.RETURNED in await _milestones(bot_runner, plan_id)
    # An old copy of the card's button (its buttons are gone): the report was returned.
    mentor.press_data(MilestoneCb(action="acc", milestone_id=1, sub=1).pack(), report["message_id"])
    answer = await mentor.wait_answer_callback()
    assert "уже принято" in answer["text"]


async def test_forged_presses_on_someone_elses_plan_change_nothing(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    _, sidorova, orlov = await _people(bot_runner, fake_api)
    pair_id, plan_id = await _plan_of(bot_runner, MENTEE_SIDOROVA)
    async with bot_runner.app.db.read() as tx:
        first = (await tx.plans.milestones(plan_id))[0]
    orlov.send("/plan")
    shown = await orlov.wait_message("Индивидуальный план")

    for data in (
        PlanCb(action="show", pair_id=pair_id).pack(),
        PlanCb(action="submit", pair_id=pair_id).pack(),
        MilestoneCb(action="done", milestone_id=first.id).pack(),
        MilestoneCb(action="rm", milestone_id=first.id).pack(),
    ):
        orlov.press_data(data, shown["message_id"])
        answer = await orlov.wait_answer_callback()
        assert "устарела" in answer["text"]
    # The mentee herself may not submit or remove: those are the mentor's.
    sidorova.press_data(PlanCb(action="submit", pair_id=pair_id).pack(), shown["message_id"])
    assert "устарела" in (await sidorova.wait_answer_callback())["text"]
    # An admin's decision on a plan never submitted is refused too.
    async with bot_runner.app.db.read() as tx:
        plan = await tx.plans.get(plan_id)
        count = len(await tx.plans.milestones(plan_id))
    assert plan is not None and plan.status is PlanStatus.DRAFT
    assert count == TEMPLATE_SIZE


async def test_longest_callback_data_fits() -> None:
    big = 2**31 - 1
    assert len(PlanCb(action="submit", pair_id=big, page=big, sub=big, form=big).pack()) <= 64
    assert len(MilestoneCb(action="nofile", milestone_id=big, sub=big, form=big).pack()) <= 64


async def test_after_approval_a_change_asks_for_a_reason_and_shows_in_the_history(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await start_everyone(admin)
    mentor, _, orlov = await _people(bot_runner, fake_api)
    _, plan_id = await _plan_of(bot_runner, MENTEE_ORLOV)
    async with bot_runner.app.db.transaction() as tx:
        await tx.plans.set_status(plan_id, PlanStatus.DRAFT, PlanStatus.SUBMITTED, NOW)
        await tx.plans.decide(plan_id, 1, PlanStatus.APPROVED, 1, None, NOW)

    mentor.send("/plan")
    await mentor.wait_message("Чей план открыть?")
    mentor.press("Орлов Илья Сергеевич", contains=True)
    await mentor.wait_message("План: утверждён")
    mentor.press("1. ", contains=True)
    await mentor.wait_message("Срок:")
    mentor.press("📅 Изменить срок")
    await mentor.wait_message("Срок этапа")
    mentor.send("02.11.2026")
    await mentor.wait_message("напишите причину изменения")
    for empty in ("   ", "—"):  # no reason: asked again, the form stays
        mentor.send(empty)
        again = await mentor.wait_message("Без причины утверждённый план не меняется")
        assert "✖️ Отмена" in mentor.inline_buttons(again)
    mentor.send("Перенос по болезни наставляемого")
    changed = await mentor.wait_message("Этап изменён")
    # The mentee works to the approved plan: the moved deadline is theirs to know.
    told = await orlov.wait_message("перенесла срок этапа")
    assert "с 01.10.2026 на 02.11.2026. Причина: Перенос по болезни наставляемого" in told["text"]
    assert orlov.inline_buttons(told) == ["📋 Открыть этап"]
    orlov.press("📋 Открыть этап", told)
    await orlov.wait_message("Срок: 02.11.2026")

    mentor.press("⬅️ К плану", changed)  # every change has the way back to the plan
    shown = await mentor.wait_message("Изменения после утверждения")
    assert "перенесён с 01.10.2026 на 02.11.2026" in shown["text"]
    assert "Перенос по болезни наставляемого" in shown["text"]
    assert "План: утверждён" in shown["text"]

"""Pairs: forming one with buttons, reassigning the mentor, ending it; notices to both people;
a form that survives a restart; forged and stale buttons that change nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import (
    MENTEE_ORLOV,
    MENTEE_SIDOROVA,
    MENTOR_IVANOVA,
    MENTOR_SMIRNOV,
    seed,
)

from bot.domain.pairing import reassign_mentor
from bot.domain.rules import MAX_NAME_LENGTH, default_pair_end
from storage.models import PairStatus, Role


def person(api: FakeBotAPI, user_id: int, name: str) -> TelegramUser:
    last, first = name.split(" ", 1)
    return TelegramUser(api, user_id, first, last)


async def fill_pair_form(
    admin: TelegramUser, mentor: str, mentee: str, *, order: str | None
) -> dict[str, Any]:
    """Walk /pair to its last step; returns the summary with the ✅ button."""
    admin.send("/pair")
    await admin.wait_message("Выберите наставника")
    admin.press(mentor, contains=True)
    await admin.wait_message("Выберите наставляемого")
    admin.press(mentee)
    await admin.wait_message("Вид наставничества")
    admin.press("педагогическое наставничество")
    await admin.wait_message("Дата начала")
    admin.press("Сегодня", contains=True)
    await admin.wait_message("Дата окончания")
    admin.press("Через год", contains=True)
    await admin.wait_message("Приказ о закреплении")
    if order is None:
        admin.press("без приказа")
    else:
        admin.send(order)
    return await admin.wait_message("Проверьте пару")


async def form_pair(admin: TelegramUser, mentor: str, mentee: str, *, order: str | None) -> None:
    await fill_pair_form(admin, mentor, mentee, order=order)
    admin.press("✅ Сформировать пару")
    await admin.wait_message("Пара сформирована")


async def open_pair_card(admin: TelegramUser, pair_button: str) -> dict[str, Any]:
    """/pairs, then the pair's card; returns the card."""
    admin.send("/pairs")
    await admin.wait_message("Выберите пару")
    admin.press(pair_button)
    return await admin.wait_message("Состояние: активна")


async def test_admin_forms_a_pair_and_both_people_are_told(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    mentor = person(fake_api, MENTOR_IVANOVA, "Иванова Анна Петровна")
    mentee = person(fake_api, MENTEE_SIDOROVA, "Сидорова Мария Ивановна")
    await start_everyone(mentor, mentee)

    await form_pair(admin, "Иванова Анна", "Сидорова Мария Ивановна", order="№ 112-к от 28.08.2026")

    await mentor.wait_message("Вы назначены наставником Сидоровой Марии Ивановны")
    notice = await mentee.wait_message("Вам назначен наставник: Иванова Анна Петровна")
    assert "№ 112-к от 28.08.2026" in notice["text"]
    assert mentee.inline_buttons(notice) == ["📋 Открыть план"]  # the next step
    mentee.press("📋 Открыть план", notice)
    await mentee.wait_message("Индивидуальный план")
    async with bot_runner.app.db.read() as tx:
        (pair,), _ = await tx.pairs.list_active()
    assert (pair.mentor_name, pair.mentee_name) == (
        "Иванова Анна Петровна",
        "Сидорова Мария Ивановна",
    )
    assert abs((pair.start - date.today()).days) <= 1  # "today" is Bishkek's date
    assert pair.end == default_pair_end(pair.start)


async def test_a_form_in_progress_survives_a_restart(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    admin.send("/pair")
    await admin.wait_message("Выберите наставника")
    admin.press("Иванова Анна", contains=True)
    await admin.wait_message("Выберите наставляемого")

    await bot_runner.restart()

    admin.press("Орлов Илья Сергеевич")
    await admin.wait_message("Вид наставничества")
    admin.press("педагогическое наставничество")
    await admin.wait_message("Дата начала")
    admin.send("01.09.2026")
    await admin.wait_message("Дата окончания")
    admin.send("30.06.2027")
    await admin.wait_message("Приказ о закреплении")
    admin.press("без приказа")
    summary = await admin.wait_message("Проверьте пару")
    assert "Иванова Анна Петровна" in summary["text"]
    assert "01.09.2026 – 30.06.2027" in summary["text"]


async def test_mentor_limit_refuses_a_third_mentee(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    await form_pair(admin, "Иванова Анна", "Сидорова Мария Ивановна", order=None)
    await form_pair(admin, "Иванова Анна", "Орлов Илья Сергеевич", order=None)

    admin.send("/pair")
    await admin.wait_message("Выберите наставника")
    assert any("Иванова Анна Петровна — 2 из 2" in b for b in admin.inline_buttons())
    admin.press("Иванова Анна Петровна — 2 из 2")
    answer = await admin.wait_answer_callback()
    assert "максимум" in answer["text"]


async def test_a_mentee_cannot_get_a_second_pair_of_the_same_kind(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    await form_pair(admin, "Иванова Анна", "Сидорова Мария Ивановна", order=None)

    admin.send("/pair")
    await admin.wait_message("Выберите наставника")
    admin.press("Смирнов Алексей", contains=True)
    picker = await admin.wait_message("Выберите наставляемого")
    assert "Сидорова Мария Ивановна · 🤝 есть наставник" in admin.inline_buttons(picker)
    assert "Орлов Илья Сергеевич" in admin.inline_buttons(picker)  # no pair yet: no mark
    admin.press("Сидорова Мария Ивановна · 🤝 есть наставник")
    await admin.wait_message("Вид наставничества")
    admin.press("педагогическое наставничество")
    answer = await admin.wait_answer_callback()
    assert "уже есть активная пара этого вида" in answer["text"]


async def test_reassigning_the_mentor_keeps_history_and_tells_all_three(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    old_mentor = person(fake_api, MENTOR_IVANOVA, "Иванова Анна Петровна")
    new_mentor = person(fake_api, MENTOR_SMIRNOV, "Смирнов Алексей Николаевич")
    mentee = person(fake_api, MENTEE_ORLOV, "Орлов Илья Сергеевич")
    await start_everyone(old_mentor, new_mentor, mentee)
    await form_pair(admin, "Иванова Анна", "Орлов Илья Сергеевич", order=None)

    admin.send("/pairs")
    listed = await admin.wait_message("Активна 1 пара")
    # Each pair of the page with its plan's progress and its last held meeting.
    assert "\nОрлов И. С. ← Иванова А. П.: ░░░░░ 0/" in listed["text"]
    assert listed["text"].endswith(" · встреч ещё не было")
    admin.press("Орлов Илья Сергеевич ← Иванова Анна Петровна")
    await admin.wait_message("Состояние: активна")
    admin.press("🔁 Сменить наставника")
    await admin.wait_message("Выберите нового наставника")
    admin.send("Смир")
    await admin.wait_message("Выберите из списка")
    assert admin.inline_buttons() == ["Смирнов Алексей Николаевич — 0 из 2", "✖️ Отмена"]
    admin.press("Смирнов Алексей Николаевич", contains=True)
    await admin.wait_message("Напишите причину")
    admin.send("Длительный больничный <наставника>")
    await admin.wait_message("Наставник сменён")

    await old_mentor.wait_message("наставляемого Орлова Илью Сергеевича передали")
    await new_mentor.wait_message("Прежний наставник: Иванова Анна Петровна")
    told = await mentee.wait_message("Ваш наставник сменился")
    assert "Длительный больничный <наставника>" in told["text"]  # escaped, shown as typed
    async with bot_runner.app.db.read() as tx:
        mentee_id = (await tx.people.by_telegram_id(MENTEE_ORLOV)).id  # type: ignore[union-attr]
        history = await tx.pairs.history(mentee_id)
    assert [p.status for p in history] == [PairStatus.REASSIGNED, PairStatus.ACTIVE]
    assert history[0].close_reason == "Длительный больничный <наставника>"
    assert history[1].previous_pair_id == history[0].id


async def test_ending_a_pair_early_needs_a_reason_and_tells_both(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    mentor = person(fake_api, MENTOR_IVANOVA, "Иванова Анна Петровна")
    mentee = person(fake_api, MENTEE_SIDOROVA, "Сидорова Мария Ивановна")
    await start_everyone(mentor, mentee)
    await form_pair(admin, "Иванова Анна", "Сидорова Мария Ивановна", order=None)

    await open_pair_card(admin, "Сидорова Мария Ивановна ← Иванова Анна Петровна")
    admin.press("⏹ Прекратить досрочно")
    await admin.wait_message("Напишите причину")
    admin.send("Увольнение наставляемого")
    await admin.wait_message("Пара прекращена")

    await mentor.wait_message("прекращена досрочно. Причина: Увольнение наставляемого")
    await mentee.wait_message("прекращена досрочно")
    admin.send("/pairs")
    empty = await admin.wait_message("Активных пар нет")
    admin.press("Прекращённые", empty)
    ended = await admin.wait_message("Пар: 1 (Прекращённые; Любой вид; ПЦК: все)")
    assert "Сидорова Мария Ивановна ← Иванова Анна Петровна" in admin.inline_buttons(ended)
    assert "• Прекращённые" in admin.inline_buttons(ended)


async def test_a_forged_callback_from_a_mentee_changes_nothing(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    await form_pair(admin, "Иванова Анна", "Сидорова Мария Ивановна", order=None)
    card = await open_pair_card(admin, "Сидорова Мария Ивановна ← Иванова Анна Петровна")
    end_button = next(
        button["callback_data"]
        for row in card["reply_markup"]["inline_keyboard"]
        for button in row
        if button["text"] == "🏁 Завершить (программа выполнена)"
    )
    confirm = end_button.replace(":complete", ":confirm")

    intruder = person(fake_api, MENTEE_ORLOV, "Орлов Илья Сергеевич")
    await start_everyone(intruder)
    intruder.press_data(confirm, message_id=card["message_id"])
    answer = await intruder.wait_answer_callback()

    assert "недоступна" in answer["text"]
    async with bot_runner.app.db.read() as tx:
        pairs, total = await tx.pairs.list_active()
    assert total == 1 and pairs[0].status is PairStatus.ACTIVE


async def test_garbage_callback_data_gets_an_answer(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    admin.send("/start")
    message = await admin.wait_message("Здравствуйте")
    admin.press_data("pa:not-a-number:show", message_id=message["message_id"])
    answer = await admin.wait_answer_callback()
    assert "устарела" in answer["text"]


async def test_cancel_leaves_the_pair_form(bot_runner: BotRunner, admin: TelegramUser) -> None:
    await seed(bot_runner.app)
    admin.send("/pair")
    await admin.wait_message("Выберите наставника")
    admin.send("/cancel")
    await admin.wait_message("Действие отменено")
    admin.send("Иванова")
    reply = await admin.wait_message("")
    assert "не понял" in reply["text"].lower()


async def test_a_picker_left_from_an_earlier_reassignment_does_not_act_on_the_current_one(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    await form_pair(admin, "Иванова Анна", "Сидорова Мария Ивановна", order=None)
    await form_pair(admin, "Смирнов Алексей", "Орлов Илья Сергеевич", order=None)

    async def open_reassign(pair_button: str) -> dict[str, object]:
        await open_pair_card(admin, pair_button)
        admin.press("🔁 Сменить наставника")
        return await admin.wait_message("Выберите нового наставника")

    first = await open_reassign("Сидорова Мария Ивановна ← Иванова Анна Петровна")
    await open_reassign("Орлов Илья Сергеевич ← Смирнов Алексей Николаевич")
    admin.press("Белов Дмитрий Игоревич — 0 из 2", first)  # type: ignore[arg-type]
    answer = await admin.wait_answer_callback()

    assert "устарела" in answer["text"]
    async with bot_runner.app.db.read() as tx:
        pairs, _ = await tx.pairs.list_active()
    assert sorted(p.mentor_name for p in pairs) == [
        "Иванова Анна Петровна",
        "Смирнов Алексей Николаевич",
    ]


async def reassign(admin: TelegramUser, pair_button: str, new_mentor: str, reason: str) -> None:
    await open_pair_card(admin, pair_button)
    admin.press("🔁 Сменить наставника")
    await admin.wait_message("Выберите нового наставника")
    admin.press(new_mentor, contains=True)
    await admin.wait_message("Напишите причину")
    admin.send(reason)


async def test_a_mistaken_reassignment_can_be_undone_the_same_day(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    await form_pair(admin, "Иванова Анна", "Орлов Илья Сергеевич", order=None)
    await reassign(admin, "Орлов Илья Сергеевич ← Иванова Анна Петровна", "Смирнов", "Ошибка")
    await admin.wait_message("Наставник сменён")
    await reassign(admin, "Орлов Илья Сергеевич ← Смирнов Алексей Николаевич", "Иванова", "Назад")
    await admin.wait_message("Наставник сменён")
    await reassign(admin, "Орлов Илья Сергеевич ← Иванова Анна Петровна", "Смирнов", "Снова")
    await admin.wait_message("Наставник сменён")

    async with bot_runner.app.db.read() as tx:
        (pair,), _ = await tx.pairs.list_active()
        history = await tx.pairs.history(pair.mentee_id)
    assert pair.mentor_name == "Смирнов Алексей Николаевич"
    assert len(history) == 4


async def test_reassigning_to_the_current_mentor_is_refused_with_a_reason(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    await form_pair(admin, "Иванова Анна", "Орлов Илья Сергеевич", order=None)
    await reassign(admin, "Орлов Илья Сергеевич ← Иванова Анна Петровна", "Иванова", "Так надо")
    refusal = await admin.wait_message("Наставник не изменён")
    assert "нынешний наставник" in refusal["text"]


async def test_an_empty_reason_is_asked_again(bot_runner: BotRunner, admin: TelegramUser) -> None:
    await seed(bot_runner.app)
    await form_pair(admin, "Иванова Анна", "Орлов Илья Сергеевич", order=None)
    await open_pair_card(admin, "Орлов Илья Сергеевич ← Иванова Анна Петровна")
    admin.press("⏹ Прекратить досрочно")
    await admin.wait_message("Напишите причину")
    admin.send("   ")
    await admin.wait_message("Причина не может быть пустой")
    admin.send("По заявлению наставляемого")
    await admin.wait_message("Пара прекращена")


async def test_a_double_tap_on_create_forms_one_pair_and_says_so(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    summary = await fill_pair_form(admin, "Иванова Анна", "Орлов Илья Сергеевич", order=None)

    admin.press("✅ Сформировать пару", summary)
    admin.press("✅ Сформировать пару", summary)
    await admin.wait_message("Пара сформирована")
    await bot_runner.settle()

    assert "Пара сформирована" in admin.last_message()["text"]
    async with bot_runner.app.db.read() as tx:
        _, total = await tx.pairs.list_active()
    assert total == 1


async def test_a_cancel_left_on_an_earlier_form_does_not_close_the_open_one(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    admin.send("/import")
    old_form = await admin.wait_message("Пришлите файл")
    admin.send("/pair")
    await admin.wait_message("Выберите наставника")

    admin.press("✖️ Отмена", old_form)
    answer = await admin.wait_answer_callback()

    assert "уже закрыта" in answer["text"]
    admin.press("Иванова Анна", contains=True)
    await admin.wait_message("Выберите наставляемого")


# --- texts that grow with data stay within one message ----------------------------------------


def long_name(first_word: str) -> str:
    """A full name of the greatest length a roster row may hold."""
    name = (first_word + " Константинопольская-Александровская" * 10)[:MAX_NAME_LENGTH]
    assert len(name) == MAX_NAME_LENGTH and not name.endswith((" ", "-"))
    return name


async def test_a_pair_card_with_long_names_and_a_long_history_fits_with_its_newest_entries(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    app = bot_runner.app
    assert app is not None
    mentee, first, second = long_name("Ученица"), long_name("Первая"), long_name("Вторая")
    rows = [f"{first};наставник", f"{second};наставник", f"{mentee};наставляемая"]
    await seed(app, "ФИО;Роль\n" + "\n".join(rows) + "\n")
    await form_pair(admin, "Первая", mentee, order="№ " + "<&> 112-к " * 19)
    async with app.db.read() as tx:
        mentors, _ = await tx.people.page(role=Role.MENTOR)
    first_id, second_id = (m.id for m in sorted(mentors, key=lambda m: m.full_name != first))
    for k in range(1, 12):  # eleven reassignments: eleven entries of history
        async with app.db.transaction() as tx:
            (pair,), _ = await tx.pairs.list_active()
            await reassign_mentor(
                tx,
                pair_id=pair.id,
                new_mentor_id=second_id if pair.mentor_id == first_id else first_id,
                reason=f"Причина {k:02d} <&> " + "очень длинное объяснение " * 19,
                today=date.today(),
                now=datetime.now(UTC),
                max_mentees_per_mentor=2,
                tz=UTC,
            )
    card = await open_pair_card(admin, f"{mentee} ← {second}")  # after an odd number of changes
    visible = card["text"]

    assert len(visible.encode("utf-16-le")) // 2 <= 4096
    assert "Причина 11 <&>" in visible  # the newest entry, shown as typed
    assert "Причина 01" not in visible
    shown = visible.count("Причина ")
    assert f"… и ещё {11 - shown} более ранн" in visible
    assert 3 <= shown < 10


# --- dates near the end of the range the form accepts ------------------------------------------


async def reach_start_step(admin: TelegramUser) -> None:
    admin.send("/pair")
    await admin.wait_message("Выберите наставника")
    admin.press("Иванова Анна", contains=True)
    await admin.wait_message("Выберите наставляемого")
    admin.press("Орлов Илья Сергеевич")
    await admin.wait_message("Вид наставничества")
    admin.press("педагогическое наставничество")
    await admin.wait_message("Дата начала")


async def test_the_offered_end_date_passes_the_forms_own_check_when_the_start_is_near_2100(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    await reach_start_step(admin)
    admin.send("15.06.2100")
    step = await admin.wait_message("Дата окончания")
    assert "Через год" not in " ".join(admin.inline_buttons(step))

    admin.press("Последняя возможная, 31.12.2100", step)
    await admin.wait_message("Приказ о закреплении")
    admin.press("без приказа")
    summary = await admin.wait_message("Проверьте пару")
    assert "15.06.2100 – 31.12.2100" in summary["text"]
    admin.press("✅ Сформировать пару")
    await admin.wait_message("Пара сформирована")
    async with bot_runner.app.db.read() as tx:  # type: ignore[union-attr]
        (pair,), _ = await tx.pairs.list_active()
    assert (pair.start, pair.end) == (date(2100, 6, 15), date(2100, 12, 31))


async def test_an_end_past_the_range_is_refused_and_the_last_day_is_offered(
    bot_runner: BotRunner, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    await reach_start_step(admin)
    admin.send("31.12.2100")
    step = await admin.wait_message("Дата окончания")
    assert "Последняя возможная, 31.12.2100" in admin.inline_buttons(step)

    admin.send("01.01.2101")
    await admin.wait_message("Не понял дату")
    admin.press("Последняя возможная, 31.12.2100", step)
    await admin.wait_message("Приказ о закреплении")

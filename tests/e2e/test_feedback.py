"""The effectiveness questionnaires through the real app: the mid-period round opens at 09:00
on the pair's middle day, both people rate item by item in one message edited in place, then a
comment or done; the mentee shows the comment to the mentor; forged and foreign presses change
nothing; an admin asks for a round from the pair's card; a form left open is reminded once
(switchable); /stats and /export carry the answers."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
import pytest
import test_pair_reminders
from conftest import BotRunner
from people import TelegramUser
from test_reminders import NOW, _app, _at, _nobody_else, _with

from bot.domain.feedback import ask_now, mid_day
from bot.domain.notify import NoticeKind
from bot.domain.pairing import close_pair
from bot.domain.reminder_settings import switch_reminder
from handlers.keyboards import FeedbackCb, PairCard
from handlers.links import LINKS
from scheduler.clock import ManualClock
from storage.models import PairStatus

# /stats and the files are made in a child process: starting it on a busy machine takes a while.
CHILD = 30.0

people = test_pair_reminders.people  # Иванова–Сидорова 20.01–30.06.2027; Смирнов–Орлов
MIDDLE = mid_day(date(2027, 1, 20), date(2027, 6, 30))


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(NOW)


async def _forms(bot_runner: BotRunner) -> dict[str, int]:
    async with _app(bot_runner).db.read() as tx:
        rows = await tx.conn.execute_fetchall("SELECT side, id FROM feedback_forms ORDER BY id")
    return {row[0]: row[1] for row in rows}


async def _scores(bot_runner: BotRunner, form_id: int) -> dict[str, int]:
    async with _app(bot_runner).db.read() as tx:
        form = await tx.feedback.get(form_id)
    assert form is not None
    return form.scores


async def _rate(who: TelegramUser, form: dict[str, Any], scores: list[int]) -> dict[str, Any]:
    """Press the scores one by one on the same message, each edit awaited."""
    for number, score in enumerate(scores, start=1):
        who.press(str(score), form["message_id"])
        form = await who.wait_message(f"{number}. ")
        assert f": {score}" in form["text"].split("\n")[1 + number]
    return form


async def test_the_mid_period_round_is_rated_in_place_and_commented(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    mentor, mentee, admin = people["mentor"], people["mentee"], people["admin"]
    assert MIDDLE == date(2027, 4, 10)
    await _at(bot_runner, bot_clock, 2027, 4, 10, 8, 59)
    _nobody_else(people, "Анкета:")
    await _at(bot_runner, bot_clock, 2027, 4, 10, 9, 0, 30)
    _nobody_else(people, "Анкета: середина срока наставничества", "mentor", "mentee")
    # The pair's report for the council is offered to its mentor and the admins then too.
    _nobody_else(people, "отчёт для педсовета готов", "mentor", "admin")
    offer = _with(admin, "отчёт для педсовета готов")
    assert (
        "Пара Иванова Анна Петровна — Сидорова Мария Ивановна подошла к середине срока"
        in (offer["text"])
    )
    assert "📄 Отчёт для педсовета (DOCX)" in " ".join(admin.inline_buttons(offer))
    form = _with(mentee, "Анкета: середина срока")
    assert "Как вам работается с наставником — Ивановой Анной Петровной?" in form["text"]
    assert "▶️ 1. Довольны ли вы поддержкой наставника" in form["text"]
    assert mentee.inline_buttons(form) == ["1", "2", "3", "4", "5"]

    form = await _rate(mentee, form, [4, 5, 3])
    mentee.press("⬅️ Изменить предыдущую оценку", form["message_id"])
    form = await mentee.wait_message("▶️ 3. Полезны ли консультации")
    assert "✅ 3" in mentee.inline_buttons(form)  # the score given is marked
    mentee.press("5", form["message_id"])
    form = await mentee.wait_message("▶️ 4. Насколько увереннее")
    mentee.press("4", form["message_id"])
    form = await mentee.wait_message("Все оценки поставлены")
    assert mentee.inline_buttons(form) == [
        "✍️ Добавить комментарий",
        "✅ Готово, без комментария",
        "⬅️ Изменить предыдущую оценку",
    ]
    ids = await _forms(bot_runner)
    assert await _scores(bot_runner, ids["mentee"]) == {
        "support": 4, "availability": 5, "usefulness": 5, "confidence": 4,
    }  # fmt: skip

    # Forged presses: the mentor on the mentee's form, a score out of range, an item that
    # is not there; the admin on anyone's. Nothing changes.
    mentor_form = _with(mentor, "Анкета: середина срока")
    for who, data in (
        (mentor, FeedbackCb(form=ids["mentee"], act="s", item=0, score=1)),
        (mentor, FeedbackCb(form=ids["mentor"], act="s", item=0, score=9)),
        (mentor, FeedbackCb(form=ids["mentor"], act="s", item=7, score=3)),
        (mentor, FeedbackCb(form=ids["mentee"], act="d")),
        (mentor, FeedbackCb(form=ids["mentor"], act="d")),  # not every item rated yet
        (admin, FeedbackCb(form=ids["mentor"], act="s", item=0, score=2)),
    ):
        who.press_data(data.pack(), mentor_form["message_id"])
        assert (await who.wait_answer_callback())["show_alert"], data
    assert (await _scores(bot_runner, ids["mentee"]))["support"] == 4
    assert await _scores(bot_runner, ids["mentor"]) == {}

    mentee.press("✍️ Добавить комментарий", form["message_id"])
    await mentee.wait_message("Напишите комментарий одним сообщением")
    mentee.send("Анна Петровна всегда находит время, спасибо!")
    done = await mentee.wait_message("Спасибо, анкета сохранена")
    assert "Ваш комментарий: «Анна Петровна всегда находит время, спасибо!»" in done["text"]
    assert mentee.inline_buttons(done) == ["👁 Показать комментарий наставнику"]
    assert not [m for m in mentor.messages() if "комментарий из анкеты" in (m.get("text") or "")]
    mentee.press("👁 Показать комментарий наставнику", done["message_id"])
    shared = await mentor.wait_message("показывает вам свой комментарий из анкеты")
    assert "Сидорова Мария Ивановна" in shared["text"]
    assert "«Анна Петровна всегда находит время, спасибо!»" in shared["text"]
    await mentee.wait_message("Комментарий показан наставнику")
    mentee.press_data(FeedbackCb(form=ids["mentee"], act="sh").pack(), done["message_id"])
    assert (await mentee.wait_answer_callback())["show_alert"]  # shown once

    assert "Оцените продвижение Сидоровой Марии Ивановны" in mentor_form["text"]
    form = await _rate(mentor, mentor_form, [4, 4, 3, 5, 4])
    mentor.press("✅ Готово, без комментария", form["message_id"])
    await mentor.wait_message("Анкета заполнена")
    mentor.press_data(FeedbackCb(form=ids["mentor"], act="s", item=0, score=1).pack(), 1)
    assert (await mentor.wait_answer_callback())["show_alert"]  # done: no more changes

    admin.send("/stats 01.01.2027 30.06.2027")
    stats = await admin.wait_message("Наставничество за", timeout=CHILD)
    assert (
        "• анкеты наставляемых (1): поддержка 4,0 · доступность 5,0 · польза встреч 5,0"
        " · уверенность 4,0" in stats["text"]
    )
    assert (
        "• анкеты наставников (1): планирование 4,0 · методы 4,0 · управление группой 3,0"
        " · документация 5,0 · самообразование 4,0" in stats["text"]
    )
    assert "• комментариев в анкетах: 1 — читайте их в /export" in stats["text"]
    admin.send("/export 01.01.2027 30.06.2027")
    book = openpyxl.load_workbook(io.BytesIO((await admin.wait_document(timeout=30)).data))
    rows = list(book["Анкеты"].iter_rows(values_only=True))
    assert rows[0][:7] == (
        "№ пары", "Наставник", "Наставляемый", "ПЦК", "Анкета", "Кто отвечал", "Заполнена",
    )  # fmt: skip
    by_side = {row[5]: row for row in rows[1:]}
    assert set(by_side) == {"наставляемый", "наставник"}
    mentee_row = by_side["наставляемый"]
    assert mentee_row[4] == "середина срока наставничества"
    assert mentee_row[7:11] == (4, 5, 5, 4) and mentee_row[11:16] == (None,) * 5
    assert mentee_row[16:] == ("Анна Петровна всегда находит время, спасибо!", "да")
    assert by_side["наставник"][11:16] == (4, 4, 3, 5, 4)


async def test_an_admin_asks_from_the_card_and_an_open_form_is_reminded_once(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    mentor, mentee, admin = people["mentor"], people["mentee"], people["admin"]
    async with _app(bot_runner).db.transaction() as tx:
        person = await tx.people.by_telegram_id(mentor.id)
        assert person is not None
        await switch_reminder(tx, person.id, NoticeKind.FEEDBACK_REMIND, False, bot_clock.now())
    admin.send("/pairs")
    listed = await admin.wait_message("Активны 2 пары")
    admin.press("Сидорова", listed, contains=True)
    card = await admin.wait_message("Наставник: Иванова Анна Петровна")
    admin.press("📝 Запросить анкеты сейчас", card)
    await admin.wait_message("Анкеты отправлены: Ивановой Анне Петровне и Сидоровой Марии")
    asked = "Анкета: по запросу методиста 20.01.2027"
    form = await mentee.wait_message(asked)
    await mentor.wait_message(asked)
    admin.press("📝 Запросить анкеты сейчас", card)
    assert "ещё ждут ответа" in (await admin.wait_answer_callback())["text"]
    for who in (mentor, mentee):
        who.press_data(PairCard(pair_id=1, action="feedback").pack(), form["message_id"])
        assert (await who.wait_answer_callback())["show_alert"]

    await _at(bot_runner, bot_clock, 2027, 1, 23, 9, 59)
    _nobody_else(people, "вас ждёт анкета")
    await _at(bot_runner, bot_clock, 2027, 1, 23, 10, 0, 30)
    _nobody_else(people, "вас ждёт анкета", "mentee")  # the mentor switched it off
    reminded = _with(mentee, "вас ждёт анкета")
    assert "С 20.01.2027 вас ждёт анкета (по запросу методиста 20.01.2027)" in reminded["text"]
    mentee.press("📝 Заполнить анкету", reminded)
    again = await mentee.wait_message("▶️ 1. Довольны ли вы поддержкой")
    assert again["message_id"] != form["message_id"]
    await _at(bot_runner, bot_clock, 2027, 1, 30, 10, 0)
    _nobody_else(people, "вас ждёт анкета", "mentee")  # once


async def test_a_round_asked_at_night_is_not_sent_for_a_pair_ended_before_morning(
    bot_runner: BotRunner, people: dict[str, TelegramUser], bot_clock: ManualClock
) -> None:
    app = _app(bot_runner)
    await _at(bot_runner, bot_clock, 2027, 1, 20, 22, 0)  # quiet hours: notices wait
    async with app.db.transaction() as tx:
        person = await tx.people.by_telegram_id(people["mentee"].id)
        assert person is not None
        pair = (await tx.pairs.active_for_person(person.id))[0]
        await ask_now(tx, pair, bot_clock.now(), app.settings.tz, LINKS)
        await close_pair(
            tx, pair_id=pair.id, status=PairStatus.ENDED, reason="Увольнение",
            now=bot_clock.now(), tz=app.settings.tz,
        )  # fmt: skip
    await _at(bot_runner, bot_clock, 2027, 1, 21, 8, 30)
    _nobody_else(people, "Анкета:")

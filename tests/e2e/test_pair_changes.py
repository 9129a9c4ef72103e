"""What a pair's work does when the pair changes: on a new mentor the open questions go on
with them (the old mentor's copy loses 💬) and the meetings ahead with the old mentor are
cancelled; an ended pair's meetings ahead are cancelled; both sides are told and the buttons
on their messages go."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import MENTEE_ORLOV, MENTOR_IVANOVA, MENTOR_SMIRNOV, seed
from test_pairs import form_pair, open_pair_card, person

from scheduler.clock import ManualClock
from storage.models import MeetingFormat, MeetingStatus, QuestionStatus

BISHKEK = ZoneInfo("Asia/Bishkek")
NOW = datetime(2027, 1, 20, 10, 0, tzinfo=BISHKEK)
PAIR = "Орлов Илья Сергеевич ← Иванова Анна Петровна"


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(NOW)


async def _statuses(runner: BotRunner) -> tuple[list[MeetingStatus], list[QuestionStatus]]:
    assert runner.app is not None
    async with runner.app.db.read() as tx:
        meetings = await tx.conn.execute_fetchall("SELECT status FROM meetings ORDER BY id")
        questions = await tx.conn.execute_fetchall("SELECT status FROM questions ORDER BY id")
    return [MeetingStatus(r[0]) for r in meetings], [QuestionStatus(r[0]) for r in questions]


async def _pair_with_work(
    runner: BotRunner, api: FakeBotAPI, admin: TelegramUser
) -> tuple[TelegramUser, TelegramUser, TelegramUser, dict[str, Any], dict[str, Any]]:
    """Ivanova mentors Orlov, who has asked a question and proposed a meeting ahead."""
    await seed(runner.app)
    old = person(api, MENTOR_IVANOVA, "Иванова Анна Петровна")
    new = person(api, MENTOR_SMIRNOV, "Смирнов Алексей Николаевич")
    mentee = person(api, MENTEE_ORLOV, "Орлов Илья Сергеевич")
    await start_everyone(old, new, mentee)
    await form_pair(admin, "Иванова Анна", "Орлов Илья Сергеевич", order=None)
    await mentee.wait_message("Вам назначен наставник", since=0)
    mentee.send("/ask Как вести журнал?")
    await mentee.wait_message("Вопрос отправлен")
    copy = await old.wait_message("Как вести журнал?")
    mentee.send("/meet 25.01.2027 15:00 Разбор КТП")
    await mentee.wait_message("Форма работы")
    mentee.press("консультация")
    await mentee.wait_message("Приглашение отправлено")
    invite = await old.wait_message("приглашает на встречу")
    return old, new, mentee, copy, invite


async def test_a_new_mentor_takes_over_the_open_questions_and_the_old_meetings_are_cancelled(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    old, new, mentee, copy, invite = await _pair_with_work(bot_runner, fake_api, admin)
    proposal = mentee.last_message()

    await open_pair_card(admin, PAIR)
    admin.press("🔁 Сменить наставника")
    await admin.wait_message("Выберите нового наставника")
    admin.press("Смирнов Алексей Николаевич", contains=True)
    await admin.wait_message("Напишите причину")
    admin.send("Длительный больничный")
    await admin.wait_message("Наставник сменён")

    handed = await old.wait_message("вопрос передан Смирнову Алексею Николаевичу")
    assert handed["message_id"] == copy["message_id"] and "reply_markup" not in handed
    retired = await old.wait_message("кнопки больше не действуют")
    assert retired["message_id"] == invite["message_id"] and "reply_markup" not in retired
    await old.wait_message("у пары сменился наставник")
    await mentee.wait_message("у пары сменился наставник")
    mentee.press("🚫 Отменить встречу", proposal)  # the proposer's own copy is stale now
    assert (await mentee.wait_answer_callback())["show_alert"]
    old_button = copy["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    old.press_data(old_button, copy["message_id"])  # an old 💬 kept on screen
    assert (await old.wait_answer_callback())["show_alert"]

    new.send("/questions")
    listing = await new.wait_message("Открыт 1 вопрос")
    assert "Как вести журнал?" in listing["text"]
    new.press("💬 1. Орлов Илья Сергеевич", listing)
    await new.wait_message("Напишите ответ")
    new.send("Я покажу образец")
    await new.wait_message("Ответ отправлен")
    answer = await mentee.wait_message("Ответ от Смирнова Алексея Николаевича")
    assert "Я покажу образец" in answer["text"]
    assert await _statuses(bot_runner) == ([MeetingStatus.CANCELLED], [QuestionStatus.ANSWERED])


async def test_an_ended_pair_keeps_no_meetings_ahead_and_both_sides_are_told(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    mentor, _, mentee, copy, invite = await _pair_with_work(bot_runner, fake_api, admin)
    mentor.press("✅ Подтвердить", invite)
    await mentor.wait_message("Встреча подтверждена")
    told = await mentee.wait_message("подтвердила встречу")

    await open_pair_card(admin, PAIR)
    admin.press("⏹ Прекратить досрочно")
    await admin.wait_message("Напишите причину")
    admin.send("Увольнение наставляемого")
    await admin.wait_message("Пара прекращена")

    await mentor.wait_message("пара наставничества закрыта")
    await mentee.wait_message("пара наставничества закрыта")
    retired = await mentee.wait_message("кнопки больше не действуют")
    assert retired["message_id"] == told["message_id"] and "reply_markup" not in retired
    closed = await mentor.wait_message("ответить на вопрос уже нельзя")
    assert closed["message_id"] == copy["message_id"] and "reply_markup" not in closed
    await mentor.wait_message("кнопки больше не действуют")  # the invitation it answered
    mentor.press_data("mt:1:1:cancel", invite["message_id"])
    assert (await mentor.wait_answer_callback())["show_alert"]
    assert await _statuses(bot_runner) == ([MeetingStatus.CANCELLED], [QuestionStatus.OPEN])


async def _held(runner: BotRunner, pair_id: int, count: int, first_day: int) -> None:
    """Held meetings written as the journal keeps them (one a day, 45 minutes each)."""
    assert runner.app is not None
    async with runner.app.db.transaction() as tx:
        pair = await tx.pairs.get(pair_id)
        assert pair is not None
        for k in range(count):
            meeting = await tx.meetings.add(
                pair_id=pair_id,
                proposed_by=pair.mentor_id,
                starts_at=datetime(2026, 10, first_day + k, 14, 0, tzinfo=BISHKEK),
                duration_min=45,
                format=MeetingFormat.CONSULTATION,
                topic=f"Тема {first_day + k}",
                logged=True,
                content="Разбор",
                result=None,
                task=None,
                now=NOW,
            )
            await tx.meetings.change(meeting, NOW, status=MeetingStatus.HELD.value)


async def test_an_admin_reads_a_pairs_journal_from_its_card_and_its_earlier_mentors_too(
    bot_runner: BotRunner, fake_api: FakeBotAPI, admin: TelegramUser
) -> None:
    await seed(bot_runner.app)
    old = person(fake_api, MENTOR_IVANOVA, "Иванова Анна Петровна")
    mentee = person(fake_api, MENTEE_ORLOV, "Орлов Илья Сергеевич")
    await start_everyone(old, mentee)
    await form_pair(admin, "Иванова Анна", "Орлов Илья Сергеевич", order=None)
    await _held(bot_runner, 1, 6, 1)
    await open_pair_card(admin, PAIR)
    await reassign_in_the_bot(admin)
    await _held(bot_runner, 2, 4, 20)

    card = await open_pair_card(admin, "Орлов Илья Сергеевич ← Смирнов Алексей Николаевич")
    assert admin.inline_buttons(card)[-3:] == [
        "📒 Журнал",
        "📄 Отчёт для педсовета (DOCX)",
        "⬅️ Назад",
    ]
    admin.press("📒 Журнал", card)
    journal = await admin.wait_message("Журнал наставничества")
    assert journal["message_id"] == card["message_id"]  # read in place of the card
    assert "Всего: 10 встреч, 7 часов 30 минут" in journal["text"]
    assert "Наставник: Иванова Анна Петровна" in journal["text"]  # the earlier mentor's part
    assert "Тема 1\n" in journal["text"] and "Тема 22" not in journal["text"]
    admin.press("▶️", journal)
    second = await admin.wait_message("Тема 22")
    assert "Наставник: Смирнов Алексей Николаевич" in second["text"]
    assert all("mt:" not in b for b in admin.inline_buttons(second))  # read-only
    admin.press("⬅️ К карточке пары", second)
    back = await admin.wait_message("Состояние: активна")
    assert back["message_id"] == card["message_id"]

    mentee.press_data("ja:2:0", mentee.last_message()["message_id"])  # not an admin
    assert (await mentee.wait_answer_callback())["show_alert"]
    admin.press_data("ja:999:0", card["message_id"])  # no such pair
    assert (await admin.wait_answer_callback())["show_alert"]
    await bot_runner.settle()
    assert fake_api.message(admin.id, card["message_id"])["text"] == back["text"]


async def reassign_in_the_bot(admin: TelegramUser) -> None:
    admin.press("🔁 Сменить наставника")
    await admin.wait_message("Выберите нового наставника")
    admin.press("Смирнов Алексей Николаевич", contains=True)
    await admin.wait_message("Напишите причину")
    admin.send("Длительный больничный")
    await admin.wait_message("Наставник сменён")

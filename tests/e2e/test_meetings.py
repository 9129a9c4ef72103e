"""Meetings and the journal: a quick /meet confirmed and held shows in the journal with its
hours; decline; another time; a past meeting logged and confirmed; refusals that keep the
form; forged, stale and double presses; a form that survives a restart; the calendar."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import MENTEE_ORLOV, MENTEE_SIDOROVA, MENTOR_IVANOVA, seed

from bot.domain.pairing import create_pair
from bot.domain.reminders import queue_held_question
from handlers.links import LINKS
from scheduler.clock import ManualClock
from storage.models import MeetingStatus, PairKind

BISHKEK = ZoneInfo("Asia/Bishkek")
NOW = datetime(2027, 1, 20, 10, 0, tzinfo=BISHKEK)


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(NOW)


async def _pair(runner: BotRunner, mentor_tg: int, mentee_tg: int) -> int:
    app = runner.app
    assert app is not None
    async with app.db.transaction() as tx:
        mentor = await tx.people.by_telegram_id(mentor_tg)
        mentee = await tx.people.by_telegram_id(mentee_tg)
        assert mentor and mentee
        pair = await create_pair(
            tx,
            mentor_id=mentor.id,
            mentee_id=mentee.id,
            kind=PairKind.PEDAGOGICAL,
            start=date(2026, 9, 1),
            end=date(2027, 6, 30),
            order_ref=None,
            now=app.clock.now(),
            max_mentees_per_mentor=2,
        )
    app.sender.wake()
    return pair.id


@pytest.fixture
async def people(bot_runner: BotRunner, fake_api: FakeBotAPI) -> tuple[TelegramUser, TelegramUser]:
    assert bot_runner.app is not None
    await seed(bot_runner.app)
    mentor = TelegramUser(fake_api, MENTOR_IVANOVA, "Анна", "Иванова")
    mentee = TelegramUser(fake_api, MENTEE_SIDOROVA, "Мария", "Сидорова")
    await start_everyone(mentor, mentee)
    await _pair(bot_runner, MENTOR_IVANOVA, MENTEE_SIDOROVA)
    await mentee.wait_message("Вам назначен наставник", since=0)
    await mentor.wait_message("Вы назначены наставником", since=0)
    return mentor, mentee


async def _propose(who: TelegramUser, args: str, fmt: str = "консультация") -> None:
    who.send(f"/meet {args}")
    await who.wait_message("Форма работы")
    who.press(fmt)
    await who.wait_message("Приглашение отправлено")


async def _statuses(runner: BotRunner) -> list[MeetingStatus]:
    assert runner.app is not None
    async with runner.app.db.read() as tx:
        rows = await tx.conn.execute_fetchall("SELECT id FROM meetings ORDER BY id")
        found = [await tx.meetings.get(int(row[0])) for row in rows]
    return [m.status for m in found if m is not None]


async def test_a_quick_meet_confirmed_and_held_shows_in_the_journal_with_its_hours(
    bot_runner: BotRunner, people: tuple[TelegramUser, TelegramUser], bot_clock: ManualClock
) -> None:
    mentor, mentee = people
    await _propose(mentee, "25.01.2027 15:00 Разбор КТП")
    invite = await mentor.wait_message("приглашает на встречу")
    assert "25.01.2027 в 15:00, консультация: «Разбор КТП»" in invite["text"]
    mentor.press("✅ Подтвердить")
    await mentor.wait_message("Встреча подтверждена")
    await mentee.wait_message("подтвердила встречу")

    # What the scheduler will call once the meeting's planned end has passed.
    bot_clock.set(datetime(2027, 1, 25, 16, 30, tzinfo=BISHKEK))
    app = bot_runner.app
    assert app is not None
    async with app.db.transaction() as tx:
        meeting = await tx.meetings.get(1)
        assert meeting is not None
        assert await queue_held_question(tx, meeting, bot_clock.now(), app.settings.tz, LINKS)
    app.sender.wake()
    await mentor.wait_message("Состоялась ли встреча")
    await mentee.wait_message("Состоялась ли встреча")
    mentor.press("✅ Состоялась")
    await mentor.wait_message("Сколько минут")
    mentor.press("90 мин")
    await mentor.wait_message("Что было сделано")
    mentor.send("Разобрали КТП по информатике")
    await mentor.wait_message("Результат / рекомендации")
    mentor.send("КТП согласована, добавить часы практики")
    await mentor.wait_message("Задание наставляемому")
    mentor.send("Исправить КТП к пятнице")
    await mentor.wait_message("записана в журнал")
    told = await mentee.wait_message("она в журнале")
    assert "отметила, что встреча состоялась" in told["text"]
    assert "Задание: Исправить КТП к пятнице" in told["text"]  # the task, not only the fact
    assert "Результат: КТП согласована, добавить часы практики" in told["text"]
    mentee.press("✅ Состоялась")  # the other side's question is answered already
    assert (await mentee.wait_answer_callback())["show_alert"]

    mentee.send("/journal")
    journal = await mentee.wait_message("Журнал наставничества")
    text = journal["text"]
    assert "Всего: 1 встреча, 1 час 30 минут" in text
    assert "январь 2027: 1 час 30 минут" in text
    assert "Разобрали КТП по информатике" in text and "Исправить КТП к пятнице" in text
    assert "Результат: КТП согласована, добавить часы практики" in text
    assert await _statuses(bot_runner) == [MeetingStatus.HELD]


async def test_the_invited_side_declines_and_the_proposer_is_told(
    bot_runner: BotRunner, people: tuple[TelegramUser, TelegramUser]
) -> None:
    mentor, mentee = people
    await _propose(mentor, "26.01.2027 10:00 Посещение урока", "посещение урока наставляемого")
    await mentee.wait_message("приглашает на встречу")
    mentee.press("❌ Отклонить")
    await mentee.wait_message("Встреча отклонена")
    await mentor.wait_message("отклонила встречу")
    assert await _statuses(bot_runner) == [MeetingStatus.DECLINED]


async def test_another_time_goes_back_the_other_way_and_a_past_moment_is_refused(
    bot_runner: BotRunner, people: tuple[TelegramUser, TelegramUser]
) -> None:
    mentor, mentee = people
    await _propose(mentee, "25.01.2027 15:00 Разбор КТП")
    await mentor.wait_message("приглашает на встречу")
    mentor.press("🕒 Другое время")
    await mentor.wait_message("Пришлите новое время")
    mentor.send("19.01.2027 10:00")
    await mentor.wait_message("это время уже прошло")
    mentor.send("27.01.2027 11:30")
    await mentor.wait_message("Вы предложили другое время")
    offer = await mentee.wait_message("предлагает другое время")
    assert "27.01.2027 в 11:30" in offer["text"]
    mentor.press("✅ Подтвердить")  # the old invitation is stale now
    assert (await mentor.wait_answer_callback())["show_alert"]
    mentee.press("✅ Подтвердить")
    await mentor.wait_message("подтвердила встречу")
    assert await _statuses(bot_runner) == [MeetingStatus.CONFIRMED]


async def test_a_past_meeting_is_logged_with_what_is_missing_and_confirmed(
    bot_runner: BotRunner, people: tuple[TelegramUser, TelegramUser]
) -> None:
    mentor, mentee = people
    mentor.send("/meet 15.01.2027 14:00 Анализ открытого урока")
    await mentor.wait_message("Форма работы")
    mentor.press("анализ урока")
    await mentor.wait_message("Сколько минут")
    mentor.send("45")
    await mentor.wait_message("Что было сделано")
    mentor.send("Разобрали урок по протоколу")
    step = await mentor.wait_message("Результат / рекомендации")
    mentor.press("Пропустить", step)
    await mentor.wait_message("Задание наставляемому")
    skip = step["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    mentor.press_data(skip, step["message_id"])  # pressed again: stale, changes nothing
    assert (await mentor.wait_answer_callback())["show_alert"]
    mentor.press("Без задания")
    await mentor.wait_message("Встреча записана")
    ask = await mentee.wait_message("записала прошедшую встречу")
    assert "45 минут" in ask["text"] and "Результат: —" in ask["text"]
    mentee.press("✅ Подтвердить")
    await mentee.wait_message("записана в журнал")
    await mentor.wait_message("она в журнале")
    mentor.send("/journal")
    journal = await mentor.wait_message("Журнал наставничества")
    assert "1 встреча, 45 минут" in journal["text"]


async def test_clash_and_outside_period_are_refused_and_the_form_stays(
    bot_runner: BotRunner, people: tuple[TelegramUser, TelegramUser]
) -> None:
    mentor, mentee = people
    await _propose(mentee, "25.01.2027 15:00 Разбор КТП")
    mentor.send("/meet 25.01.2027 15:30 Ещё одна")
    await mentor.wait_message("уже есть встреча")
    mentor.send("17:00")  # still at the time step
    await mentor.wait_message("Форма работы")
    mentor.send("/meet 01.08.2027 10:00 Летом")
    await mentor.wait_message("вне срока наставничества")
    mentor.send("99.99.2027")
    await mentor.wait_message("Не понял дату")
    mentor.send("28.01.2027")  # still at the date step
    await mentor.wait_message("Время: нажмите кнопку")
    mentor.send("25:00")
    await mentor.wait_message("Не понял время")


async def test_forged_stale_and_double_presses_change_nothing(
    bot_runner: BotRunner, people: tuple[TelegramUser, TelegramUser], fake_api: FakeBotAPI
) -> None:
    mentor, mentee = people
    await _propose(mentee, "25.01.2027 15:00 Разбор КТП")
    invite = await mentor.wait_message("приглашает на встречу")
    mentee.press_data("mt:1:0:ok", invite["message_id"])  # the proposer confirms their own
    assert (await mentee.wait_answer_callback())["show_alert"]
    mentor.press_data("mt:999:0:ok", invite["message_id"])
    assert (await mentor.wait_answer_callback())["show_alert"]
    mentor.press_data("mt:1:0:bogus", invite["message_id"])
    assert (await mentor.wait_answer_callback())["show_alert"]
    stranger = TelegramUser(fake_api, MENTEE_ORLOV, "Илья", "Орлов")
    await start_everyone(stranger)
    stranger.press_data("mt:1:0:ok", 1)
    assert (await stranger.wait_answer_callback())["show_alert"]
    assert await _statuses(bot_runner) == [MeetingStatus.PROPOSED]

    mentor.press_data("mt:1:0:ok", invite["message_id"])
    await mentor.wait_message("Встреча подтверждена")
    mentor.press_data("mt:1:0:no", invite["message_id"])  # a second press of the old buttons
    assert (await mentor.wait_answer_callback())["show_alert"]
    assert await _statuses(bot_runner) == [MeetingStatus.CONFIRMED]

    mentor.press("🚫 Отменить встречу")
    await mentor.wait_message("Встреча отменена")
    await mentee.wait_message("отменила встречу")
    assert await _statuses(bot_runner) == [MeetingStatus.CANCELLED]


async def test_a_meet_form_goes_on_after_a_restart_and_the_calendar_turns_months(
    bot_runner: BotRunner, people: tuple[TelegramUser, TelegramUser]
) -> None:
    mentor, mentee = people
    mentee.send("/meet")
    await mentee.wait_message("Выберите день")
    assert "январь 2027" in mentee.inline_buttons()
    mentee.press("▶️")
    await mentee.wait_message("Выберите день")
    await bot_runner.settle()
    assert "февраль 2027" in mentee.inline_buttons()
    mentee.press("◀️")
    await bot_runner.settle()
    mentee.press("▶️")
    await bot_runner.settle()
    assert "февраль 2027" in mentee.inline_buttons()
    mentee.press("3")
    await mentee.wait_message("03.02.2027")
    await bot_runner.restart()
    mentee.press("11:00")
    await mentee.wait_message("Форма работы")
    mentee.press("открытый урок")
    await mentee.wait_message("Тема встречи")
    mentee.send("Подготовка открытого урока")
    await mentee.wait_message("Приглашение отправлено")
    invite = await mentor.wait_message("приглашает на встречу")
    assert "03.02.2027 в 11:00, открытый урок" in invite["text"]


async def test_a_mentee_with_two_mentors_chooses_the_pair_first(
    bot_runner: BotRunner, people: tuple[TelegramUser, TelegramUser], fake_api: FakeBotAPI
) -> None:
    mentor, mentee = people
    from roster_seed import MENTOR_BELOV

    assert bot_runner.app is not None
    async with bot_runner.app.db.transaction() as tx:
        belov = await tx.people.by_telegram_id(MENTOR_BELOV)
        sidorova = await tx.people.by_telegram_id(MENTEE_SIDOROVA)
        assert belov and sidorova
        await create_pair(
            tx,
            mentor_id=belov.id,
            mentee_id=sidorova.id,
            kind=PairKind.BUSINESS,
            start=date(2026, 9, 1),
            end=date(2027, 6, 30),
            order_ref=None,
            now=bot_runner.app.clock.now(),
            max_mentees_per_mentor=2,
        )
    mentee.send("/meet 25.01.2027 15:00 Разбор КТП")
    await mentee.wait_message("С кем встреча")
    mentee.press("Иванова Анна Петровна", contains=True)
    await mentee.wait_message("Форма работы")
    mentee.press("консультация")
    await mentee.wait_message("Приглашение отправлено")
    await mentor.wait_message("приглашает на встречу")


async def test_either_side_moves_a_confirmed_meeting_and_the_other_confirms_again(
    bot_runner: BotRunner, people: tuple[TelegramUser, TelegramUser]
) -> None:
    mentor, mentee = people
    await _propose(mentee, "25.01.2027 15:00 Разбор КТП")
    await mentor.wait_message("приглашает на встречу")
    mentor.press("✅ Подтвердить")
    await mentor.wait_message("Встреча подтверждена")
    await mentee.wait_message("подтвердила встречу")
    mentee.press("🔁 Перенести встречу")
    await mentee.wait_message("Пришлите новое время")
    mentee.send("28.01.2027 10:00")
    await mentee.wait_message("Вы предложили другое время")
    offer = await mentor.wait_message("предлагает перенести встречу")
    assert "28.01.2027 в 10:00" in offer["text"]
    assert await _statuses(bot_runner) == [MeetingStatus.PROPOSED]
    mentor.press("✅ Подтвердить")
    await mentee.wait_message("подтвердила встречу")
    assert await _statuses(bot_runner) == [MeetingStatus.CONFIRMED]


async def test_a_mentor_with_two_mentees_chooses_whose_journal(
    bot_runner: BotRunner, people: tuple[TelegramUser, TelegramUser]
) -> None:
    mentor, _ = people
    await _pair(bot_runner, MENTOR_IVANOVA, MENTEE_ORLOV)
    mentor.send("/journal")
    await mentor.wait_message("Журнал какой пары")
    mentor.press("Орлов Илья Сергеевич", contains=True)
    journal = await mentor.wait_message("Журнал наставничества")
    assert "Орлов Илья Сергеевич" in journal["text"]
    assert "пока нет проведённых встреч" in journal["text"]


async def test_a_meeting_that_was_moved_is_not_held_and_a_new_one_is_proposed(
    bot_runner: BotRunner, people: tuple[TelegramUser, TelegramUser], bot_clock: ManualClock
) -> None:
    mentor, mentee = people
    await _propose(mentor, "25.01.2027 15:00 Разбор КТП")
    await mentee.wait_message("приглашает на встречу")
    mentee.press("✅ Подтвердить")
    await mentor.wait_message("подтвердила встречу")
    bot_clock.set(datetime(2027, 1, 25, 17, 0, tzinfo=BISHKEK))
    app = bot_runner.app
    assert app is not None
    async with app.db.transaction() as tx:
        meeting = await tx.meetings.get(1)
        assert meeting is not None
        assert await queue_held_question(tx, meeting, bot_clock.now(), app.settings.tz, LINKS)
    app.sender.wake()
    await mentee.wait_message("Состоялась ли встреча")
    mentee.press("🔁 Перенесли")
    await mentee.wait_message("Выберите день")
    await mentor.wait_message("встречу перенесли")
    mentee.send("29.01.2027")
    await mentee.wait_message("Время")
    mentee.send("10:00")
    await mentee.wait_message("Приглашение отправлено")  # form and topic are kept
    invite = await mentor.wait_message("приглашает на встречу")
    assert "29.01.2027 в 10:00, консультация: «Разбор КТП»" in invite["text"]
    assert await _statuses(bot_runner) == [MeetingStatus.NOT_HELD, MeetingStatus.PROPOSED]


async def test_the_proposer_cancels_a_meeting_nobody_answered_and_the_invitation_loses_its_buttons(
    bot_runner: BotRunner, people: tuple[TelegramUser, TelegramUser]
) -> None:
    mentor, mentee = people
    await _propose(mentee, "25.01.2027 15:00 Разбор КТП")
    own = mentee.last_message()
    assert mentee.inline_buttons(own) == ["🔁 Перенести встречу", "🚫 Отменить встречу"]
    invite = await mentor.wait_message("приглашает на встречу")
    mentee.press("🚫 Отменить встречу", own)
    await mentee.wait_message("Встреча отменена")
    await mentor.wait_message("отменила встречу")
    retired = await mentor.wait_message("кнопки больше не действуют")
    assert retired["message_id"] == invite["message_id"]
    assert "приглашает на встречу" in retired["text"] and "reply_markup" not in retired
    mentor.press_data("mt:1:0:ok", invite["message_id"])  # the old invitation, kept open
    assert (await mentor.wait_answer_callback())["show_alert"]
    mentee.press_data("mt:1:0:cancel", own["message_id"])  # a second press
    assert (await mentee.wait_answer_callback())["show_alert"]
    assert await _statuses(bot_runner) == [MeetingStatus.CANCELLED]


async def test_the_proposer_moves_a_meeting_nobody_answered_and_the_other_side_gets_the_new_time(
    bot_runner: BotRunner, people: tuple[TelegramUser, TelegramUser]
) -> None:
    mentor, mentee = people
    await _propose(mentor, "25.01.2027 15:00 Разбор КТП")
    own = mentor.last_message()
    invite = await mentee.wait_message("приглашает на встречу")
    mentor.press_data("mt:1:0:ok", own["message_id"])  # the proposer cannot confirm it
    assert (await mentor.wait_answer_callback())["show_alert"]
    mentee.press("🕒 Другое время")
    await mentee.wait_message("Пришлите новое время")
    mentee.send("/cancel")
    await mentee.wait_message("")
    mentor.press("🔁 Перенести встречу", own)
    await mentor.wait_message("Пришлите новое время")
    mentor.send("28.01.2027 10:00")
    sent = await mentor.wait_message("Вы предложили другое время")
    assert "🚫 Отменить встречу" in mentor.inline_buttons(sent)
    offer = await mentee.wait_message("предлагает перенести встречу")
    assert "28.01.2027 в 10:00" in offer["text"]
    retired = await mentee.wait_message("Предложено другое время")
    assert retired["message_id"] == invite["message_id"] and "reply_markup" not in retired
    mentor.press("🚫 Отменить встречу", own)  # the first copy is stale now
    assert (await mentor.wait_answer_callback())["show_alert"]
    mentee.press("✅ Подтвердить", offer)
    await mentor.wait_message("подтвердила встречу")
    mentor.press("🚫 Отменить встречу", sent)  # answered: the proposer's copy is stale too
    assert (await mentor.wait_answer_callback())["show_alert"]
    assert await _statuses(bot_runner) == [MeetingStatus.CONFIRMED]


async def test_a_quick_meet_with_a_topic_the_form_would_refuse_asks_for_it_instead(
    bot_runner: BotRunner, people: tuple[TelegramUser, TelegramUser]
) -> None:
    """One parser per field: the quick form refuses what the step refuses (it used to cut a long
    topic silently), keeps the date and time it was given, and asks for the topic."""
    _mentor, mentee = people
    mentee.send("/meet 25.01.2027 15:00 " + "Т" * 1000)
    refused = await mentee.wait_message("не длиннее 300")
    assert "Т" * 300 not in refused["text"]
    await mentee.wait_message("Форма работы")
    mentee.press("консультация")
    await mentee.wait_message("Тема встречи")
    mentee.send("\u200b\u2066\u2069   ")  # nothing that can be seen is no topic either
    await mentee.wait_message("не длиннее 300")
    mentee.send("Разбор КТП")
    sent = await mentee.wait_message("Приглашение отправлено")
    assert "25.01.2027 в 15:00, консультация: «Разбор КТП»" in sent["text"]

"""An outbox row kept as a catalog key is rendered when it is sent, in the language the
recipient has then: a notice queued at night reaches a person who switched to English in the
morning in English, buttons included, and someone else in Russian."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import (
    MENTEE_ORLOV,
    MENTEE_SIDOROVA,
    MENTOR_IVANOVA,
    MENTOR_SMIRNOV,
    ROSTER,
    seed,
)
from waiting import eventually

from bot.domain.notify import Notice, NoticeKind, tell_all
from bot.domain.pairing import create_pair
from bot.i18n import I18n
from bot.notices import Button, Text
from scheduler.clock import ManualClock
from storage.models import PairKind

BISHKEK = ZoneInfo("Asia/Bishkek")
NIGHT = datetime(2027, 1, 20, 23, 0, tzinfo=BISHKEK)


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(NIGHT)


@pytest.fixture
def bot_i18n(two_languages: I18n) -> I18n:
    return two_languages


@pytest.mark.bot_settings(quiet_hours="21:00-08:00", scheduler_tick_seconds=0.05)
async def test_a_queued_notice_is_rendered_in_the_language_the_person_has_when_it_is_sent(
    bot_runner: BotRunner, fake_api: FakeBotAPI, bot_clock: ManualClock
) -> None:
    app = bot_runner.app
    assert app is not None
    await seed(app)
    mentor = TelegramUser(fake_api, MENTOR_IVANOVA, "Анна", "Иванова")
    mentee = TelegramUser(fake_api, MENTEE_SIDOROVA, "Мария", "Сидорова")
    await start_everyone(mentor, mentee)
    text = Text("remind-milestone-day", {"title": "Рабочая программа & КТП", "due": "21.01.2027"})
    buttons = [[Button(Text("remind-button-open-milestone"), data="ml:open:1:0:0")]]
    async with app.db.transaction() as tx:
        ids = [await tx.people.by_telegram_id(tg) for tg in (MENTEE_SIDOROVA, MENTOR_IVANOVA)]
        notices = [
            Notice(
                NoticeKind.MILESTONE_DAY,
                to=person.id,
                text=text,
                of=("test",),
                about=1,
                buttons=buttons,
            )
            for person in ids
            if person is not None
        ]
        assert await tell_all(tx, notices, bot_clock.now()) == 2
    app.sender.wake()
    await asyncio.sleep(0.2)  # proving an absence: a few sender ticks pass at night
    assert not any("КТП" in m.get("text", "") for m in mentee.messages())

    async with app.db.transaction() as tx:
        person = await tx.people.by_telegram_id(MENTEE_SIDOROVA)
        assert person is not None
        await tx.people.update(person.id, bot_clock.now(), language="en")
    bot_clock.set(datetime(2027, 1, 21, 8, 0, 30, tzinfo=BISHKEK))

    english = await mentee.wait_message("Tomorrow, 21.01.2027", since=0)
    assert (
        english["text"] == "📌 Tomorrow, 21.01.2027, is the deadline of «Рабочая программа & КТП»."
    )
    assert mentee.inline_buttons(english) == ["📋 Open the milestone"]
    russian = await mentor.wait_message("Завтра, 21.01.2027", since=0)
    assert mentor.inline_buttons(russian) == ["📋 Открыть этап"]


PAIRED_ROSTER = ROSTER.replace(
    "Сидорова Мария Ивановна;наставляемая;3001;ПЦК ИТ;;;;;",
    "Сидорова Мария Ивановна;наставляемая;3001;ПЦК ИТ;Иванова Анна Петровна;"
    "педагогический;20.01.2027;30.06.2027;",
)


@pytest.mark.bot_settings(quiet_hours="21:00-08:00", scheduler_tick_seconds=0.05)
async def test_pair_notices_of_the_import_and_the_form_are_rendered_when_sent(
    bot_runner: BotRunner, fake_api: FakeBotAPI, bot_clock: ManualClock
) -> None:
    app = bot_runner.app
    assert app is not None
    await seed(app)
    mentor = TelegramUser(fake_api, MENTOR_IVANOVA, "Анна", "Иванова")
    mentee = TelegramUser(fake_api, MENTEE_SIDOROVA, "Мария", "Сидорова")
    orlov = TelegramUser(fake_api, MENTEE_ORLOV, "Илья", "Орлов")
    await start_everyone(mentor, mentee, orlov)
    await seed(app, PAIRED_ROSTER)  # the import queues the notices of its pair at night
    async with app.db.transaction() as tx:
        smirnov = await tx.people.by_telegram_id(MENTOR_SMIRNOV)
        orlov_person = await tx.people.by_telegram_id(MENTEE_ORLOV)
        assert smirnov is not None and orlov_person is not None
        await create_pair(
            tx,
            mentor_id=smirnov.id,
            mentee_id=orlov_person.id,
            kind=PairKind.PEDAGOGICAL,
            start=date(2027, 1, 20),
            end=date(2027, 6, 30),
            order_ref=None,
            now=bot_clock.now(),
            max_mentees_per_mentor=app.settings.max_mentees_per_mentor,
        )
        for person in (await tx.people.by_telegram_id(MENTEE_SIDOROVA), orlov_person):
            assert person is not None
            await tx.people.update(person.id, bot_clock.now(), language="en")
    bot_clock.set(datetime(2027, 1, 21, 8, 0, 30, tzinfo=BISHKEK))

    imported = await mentee.wait_message("Your mentor", since=0)
    assert imported["text"] == (
        "🤝 Your mentor is Иванова Анна Петровна (teaching, 20.01.2027 – 30.06.2027)."
    )  # no order: no line for it
    formed = await orlov.wait_message("Your mentor", since=0)
    assert "Смирнов Алексей Николаевич (teaching" in formed["text"]
    russian = await mentor.wait_message("Вы назначены наставником", since=0)
    assert russian["text"].endswith("(педагогическое наставничество, 20.01.2027 – 30.06.2027).")


async def test_an_access_answer_that_waits_for_a_retry_follows_a_change_of_language(
    bot_runner: BotRunner, fake_api: FakeBotAPI, bot_clock: ManualClock, admin: TelegramUser
) -> None:
    app = bot_runner.app
    assert app is not None
    await start_everyone(admin)
    stranger = TelegramUser(fake_api, 7001, "Тимур", "Бекович")
    stranger.send("/start")
    copy = await admin.wait_message("Запрос доступа")
    assert admin.inline_buttons(copy) == ["✅ Одобрить", "❌ Отклонить"]
    fake_api.fail_next("sendMessage", 7001, 502, "Bad Gateway")
    admin.press("✅ Одобрить")
    await admin.wait_message("Кем будет")
    admin.press("наставник")

    async def answer_tried() -> bool:
        async with app.db.read() as tx:
            rows = await tx.conn.execute_fetchall(
                "SELECT attempts FROM outbox WHERE kind = 'access-answer'"
            )
        return bool(rows) and rows[0][0] == 1

    await eventually(answer_tried, what="the answer tried once")
    async with app.db.transaction() as tx:
        person = await tx.people.by_telegram_id(7001)
        assert person is not None
        await tx.people.update(person.id, bot_clock.now(), language="en")
    bot_clock.set(datetime(2027, 1, 20, 23, 5, tzinfo=BISHKEK))
    app.sender.wake()

    granted = await stranger.wait_message("Access granted")
    assert granted["text"] == "Access granted. Hello, Бекович Тимур! You are mentor."


async def test_a_question_and_the_edit_that_retires_its_button_follow_the_mentors_language(
    bot_runner: BotRunner, fake_api: FakeBotAPI, bot_clock: ManualClock
) -> None:
    app = bot_runner.app
    assert app is not None
    await seed(app, PAIRED_ROSTER)
    mentor = TelegramUser(fake_api, MENTOR_IVANOVA, "Анна", "Иванова")
    mentee = TelegramUser(fake_api, MENTEE_SIDOROVA, "Мария", "Сидорова")
    await start_everyone(mentor, mentee)
    fake_api.fail_next("sendMessage", MENTOR_IVANOVA, 502, "Bad Gateway")

    mentee.send("/ask Как оформить <КТП> & программу?")
    await mentee.wait_message("Вопрос отправлен")

    async def copy_tried() -> bool:
        async with app.db.read() as tx:
            rows = await tx.conn.execute_fetchall(
                "SELECT attempts FROM outbox WHERE kind = 'question'"
            )
        return bool(rows) and rows[0][0] == 1

    await eventually(copy_tried, what="the copy to the mentor tried once")
    async with app.db.transaction() as tx:
        person = await tx.people.by_telegram_id(MENTOR_IVANOVA)
        assert person is not None
        await tx.people.update(person.id, bot_clock.now(), language="en")
    bot_clock.set(datetime(2027, 1, 20, 23, 5, tzinfo=BISHKEK))
    app.sender.wake()

    copy = await mentor.wait_message("A question from Сидорова Мария Ивановна")
    assert copy["text"].endswith("\n\nКак оформить <КТП> & программу?")  # escaped, as typed
    assert mentor.inline_buttons(copy) == ["💬 Answer"]
    mentor.press("💬 Answer", copy)
    await mentor.wait_message("Напишите ответ")
    mentor.send("По образцу, приложение 3.")

    edited = await mentor.wait_message("You answered this question")
    assert edited["message_id"] == copy["message_id"] and "reply_markup" not in edited
    assert edited["text"] == copy["text"] + "\n\n✅ You answered this question."
    answer = await mentee.wait_message("Ответ от ")
    assert mentee.inline_buttons(answer) == ["✅ Вопрос решён"]

"""Questions: a mentee asks (text, a photo or a document), the mentor answers with 💬, the answer
reaches the mentee as a reply to their question; /questions; closing a question; forged, stale
and doubled presses; a form across a restart; a file sent after an outage."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from aiogram.exceptions import TelegramBadRequest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import (
    MENTEE_ORLOV,
    MENTEE_SIDOROVA,
    MENTOR_BELOV,
    MENTOR_IVANOVA,
    MENTOR_SMIRNOV,
    seed,
)

from bot.app import App
from bot.domain.pairing import create_pair
from bot.domain.questions import MAX_TEXT_LENGTH
from handlers.keyboards import QuestionAction
from storage.models import FileKind, PairKind, QuestionStatus


async def pair_up(app: App, mentor_tg: int, mentee_tg: int, kind: PairKind) -> None:
    async with app.db.transaction() as tx:
        mentor = await tx.people.by_telegram_id(mentor_tg)
        mentee = await tx.people.by_telegram_id(mentee_tg)
        assert mentor and mentee
        await create_pair(
            tx,
            mentor_id=mentor.id,
            mentee_id=mentee.id,
            kind=kind,
            start=date.today(),
            end=date(date.today().year + 1, 6, 30),
            order_ref=None,
            now=datetime.now(UTC),
            max_mentees_per_mentor=app.settings.max_mentees_per_mentor,
        )


async def setup_pair(runner: BotRunner, api: FakeBotAPI) -> tuple[TelegramUser, TelegramUser]:
    """Ivanova mentors Sidorova; both have opened the bot and seen the pair notice."""
    assert runner.app
    await seed(runner.app)
    mentor = TelegramUser(api, MENTOR_IVANOVA, "Анна", "Иванова")
    mentee = TelegramUser(api, MENTEE_SIDOROVA, "Мария", "Сидорова")
    await start_everyone(mentor, mentee)
    await pair_up(runner.app, MENTOR_IVANOVA, MENTEE_SIDOROVA, PairKind.PEDAGOGICAL)
    runner.app.sender.wake()
    await mentee.wait_message("Вам назначен наставник", since=0)
    return mentor, mentee


async def question_status(runner: BotRunner, question_id: int) -> QuestionStatus:
    assert runner.app
    async with runner.app.db.read() as tx:
        question = await tx.questions.get(question_id)
    assert question
    return question.status


def copy_button(message: dict[str, Any]) -> str:
    return str(message["reply_markup"]["inline_keyboard"][0][0]["callback_data"])


def question_id_of(message: dict[str, Any]) -> int:
    return QuestionAction.unpack(copy_button(message)).question_id


async def test_a_question_reaches_the_mentor_and_the_answer_replies_to_it(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    mentor, mentee = await setup_pair(bot_runner, fake_api)

    asked = mentee.send("/ask Как оформить <КТП> & рабочую программу?")
    await mentee.wait_message("Вопрос отправлен: его получит Иванова Анна Петровна")
    copy = await mentor.wait_message("Вопрос от Сидоровой Марии Ивановны")
    assert "Как оформить <КТП> & рабочую программу?" in copy["text"]  # escaped, shown as typed
    assert mentor.inline_buttons(copy) == ["💬 Ответить"]

    mentor.press("💬 Ответить", copy)
    await mentor.wait_message("Напишите ответ")
    mentor.send("По образцу методкабинета, приложение 3.")
    await mentor.wait_message("Ответ отправлен Сидоровой Марии Ивановне")

    answer = await mentee.wait_message("Ответ от Ивановой Анны Петровны")
    assert "По образцу методкабинета, приложение 3." in answer["text"]
    assert answer["reply_to_message"]["message_id"] == asked["message_id"]
    assert mentee.inline_buttons(answer) == ["✅ Вопрос решён"]
    assert await question_status(bot_runner, question_id_of(copy)) is QuestionStatus.ANSWERED


async def test_a_question_with_a_photo_and_an_answer_with_a_document(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    mentor, mentee = await setup_pair(bot_runner, fake_api)

    mentee.send("/ask")
    await mentee.wait_message("Напишите вопрос наставнику, Ивановой Анне Петровне,")
    asked = mentee.send_photo(caption="Так заполнять журнал?")
    await mentee.wait_message("Вопрос отправлен")
    copy = await mentor.wait_message("Так заполнять журнал?")
    assert copy["photo"][0]["file_id"] == asked["photo"][-1]["file_id"]  # the largest size
    assert "Вопрос от Сидоровой Марии Ивановны" in copy["caption"]

    mentor.press("💬 Ответить", copy)
    await mentor.wait_message("(с вложением 📎)")
    sent = mentor.send_document(
        b"%PDF-1.4 sample", "obrazec.pdf", "application/pdf", caption="Вот образец"
    )
    await mentor.wait_message("Ответ отправлен")

    answer = await mentee.wait_message("Вот образец")
    assert answer["document"]["file_id"] == sent["document"]["file_id"]
    assert answer["reply_to_message"]["message_id"] == asked["message_id"]
    assert "Ответ от Ивановой Анны Петровны" in answer["caption"]
    # The mentor's copy (a photo) keeps its photo; its caption says it is answered, no 💬.
    edited = await mentor.wait_message("Вы ответили на этот вопрос")
    assert edited["message_id"] == copy["message_id"] and "reply_markup" not in edited
    assert "Так заполнять журнал?" in edited["caption"] and edited["photo"] == copy["photo"]


async def test_a_file_without_a_caption_or_a_text_too_long_is_refused_and_the_form_stays_open(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    mentor, mentee = await setup_pair(bot_runner, fake_api)
    mentee.send("/ask")
    await mentee.wait_message("Напишите вопрос")
    mentee.send_photo()
    await mentee.wait_message("Вопрос не отправлен: нужен текст вопроса")
    mentee.send("x" * (MAX_TEXT_LENGTH + 1))
    await mentee.wait_message(f"не больше {MAX_TEXT_LENGTH} символов")
    mentee.send_photo(caption="y" * 701)
    await mentee.wait_message("не больше 700 символов")
    mentee.send("Теперь коротко")  # the form is still open
    await mentor.wait_message("Теперь коротко")


async def test_an_ask_form_goes_on_after_a_restart(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    mentor, mentee = await setup_pair(bot_runner, fake_api)
    mentee.send("/ask")
    await mentee.wait_message("Напишите вопрос")

    await bot_runner.restart()

    mentee.send("Когда открытый урок?")
    await mentee.wait_message("Вопрос отправлен")
    await mentor.wait_message("Когда открытый урок?")


async def test_a_mentee_with_two_mentors_chooses_whom_to_ask(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    pedagogue, mentee = await setup_pair(bot_runner, fake_api)
    assert bot_runner.app
    business = TelegramUser(fake_api, MENTOR_BELOV, "Дмитрий", "Белов")
    await start_everyone(business)
    await pair_up(bot_runner.app, MENTOR_BELOV, MENTEE_SIDOROVA, PairKind.BUSINESS)

    mentee.send("/ask Где пройти практику на подстанции?")
    await mentee.wait_message("Кому задать вопрос?")
    mentee.press("Белов Дмитрий Игоревич", contains=True)
    await mentee.wait_message("Вопрос отправлен: его получит Белов Дмитрий Игоревич")
    await business.wait_message("Где пройти практику на подстанции?")
    await bot_runner.settle()
    assert not any("подстанции" in (m.get("text") or "") for m in pedagogue.messages())


async def test_a_mentee_without_a_pair_is_told_so(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    assert bot_runner.app
    await seed(bot_runner.app)
    mentee = TelegramUser(fake_api, MENTEE_ORLOV, "Илья", "Орлов")
    mentor = TelegramUser(fake_api, MENTOR_SMIRNOV, "Алексей", "Смирнов")
    await start_everyone(mentee, mentor)
    mentee.send("/ask Есть кто?")
    await mentee.wait_message("нет действующей пары")
    mentor.send("/ask Это наставник")
    await mentor.wait_message("Задавать вопросы наставнику могут наставляемые")


async def test_the_mentors_questions_oldest_first(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    mentor, mentee = await setup_pair(bot_runner, fake_api)
    for text in ("Первый вопрос", "Второй вопрос", "Третий вопрос"):
        mentee.send(f"/ask {text}")
        await mentee.wait_message("Вопрос отправлен")
    await mentor.wait_message("Третий вопрос", since=0)

    mentor.send("/questions")
    listing = await mentor.wait_message("Открыто 3 вопроса")
    lines = listing["text"].splitlines()[1:]
    assert [line.split(": ", 1)[1] for line in lines] == [
        "Первый вопрос",
        "Второй вопрос",
        "Третий вопрос",
    ]
    mentor.press("💬 1. Сидорова Мария Ивановна", listing)
    await mentor.wait_message("Первый вопрос")
    mentor.send("Ответ на первый")
    await mentor.wait_message("Ответ отправлен")

    mentor.send("/questions")
    listing = await mentor.wait_message("Открыто 2 вопроса")
    assert "Первый вопрос" not in listing["text"]

    mentee.send("/questions")
    await mentee.wait_message("Список вопросов — для наставников")


async def test_resolving_and_forged_stale_or_double_presses_change_nothing(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    mentor, mentee = await setup_pair(bot_runner, fake_api)
    other_mentor = TelegramUser(fake_api, MENTOR_SMIRNOV, "Алексей", "Смирнов")
    await start_everyone(other_mentor)

    # An open question closed by the mentee: the mentor's 💬 then says so.
    mentee.send("/ask Уже не нужно")
    sent = await mentee.wait_message("Вопрос отправлен")
    copy = await mentor.wait_message("Уже не нужно")
    question_id = question_id_of(copy)
    mentee.press("✅ Вопрос решён", sent)
    assert (await mentee.wait_answer_callback())["text"] == "Вопрос закрыт."
    assert await question_status(bot_runner, question_id) is QuestionStatus.RESOLVED
    mentee.press_data(
        QuestionAction(action="resolve", question_id=question_id).pack(), sent["message_id"]
    )
    assert "уже закрыли" in (await mentee.wait_answer_callback())["text"]
    closed = await mentor.wait_message("Сидорова Мария Ивановна закрыла вопрос")
    assert closed["message_id"] == copy["message_id"] and "reply_markup" not in closed
    mentor.press_data(copy_button(copy), copy["message_id"])  # an old 💬 kept on screen
    alert = await mentor.wait_answer_callback()
    assert alert["show_alert"] and "вопрос уже закрыт" in alert["text"]

    # An answered question: a second 💬 is refused, another pair's mentor cannot answer.
    mentee.send("/ask Нужен ответ")
    copy = await mentor.wait_message("Нужен ответ")
    question_id = question_id_of(copy)
    answer_data = QuestionAction(action="answer", question_id=question_id).pack()
    own = other_mentor.last_message()["message_id"]  # a message in their own chat
    other_mentor.press_data(answer_data, own)
    assert "не ваш вопрос" in (await other_mentor.wait_answer_callback())["text"]
    mentee.press_data(answer_data, sent["message_id"])  # a mentee forging the mentor's button
    assert "устарела" in (await mentee.wait_answer_callback())["text"]
    other_mentor.press_data(QuestionAction(action="resolve", question_id=question_id).pack(), own)
    assert "устарела" in (await other_mentor.wait_answer_callback())["text"]

    mentor.press("💬 Ответить", copy)
    await mentor.wait_message("Напишите ответ")
    mentor.press("💬 Ответить", copy)  # a double press opens the same form again
    await mentor.wait_message("Напишите ответ")
    mentor.send("Вот ответ")
    answer = await mentee.wait_message("Вот ответ")
    answered = await mentor.wait_message("Вы ответили на этот вопрос")
    assert answered["message_id"] == copy["message_id"] and "reply_markup" not in answered
    mentor.press_data(answer_data, copy["message_id"])  # an old 💬 kept on screen
    assert "уже ответили" in (await mentor.wait_answer_callback())["text"]
    await bot_runner.settle()
    assert sum("Вот ответ" in (m.get("text") or "") for m in mentee.messages()) == 1

    mentee.press("✅ Вопрос решён", answer)
    await mentee.wait_answer_callback()
    assert await question_status(bot_runner, question_id) is QuestionStatus.RESOLVED
    assert mentee.inline_buttons(fake_api.message(mentee.id, answer["message_id"])) == []


async def test_the_outbox_sends_a_photo_after_a_server_error(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    mentor, mentee = await setup_pair(bot_runner, fake_api)
    assert bot_runner.app
    bot_runner.app.sender.retry_base = 0.2
    fake_api.fail_next("sendPhoto", MENTOR_IVANOVA, 500, "Internal Server Error")

    mentee.send("/ask")
    await mentee.wait_message("Напишите вопрос")
    mentee.send_photo(caption="Вопрос с фото")

    copy = await mentor.wait_message("Вопрос с фото")
    assert "photo" in copy
    calls = [r for r in fake_api.calls("sendPhoto") if r.params["chat_id"] == MENTOR_IVANOVA]
    assert [r.ok for r in calls] == [False, True]


async def test_an_answer_whose_question_was_deleted_still_goes(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    """allow_sending_without_reply: a reply to a message gone from the chat is not refused."""
    _mentor, mentee = await setup_pair(bot_runner, fake_api)
    assert bot_runner.app
    async with bot_runner.app.db.transaction() as tx:
        person = await tx.people.by_telegram_id(MENTEE_SIDOROVA)
        assert person
        await tx.outbox.add_ready_text(
            "t:1",
            "ответ",
            datetime.now(UTC),
            person_id=person.id,
            personal=True,
            reply_to_message_id=999_999,
        )
    bot_runner.app.sender.wake()
    message = await mentee.wait_message("ответ")
    assert "reply_to_message" not in message


@pytest.mark.allow_refusals
async def test_the_fake_server_refuses_what_telegram_refuses_for_files(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    assert bot_runner.app
    bot = bot_runner.app.bot
    photo = fake_api.add_photo(b"jpeg")[-1]["file_id"]
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(MENTEE_SIDOROVA, "no-such-file")
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_photo(MENTEE_SIDOROVA, photo, caption="x" * 1025)
    with pytest.raises(TelegramBadRequest, match="can't use file of type Photo"):
        await bot.send_document(MENTEE_SIDOROVA, photo)
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(MENTEE_SIDOROVA, "x", reply_to_message_id=999_999)


async def test_a_caption_too_long_is_sent_cut_as_plain_text(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    _mentor, mentee = await setup_pair(bot_runner, fake_api)
    assert bot_runner.app
    photo = fake_api.add_photo(b"jpeg")[-1]["file_id"]
    async with bot_runner.app.db.transaction() as tx:
        person = await tx.people.by_telegram_id(MENTEE_SIDOROVA)
        assert person
        await tx.outbox.add_ready_text(
            "t:cap",
            "<b>Заголовок</b> " + "я" * 2000,
            datetime.now(UTC),
            person_id=person.id,
            personal=True,
            file_id=photo,
            file_kind=FileKind.PHOTO,
        )
    bot_runner.app.sender.wake()
    message = await mentee.wait_message("Заголовок")
    assert len(message["caption"]) == 1024 and message["caption"].endswith("…")


async def test_a_question_of_nothing_that_can_be_seen_is_not_sent(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    mentor, mentee = await setup_pair(bot_runner, fake_api)
    mentee.send("/ask \u200b\u200d\u2066\u2069\u202e")  # as /ask alone: it asks for the question
    await mentee.wait_message("Напишите вопрос")
    mentee.send("\u200b\u00ad\u2060")
    await mentee.wait_message("Вопрос не отправлен")
    mentee.send("Как\u200b оформить\u2066 КТП?")
    await mentee.wait_message("Вопрос отправлен")
    question = await mentor.wait_message("оформить")
    assert "Как оформить КТП?" in question["text"]  # sent without what cannot be seen

"""/mydata for everyone: a person of the programme gets a summary and a JSON file of what is
stored about them (their pairs' rows, their own questionnaires only); a stranger who asked
for access sees that request; someone unknown is told nothing is stored."""

from __future__ import annotations

import json

import test_feedback
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser
from test_reminders import _app

people = test_feedback.people
bot_clock = test_feedback.bot_clock


async def test_a_person_gets_their_data_and_only_their_own_answers(
    bot_runner: BotRunner, people: dict[str, TelegramUser]
) -> None:
    mentee, mentor = people["mentee"], people["mentor"]
    async with _app(bot_runner).db.transaction() as tx:
        person = await tx.people.by_telegram_id(mentee.id)
        assert person is not None
        pair = (await tx.pairs.active_for_person(person.id))[0]
        await tx.conn.execute(
            "INSERT INTO feedback_forms (pair_id, round, side, person_id, status, comment,"
            " opened_at, answered_at) VALUES (?, 'mid', 'mentor', ?, 'done', 'Про наставляемую',"
            " 'x', 'x')",
            (pair.id, pair.mentor_id),
        )
    mentee.send("/mydata")
    summary = await mentee.wait_message("Что бот хранит о вас")
    assert "ФИО: Сидорова Мария Ивановна" in summary["text"] and "Пар: 1" in summary["text"]
    assert "ваших анкет: 0" in summary["text"]
    data = json.loads((await mentee.wait_document()).data)
    assert data["person"][0]["full_name"] == "Сидорова Мария Ивановна"
    assert [p["mentor"] for p in data["pairs"]] == ["Иванова Анна Петровна"]
    assert data["questionnaires"] == []  # the mentor's answers about her are not hers
    assert "Про наставляемую" not in json.dumps(data, ensure_ascii=False)

    mentor.send("/mydata")
    await mentor.wait_message("ваших анкет: 1")
    mine = json.loads((await mentor.wait_document()).data)
    assert mine["questionnaires"][0]["comment"] == "Про наставляемую"


async def test_a_stranger_sees_their_request_or_that_nothing_is_stored(
    bot_runner: BotRunner, fake_api: FakeBotAPI
) -> None:
    stranger = TelegramUser(fake_api, 777, "Пётр", "Незнакомый")
    stranger.send("/mydata")
    await stranger.wait_message("Бот ничего о вас не хранит")
    assert not stranger.documents()
    stranger.send("/start")
    await stranger.wait_message("")
    await bot_runner.settle()
    stranger.send("/mydata")
    await stranger.wait_message("Бот хранит только ваш запрос на доступ")
    data = json.loads((await stranger.wait_document()).data)
    assert data["access_request"][0]["status"] == "pending"

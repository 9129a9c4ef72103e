"""A message between people is not held up by a bulk of notices: notices for people who never
opened the bot wait for their first /start (no call to Telegram, no mark of a block), and what
goes to people who did waits behind a question, not the other way round."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from people import TelegramUser, start_everyone
from roster_seed import seed
from test_import import CLI_TIMEOUT, cli_env

from storage.models import Role

MENTOR, MENTEE = 2001, 3001
NEWCOMERS_FROM = 950_000_000  # the imported people's Telegram ids, none of whom opened the bot
PAIRS = 1_000
ARRIVES_WITHIN = 2.0  # seconds from /ask to the mentor's chat (60 s before holding and order)


def _period() -> tuple[str, str]:
    today = date.today()
    return (today - timedelta(days=30)).strftime("%d.%m.%Y"), (
        today + timedelta(days=300)
    ).strftime("%d.%m.%Y")


def _pair_roster() -> str:
    start, end = _period()
    return (
        "ФИО;Роль;Telegram;ПЦК;Наставник;Вид;Начало;Окончание;Приказ\n"
        "Иванова Анна Петровна;наставник;2001;ПЦК ИТ;;;;;\n"
        f"Сидорова Мария Ивановна;наставляемая;3001;ПЦК ИТ;2001;педагогический;{start};{end};№ 1\n"
    )


def _newcomers_roster() -> str:
    """PAIRS pairs of people known by their Telegram id, who have never opened the bot."""
    start, end = _period()
    lines = ["ФИО;Роль;Telegram;ПЦК;Наставник;Вид;Начало;Окончание;Приказ"]
    for n in range(PAIRS):
        mentor, mentee = NEWCOMERS_FROM + 2 * n, NEWCOMERS_FROM + 2 * n + 1
        lines.append(f"Наставник Номер {n:04d};наставник;{mentor};ПЦК {n % 7};;;;;")
        lines.append(
            f"Наставляемый Номер {n:04d};наставляемый;{mentee};ПЦК {n % 7};{mentor};"
            f"педагогический;{start};{end};№ 2"
        )
    return "\n".join(lines) + "\n"


async def _pair_that_uses_the_bot(
    runner: BotRunner, api: FakeBotAPI
) -> tuple[TelegramUser, TelegramUser]:
    assert runner.app is not None
    await seed(runner.app, _pair_roster())
    mentor = TelegramUser(api, MENTOR, "Анна", "Иванова")
    mentee = TelegramUser(api, MENTEE, "Мария", "Сидорова")
    await start_everyone(mentor, mentee)  # their greetings name the pair
    return mentor, mentee


async def _ask_and_time(mentor: TelegramUser, mentee: TelegramUser) -> float:
    loop = asyncio.get_running_loop()
    began = loop.time()
    mentee.send("/ask Как оформить отчёт по первому этапу?")
    await mentor.wait_message("Как оформить отчёт по первому этапу?", timeout=ARRIVES_WITHIN)
    return loop.time() - began


async def test_a_question_right_after_a_large_import_reaches_the_mentor_and_no_one_unseen_is_called(
    tmp_path: Path, fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    mentor, mentee = await _pair_that_uses_the_bot(bot_runner, fake_api)
    roster = tmp_path / "newcomers.csv"
    roster.write_text(_newcomers_roster(), encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "import", str(roster),
        cwd=tmp_path,
        env=cli_env(bot_runner.settings.database_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), CLI_TIMEOUT)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode()
    assert f"pairs formed: {PAIRS}" in stdout.decode()

    assert await _ask_and_time(mentor, mentee) < ARRIVES_WITHIN
    await asyncio.sleep(3 * bot_runner.settings.scheduler_tick_seconds)  # a few sender rounds

    newcomers = range(NEWCOMERS_FROM, NEWCOMERS_FROM + 2 * PAIRS)
    called = [r for r in fake_api.requests if r.params.get("chat_id") in newcomers]
    assert called == []
    assert bot_runner.app is not None
    async with bot_runner.app.db.read() as tx:
        rows = await tx.conn.execute_fetchall(
            "SELECT COUNT(*), SUM(held), SUM(status = 'pending')"
            " FROM outbox WHERE kind = 'pair' AND person_id IN"
            " (SELECT id FROM people WHERE telegram_id >= ?)",
            (NEWCOMERS_FROM,),
        )
        blocked = await tx.conn.execute_fetchall(
            "SELECT COUNT(*) FROM people WHERE blocked_at IS NOT NULL"
        )
    assert tuple(rows[0]) == (2 * PAIRS, 2 * PAIRS, 2 * PAIRS)  # held, every one
    assert blocked[0][0] == 0

    # One of them opens the bot: the greeting names their pair, and the notice that waited
    # for them, saying no more than that, is dropped.
    newcomer = TelegramUser(fake_api, NEWCOMERS_FROM, "Наставник", "Номер")
    newcomer.send("/start")
    greeting = await newcomer.wait_message("Здравствуйте")
    assert "Наставляемый Номер 0000" in greeting["text"]
    await asyncio.sleep(3 * bot_runner.settings.scheduler_tick_seconds)  # a few sender rounds
    assert len(fake_api.messages_to(NEWCOMERS_FROM)) == 2  # the consent text and the greeting


async def test_a_question_goes_ahead_of_a_bulk_of_notices_to_people_who_use_the_bot(
    fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    mentor, mentee = await _pair_that_uses_the_bot(bot_runner, fake_api)
    app = bot_runner.app
    assert app is not None
    now = datetime.now(UTC)
    async with app.db.transaction() as tx:
        notices = []
        for n in range(300):  # 12 s of sending at Telegram's 25 a second
            person = await tx.people.add(
                full_name=f"Получатель Номер {n:03d}",
                role=Role.MENTEE,
                now=now,
                telegram_id=NEWCOMERS_FROM + n,
            )
            await tx.people.mark_seen(person.id, now)
            notices.append((f"bulk:{n}", person.id, f"Уведомление №{n}"))
        await tx.outbox.add_ready_texts(notices, now)
    app.sender.wake()
    await fake_api.wait_for(
        lambda: len(fake_api.messages_to(NEWCOMERS_FROM + 5)) == 1, 5.0, "the bulk under way"
    )

    assert await _ask_and_time(mentor, mentee) < ARRIVES_WITHIN

    last = NEWCOMERS_FROM + 299
    await fake_api.wait_for(lambda: fake_api.messages_to(last), 30.0, "the rest of the bulk")


async def test_someone_whose_first_words_are_not_start_sees_the_consent_text_first(
    fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    """A roster person linked by their id who first writes /help is shown the consent text;
    once they accept, the greeting names their pair (so the pair's notice that waited for them
    says nothing new and is dropped), and /help answers."""
    assert bot_runner.app is not None
    await seed(bot_runner.app, _pair_roster())
    mentee = TelegramUser(fake_api, MENTEE, "Мария", "Сидорова")
    mentee.send("/help")
    await mentee.wait_message("Что бот «Наставник» хранит о вас")
    await mentee.wait_message("Иванова Анна Петровна")
    await mentee.wait_message("/plan")
    await bot_runner.settle()
    assert not [m for m in mentee.messages() if "Вам назначен наставник" in m["text"]]

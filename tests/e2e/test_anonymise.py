"""An admin anonymises a person who left: their name, @username and Telegram id are gone from
every table, and the programme's figures (/stats, the export's pairs and journal) stay the same,
with «Участник №N» where the name was. On the seeded programme of test_stats."""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
import test_digest
from conftest import BotRunner
from people import TelegramUser
from roster_seed import MENTOR_SMIRNOV
from test_reminders import _app
from test_stats import _more

from bot.domain.pairing import close_pair
from handlers.keyboards import PersonCard
from scheduler.clock import ManualClock
from storage.models import PairStatus

people = test_digest.people
NAME = "Смирнов Алексей Николаевич"  # the mentor of Орлов, and of Зайцева in a pair ended early


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(test_digest.MONDAY - timedelta(hours=1))


async def _stats(admin: TelegramUser) -> str:
    admin.send("/stats")
    return str((await admin.wait_message("Наставничество за", timeout=30))["text"])


async def _export(admin: TelegramUser) -> dict[str, list[tuple[Any, ...]]]:
    admin.send("/export")
    sent = await admin.wait_document(timeout=30)
    book = openpyxl.load_workbook(io.BytesIO(sent.data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _everything(database: Any) -> list[tuple[str, str, Any]]:
    """Every value of every row of every table: (table, column, value)."""
    found = []
    with closing(sqlite3.connect(database)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            cursor = conn.execute(f"SELECT * FROM {table}")
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                found.extend(
                    (table, column, value) for column, value in zip(columns, row, strict=True)
                )
    return found


async def test_a_person_who_left_is_anonymised_and_the_figures_stay(
    bot_runner: BotRunner, people: dict[str, TelegramUser]
) -> None:
    await _more(bot_runner)
    admin = people["admin"]
    app = _app(bot_runner)
    async with app.db.transaction() as tx:
        smirnov = await tx.people.by_telegram_id(MENTOR_SMIRNOV)
        assert smirnov is not None
        # He leaves the college: his pair with Орлов ends first.
        (pair,) = await tx.pairs.active_for_person(smirnov.id)
        await close_pair(
            tx, pair_id=pair.id, status=PairStatus.ENDED, reason="Увольнение",
            now=app.clock.now(), tz=app.settings.tz,
        )  # fmt: skip
    label = f"Участник №{smirnov.id}"
    stats_before = await _stats(admin)
    export_before = await _export(admin)
    assert any(NAME in row for row in export_before["Пары"])

    admin.send("/people")
    card = (await admin.wait_message("В списке"))["message_id"]
    admin.press_data(PersonCard(person_id=smirnov.id, action="anon").pack(), card)
    # Only someone who left: the card asks for «🚫 Выбыл из программы» first.
    assert "сначала нажмите «🚫 Выбыл" in (await admin.wait_answer_callback())["text"]
    admin.press_data(PersonCard(person_id=smirnov.id).pack(), card)
    await admin.wait_message(NAME)
    admin.press("🚫 Выбыл из программы")
    left = await admin.wait_answer_callback()
    assert left.get("text") == "Готово", left
    admin.press("🕶 Обезличить")
    await admin.wait_message("безвозвратно")
    admin.press("🕶 Да, обезличить")
    assert "обезличен" in (await admin.wait_answer_callback())["text"]
    shown = await admin.wait_message(label)
    assert NAME not in shown["text"] and "🕶" not in str(shown["reply_markup"])

    # The programme's figures are what they were; the name is a label wherever it was.
    assert await _stats(admin) == stats_before
    export_after = await _export(admin)
    for sheet, rows in export_before.items():
        relabelled = [[label if v == NAME else v for v in row] for row in rows]
        if sheet == "Люди":  # who left says so
            (his,) = [row for row in relabelled if row[0] == label]
            assert rows[0][4] == "Участвует" and his[4] == "да"
            his[4] = "нет"
        assert export_after[sheet] == [tuple(row) for row in relabelled], sheet

    # Nothing stored names or reaches them any more.
    for table, column, value in _everything(bot_runner.settings.database_path):
        assert "Смирнов" not in str(value), (table, column)
        assert "smirnov" not in str(value).lower(), (table, column)
        if column in ("telegram_id", "chat_id", "sent_chat_id"):
            assert value != MENTOR_SMIRNOV, (table, column)

    # Their Telegram account is a stranger's now.
    smirnov_tg = TelegramUser(bot_runner.api, MENTOR_SMIRNOV, "Алексей", "Смирнов")
    smirnov_tg.send("/start")
    await smirnov_tg.wait_message("Я пока не знаю вас")

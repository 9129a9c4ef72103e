"""The council's papers through the real app, read back with python-docx: a pair's report from
its card (the pair, the plan with its marks, the journal with hours per month, the
questionnaires, the mentor's conclusion, signatures), the mentor's own copy without the
mentee's answers, refused to anyone else; /report with the totals, a table per department,
the chart and the pairs."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
import pytest
import test_digest
from conftest import BotRunner
from people import TelegramUser
from test_reminders import _app
from test_stats import _more

from handlers.keyboards import PairReportCb
from scheduler.clock import ManualClock
from storage.models import to_db_time

people = test_digest.people


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(test_digest.MONDAY - timedelta(hours=1))


async def _answered(bot_runner: BotRunner) -> int:
    """Иванова–Сидорова: both mid-period forms answered; the mentor's final one with the
    conclusion; the mentee's comment not shown to the mentor. Returns the pair's id."""
    app = _app(bot_runner)
    now = app.clock.now()
    async with app.db.transaction() as tx:
        pair_id, mentor_id, mentee_id = (
            await tx.conn.execute_fetchall(
                "SELECT pr.id, pr.mentor_id, pr.mentee_id FROM pairs pr JOIN people b"
                " ON b.id = pr.mentee_id WHERE b.full_name = 'Сидорова Мария Ивановна'"
            )
        )[0]
        for round_, side, person, comment, scores in (
            ("mid", "mentee", mentee_id, "Секрет для методистов", {"support": 5, "confidence": 3}),
            ("mid", "mentor", mentor_id, None, {"planning": 4, "methods": 3}),
            ("final", "mentor", mentor_id, "Готова к самостоятельной работе.", {"planning": 5}),
        ):
            cursor = await tx.conn.execute(
                "INSERT INTO feedback_forms (pair_id, round, side, person_id, status, comment,"
                " opened_at, answered_at) VALUES (?, ?, ?, ?, 'done', ?, ?, ?)",
                (pair_id, round_, side, person, comment, to_db_time(now), to_db_time(now)),
            )
            for item, score in scores.items():
                await tx.conn.execute(
                    "INSERT INTO feedback_scores VALUES (?, ?, ?)", (cursor.lastrowid, item, score)
                )
    return int(pair_id)


def _text(document: docx.document.Document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


async def test_a_pairs_report_from_its_card_and_the_mentors_own_copy(
    bot_runner: BotRunner, people: dict[str, TelegramUser]
) -> None:
    await _more(bot_runner)
    pair_id = await _answered(bot_runner)
    admin, mentor, mentee = people["admin"], people["mentor"], people["mentee"]
    admin.send("/pairs")
    listed = await admin.wait_message("Активны 3 пары")
    admin.press("Сидорова", listed, contains=True)
    card = await admin.wait_message("Наставник: Иванова Анна Петровна")
    admin.press("📄 Отчёт для педсовета (DOCX)", card)
    sent = await admin.wait_document(timeout=30)
    assert sent.file_name == f"otchet-para-{pair_id}.docx"
    await admin.wait_message("Отчёт пары Сидорова Мария Ивановна — Иванова Анна Петровна")
    report = docx.Document(io.BytesIO(sent.data))
    text = _text(report)
    assert report.paragraphs[0].text == "Отчёт о работе пары наставничества"
    assert "Сидорова Мария Ивановна (ПЦК ИТ)" in text and "01.09.2026 – 30.06.2027" in text
    plan, journal, months = report.tables[0], report.tables[1], report.tables[2]
    assert [c.text for c in plan.rows[0].cells] == [
        "№", "Мероприятие", "Срок", "Отчёт наставляемого", "Отметка о выполнении",
    ]  # fmt: skip
    assert "просрочен" in [row.cells[4].text for row in plan.rows[1:]]
    assert len(journal.rows) == 2 and journal.rows[1].cells[1].text == "консультация"
    assert journal.rows[1].cells[6].text == "1,5"
    assert [c.text for c in months.rows[1].cells] == ["01.2027", "1", "1,5"]
    assert [c.text for c in months.rows[-1].cells] == ["Итого", "1", "1,5"]
    assert "Довольны ли вы поддержкой наставника" in text and "Секрет для методистов" in text
    assert "Готова к самостоятельной работе." in text  # the conclusion: the final comment
    assert "Наставник ____________________ Иванова Анна Петровна" in text

    # The mentor's own copy: the mentor's answers, not the mentee's.
    mentor.press_data(PairReportCb(pair_id=pair_id).pack(), mentor.messages()[-1]["message_id"])
    mine = docx.Document(io.BytesIO((await mentor.wait_document(timeout=30)).data))
    text = _text(mine)
    assert "Планирование уроков" in text and "Готова к самостоятельной работе." in text
    assert "Довольны ли вы поддержкой" not in text and "Секрет для методистов" not in text

    # Anyone else, or the mentor on another pair: refused, no file.
    other = pair_id + 1
    for who, data in ((mentee, pair_id), (mentor, other), (mentee, 9999)):
        who.press_data(PairReportCb(pair_id=data).pack(), who.messages()[-1]["message_id"])
        assert (await who.wait_answer_callback())["show_alert"]
    assert not mentee.documents() and len(mentor.documents()) == 1


async def test_the_programmes_report_has_the_totals_the_chart_and_the_pairs(
    bot_runner: BotRunner, people: dict[str, TelegramUser]
) -> None:
    await _more(bot_runner)
    await _answered(bot_runner)
    admin = people["admin"]
    admin.send("/report")
    sent = await admin.wait_document(timeout=30)
    assert sent.file_name == "otchet-nastavnichestvo-01.09.2026-25.01.2027.docx"
    report = docx.Document(io.BytesIO(sent.data))
    assert report.paragraphs[0].text == "Отчёт о программе наставничества"
    totals, pairs = report.tables[0], report.tables[1]
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in totals.rows[1:]}
    assert rows["Итого"][1:7] == ["3", "1", "1", "0 / 1 (0 %)", "5", "5,2"]
    assert set(rows) == {"Итого", "ПЦК ИТ", "ПЦК электротехники"}
    assert len(report.inline_shapes) == 1  # the chart
    assert len(pairs.rows) == 1 + 5  # every pair that worked in the period
    text = _text(report)
    assert "Анкеты наставляемых (1), средние оценки: поддержка 5,0, уверенность 3,0." in text
    for who in (people["mentor"], people["mentee"]):
        who.send("/report")
        await who.wait_message("только администраторам")
        assert not who.documents()

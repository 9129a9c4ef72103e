"""/export through the real app on the seeded programme of test_stats: the workbook read back
with openpyxl (the sheets, headers, rows, typed local dates, frozen header, autofilter), the
CSV zip read back with the csv module (UTF-8 with BOM, `;`), one department and a period,
text typed by people never taken for a formula; refused to mentors and mentees."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime, timedelta

import openpyxl
import pytest
import test_digest
from conftest import BotRunner
from people import TelegramUser
from test_reminders import _app
from test_stats import _more

from scheduler.clock import ManualClock

people = test_digest.people
FORMULA = '=HYPERLINK("http://evil.example","Нажми")'


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock(test_digest.MONDAY - timedelta(hours=1))


async def _formula_question(bot_runner: BotRunner) -> None:
    app = _app(bot_runner)
    async with app.db.transaction() as tx:
        await tx.conn.execute(
            "UPDATE questions SET text = ? WHERE id = (SELECT MAX(id) FROM questions)", (FORMULA,)
        )


async def test_export_is_a_workbook_of_typed_sheets(
    bot_runner: BotRunner, people: dict[str, TelegramUser]
) -> None:
    await _more(bot_runner)
    await _formula_question(bot_runner)
    admin = people["admin"]
    admin.send("/export")
    sent = await admin.wait_document(timeout=30)
    assert sent.file_name == "nastavnik-01.09.2026-25.01.2027.xlsx"
    caption = await admin.wait_message("Выгрузка за 01.09.2026 — 25.01.2027")
    assert "по листу на каждое" in caption["caption"]
    book = openpyxl.load_workbook(io.BytesIO(sent.data))
    assert book.sheetnames == ["Люди", "Пары", "План", "Журнал", "Вопросы", "Анкеты"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert sheet["A1"].font.b
        assert all(d.width and d.width >= 6 for d in sheet.column_dimensions.values())

    pairs = list(book["Пары"].iter_rows(values_only=True))
    assert pairs[0][:4] == ("№ пары", "Наставник", "Наставляемый", "ПЦК")
    by_mentee = {(row[2], row[8]): row for row in pairs[1:]}
    assert len(pairs) == 6  # 3 active, 1 completed, 1 ended early
    first = by_mentee[("Сидорова Мария Ивановна", "активна")]
    assert first[3] == "ПЦК ИТ" and first[4] == "педагогическое наставничество"
    assert first[5] == datetime(2026, 9, 1)  # a real date
    assert (first[11], first[12], first[13], first[14]) == (1, 0, 1, 1.5)
    ended = by_mentee[("Зайцева Ксения Андреевна", "прекращена досрочно")]
    assert ended[9] == datetime(2026, 11, 2, 11, 0)  # 05:00 UTC, local time

    journal = book["Журнал"]
    rows = list(journal.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 5  # every meeting held in the period
    assert sorted(row[5] for row in rows) == [
        "консультация",
        "консультация",
        "открытый урок",
        "посещение урока наставляемого",
        "посещение урока наставника",
    ]
    assert journal["E2"].is_date and journal["E2"].number_format == "DD.MM.YYYY HH:MM"

    questions = book["Вопросы"]
    typed = [row for row in questions.iter_rows(min_row=2) if row[5].value == FORMULA]
    assert len(typed) == 1 and typed[0][5].data_type == "s"  # text, not a formula
    waited = [row[9] for row in questions.iter_rows(min_row=2, values_only=True)]
    assert sorted(waited, key=lambda w: w is None) == [2.0, None]

    people_rows = list(book["Люди"].iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in people_rows} >= {"Иванова Анна Петровна", "Сидорова Мария Ивановна"}


async def test_export_csv_is_a_zip_russian_excel_opens(
    bot_runner: BotRunner, people: dict[str, TelegramUser]
) -> None:
    await _more(bot_runner)
    await _formula_question(bot_runner)
    admin = people["admin"]
    admin.send("/export csv 01.09.2026 30.06.2027 электротехники")
    sent = await admin.wait_document(timeout=30)
    assert sent.file_name == "nastavnik-01.09.2026-30.06.2027.zip"
    await admin.wait_message("ПЦК электротехники: архив CSV", timeout=30)
    archive = zipfile.ZipFile(io.BytesIO(sent.data))
    assert sorted(archive.namelist()) == [
        "feedback.csv",
        "journal.csv",
        "pairs.csv",
        "people.csv",
        "plan.csv",
        "questions.csv",
    ]
    raw = archive.read("pairs.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["№ пары", "Наставник", "Наставляемый"]
    assert {row[2] for row in rows[1:]} == {"Зайцева Ксения Андреевна"}  # one department
    assert {row[5] for row in rows[1:]} == {"01.09.2026"}
    journal = list(
        csv.reader(io.StringIO(archive.read("journal.csv").decode("utf-8-sig")), delimiter=";")
    )
    assert len(journal) == 5 and journal[1][7] in ("1,5", "0,75")  # the decimal comma
    plan = list(
        csv.reader(io.StringIO(archive.read("plan.csv").decode("utf-8-sig")), delimiter=";")
    )
    assert any(row[7] == "принят" and row[8] == "да" for row in plan[1:])

    admin.send("/export csv")
    sent = await admin.wait_document(timeout=30)
    questions = zipfile.ZipFile(io.BytesIO(sent.data)).read("questions.csv").decode("utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in questions  # a spreadsheet shows it as text


async def test_export_answers_bad_arguments_and_is_refused_to_others(
    people: dict[str, TelegramUser],
) -> None:
    admin = people["admin"]
    admin.send("/export 31.12.2026")
    await admin.wait_message("Напишите так")
    admin.send("/export химия")
    await admin.wait_message("ПЦК «химия» не нашлась", timeout=30)
    for who in (people["mentor"], people["mentee"]):
        who.send("/export")
        await who.wait_message("только администраторам")
        assert not who.documents()

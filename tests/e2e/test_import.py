"""Roster import end to end: a file uploaded after /import, and `python -m bot import FILE`."""

from __future__ import annotations

import asyncio
import io
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import BotRunner
from fake_bot_api import FakeBotAPI
from openpyxl import Workbook
from people import TelegramUser

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CLI_TIMEOUT = 60.0  # importing the app in a fresh interpreter takes seconds on a busy machine

HEADER = ["ФИО", "Роль", "Telegram", "ПЦК", "Наставник", "Вид", "Начало", "Окончание", "Приказ"]
ORDER = "№ 112-к от 28.08.2026"
# Two mentors (by id and by @username) and their two mentees, one of them by business kind.
GOOD_ROWS = [
    ["Иванова Анна Петровна", "наставник", "5101", "ПЦК информационных технологий"],
    ["Белов Дмитрий Игоревич", "наставник", "@belov_di", "ООО «Энергосервис»"],
    ["Сидорова Мария Ивановна", "наставляемая", "5201", "ПЦК информационных технологий",
     "Иванова Анна Петровна", "педагогический", "01.09.2026", "30.06.2027", ORDER],
    ["Павлов Никита Олегович", "наставляемый", "", "ПЦК электротехники",
     "@belov_di", "бизнес", "2026-09-01", "2027-06-30", ORDER],
]  # fmt: skip
# Each bad row is refused on its own line; lines 2 and 9 are good, 8 adds a person but no pair.
BAD_ROWS = [
    ["Иванова Анна Петровна", "наставник", "5101", "ПЦК информационных технологий"],
    ["Без Роли Человек", "", "", ""],
    ["", "наставник", "", ""],
    ["Кто То Такой", "<админ>", "", ""],
    ["Короткий Ник", "наставник", "@ab", ""],
    ["Датов Дат", "наставляемый", "", "", "Иванова Анна Петровна", "", "31.02.2026"],
    ["Сиротин Сирота", "наставляемый", "", "", "Неизвестный Наставник"],
    ["Орлов Илья Сергеевич", "наставляемый", "", "", "Иванова Анна Петровна", "", "01.09.2026"],
]
BAD_LINES = {
    3: "не указана роль",
    4: "не указано ФИО",
    5: "непонятная роль «<админ>»",
    6: "непонятный Telegram «@ab»",
    7: "непонятная дата в столбце «Начало»: «31.02.2026»",
    8: "наставник «Неизвестный Наставник» не найден",
}
REFUSED = "⛔ Файл не принят, ничего не изменено."


def csv_bytes(
    rows: list[list[str]], *, header: list[str] = HEADER, delimiter: str = ";",
    encoding: str = "utf-8",
) -> bytes:  # fmt: skip
    lines = [delimiter.join(row) for row in (header, *rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, date):
                cell.number_format = "DD.MM.YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def upload(
    admin: TelegramUser, data: bytes, file_name: str, mime_type: str | None = None, **kwargs: Any
) -> dict[str, Any]:
    """/import, then the file; returns the bot's answer to the file."""
    admin.send("/import")
    await admin.wait_message("Пришлите файл")
    admin.send_document(data, file_name, mime_type, **kwargs)
    return await admin.wait_message("")


async def people_count(runner: BotRunner) -> int:
    assert runner.app is not None
    async with runner.app.db.read() as tx:
        return await tx.people.count()


def cli_env(database: Path, **settings: str) -> dict[str, str]:
    """Only the settings given: no token, nothing from the developer's environment or `.env`."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "DATABASE_PATH": str(database),
        **settings,
    }


def run_cli_import(tmp_path: Path, file: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "import", str(file)],
        cwd=tmp_path,
        env=cli_env(tmp_path / "cli.db", **settings),
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )


def table_count(database: Path, table: str) -> int:
    if not database.exists():
        return 0
    with sqlite3.connect(database) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


# --- upload after /import ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ";"), ("cp1251", ",")],
    ids=["utf8-bom-semicolon", "windows1251-comma"],
)
@pytest.mark.usefixtures("bot_runner")
async def test_upload_of_a_good_csv_adds_people_and_forms_pairs(
    admin: TelegramUser, encoding: str, delimiter: str
) -> None:
    data = csv_bytes(GOOD_ROWS, delimiter=delimiter, encoding=encoding)

    # Russian Excel's CSV often arrives labelled as an Excel file and without its size.
    summary = await upload(
        admin, data, "сотрудники.csv", "application/vnd.ms-excel", with_size=False
    )

    text = summary["text"]
    assert "Список загружен." in text
    assert "Добавлено 4 человека" in text
    assert "Сформированы 2 пары" in text
    assert "Ошибок нет." in text


@pytest.mark.usefixtures("bot_runner")
async def test_upload_of_a_file_with_bad_rows_reports_each_by_line_and_keeps_the_good(
    admin: TelegramUser,
) -> None:
    summary = await upload(admin, csv_bytes(BAD_ROWS), "roster.csv")

    text = summary["text"]
    assert "Добавлено 3 человека" in text
    assert "Сформирована 1 пара" in text
    assert "6 строк с ошибками — они пропущены:" in text
    for line, reason in BAD_LINES.items():
        assert f"строка {line}: {reason}" in text
    assert "строка 2:" not in text
    assert "строка 9:" not in text


async def test_upload_of_the_same_file_twice_changes_nothing(
    admin: TelegramUser, bot_runner: BotRunner
) -> None:
    data = csv_bytes(GOOD_ROWS)
    await upload(admin, data, "roster.csv")
    people_after_first = await people_count(bot_runner)

    summary = await upload(admin, data, "roster.csv")

    text = summary["text"]
    assert "Добавлено 0 человек" in text
    assert "Обновлено 0 человек" in text
    assert "Без изменений: 4 человека" in text
    assert "Сформировано 0 пар" in text
    assert await people_count(bot_runner) == people_after_first


NOT_A_ROSTER = [
    pytest.param(
        b"\x89PNG\r\n\x1a\n" + bytes(200), "photo.png", "image/png",
        "Это не список людей", id="image",
    ),
    pytest.param(
        bytes(range(256)) * 8, "data.bin", "application/octet-stream",
        "Это не список людей", id="binary",
    ),
    pytest.param(
        "ФИО;Email\nИванова Анна Петровна;ivanova@college.kg\n".encode(), "roster.csv",
        "text/csv", "В заголовке (строка 1) нет обязательного столбца «Роль».",
        id="csv-without-role",
    ),
    pytest.param(
        csv_bytes(GOOD_ROWS) + b"x" * (2 * 1024 * 1024), "big.csv", "text/csv",
        "Файл слишком большой: список должен быть не больше 2 МБ.", id="over-2-mb",
    ),
    pytest.param(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), "roster.xls",
        "application/vnd.ms-excel", "старого формата Excel (.xls)", id="xls",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("data", "file_name", "mime_type", "reason"), NOT_A_ROSTER)
async def test_upload_of_a_file_that_is_not_a_roster_is_refused_whole(
    admin: TelegramUser,
    bot_runner: BotRunner,
    data: bytes,
    file_name: str,
    mime_type: str,
    reason: str,
) -> None:
    admin.send("/start")
    await admin.wait_message("Здравствуйте")
    people_before = await people_count(bot_runner)

    answer = await upload(admin, data, file_name, mime_type)

    assert reason in answer["text"]
    assert "Список загружен" not in answer["text"]
    assert await people_count(bot_runner) == people_before


@pytest.mark.usefixtures("bot_runner")
async def test_after_a_refused_file_the_form_still_takes_a_good_one(admin: TelegramUser) -> None:
    refusal = await upload(admin, b"\x89PNG\r\n\x1a\n" + bytes(200), "photo.png", "image/png")

    admin.send_document(csv_bytes(GOOD_ROWS), "roster.csv")
    summary = await admin.wait_message("Список загружен")

    assert REFUSED in refusal["text"]
    assert "Добавлено 4 человека" in summary["text"]


@pytest.mark.usefixtures("bot_runner")
async def test_upload_of_an_xlsx_with_number_and_date_cells(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    rows: list[list[Any]] = [
        ["Иванова Анна Петровна", "наставник", 5101, "ПЦК информационных технологий"],
        ["Сидорова Мария Ивановна", "наставляемая", 5201, "ПЦК информационных технологий",
         "Иванова Анна Петровна", "педагогический", date(2026, 9, 1), date(2027, 6, 30), ORDER],
    ]  # fmt: skip

    summary = await upload(admin, xlsx_bytes(rows), "roster.xlsx")
    mentee = TelegramUser(fake_api, 5201, "Мария")
    mentee.send("/start")
    greeting = await mentee.wait_message("Здравствуйте")

    assert "Добавлено 2 человека" in summary["text"]
    assert "Сформирована 1 пара" in summary["text"]
    assert "Ошибок нет." in summary["text"]
    assert "Мария Ивановна" in greeting["text"]
    assert (
        "Иванова Анна Петровна (педагогическое наставничество, до 30.06.2027)" in greeting["text"]
    )


@pytest.mark.usefixtures("bot_runner")
async def test_upload_of_the_example_xlsx(admin: TelegramUser) -> None:
    data = (EXAMPLES / "roster.xlsx").read_bytes()

    summary = await upload(admin, data, "roster.xlsx")

    assert "Добавлено 8 человек" in summary["text"]
    assert "Сформированы 4 пары" in summary["text"]
    assert "Ошибок нет." in summary["text"]


# --- untrusted spreadsheets: dates, names, quotes, HR exports (issue 5) --------------------------

OUT_OF_RANGE = "в столбце «Начало» вне допустимых: с 01.01.2000 по 31.12.2100"
# A title line, a blank line, then a header with the name in three columns, as 1C exports it.
HR_EXPORT = [
    ["Список сотрудников на 01.09.2026"],
    [],
    ["№ п/п", "Фамилия", "Имя", "Отчество", "Должность", "Подразделение", "Роль", "Telegram"],
    [1, "Иванова", "Анна", "Петровна", "преподаватель", "ПЦК ИТ", "наставник", 5101],
    [2, "Сидорова", "Мария", "Ивановна", "преподаватель", "ПЦК ИТ", "наставляемая", 5201],
    [3, "Смит", "Джон", None, "преподаватель", "ПЦК языков", "наставник", None],
    [4, "Петров", "Пётр", "Петрович", "директор", "Администрация", "директор", None],
]


def sheet_bytes(rows: list[list[Any]]) -> bytes:
    """An XLSX with exactly these rows (no header added), dates as date cells."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "DD.MM.YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def typed_start_rows(start: date) -> list[list[Any]]:
    return [
        ["Иванова Анна Петровна", "наставник", 5101, "ПЦК информационных технологий"],
        ["Сидорова Мария Ивановна", "наставляемая", 5201, "ПЦК информационных технологий",
         "Иванова Анна Петровна", "педагогический", start, None, ORDER],
        ["Орлов Илья Сергеевич", "наставляемый", 5202, "ПЦК информационных технологий",
         "Иванова Анна Петровна", "педагогический", date(2026, 9, 1), None, ORDER],
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("start", "shown"),
    [(date(9999, 12, 31), "31.12.9999"), (date(1900, 1, 1), "01.01.1900")],
    ids=["year-9999", "year-1900"],
)
@pytest.mark.usefixtures("bot_runner")
async def test_upload_of_an_xlsx_with_a_typed_date_out_of_range_reports_its_line(
    admin: TelegramUser, start: date, shown: str
) -> None:
    summary = await upload(admin, xlsx_bytes(typed_start_rows(start)), "roster.xlsx")

    text = summary["text"]
    assert f"строка 3: дата {shown} {OUT_OF_RANGE}" in text
    assert "Добавлено 2 человека" in text
    assert "Сформирована 1 пара" in text


def test_cli_import_of_an_xlsx_with_a_start_in_year_9999_exits_0_naming_the_line(
    tmp_path: Path,
) -> None:
    roster = tmp_path / "roster.xlsx"
    roster.write_bytes(xlsx_bytes(typed_start_rows(date(9999, 12, 31))))

    result = run_cli_import(tmp_path, roster)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [
        "added: 2, updated: 0, unchanged: 0, pairs formed: 1, errors: 1",
        f"line 3: дата 31.12.9999 {OUT_OF_RANGE}",
    ]


async def test_reimport_with_invisible_characters_in_names_finds_the_same_people(
    admin: TelegramUser, bot_runner: BotRunner
) -> None:
    await upload(admin, csv_bytes(GOOD_ROWS[:1]), "mentors.csv")
    people_before = await people_count(bot_runner)
    rows = [
        ["Иванова\u00a0Анна \u200bПетровна", "наставник", "", "ПЦК информационных технологий"],
        ["Сидорова Мария Ивановна", "наставляемая", "5201", "ПЦК информационных технологий",
         "\u2066Иванова  Анна\u2009Петровна\u2069", "педагогический", "01.09.2026"],
    ]  # fmt: skip

    summary = await upload(admin, csv_bytes(rows), "again.csv")

    text = summary["text"]
    assert "Добавлен 1 человек" in text
    assert "Без изменений: 1 человек" in text
    assert "Сформирована 1 пара" in text
    assert "Ошибок нет." in text
    assert await people_count(bot_runner) == people_before + 1


@pytest.mark.usefixtures("bot_runner")
async def test_upload_with_a_stray_quote_reports_its_line_and_reads_the_rows_after_it(
    admin: TelegramUser,
) -> None:
    rows = [list(row) for row in GOOD_ROWS]
    rows[1][0] = '"' + rows[1][0]  # line 3: the quote never closes

    summary = await upload(admin, csv_bytes(rows), "roster.csv")

    text = summary["text"]
    assert 'строка 3: кавычка не закрыта: «"Белов Дмитрий Игоревич;наставник' in text
    assert "строка 5: наставник «@belov_di» не найден" in text
    assert "Добавлено 3 человека" in text  # line 5's mentee is added, without the pair
    assert "Сформирована 1 пара" in text


@pytest.mark.usefixtures("bot_runner")
async def test_upload_of_an_hr_export_with_a_title_and_three_name_columns(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    summary = await upload(admin, sheet_bytes(HR_EXPORT), "Сотрудники.xlsx")
    mentee = TelegramUser(fake_api, 5201, "Мария")
    mentee.send("/start")
    greeting = await mentee.wait_message("Здравствуйте")

    text = summary["text"]
    assert "Добавлено 3 человека" in text
    assert "строка 7: непонятная роль «директор»" in text
    assert "Мария Ивановна" in greeting["text"]


def test_cli_import_of_an_hr_export_keeps_the_spreadsheet_line_numbers(tmp_path: Path) -> None:
    roster = tmp_path / "Сотрудники.xlsx"
    roster.write_bytes(sheet_bytes(HR_EXPORT))

    result = run_cli_import(tmp_path, roster)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "added: 3, updated: 0, unchanged: 0, pairs formed: 0, errors: 1"
    assert lines[1].startswith("line 7: непонятная роль «директор»")
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        names = [row[0] for row in conn.execute("SELECT full_name FROM people ORDER BY id")]
    assert names == ["Иванова Анна Петровна", "Сидорова Мария Ивановна", "Смит Джон"]


async def test_cancel_leaves_the_import_form(admin: TelegramUser, bot_runner: BotRunner) -> None:
    admin.send("/import")
    await admin.wait_message("Пришлите файл")
    people_before = await people_count(bot_runner)

    admin.send("/cancel")
    cancelled = await admin.wait_message("")
    admin.send_document(csv_bytes(GOOD_ROWS), "roster.csv")
    after = await admin.wait_message("")

    assert "Действие отменено" in cancelled["text"]
    assert "сначала отправьте /import" in after["text"]
    assert await people_count(bot_runner) == people_before


# --- the command line -----------------------------------------------------------------------------


def test_cli_import_of_a_file_with_bad_rows_exits_0_with_the_summary_and_line_reasons(
    tmp_path: Path,
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(csv_bytes(BAD_ROWS))

    result = run_cli_import(tmp_path, roster)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "added: 3, updated: 0, unchanged: 0, pairs formed: 1, errors: 6"
    assert [line.split(":", 1)[0] for line in lines[1:]] == [f"line {k}" for k in BAD_LINES]
    for line, (number, reason) in zip(lines[1:], BAD_LINES.items(), strict=True):
        assert line.startswith(f"line {number}: {reason}")


def test_cli_import_of_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    roster = tmp_path / "roster.xlsx"
    roster.write_bytes((EXAMPLES / "roster.xlsx").read_bytes())

    first = run_cli_import(tmp_path, roster)
    second = run_cli_import(tmp_path, roster)

    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "added: 8, updated: 0, unchanged: 0, pairs formed: 4, errors: 0"
    ]
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines() == [
        "added: 0, updated: 0, unchanged: 8, pairs formed: 0, errors: 0"
    ]
    assert table_count(tmp_path / "cli.db", "pairs") == 4


def test_cli_import_of_an_xls_exits_1_with_one_line_and_changes_nothing(tmp_path: Path) -> None:
    roster = tmp_path / "roster.xls"
    roster.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))

    result = run_cli_import(tmp_path, roster)

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "roster.xls" in lines[0]
    assert ".xls" in lines[0] and "xlsx" in lines[0]
    assert table_count(tmp_path / "cli.db", "people") == 0


def test_cli_import_with_an_invalid_setting_exits_2_naming_it(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(csv_bytes(GOOD_ROWS))

    result = run_cli_import(tmp_path, roster, MAX_MENTEES_PER_MENTOR="0")

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "MAX_MENTEES_PER_MENTOR" in lines[0]
    assert table_count(tmp_path / "cli.db", "people") == 0


async def test_cli_import_while_the_bot_runs_gets_pair_notices_to_linked_people(
    tmp_path: Path, admin: TelegramUser, fake_api: FakeBotAPI, bot_runner: BotRunner
) -> None:
    # The mentors first, uploaded to the running bot; one of them opens the bot.
    example = (EXAMPLES / "roster.csv").read_text(encoding="utf-8-sig").splitlines()
    mentors = "\n".join(line for line in example[:5] if "наставляем" not in line)
    admin.send("/import")
    await admin.wait_message("Пришлите файл")
    admin.send_document(mentors.encode(), "mentors.csv")
    await admin.wait_message("Добавлено 4 человека")
    mentor = TelegramUser(fake_api, 6001, "Анна", "Иванова", username="ivanova_ap")
    mentor.send("/start")
    await mentor.wait_message("Наставляемых у вас пока нет")

    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "import", str(EXAMPLES / "roster.csv"),
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
    notices = [
        await mentor.wait_message(f"Вы назначены наставником {name}")
        for name in ("Сидоровой Марии Ивановны", "Орлова Ильи Сергеевича")
    ]

    assert process.returncode == 0, stderr.decode()
    assert stdout.decode().splitlines() == [
        "added: 4, updated: 0, unchanged: 4, pairs formed: 4, errors: 0"
    ]
    for notice in notices:
        assert "(педагогическое наставничество, 01.09.2026 – 30.06.2027)" in notice["text"]
        assert ORDER in notice["text"]
    mentor.send("/start")
    greeting = await mentor.wait_message("Ваши наставляемые")
    assert "Мария Ивановна" in greeting["text"]
    assert "Орлов Илья Сергеевич" in greeting["text"]


@pytest.mark.usefixtures("bot_runner")
async def test_the_import_prompt_comes_with_the_sample_rosters_as_files(
    admin: TelegramUser, fake_api: FakeBotAPI
) -> None:
    admin.send("/import")
    prompt = await admin.wait_message("Пришлите файл")

    files = fake_api.documents_to(admin.id)
    assert [f.file_name for f in files] == ["образец_списка.xlsx", "образец_списка.csv"]
    assert files[1].data == (EXAMPLES / "roster.csv").read_bytes()
    assert files[0].data == (EXAMPLES / "roster.xlsx").read_bytes()
    assert "Образцы — выше" in prompt["text"] and "examples/" not in prompt["text"]
    assert admin.inline_buttons(prompt) == ["✖️ Отмена"]

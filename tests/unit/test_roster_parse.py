"""Reading roster files: formats, headers, values, row errors and files refused as a whole."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from bot.roster import ParsedRoster, RosterRefused, RosterRow, RowError, parse_roster
from bot.rules import ROSTER_MAX_BYTES, ROSTER_MAX_ROWS
from storage.models import PairKind, Role

HEADER_RU = "ФИО;Роль;Telegram;ПЦК;Наставник;Вид;Начало;Окончание;Приказ"


def csv(*lines: str, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return newline.join(lines).encode(encoding)


def xlsx(*rows: list[object], extra_sheet: bool = False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        workbook.create_sheet("Второй").append(["ФИО", "Роль"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def only_row(roster: ParsedRoster) -> RosterRow:
    assert roster.errors == []
    assert len(roster.rows) == 1
    return roster.rows[0]


def only_error(roster: ParsedRoster) -> RowError:
    assert roster.rows == []
    assert len(roster.errors) == 1
    return roster.errors[0]


def refused(data: bytes) -> RosterRefused:
    with pytest.raises(RosterRefused) as caught:
        parse_roster(data)
    return caught.value


def mentee_row(**cells: str) -> bytes:
    values = {
        "ФИО": "Сидорова Мария Ивановна",
        "Роль": "наставляемая",
        "Telegram": "",
        "Наставник": "Иванова Анна Петровна",
        "Вид": "",
        "Начало": "",
        "Окончание": "",
        "Приказ": "",
    }
    values.update(cells)
    return csv(";".join(values), ";".join(values.values()))


# Formats and encodings ---------------------------------------------------------------------------


def test_utf8_csv_with_russian_headers_reads_every_column() -> None:
    data = csv(
        HEADER_RU,
        "Иванова Анна Петровна;наставник;@ivanova_ap;ПЦК информационных технологий;;;;;",
        "Сидорова Мария Ивановна;наставляемая;123456789;ПЦК информационных технологий;"
        "Иванова Анна Петровна;педагогический;01.09.2026;30.06.2027;№ 112-к от 28.08.2026",
    )
    roster = parse_roster(data)
    assert roster.errors == []
    mentor, mentee = roster.rows
    assert (mentor.line, mentor.full_name, mentor.role) == (2, "Иванова Анна Петровна", Role.MENTOR)
    assert (mentor.username, mentor.telegram_id) == ("ivanova_ap", None)
    assert mentor.department == "ПЦК информационных технологий"
    assert mentor.mentor is None
    assert mentee.line == 3
    assert mentee.role is Role.MENTEE
    assert mentee.telegram_id == 123456789
    assert mentee.mentor == "Иванова Анна Петровна"
    assert mentee.kind is PairKind.PEDAGOGICAL
    assert (mentee.start, mentee.end) == (date(2026, 9, 1), date(2027, 6, 30))
    assert mentee.order_ref == "№ 112-к от 28.08.2026"


def test_utf8_bom_does_not_spoil_the_first_column() -> None:
    data = b"\xef\xbb\xbf" + csv("ФИО;Роль", "Иванова Анна;наставник")
    assert only_row(parse_roster(data)).full_name == "Иванова Анна"


def test_windows_1251_csv_is_read() -> None:
    data = csv("ФИО;Роль;ПЦК", "Ёлкина Анна;методист;ПЦК электротехники", encoding="cp1251")
    row = only_row(parse_roster(data))
    assert (row.full_name, row.role, row.department) == (
        "Ёлкина Анна",
        Role.ADMIN,
        "ПЦК электротехники",
    )


def test_utf16_text_saved_by_excel_is_read() -> None:
    data = "ФИО\tРоль\r\nИванова Анна\tнаставник\r\n".encode("utf-16")
    assert only_row(parse_roster(data)).role is Role.MENTOR


def test_comma_delimiter_with_english_headers_and_crlf() -> None:
    data = csv("full_name,role,telegram", "Ivanova Anna,mentor,@ivanova_ap", newline="\r\n")
    row = only_row(parse_roster(data))
    assert (row.full_name, row.role, row.username) == ("Ivanova Anna", Role.MENTOR, "ivanova_ap")


def test_semicolon_wins_when_the_header_also_has_commas() -> None:
    data = csv("Роль;ФИО;Приказ, дата", "наставник;Иванова, Анна;")
    assert only_row(parse_roster(data)).full_name == "Иванова, Анна"


def test_columns_in_any_order_case_and_notes_do_not_matter_and_unknown_are_ignored() -> None:
    data = csv(
        "Примечание;  роль ;TELEGRAM (id или @username);Ф.И.О.;Вид наставничества;Кафедра",
        "что-то;Наставник;t.me/Petrov_PP;Петров Пётр;;Кафедра физики",
    )
    row = only_row(parse_roster(data))
    assert (row.full_name, row.role, row.username, row.department) == (
        "Петров Пётр",
        Role.MENTOR,
        "petrov_pp",
        "Кафедра физики",
    )


def test_quoted_field_over_two_lines_is_one_spreadsheet_row() -> None:
    data = csv("ФИО;Роль;ПЦК", 'Иванова Анна;наставник;"ПЦК\nфизики"', "Петров Пётр;наставник;")
    roster = parse_roster(data)
    assert [row.line for row in roster.rows] == [2, 3]
    assert roster.rows[0].department == "ПЦК физики"


def test_content_decides_not_the_file_name() -> None:
    data = csv("ФИО;Роль", "Иванова Анна;наставник")
    assert only_row(parse_roster(data, filename="roster.xlsx")).full_name == "Иванова Анна"


def test_xlsx_typed_cells_numbers_and_dates() -> None:
    data = xlsx(
        ["ФИО", "Роль", "Telegram", "Наставник", "Начало", "Окончание", "Приказ"],
        ["Иванова Анна", "наставник", 111222333, None, None, None, None],
        [
            "Сидорова Мария",
            "наставляемая",
            444555666.0,
            "Иванова Анна",
            datetime(2026, 9, 1),
            date(2027, 6, 30),
            112,
        ],
    )
    roster = parse_roster(data)
    assert roster.errors == []
    mentor, mentee = roster.rows
    assert mentor.telegram_id == 111222333
    assert mentee.telegram_id == 444555666
    assert (mentee.start, mentee.end) == (date(2026, 9, 1), date(2027, 6, 30))
    assert mentee.order_ref == "112"


def test_xlsx_reads_the_first_sheet_only_with_spreadsheet_line_numbers() -> None:
    data = xlsx(
        ["ФИО", "Роль"],
        ["Иванова Анна", "наставник"],
        [None, None],
        ["Петров Пётр", "наставник"],
        extra_sheet=True,
    )
    assert [row.line for row in parse_roster(data).rows] == [2, 4]


def test_xlsx_with_wrong_stored_dimensions_is_read_to_the_end() -> None:
    original = xlsx(["ФИО", "Роль"], ["Иванова Анна", "наставник"], ["Петров Пётр", "наставник"])
    patched = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:B3" />' in content
                content = content.replace(b'<dimension ref="A1:B3" />', b'<dimension ref="A1" />')
            target.writestr(item, content)
    assert len(parse_roster(patched.getvalue()).rows) == 2


# Values ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "role"),
    [
        ("mentor", Role.MENTOR),
        ("Наставник", Role.MENTOR),
        ("наставница", Role.MENTOR),
        ("MENTEE", Role.MENTEE),
        ("наставляемый", Role.MENTEE),
        ("Наставляемая", Role.MENTEE),
        ("молодой специалист", Role.MENTEE),
        ("admin", Role.ADMIN),
        ("методист", Role.ADMIN),
        ("Администратор", Role.ADMIN),
    ],
)
def test_role_names(written: str, role: Role) -> None:
    data = csv("ФИО;Роль", f"Иванова Анна;{written}")
    assert only_row(parse_roster(data)).role is role


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("", PairKind.PEDAGOGICAL),
        ("педагогический", PairKind.PEDAGOGICAL),
        ("pedagogical", PairKind.PEDAGOGICAL),
        ("бизнес", PairKind.BUSINESS),
        ("Бизнес-наставник", PairKind.BUSINESS),
        ("business", PairKind.BUSINESS),
    ],
)
def test_kind_names(written: str, kind: PairKind) -> None:
    assert only_row(parse_roster(mentee_row(Вид=written))).kind is kind


@pytest.mark.parametrize(
    ("written", "telegram_id", "username"),
    [
        ("", None, None),
        ("123456789", 123456789, None),
        ("123456789.0", 123456789, None),
        ("@Sidorova_M", None, "sidorova_m"),
        ("sidorova_m", None, "sidorova_m"),
        ("t.me/sidorova_m", None, "sidorova_m"),
        ("https://t.me/sidorova_m/", None, "sidorova_m"),
    ],
)
def test_telegram_forms(written: str, telegram_id: int | None, username: str | None) -> None:
    row = only_row(parse_roster(mentee_row(Telegram=written)))
    assert (row.telegram_id, row.username) == (telegram_id, username)


@pytest.mark.parametrize("written", ["@abc", "+7 916 123-45-67", "-100123", "иванова", "0"])
def test_bad_telegram_is_a_row_error(written: str) -> None:
    error = only_error(parse_roster(mentee_row(Telegram=written)))
    assert (error.line, error.key, error.args) == (2, "roster-row-bad-telegram", {"value": written})


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("01.09.2026", date(2026, 9, 1)),
        ("1.9.2026", date(2026, 9, 1)),
        ("2026-09-01", date(2026, 9, 1)),
    ],
)
def test_date_forms(written: str, expected: date) -> None:
    assert only_row(parse_roster(mentee_row(Начало=written))).start == expected


@pytest.mark.parametrize("written", ["31.02.2026", "1 сентября", "09/01/2026"])
def test_bad_date_is_a_row_error_naming_the_column(written: str) -> None:
    error = only_error(parse_roster(mentee_row(Окончание=written)))
    assert (error.key, error.args) == ("roster-row-bad-date", {"column": "end", "value": written})


def test_end_before_start_is_a_row_error() -> None:
    error = only_error(parse_roster(mentee_row(Начало="01.09.2026", Окончание="31.08.2026")))
    assert error.key == "roster-row-end-before-start"


def test_unknown_kind_is_a_row_error() -> None:
    error = only_error(parse_roster(mentee_row(Вид="дистанционный")))
    assert (error.key, error.args) == ("roster-row-bad-kind", {"value": "дистанционный"})


def test_unknown_role_is_a_row_error() -> None:
    error = only_error(parse_roster(csv("ФИО;Роль", "Иванова Анна;директор")))
    assert (error.key, error.args) == ("roster-row-bad-role", {"value": "директор"})


def test_missing_name_and_missing_role_are_row_errors() -> None:
    roster = parse_roster(csv("ФИО;Роль", ";наставник", "Иванова Анна;"))
    assert [(e.line, e.key) for e in roster.errors] == [
        (2, "roster-row-no-name"),
        (3, "roster-row-no-role"),
    ]


def test_too_long_values_are_row_errors() -> None:
    roster = parse_roster(
        csv("ФИО;Роль;ПЦК", "И" * 201 + ";наставник;", "Иванова Анна;наставник;" + "П" * 201)
    )
    assert [(e.line, e.key, e.args) for e in roster.errors] == [
        (2, "roster-row-too-long", {"column": "full_name", "max": 200}),
        (3, "roster-row-too-long", {"column": "department", "max": 200}),
    ]


def test_spaces_are_trimmed_and_folded() -> None:
    data = csv("ФИО;Роль;ПЦК", "  Иванова   Анна \u00a0; наставник ; ПЦК  физики ")
    row = only_row(parse_roster(data))
    assert (row.full_name, row.department) == ("Иванова Анна", "ПЦК физики")


def test_pair_columns_are_ignored_on_a_mentor_row() -> None:
    data = csv(
        "ФИО;Роль;Наставник;Вид;Начало",
        "Иванова Анна;наставник;Петров Пётр;неизвестно;не дата",
    )
    row = only_row(parse_roster(data))
    assert (row.mentor, row.kind, row.start) == (None, PairKind.PEDAGOGICAL, None)


def test_empty_rows_are_skipped_but_counted() -> None:
    data = csv("ФИО;Роль", "", "Иванова Анна;наставник", ";", "Петров Пётр;директор", "   ;  ")
    roster = parse_roster(data)
    assert [row.line for row in roster.rows] == [3]
    assert [error.line for error in roster.errors] == [5]


def test_one_bad_row_does_not_stop_the_others() -> None:
    data = csv(
        "ФИО;Роль", "Иванова Анна;наставник", "Петров Пётр;директор", "Сидорова Мария;mentee"
    )
    roster = parse_roster(data)
    assert [row.line for row in roster.rows] == [2, 4]
    assert [error.line for error in roster.errors] == [3]


def test_xlsx_row_errors_carry_spreadsheet_line_numbers() -> None:
    data = xlsx(
        ["ФИО", "Роль", "Telegram"],
        ["Иванова Анна", "наставник", 1.5],
        [None, None, None],
        [None, None, None],
        ["Петров Пётр", "кто-то", None],
    )
    roster = parse_roster(data)
    assert [(e.line, e.key) for e in roster.errors] == [
        (2, "roster-row-bad-telegram"),
        (5, "roster-row-bad-role"),
    ]


# Files refused as a whole ------------------------------------------------------------------------


def test_too_big_file_is_refused() -> None:
    data = csv("ФИО;Роль") + b"\n" + b"x" * ROSTER_MAX_BYTES
    assert refused(data).key == "roster-refused-too-big"


def test_old_xls_is_refused_with_advice_to_resave() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    assert refused(data).key == "roster-refused-xls"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20,
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x00\x01\x02\x03binary\x00",
        bytes(range(256)) * 4,
    ],
    ids=["png", "jpeg", "pdf", "nul-bytes", "all-bytes"],
)
def test_not_a_roster_is_refused(data: bytes) -> None:
    assert refused(data).key == "roster-refused-not-roster"


def test_damaged_zip_is_refused() -> None:
    assert refused(b"PK\x03\x04" + b"\x14\x00" * 50).key == "roster-refused-bad-xlsx"


def test_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert refused(buffer.getvalue()).key == "roster-refused-bad-xlsx"


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b" \r\n\r\n ;;;\n"])
def test_empty_file_is_refused(data: bytes) -> None:
    assert refused(data).key == "roster-refused-empty"


def test_empty_workbook_is_refused() -> None:
    assert refused(xlsx()).key == "roster-refused-empty"


@pytest.mark.parametrize(
    ("header", "missing"),
    [("ФИО;ПЦК", "role"), ("Роль;ПЦК", "full_name"), ("Имя;Должность", "all")],
)
def test_header_missing_a_required_column_is_refused(header: str, missing: str) -> None:
    error = refused(csv(header, "Иванова Анна;наставник"))
    assert (error.key, error.args) == ("roster-refused-missing-columns", {"missing": missing})


def test_rows_without_a_header_are_refused() -> None:
    error = refused(csv("Иванова Анна;наставник", "Петров Пётр;наставник"))
    assert error.key == "roster-refused-missing-columns"


def test_csv_with_too_many_rows_is_refused() -> None:
    rows = [f"Человек {n};наставник" for n in range(ROSTER_MAX_ROWS + 1)]
    assert refused(csv("ФИО;Роль", *rows)).key == "roster-refused-too-many-rows"


def test_csv_with_the_maximum_of_rows_is_read() -> None:
    rows = [f"Человек {n};наставник" for n in range(ROSTER_MAX_ROWS)]
    assert len(parse_roster(csv("ФИО;Роль", *rows)).rows) == ROSTER_MAX_ROWS


def test_xlsx_with_too_many_rows_is_refused() -> None:
    rows: list[list[object]] = [[f"Человек {n}", "наставник"] for n in range(ROSTER_MAX_ROWS + 1)]
    assert refused(xlsx(["ФИО", "Роль"], *rows)).key == "roster-refused-too-many-rows"

"""Reading roster files: formats, headers, values, row errors and files refused as a whole."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from bot.domain.roster import (
    HEADER_SEARCH_ROWS,
    ParsedRoster,
    RosterRow,
    RowError,
    parse_roster,
)
from bot.domain.roster_file import RosterRefused
from bot.domain.rules import ROSTER_MAX_BYTES, ROSTER_MAX_ROWS
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
                # openpyxl writes `/>` with lxml installed (python-docx's), ` />` without it.
                stored = re.compile(rb'<dimension ref="A1:B3"\s*/>')
                assert stored.search(content)
                content = stored.sub(b'<dimension ref="A1" />', content)
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
    assert (error.key, error.args) == (
        "roster-refused-missing-columns",
        {"missing": missing, "line": 1},
    )


def test_rows_without_a_header_are_refused() -> None:
    error = refused(csv("Иванова Анна;наставник", "Петров Пётр;наставник"))
    assert error.key == "roster-refused-missing-columns"


def test_rows_naming_no_column_are_refused_saying_where_the_header_was_looked_for() -> None:
    error = refused(csv("Иванова Анна;методист", "Петров Пётр;методист"))
    assert (error.key, error.args) == ("roster-refused-no-header", {"last": 2})


def test_csv_with_too_many_rows_is_refused() -> None:
    rows = [f"Человек {n};наставник" for n in range(ROSTER_MAX_ROWS + 1)]
    assert refused(csv("ФИО;Роль", *rows)).key == "roster-refused-too-many-rows"


def test_csv_with_the_maximum_of_rows_is_read() -> None:
    rows = [f"Человек {n};наставник" for n in range(ROSTER_MAX_ROWS)]
    assert len(parse_roster(csv("ФИО;Роль", *rows)).rows) == ROSTER_MAX_ROWS


def test_xlsx_with_too_many_rows_is_refused() -> None:
    rows: list[list[object]] = [[f"Человек {n}", "наставник"] for n in range(ROSTER_MAX_ROWS + 1)]
    assert refused(xlsx(["ФИО", "Роль"], *rows)).key == "roster-refused-too-many-rows"


# Dates: one range check for typed and written dates ---------------------------------------------


def mentee_xlsx(start: object, end: object = None) -> bytes:
    return xlsx(
        ["ФИО", "Роль", "Наставник", "Начало", "Окончание"],
        ["Иванова Анна", "наставник", None, None, None],
        ["Сидорова Мария", "наставляемая", "Иванова Анна", start, end],
        ["Петров Пётр", "наставник", None, None, None],
    )


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        (date(9999, 12, 31), "31.12.9999"),
        (datetime(9999, 12, 31, 23, 59), "31.12.9999"),
        (date(1900, 1, 1), "01.01.1900"),
        (2958465, "31.12.9999"),  # the same date cell formatted as a number
    ],
    ids=["date-9999", "datetime-9999", "date-1900", "serial-9999"],
)
def test_typed_date_out_of_range_is_a_row_error_and_the_other_rows_are_read(
    typed: object, shown: str
) -> None:
    roster = parse_roster(mentee_xlsx(typed))
    assert [row.line for row in roster.rows] == [2, 4]
    assert roster.errors == [
        RowError(
            line=3,
            key="roster-row-date-out-of-range",
            args={"column": "start", "value": shown, "min": "01.01.2000", "max": "31.12.2100"},
        )
    ]


@pytest.mark.parametrize("written", ["31.12.9999", "1900-01-01", "31.12.2101", "31.12.1999"])
def test_written_date_out_of_range_is_the_same_row_error(written: str) -> None:
    error = only_error(parse_roster(mentee_row(Окончание=written)))
    assert (error.key, error.args["column"]) == ("roster-row-date-out-of-range", "end")


@pytest.mark.parametrize("written", ["01.01.2000", "31.12.2100"])
def test_dates_at_the_ends_of_the_range_are_accepted(written: str) -> None:
    row = only_row(parse_roster(mentee_row(Начало=written, Окончание="31.12.2100")))
    assert row.start is not None


def test_excel_serial_number_in_a_date_column_is_read_as_the_date() -> None:
    row = parse_roster(mentee_xlsx(46266, 46568.5)).rows[1]
    assert (row.start, row.end) == (date(2026, 9, 1), date(2027, 6, 30))


@pytest.mark.parametrize("typed", [10**9, -5, True, 0.5])
def test_a_number_that_is_no_date_is_a_bad_date(typed: object) -> None:
    roster = parse_roster(mentee_xlsx(typed))
    assert [(e.line, e.key) for e in roster.errors] in (
        [(3, "roster-row-bad-date")],
        [(3, "roster-row-date-out-of-range")],  # 0.5 is a time on 30.12.1899
    )


def test_start_in_the_last_year_without_an_end_is_reported_not_cut() -> None:
    error = only_error(parse_roster(mentee_row(Начало="31.12.2100")))
    assert (error.key, error.args) == (
        "roster-row-no-default-end",
        {"start": "31.12.2100", "max": "31.12.2100"},
    )


def test_start_in_the_last_year_with_an_end_is_read() -> None:
    row = only_row(parse_roster(mentee_row(Начало="01.01.2100", Окончание="31.12.2100")))
    assert (row.start, row.end) == (date(2100, 1, 1), date(2100, 12, 31))


# Names: normalised before they are matched or stored --------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "Иванова Анна\u00a0Петровна",
        "Иванова\u200b Анна Петровна",
        "\u202bИванова Анна Петровна\u202c",
        "Иванова\u2003Анна\u2060 Петровна\ufeff",
        "Иванова Анна\tПетровна",
    ],
    ids=["nbsp", "zero-width-space", "bidi-embedding", "em-space-word-joiner-bom", "tab"],
)
def test_invisible_and_unusual_characters_in_names_are_normalised(written: str) -> None:
    data = csv("ФИО;Роль;Наставник", f"{written};наставляемая;{written}")
    row = only_row(parse_roster(data))
    assert (row.full_name, row.mentor) == ("Иванова Анна Петровна", "Иванова Анна Петровна")


def test_names_are_nfkc_normalised() -> None:
    data = csv("ФИО;Роль", "Семе\u0308нова Ａнна;наставник")  # decomposed ё, full-width A
    assert only_row(parse_roster(data)).full_name == "Семёнова Aнна"


def test_department_and_order_lose_invisible_characters_but_keep_their_signs() -> None:
    data = csv(
        "ФИО;Роль;ПЦК;Наставник;Приказ",
        "Сидорова Мария;наставляемая;Отделение\u00a0№\u200b2;Иванова Анна;"
        "№ 112-к\u00a0от 28.08.2026",
    )
    row = only_row(parse_roster(data))
    assert (row.department, row.order_ref) == ("Отделение №2", "№ 112-к от 28.08.2026")


# A stray quote in a CSV ---------------------------------------------------------------------------


def lines_and_errors(roster: ParsedRoster) -> tuple[list[int], list[tuple[int, str]]]:
    return [row.line for row in roster.rows], [(e.line, e.key) for e in roster.errors]


def test_stray_quote_is_reported_on_its_line_and_the_rows_after_it_are_read() -> None:
    data = csv(
        "ФИО;Роль",
        "Иванова Анна;наставник",
        '"Петров Пётр;наставник',
        "Сидорова Мария;наставляемая",
        "Орлов Илья;наставляемый",
    )
    roster = parse_roster(data)
    assert lines_and_errors(roster) == ([2, 4, 5], [(3, "roster-row-unbalanced-quote")])
    assert roster.errors[0].args == {"value": '"Петров Пётр;наставник'}


def test_stray_quote_in_a_later_cell_and_on_the_last_line() -> None:
    data = csv(
        "ФИО;Роль;ПЦК",
        'Иванова Анна;наставник;"ПЦК физики',
        "",
        "Петров Пётр;наставник;ПЦК химии",
        'Орлов Илья;"наставник;',
    )
    assert lines_and_errors(parse_roster(data)) == (
        [4],
        [(2, "roster-row-unbalanced-quote"), (5, "roster-row-unbalanced-quote")],
    )


def test_two_stray_quotes_do_not_swallow_the_rows_between_them() -> None:
    data = csv(
        "ФИО;Роль",
        '"Иванова Анна;наставник',
        "Петров Пётр;наставник",
        'Сидорова Мария;"наставляемая',
        "Орлов Илья;наставляемый",
    )
    assert lines_and_errors(parse_roster(data)) == (
        [3, 5],
        [(2, "roster-row-unbalanced-quote"), (4, "roster-row-unbalanced-quote")],
    )


def test_quotes_that_close_are_not_stray() -> None:
    data = csv(
        "ФИО;Роль;ПЦК",
        'Иванова Анна;наставник;"ООО ""Энергосервис""\nцех 2"',
        'Петров Пётр;наставник;ООО "Ромашка"',
        '"Сидорова; Мария";наставник;',
    )
    roster = parse_roster(data)
    assert lines_and_errors(roster) == ([2, 3, 4], [])
    assert [row.department for row in roster.rows] == [
        'ООО "Энергосервис" цех 2',
        'ООО "Ромашка"',
        None,
    ]


def test_a_quoted_cell_of_many_lines_is_a_stray_quote() -> None:
    data = csv("ФИО;Роль", '"Иванова Анна', *["продолжение"] * 30, "Петров Пётр;наставник")
    roster = parse_roster(data)
    # Every line after the quote is read again on its own: none vanishes into one cell.
    assert roster.errors[0].line == 2
    assert [row.line for row in roster.rows] == [33]
    assert len(roster.errors) == 31


def test_a_file_of_stray_quotes_is_read_row_by_row() -> None:
    rows = [f'"Человек {n};наставник' for n in range(ROSTER_MAX_ROWS)]
    roster = parse_roster(csv("ФИО;Роль", *rows))
    assert roster.rows == []
    assert len(roster.errors) == ROSTER_MAX_ROWS
    assert {e.key for e in roster.errors} == {"roster-row-unbalanced-quote"}


# Exports from HR systems: title lines, three name columns, other names ---------------------------


def test_header_below_title_lines_keeps_spreadsheet_line_numbers() -> None:
    data = xlsx(
        ["Список сотрудников на 01.09.2026"],
        [None],
        ["ГБПОУ «Колледж связи»", None, None],
        ["№ п/п", "ФИО", "Должность", "Роль"],
        [1, "Иванова Анна Петровна", "преподаватель", "наставник"],
        [2, "Петров Пётр", "мастер п/о", "директор"],
    )
    roster = parse_roster(data)
    assert [(row.line, row.full_name) for row in roster.rows] == [(5, "Иванова Анна Петровна")]
    assert [(e.line, e.key) for e in roster.errors] == [(6, "roster-row-bad-role")]


def test_csv_header_below_a_title_line_and_its_delimiter_are_found() -> None:
    data = csv("Список сотрудников на 01.09.2026;;;", "ФИО,Роль,ПЦК", "Иванова Анна,наставник,ИТ")
    row = only_row(parse_roster(data))
    assert (row.line, row.full_name, row.department) == (3, "Иванова Анна", "ИТ")


def test_three_name_columns_are_joined_and_the_patronymic_is_optional() -> None:
    data = csv(
        "Табельный номер;Фамилия;Имя;Отчество;Подразделение;Роль",
        "0001;Иванова ;Анна;Петровна;ПЦК ИТ;наставник",
        "0002;Смит;Джон;;ПЦК языков;наставник",
        "0003;Петров;;Петрович;;наставник",
        "0004;;;;;наставник",
    )
    roster = parse_roster(data)
    assert [(row.full_name, row.department) for row in roster.rows] == [
        ("Иванова Анна Петровна", "ПЦК ИТ"),
        ("Смит Джон", "ПЦК языков"),
    ]
    assert [(e.line, e.key, e.args) for e in roster.errors] == [
        (4, "roster-row-no-name-part", {"column": "first_name"}),
        (5, "roster-row-no-name", {}),
    ]


def test_a_full_name_column_wins_over_the_name_parts() -> None:
    data = csv("ФИО;Фамилия;Имя;Роль", "Иванова Анна Петровна;Иванова;Анна;наставник")
    assert only_row(parse_roster(data)).full_name == "Иванова Анна Петровна"


@pytest.mark.parametrize(
    "name_column",
    ["Сотрудник", "Работник", "Ф.И.О.", "ФИО сотрудника", "Физическое лицо", "Employee"],
)
def test_hr_names_of_the_name_column(name_column: str) -> None:
    data = csv(f"{name_column};Должность;Роль", "Иванова Анна;преподаватель;наставник")
    assert only_row(parse_roster(data)).full_name == "Иванова Анна"


def test_header_missing_the_role_is_refused_naming_its_line() -> None:
    data = csv("Список сотрудников", "", "Фамилия;Имя;Отчество;Должность", "Иванова;Анна;;")
    error = refused(data)
    assert (error.key, error.args) == (
        "roster-refused-missing-columns",
        {"missing": "role", "line": 3},
    )


def test_surname_without_a_first_name_column_is_no_name() -> None:
    error = refused(csv("Фамилия;Роль", "Иванова;наставник"))
    assert error.args == {"missing": "full_name", "line": 1}


def test_header_is_looked_for_in_the_first_ten_filled_rows_only() -> None:
    titles = [f"Заголовок {n}" for n in range(HEADER_SEARCH_ROWS)]
    error = refused(csv(*titles, "", "ФИО;Роль", "Иванова Анна;наставник"))
    assert (error.key, error.args) == ("roster-refused-no-header", {"last": HEADER_SEARCH_ROWS})


def test_title_lines_do_not_count_toward_the_row_cap() -> None:
    rows = [f"Человек {n};наставник" for n in range(ROSTER_MAX_ROWS)]
    roster = parse_roster(csv("Список сотрудников", "на 01.09.2026", "ФИО;Роль", *rows))
    assert len(roster.rows) == ROSTER_MAX_ROWS
    too_many = csv("Список сотрудников", "ФИО;Роль", *rows, "Ещё Один;наставник")
    assert refused(too_many).key == "roster-refused-too-many-rows"

"""The figures of /stats by the programme's named rules, from plain rows: which pairs worked
in a period, which milestones count for plan completion and which were done on time, the
median wait for an answer; the period and department typed after /stats; the message bounded
however many departments there are."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.attention import counts_for_completion, done_on_time
from bot.domain.bounded import MESSAGE_LIMIT, text_length
from bot.domain.stats import (
    Period,
    StatsQuery,
    academic_year,
    count,
    match_department,
    parse_query,
    stats_text,
    weekly,
    worked_in,
)
from bot.i18n import I18n
from bot.rendering import render
from storage.feedback import AnsweredRow
from storage.stats import MeetingRow, MilestoneRow, PairRow, QuestionRow, StatsRows

TZ = ZoneInfo("Asia/Bishkek")
TODAY = date(2027, 1, 25)
YEAR = Period(date(2026, 9, 1), TODAY)


def _pair(status: str = "active", closed: datetime | None = None, dept: str = "ИТ") -> PairRow:
    return PairRow(1, dept, status, "pedagogical", date(2026, 9, 1), date(2027, 6, 30), closed)


def test_a_pair_worked_in_a_period_it_overlaps_by_local_days() -> None:
    # Closed at 20:00 UTC on 31 August: 1 September already in Bishkek.
    closed = datetime(2026, 8, 31, 20, 0, tzinfo=UTC)
    assert worked_in(date(2026, 9, 1), closed, YEAR, TZ)
    assert not worked_in(date(2026, 9, 1), closed - timedelta(hours=3), YEAR, TZ)
    assert not worked_in(date(2026, 9, 1), None, Period(date(2026, 1, 1), date(2026, 8, 31)), TZ)


def test_plan_completion_counts_settled_milestones_and_ones_reported_in_time() -> None:
    due = date(2027, 1, 10)
    in_time = datetime(2027, 1, 10, 17, 0, tzinfo=UTC)  # 23:00 on the 10th, local
    late = datetime(2027, 1, 10, 18, 0, tzinfo=UTC)  # 00:00 on the 11th, local
    assert counts_for_completion("planned", due, TODAY)
    assert not counts_for_completion("planned", TODAY, TODAY)  # due today: not settled yet
    assert counts_for_completion("accepted", date(2027, 6, 30), TODAY)  # accepted early
    assert done_on_time("accepted", due, in_time, TZ)
    assert not done_on_time("accepted", due, late, TZ)
    assert not done_on_time("submitted", due, in_time, TZ)
    assert done_on_time("accepted", due, None, TZ)  # accepted before reports were kept


def test_count_per_department_and_in_total() -> None:
    asked = datetime(2027, 1, 20, 3, 0, tzinfo=UTC)
    rows = StatsRows(
        pairs=[
            _pair(),
            _pair("completed", datetime(2026, 12, 20, tzinfo=UTC)),
            _pair("ended", datetime(2026, 11, 2, tzinfo=UTC), dept=""),
        ],
        milestones=[
            MilestoneRow("ИТ", date(2027, 1, 10), "accepted", datetime(2027, 1, 9, tzinfo=UTC)),
            MilestoneRow("ИТ", date(2027, 1, 10), "returned", None),
            MilestoneRow("ИТ", date(2027, 1, 12), "accepted", datetime(2027, 1, 20, tzinfo=UTC)),
            MilestoneRow("ИТ", date(2027, 6, 30), "planned", None),  # not due yet
        ],
        meetings=[
            MeetingRow("ИТ", asked, 60, "consultation"),
            MeetingRow("ИТ", asked, 45, "mentor_visit"),
            MeetingRow("", asked, 45, "open_lesson"),
        ],
        questions=[
            QuestionRow("ИТ", asked, asked + timedelta(hours=1)),
            QuestionRow("ИТ", asked, asked + timedelta(hours=3)),
            QuestionRow("ИТ", asked, asked + timedelta(hours=10)),
            QuestionRow("ИТ", asked, None),
        ],
        feedback=[
            AnsweredRow(1, "ИТ", "М", "Н", "mid", "mentee", asked, None, False, {"support": 4}),
            AnsweredRow(
                1,
                "ИТ",
                "М",
                "Н",
                "final",
                "mentee",
                asked,
                "Спасибо",
                True,
                {"support": 5, "confidence": 3},
            ),
            AnsweredRow(1, "", "М", "Н", "mid", "mentor", asked, None, False, {"methods": 2}),
        ],
    )
    stats = count(rows, YEAR, TODAY, TZ)
    it, none = stats.departments
    assert (it.name, none.name) == ("ИТ", "")  # no department last
    assert (it.active, it.completed, it.ended, none.ended) == (1, 1, 0, 1)
    assert (it.due, it.on_time, it.completion) == (3, 1, 33)
    assert (it.meetings, it.minutes, it.mentor_visits, it.mentee_visits) == (2, 105, 1, 0)
    assert (stats.total.meetings, stats.total.minutes, stats.total.open_lessons) == (3, 150, 1)
    assert (it.asked, it.median_wait) == (4, 180)
    assert stats.total.completion == 33 and none.completion is None
    assert (
        it.forms["mentee"],
        it.average("mentee", "support"),
        it.average("mentee", "usefulness"),
    ) == (
        2,
        4.5,
        None,
    )
    assert (it.comments, none.comments) == (1, 0)
    assert stats.total.average("mentor", "methods") == 2 and stats.total.forms["mentor"] == 1
    # 20 January 2027 is a Wednesday: its week is the one of Monday the 18th.
    weeks = weekly(stats.total, Period(date(2027, 1, 1), date(2027, 1, 25)))
    assert weeks == [
        (date(2026, 12, 28), 0),
        (date(2027, 1, 4), 0),
        (date(2027, 1, 11), 0),
        (date(2027, 1, 18), 3),
        (date(2027, 1, 25), 0),
    ]


def test_the_period_and_department_typed_after_stats() -> None:
    assert academic_year(date(2027, 1, 25)) == YEAR
    assert academic_year(date(2026, 9, 1)) == Period(date(2026, 9, 1), date(2026, 9, 1))
    assert parse_query(None, TODAY) == StatsQuery(YEAR, None)
    assert parse_query("  пцк ИТ ", TODAY) == StatsQuery(YEAR, "пцк ИТ")
    assert parse_query("01.09.2026 2026-12-31 ИТ", TODAY) == StatsQuery(
        Period(date(2026, 9, 1), date(2026, 12, 31)), "ИТ"
    )
    assert parse_query("01.09.2026", TODAY) == "stats-usage"
    assert parse_query("01.01.1900 01.01.2027", TODAY) == "stats-usage"  # the one range check
    assert parse_query("02.09.2026 01.09.2026", TODAY) == "stats-period-reversed"
    names = ["ПЦК ИТ", "ПЦК электротехники", "ПЦК ёлочных игрушек"]
    assert match_department("пцк  ит", names) == "ПЦК ИТ"
    assert match_department("электро", names) == "ПЦК электротехники"
    assert match_department("елочных", names) == "ПЦК ёлочных игрушек"
    assert match_department("ПЦК", names) is None  # more than one
    assert match_department("химия", names) is None


def test_stats_of_400_departments_with_long_names_fit_one_message(i18n: I18n) -> None:
    rows = StatsRows(
        pairs=[_pair(dept=f"ПЦК {'очень длинного названия ' * 5}№{n}") for n in range(400)],
        milestones=[],
        meetings=[],
        questions=[],
        feedback=[],
    )
    text = render(i18n.get("ru"), stats_text(count(rows, YEAR, TODAY, TZ)))
    assert text_length(text) <= MESSAGE_LIMIT
    assert "400 активных" in text and "и ещё" in text


def test_the_chart_is_a_png_of_the_weeks_and_the_departments() -> None:
    from bot.chart import draw

    labels = {"chart-meetings": "Встречи", "chart-completion": "В срок, %"}
    weeks = [(date(2026, 9, 7) + timedelta(days=7 * n), n % 4) for n in range(200)]
    departments = [(f"ПЦК {'длинное название ' * 4}{n}", n * 3) for n in range(40)]
    png = draw(weeks, departments, labels)
    assert png.startswith(b"\x89PNG")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == 1000 and height < 1000  # 15 departments at most: Telegram takes it
    assert draw(weeks, [], labels).startswith(b"\x89PNG")

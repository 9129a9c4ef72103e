from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.cron import crontab_trigger, last_fire_before, standard_days

BISHKEK = ZoneInfo("Asia/Bishkek")


def next_fire(expression: str, after: datetime) -> datetime:
    fire = crontab_trigger(expression, BISHKEK).get_next_fire_time(None, after)
    assert fire is not None
    return fire


def test_default_digest_fires_on_monday_at_nine_local() -> None:
    # 2026-11-27 is a Friday.
    fire = next_fire("0 9 * * 1", datetime(2026, 11, 27, 12, 0, tzinfo=BISHKEK))
    assert fire.astimezone(BISHKEK) == datetime(2026, 11, 30, 9, 0, tzinfo=BISHKEK)
    assert fire.astimezone(BISHKEK).strftime("%A") == "Monday"


@pytest.mark.parametrize("field", ["0", "7", "sun"])
def test_zero_and_seven_are_sunday(field: str) -> None:
    fire = next_fire(f"30 8 * * {field}", datetime(2026, 11, 27, 12, 0, tzinfo=BISHKEK))
    assert fire.astimezone(BISHKEK) == datetime(2026, 11, 29, 8, 30, tzinfo=BISHKEK)


def test_weekday_ranges_keep_their_standard_meaning() -> None:
    assert standard_days("1-5") == {1, 2, 3, 4, 5}
    assert standard_days("5-7") == {5, 6, 0}
    assert standard_days("*/2") == {0, 2, 4, 6}
    assert standard_days("mon,wed") == {1, 3}


def test_day_of_month_and_weekday_match_on_either() -> None:
    # The 1st of the month or any Monday: from Friday 27.11 the next is Monday 30.11.
    fire = next_fire("0 9 1 * 1", datetime(2026, 11, 27, 12, 0, tzinfo=BISHKEK))
    assert fire.astimezone(BISHKEK).date().isoformat() == "2026-11-30"


@pytest.mark.parametrize("expression", ["0 9 * *", "0 9 * * 8", "0 25 * * 1", "0 9 * * 5-2"])
def test_invalid_expressions_are_refused(expression: str) -> None:
    with pytest.raises(ValueError):
        crontab_trigger(expression, BISHKEK)


def test_the_last_fire_before_a_moment_within_a_window() -> None:
    tz = ZoneInfo("Asia/Bishkek")
    monday_nine = datetime(2027, 1, 25, 9, 0, tzinfo=tz)
    trigger = crontab_trigger("0 9 * * 1", tz)
    week = timedelta(days=7)
    assert last_fire_before(trigger, monday_nine + timedelta(minutes=5), week) == monday_nine
    assert last_fire_before(trigger, monday_nine, week) == monday_nine
    before = monday_nine - timedelta(minutes=1)
    assert last_fire_before(trigger, before, week) == monday_nine - week
    assert last_fire_before(trigger, before, timedelta(days=6)) is None

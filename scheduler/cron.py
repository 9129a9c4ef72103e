"""Standard five-field crontab expressions as APScheduler 3 triggers.

APScheduler's own `CronTrigger.from_crontab` counts day-of-week 0 as Monday, so "0 9 * * 1"
would fire on Tuesday. Here the day-of-week field keeps its standard meaning (0 and 7 = Sunday),
and, as in cron, a restricted day-of-month and day-of-week match on either.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

_DAY_NAMES = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}


def _day_number(token: str) -> int:
    token = token.strip().lower()
    if token in _DAY_NAMES:
        return _DAY_NAMES[token]
    if token.isdigit() and 0 <= int(token) <= 7:
        return int(token) % 7
    raise ValueError(f"bad day of week {token!r}")


def standard_days(field: str) -> set[int]:
    """The days (0 = Sunday … 6 = Saturday) that a crontab day-of-week field selects."""
    days: set[int] = set()
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) < 1:
                raise ValueError(f"bad step in day of week {field!r}")
            step = int(step_text)
        if part == "*":
            low, high = 0, 6
        elif "-" in part:
            first, last = part.split("-", 1)
            low = _day_number(first)
            # "5-7" ends on Sunday; keep 7 as the top of the range before folding it to 0.
            high = 7 if last.strip() == "7" else _day_number(last)
            if high < low:
                raise ValueError(f"bad range in day of week {field!r}")
        else:
            low = high = _day_number(part)
            if step != 1:
                high = 6
        days.update(d % 7 for d in range(low, high + 1, step))
    return days


def _apscheduler_days(field: str) -> str:
    if field == "*":
        return "*"
    # APScheduler numbers Monday as 0 and Sunday as 6.
    return ",".join(str((d - 1) % 7) for d in sorted(standard_days(field)))


def crontab_trigger(expression: str, timezone: tzinfo) -> BaseTrigger:
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"expected five crontab fields, got {expression!r}")
    minute, hour, day, month, day_of_week = fields
    common = {"minute": minute, "hour": hour, "month": month, "timezone": timezone}
    if day != "*" and day_of_week != "*":
        return OrTrigger(
            [
                CronTrigger(day=day, **common),
                CronTrigger(day_of_week=_apscheduler_days(day_of_week), **common),
            ]
        )
    return CronTrigger(day=day, day_of_week=_apscheduler_days(day_of_week), **common)


_WINDOWS = (timedelta(hours=1), timedelta(days=1), timedelta(days=8), timedelta(days=32))


def previous_fire(trigger: BaseTrigger, at: datetime) -> datetime | None:
    """The trigger's latest fire time at or before `at` within a year, found in the smallest
    window that holds one (a cron of every minute is not walked for a week)."""
    for window in (*_WINDOWS, timedelta(days=367)):
        fire = last_fire_before(trigger, at, window)
        if fire is not None:
            return fire
    return None


def last_fire_before(trigger: BaseTrigger, now: datetime, within: timedelta) -> datetime | None:
    """The trigger's latest fire time at or before `now`, if one falls within `within`."""
    last, moment = None, now - within
    while (fire := trigger.get_next_fire_time(None, moment)) is not None and fire <= now:
        last, moment = fire, fire + timedelta(seconds=1)
    return last


def fires_within(trigger: BaseTrigger, start: datetime, span: timedelta) -> bool:
    """Whether the trigger fires at `start` or within `span` after it."""
    fire = trigger.get_next_fire_time(None, start)
    return fire is not None and fire <= start + span

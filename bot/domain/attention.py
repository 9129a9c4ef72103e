"""The programme's rules of what needs attention, each named once and called by the reminders,
the weekly digest, a pair's card and a mentor's /mentees alike, so no two of them disagree:

- a milestone is **overdue** when its deadline has passed and it is not accepted — a report
  waiting for the mentor's decision included (the regulation's "not done on time");
- a milestone is **still to report** while the mentee has not sent it (planned, or returned):
  the deadline reminders and the overdue warnings go only for these, since a report waiting for
  a decision has the mentor reminded of it instead (MILESTONE_REVIEW);
- a question is **unanswered** once it has waited `QUESTION_REMIND_HOURS` open;
- a pair is **inactive** after `INACTIVITY_DAYS` with no held meeting (since its latest, or
  its start);
- a plan is **late** when it is not approved two weeks after the pair started;
- a milestone **counts for completion** once its deadline has passed or it is accepted, and is
  **done on time** when it is accepted and the report accepted was sent by its deadline (the
  share of these is the plan completion of /stats, the export and the reports).

Where a set-based read must say the same in SQL, storage/rules.py holds that form, and
tests/unit/test_rules_sql.py runs both over the same generated data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from bot.domain.reminders import WEEK, at_local
from storage.models import Milestone, MilestoneStatus

PLAN_WAITS = timedelta(days=14)  # a plan not approved this long after the pair started
ESCALATE_INACTIVE = timedelta(days=WEEK)  # still no meeting a week later: the admins are told


@dataclass(frozen=True, slots=True)
class Limits:
    """The settings these rules take (QUESTION_REMIND_HOURS, QUESTION_ESCALATE_HOURS,
    INACTIVITY_DAYS)."""

    question_remind: timedelta = timedelta(hours=24)
    question_escalate: timedelta = timedelta(hours=72)
    inactivity: timedelta = timedelta(days=14)

    @classmethod
    def of(cls, remind_hours: float, escalate_hours: float, inactivity_days: float) -> Limits:
        return cls(
            timedelta(hours=remind_hours),
            timedelta(hours=escalate_hours),
            timedelta(days=inactivity_days),
        )


def is_overdue(milestone: Milestone, today: date) -> bool:
    """Past its deadline and not accepted (a report waiting for a decision included)."""
    return is_overdue_on(milestone.status, milestone.due, today)


def is_overdue_on(status: str, due: date, today: date) -> bool:
    """is_overdue of a milestone read as plain values (a report's rows)."""
    return status != MilestoneStatus.ACCEPTED and due < today


def counts_for_completion(status: str, due: date, today: date) -> bool:
    """A milestone whose outcome is settled: its deadline has passed, or it is accepted early."""
    return status == MilestoneStatus.ACCEPTED or due < today


def done_on_time(status: str, due: date, reported_at: datetime | None, tz: tzinfo) -> bool:
    """Accepted, on the report sent by its deadline (local day); accepted with no report on
    record (before reports were kept) counts as on time."""
    if status != MilestoneStatus.ACCEPTED:
        return False
    return reported_at is None or reported_at.astimezone(tz).date() <= due


def still_to_report(milestone: Milestone) -> bool:
    """The mentee has not sent it, or it came back: the reminders of its deadline are for it."""
    return milestone.status in (MilestoneStatus.PLANNED, MilestoneStatus.RETURNED)


def question_unanswered(asked_at: datetime, now: datetime, limits: Limits) -> bool:
    """An open question waits too long once its mentor is reminded of it."""
    return asked_at + limits.question_remind <= now


def unanswered_since(now: datetime, limits: Limits) -> datetime:
    """The latest moment an open question can have been asked and count as unanswered now."""
    return now - limits.question_remind


def counted_from(start: date, entered_at: datetime, tz: tzinfo) -> date:
    """The day a pair's rules count from: its start, or, for a pair entered in the bot after it
    began (the roster imported at deployment), the local day it was entered: its meetings and
    plan before that are on paper, so it is not quiet, nor its plan late, from its first day in
    the bot. storage/migrations/015 keeps the same by the UTC day for the tick's reads."""
    return max(start, entered_at.astimezone(tz).date())


def plan_due(counted: date, tz: tzinfo) -> datetime:
    """When the plan should be approved: two weeks after the day the pair is counted from."""
    return at_local(counted + PLAN_WAITS, tz)


def plan_late(plan_status: str | None, counted: date, now: datetime, tz: tzinfo) -> bool:
    """Two weeks after the pair started (or was entered in the bot) its plan should be
    approved."""
    return plan_status != "approved" and plan_due(counted, tz) <= now


def quiet_since(last_held: datetime | None, counted: date, tz: tzinfo) -> datetime:
    """Since when a pair has had no held meeting: its latest one, or the day it is counted
    from (its start, or when it was entered in the bot)."""
    return last_held if last_held is not None else at_local(counted, tz)


def inactive_from(
    last_held: datetime | None, counted: date, tz: tzinfo, limits: Limits, *, admins: bool = False
) -> datetime:
    """When a pair becomes inactive (its people are told); with `admins`, when the admins are
    told, a week later."""
    due = quiet_since(last_held, counted, tz) + limits.inactivity
    return due + ESCALATE_INACTIVE if admins else due


def is_inactive(
    last_held: datetime | None, counted: date, now: datetime, tz: tzinfo, limits: Limits
) -> bool:
    return inactive_from(last_held, counted, tz, limits) <= now
